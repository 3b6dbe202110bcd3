// Layer, RMS, group and batch normalisation over one fused kernel pair (norm_forward /
// norm_backward). First-order gradients come from the fused backward kernel. When the
// backward is itself recorded (create_graph=True: grad mode is on inside the formula), the
// same gradient is computed from x with differentiable ops instead, recomputing the
// statistics so that their dependence on x is part of the graph: norms are therefore
// twice differentiable, at the cost of a slower backward only in that case.
#include "deepseek/ops/nn_norm.h"

#include <limits>

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"
#include "deepseek/ops/unary.h"
#include "nn_arguments.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;
using nn_detail::dense;

namespace {

// How one call lays x out: for the kernel, for reducing statistics (composite backward),
// and for broadcasting the per-channel weight.
struct NormLayout {
  NormParams p;
  Shape kernel_shape;  // [rows, cols] or [N, C, S]
  Shape stats_out;     // mean/rstd as the kernel writes them
  Shape stats_shape;   // x viewed so that statistics reduce over stat_dims
  Dims stat_dims;
  Shape channel_shape;  // x viewed so that weight broadcasts as weight_view
  Shape weight_view;
  Dims affine_dims;    // dims of channel_shape that dweight/dbias sum over
  Shape affine_shape;  // weight and bias: normalized_shape, or [C]
};

struct NormResult {
  Tensor out, mean, rstd;
};

DType stats_dtype(DType x) { return x == DType::Float64 ? DType::Float64 : DType::Float32; }

Tensor num(double v) { return wrapped_scalar(v); }

// The gradient formula in differentiable ops (used under create_graph). given_mean/rstd are
// the constant statistics of eval-mode batch norm (undefined otherwise).
TensorList composite_backward(const NormLayout& L, const BackwardArgs& g, const Tensor& x,
                              const Tensor& w, const Tensor& given_mean, const Tensor& given_rstd) {
  const bool rms = L.p.kind == NormKind::Rms;
  const bool given = L.p.use_given_stats;
  Tensor xs = reshape(x, L.stats_shape);
  Tensor xc, rstd;
  if (given) {
    rstd = reshape(given_rstd, L.weight_view).to(x.dtype());
    xc = sub(xs, reshape(given_mean, L.weight_view).to(x.dtype()));
  } else {
    xc = rms ? xs : sub(xs, mean(xs, L.stat_dims, true));
    Tensor var = mean(mul(xc, xc), L.stat_dims, true);
    rstd = rsqrt(add(var, num(L.p.eps)));
  }
  Tensor xhat = mul(xc, rstd);
  Tensor gc = reshape(g.grad(), L.channel_shape);
  Tensor gh = reshape(w.defined() ? mul(gc, reshape(w, L.weight_view)) : gc, L.stats_shape);
  TensorList r(3);
  if (g.needs(0)) {
    Tensor dx;
    if (given) {
      dx = mul(gh, rstd);
    } else {
      Tensor centred = rms ? gh : sub(gh, mean(gh, L.stat_dims, true));
      dx = mul(rstd, sub(centred, mul(xhat, mean(mul(gh, xhat), L.stat_dims, true))));
    }
    r[0] = reshape(dx, x.sizes());
  }
  if (g.needs(1)) {
    r[1] = reshape(sum(mul(gc, reshape(xhat, L.channel_shape)), L.affine_dims), L.affine_shape);
  }
  if (g.needs(2)) r[2] = reshape(sum(gc, L.affine_dims), L.affine_shape);
  return r;
}

// Forward through the kernel and the record step shared by every kind. For eval-mode batch
// norm, mean/rstd come in; otherwise the kernel computes them.
NormResult norm_core(const NormLayout& L, const Tensor& x, const Tensor& w_in, const Tensor& b_in,
                     Tensor mean, Tensor rstd) {
  const Tensor w = w_in.defined() ? w_in.to(x.dtype()) : w_in;
  const Tensor b = b_in.defined() ? b_in.to(x.dtype()) : b_in;
  const Tensor xk = reshape(dense(x), L.kernel_shape);
  Tensor out = empty_tensor(L.kernel_shape, x.dtype(), x.device());
  if (!L.p.use_given_stats) {
    const DType sd = stats_dtype(x.dtype());
    mean = L.p.kind == NormKind::Rms ? Tensor() : empty_tensor(L.stats_out, sd, x.device());
    rstd = empty_tensor(L.stats_out, sd, x.device());
  }
  backend_for(x.device()).norm_forward(L.p, xk, dense(w), dense(b), out, mean, rstd);
  out = reshape(out, x.sizes());
  if (autograd::needs_grad({x, w, b})) {
    const char* name = L.p.kind == NormKind::Layer   ? "NativeLayerNormBackward0"
                       : L.p.kind == NormKind::Rms   ? "RmsNormBackward0"
                       : L.p.kind == NormKind::Group ? "NativeGroupNormBackward0"
                                                     : "NativeBatchNormBackward0";
    autograd::record(
        name, {x, w, b}, {out}, {save(x), save(w), save(mean), save(rstd)},
        [L](const BackwardArgs& g) -> TensorList {
          const Tensor &x = g.saved[0], &w = g.saved[1], &mean = g.saved[2], &rstd = g.saved[3];
          if (autograd::GradMode::is_enabled()) {
            return composite_backward(L, g, x, w, mean, rstd);
          }
          const Device dev = x.device();
          Tensor gx = g.needs(0) ? empty_tensor(L.kernel_shape, x.dtype(), dev) : Tensor();
          Tensor gw = g.needs(1) ? empty_tensor(L.affine_shape, x.dtype(), dev) : Tensor();
          Tensor gb = g.needs(2) ? empty_tensor(L.affine_shape, x.dtype(), dev) : Tensor();
          backend_for(dev).norm_backward(L.p, reshape(dense(g.grad()), L.kernel_shape),
                                         reshape(dense(x), L.kernel_shape), dense(w), mean, rstd,
                                         gx, gw, gb);
          return {gx.defined() ? reshape(gx, x.sizes()) : gx, gw, gb};
        });
  }
  return {out, mean, rstd};
}

void check_floating(const char* op, const Tensor& x) {
  DS_CHECK(is_floating(x.dtype()), RuntimeError, "{}: \"{}\" not implemented for '{}'", op, op,
           dtype_name(x.dtype()));
}

// Layer and RMS norm share their validation and layout: [rows, cols] with cols the
// product of normalized_shape.
NormLayout row_layout(const char* op, NormKind kind, const Tensor& x, const Shape& normalized,
                      const Tensor& w, const Tensor& b, double eps) {
  check_floating(op, x);
  check_same_device(op, {x, w, b});
  const int64_t k = static_cast<int64_t>(normalized.size());
  DS_CHECK(k >= 1, RuntimeError,
           "{}: Expected normalized_shape to be at least 1-dimensional, i.e., containing at "
           "least one element, but got normalized_shape = {}",
           op, shape_str(normalized));
  const bool fits = x.dim() >= k && Shape(x.sizes().end() - k, x.sizes().end()) == normalized;
  DS_CHECK(fits, RuntimeError,
           "{}: Given normalized_shape={}, expected input with shape [*, {}], but got input of "
           "size{}",
           op, shape_str(normalized), fmt::join(normalized, ", "), shape_str(x.sizes()));
  for (const Tensor* t : {&w, &b}) {
    DS_CHECK(!t->defined() || t->sizes() == normalized, RuntimeError,
             "{}: Expected {} to be of same shape as normalized_shape, but got {} of shape {} and "
             "normalized_shape = {}",
             op, t == &w ? "weight" : "bias", t == &w ? "weight" : "bias", shape_str(t->sizes()),
             shape_str(normalized));
  }
  int64_t cols = 1;
  for (int64_t s : normalized) cols *= s;
  const int64_t rows = cols == 0 ? 0 : x.numel() / cols;
  NormLayout L;
  L.p.kind = kind;
  L.p.eps = eps;
  L.kernel_shape = {rows, cols};
  L.stats_out = {rows};
  L.stats_shape = L.kernel_shape;
  L.stat_dims = {1};
  L.channel_shape = L.kernel_shape;
  L.weight_view = {cols};
  L.affine_dims = {0};
  L.affine_shape = normalized;
  return L;
}

// [N, C, S] layouts of group and batch norm.
NormLayout channel_layout(NormKind kind, const Tensor& x, int64_t groups, double eps) {
  const int64_t N = x.size(0), C = x.size(1), S = C == 0 || N == 0 ? 0 : x.numel() / (N * C);
  NormLayout L;
  L.p.kind = kind;
  L.p.eps = eps;
  L.p.groups = groups;
  L.kernel_shape = {N, C, S};
  L.channel_shape = L.kernel_shape;
  L.weight_view = {1, C, 1};
  L.affine_dims = {0, 2};
  L.affine_shape = {C};
  if (kind == NormKind::Group) {
    L.stats_out = {N, groups};
    L.stats_shape = {N, groups, (C / groups) * S};
    L.stat_dims = {2};
  } else {
    L.stats_out = {C};
    L.stats_shape = L.kernel_shape;
    L.stat_dims = {0, 2};
  }
  return L;
}

void check_channel_vector(const char* op, const char* name, const Tensor& t, int64_t C) {
  DS_CHECK(!t.defined() || t.numel() == C, RuntimeError, "{}: {} should contain {} elements not {}",
           op, name, C, t.defined() ? t.numel() : 0);
}

}  // namespace

Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps) {
  if (autocast::OpCast cast{"layer_norm", {input, weight, bias}})
    return layer_norm(cast[0], normalized_shape, cast[1], cast[2], eps);
  NormLayout L =
      row_layout("layer_norm", NormKind::Layer, input, normalized_shape, weight, bias, eps);
  return norm_core(L, input, weight, bias, {}, {}).out;
}

Tensor rms_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight,
                std::optional<double> eps) {
  if (autocast::OpCast cast{"rms_norm", {input, weight}})
    return rms_norm(cast[0], normalized_shape, cast[1], eps);
  check_floating("rms_norm", input);
  double e = 0;
  if (eps) {
    e = *eps;
  } else {
    switch (input.dtype()) {
      case DType::Float64:
        e = std::numeric_limits<double>::epsilon();
        break;
      case DType::Float16:
        e = 0.0009765625;
        break;
      case DType::BFloat16:
        e = 0.0078125;
        break;
      default:
        e = std::numeric_limits<float>::epsilon();
    }
  }
  NormLayout L = row_layout("rms_norm", NormKind::Rms, input, normalized_shape, weight, {}, e);
  return norm_core(L, input, weight, {}, {}, {}).out;
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias,
                  double eps) {
  if (autocast::OpCast cast{"group_norm", {input, weight, bias}})
    return group_norm(cast[0], num_groups, cast[1], cast[2], eps);
  check_floating("group_norm", input);
  check_same_device("group_norm", {input, weight, bias});
  DS_CHECK(input.dim() >= 2, RuntimeError,
           "group_norm: Expected at least 2 dimensions for input tensor but received {}",
           input.dim());
  const int64_t C = input.size(1);
  DS_CHECK(num_groups > 0 && C % num_groups == 0, RuntimeError,
           "group_norm: Expected number of channels in input to be divisible by num_groups, but "
           "got input of shape {} and num_groups={}",
           shape_str(input.sizes()), num_groups);
  for (const Tensor* t : {&weight, &bias}) {
    DS_CHECK(!t->defined() || (t->dim() == 1 && t->numel() == C), RuntimeError,
             "group_norm: Expected {} to be a vector of size equal to the number of channels in "
             "input, but got {} of shape {} and input of shape {}",
             t == &weight ? "weight" : "bias", t == &weight ? "weight" : "bias",
             shape_str(t->sizes()), shape_str(input.sizes()));
  }
  NormLayout L = channel_layout(NormKind::Group, input, num_groups, eps);
  return norm_core(L, input, weight, bias, {}, {}).out;
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum,
                  double eps) {
  if (autocast::OpCast cast{"batch_norm", {input, weight, bias}}) {
    return batch_norm(cast[0], running_mean, running_var, cast[1], cast[2], training, momentum,
                      eps);
  }
  const char* op = "batch_norm";
  check_floating(op, input);
  check_same_device(op, {input, running_mean, running_var, weight, bias});
  DS_CHECK(input.dim() >= 2, ValueError,
           "batch_norm: expected 2D or more input (got {}D input of size {})", input.dim(),
           shape_str(input.sizes()));
  const int64_t C = input.size(1);
  check_channel_vector(op, "running_mean", running_mean, C);
  check_channel_vector(op, "running_var", running_var, C);
  check_channel_vector(op, "weight", weight, C);
  check_channel_vector(op, "bias", bias, C);
  NormLayout L = channel_layout(NormKind::Batch, input, 1, eps);
  const int64_t per_channel = C == 0 ? 0 : input.numel() / C;
  if (!training) {
    DS_CHECK(running_mean.defined() && running_var.defined(), RuntimeError,
             "batch_norm: running_mean and running_var must be defined in evaluation mode");
    L.p.use_given_stats = true;
    const DType sd = stats_dtype(input.dtype());
    Tensor mean, rstd;
    {
      autograd::NoGradGuard no_grad;
      mean = contiguous(reshape(running_mean, {C}).to(sd));
      rstd = contiguous(rsqrt(add(reshape(running_var, {C}).to(sd), num(eps))));
    }
    return norm_core(L, input, weight, bias, mean, rstd).out;
  }
  DS_CHECK(per_channel > 1, ValueError,
           "Expected more than 1 value per channel when training, got input size {}",
           shape_str(input.sizes()));
  NormResult r = norm_core(L, input, weight, bias, {}, {});
  // Running statistics from the kernel's mean and 1/sqrt(var + eps): no second pass over x.
  autograd::NoGradGuard no_grad;
  const double n = static_cast<double>(per_channel);
  if (running_mean.defined()) {
    Tensor batch_mean = reshape(r.mean, running_mean.sizes());
    copy_(running_mean, add(mul(running_mean, num(1 - momentum)), mul(batch_mean, num(momentum))));
  }
  if (running_var.defined()) {
    Tensor biased = sub(reciprocal(mul(r.rstd, r.rstd)), num(eps));
    Tensor unbiased = reshape(mul(biased, num(n / (n - 1))), running_var.sizes());
    copy_(running_var, add(mul(running_var, num(1 - momentum)), mul(unbiased, num(momentum))));
  }
  return r.out;
}

}  // namespace deepseek
