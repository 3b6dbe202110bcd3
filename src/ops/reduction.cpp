// Reductions. The kernel writes a keepdim-shaped result; non-keepdim outputs are views of it.
#include "deepseek/ops/reduction.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/shape.h"
#include "deepseek/ops/unary.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;
using autograd::save_output;

namespace {

Tensor num(double v) { return wrapped_scalar(v); }

// Sorted, unique, non-negative dims; empty input means all dims.
Dims normalize_dims(const Dims& dims, int64_t ndim, const char* op) {
  Dims out;
  if (dims.empty()) {
    for (int64_t d = 0; d < ndim; ++d) out.push_back(d);
    return out;
  }
  std::vector<bool> seen(std::max<int64_t>(ndim, 1), false);
  for (int64_t d : dims) {
    int64_t n = normalize_dim(d, ndim, op);
    DS_CHECK(!seen[n], RuntimeError, "{}: dim {} appears multiple times in the list of dims", op,
             n);
    seen[n] = true;
    if (ndim > 0) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Shape keepdim_shape(const Shape& in, const Dims& dims) {
  Shape s = in;
  for (int64_t d : dims) s[d] = 1;
  return s;
}

Shape reduced_shape(const Shape& in, const Dims& dims, bool keepdim) {
  if (keepdim) return keepdim_shape(in, dims);
  Shape s;
  for (int64_t i = 0; i < static_cast<int64_t>(in.size()); ++i) {
    if (!std::binary_search(dims.begin(), dims.end(), i)) s.push_back(in[i]);
  }
  return s;
}

int64_t reduced_count(const Shape& in, const Dims& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= in[d];
  return n;
}

// Runs the kernel and returns the result in the requested (keepdim or not) shape.
Tensor reduce_raw(ReduceOp op, const Tensor& x, const Dims& dims, bool keepdim, DType out_dtype) {
  Tensor out = empty_tensor(keepdim_shape(x.sizes(), dims), out_dtype, x.device());
  backend_for(x.device()).reduce(op, x, dims, out);
  if (keepdim) return out;
  Shape s = reduced_shape(x.sizes(), dims, false);
  return make_alias(out, s, contiguous_strides(s), 0);
}

// Gradient of a reduction output broadcast back to the input's shape.
Tensor expand_grad(const Tensor& g, const Shape& in_shape, const Dims& dims, bool keepdim) {
  Tensor gk = keepdim ? g : reshape(g, keepdim_shape(in_shape, dims));
  return expand(gk, in_shape);
}

void check_nonempty_extremum(const Tensor& x, const Dims& dims, const char* op) {
  for (int64_t d : dims) {
    DS_CHECK(x.size(d) != 0, IndexError,
             "{}(): Expected reduction dim {} to have non-zero size (input shape {}).", op, d,
             shape_str(x.sizes()));
  }
}

}  // namespace

Tensor sum(const Tensor& x, const Dims& dims_in, bool keepdim, std::optional<DType> dtype) {
  if (autocast::OpCast cast{"sum", {x}, dtype.has_value()})
    return sum(cast[0], dims_in, keepdim, dtype);
  const Dims dims = normalize_dims(dims_in, x.dim(), "sum");
  const DType out_dtype = dtype.value_or(is_integral(x.dtype(), true) ? DType::Int64 : x.dtype());
  // The kernel accumulates floats in double and integers in int64 and writes any out dtype,
  // so only a floating input summed as integers is converted first (each element truncated,
  // as in PyTorch).
  const bool truncate_first = dtype && is_floating(x.dtype()) && !is_floating(*dtype);
  Tensor xin = truncate_first ? convert_raw(x, *dtype, x.device()) : x;
  Tensor out = reduce_raw(ReduceOp::Sum, xin, dims, keepdim, out_dtype);
  if (autograd::needs_grad({x}) && is_floating(out_dtype)) {
    const Shape in_shape = x.sizes();
    autograd::record(dims_in.empty() ? "SumBackward0" : "SumBackward1", {x}, {out}, {},
                     [in_shape, dims, keepdim](const BackwardArgs& g) -> TensorList {
                       return {expand_grad(g.grad(), in_shape, dims, keepdim)};
                     });
  }
  return out;
}

Tensor mean(const Tensor& x, const Dims& dims_in, bool keepdim) {
  DS_CHECK(is_floating(x.dtype()), RuntimeError,
           "mean(): could not infer output dtype. Input dtype must be either a floating point or "
           "complex dtype. Got: {}",
           dtype_name(x.dtype()));
  const Dims dims = normalize_dims(dims_in, x.dim(), "mean");
  const int64_t n = reduced_count(x.sizes(), dims);
  if (itemsize(x.dtype()) < 4) {
    // bf16/fp16: divide in float32 and round once, not twice.
    return div(sum(x, dims, keepdim, DType::Float32), num(static_cast<double>(n))).to(x.dtype());
  }
  return div(sum(x, dims, keepdim), num(static_cast<double>(n)));
}

Tensor prod(const Tensor& x, const Dims& dims_in, bool keepdim) {
  if (autocast::OpCast cast{"prod", {x}}) return prod(cast[0], dims_in, keepdim);
  const Dims dims = normalize_dims(dims_in, x.dim(), "prod");
  const DType out_dtype = is_integral(x.dtype(), true) ? DType::Int64 : x.dtype();
  Tensor out = reduce_raw(ReduceOp::Prod, x, dims, keepdim, out_dtype);
  if (autograd::needs_grad({x})) {
    const Shape in_shape = x.sizes();
    autograd::record(
        "ProdBackward1", {x}, {out}, {save(x), save_output(out)},
        [in_shape, dims, keepdim](const BackwardArgs& g) -> TensorList {
          const Tensor &xs = g.saved[0], &ys = g.saved[1];
          // d prod / d x_i = product of the others; exact with zeros in the slice.
          Tensor is_zero = eq(xs, num(0));
          Tensor nonzero_prod = prod(where(is_zero, ones_like(xs), xs), dims, true);
          Tensor zero_count = sum(is_zero, dims, true);
          Tensor y = expand_grad(ys, in_shape, dims, keepdim);
          // With two zeros in the slice, each one's "others" product is 0 but not constant:
          // nonzero_prod * (the other zero) keeps second derivatives right.
          Tensor other_zero = sub(sum(where(is_zero, xs, zeros_like(xs)), dims, true), xs);
          Tensor at_zero =
              where(eq(zero_count, num(2)), mul(nonzero_prod, other_zero), zeros_like(xs));
          Tensor others =
              where(is_zero, where(eq(zero_count, num(1)), expand(nonzero_prod, in_shape), at_zero),
                    div(y, where(is_zero, ones_like(xs), xs)));
          return {mul(expand_grad(g.grad(), in_shape, dims, keepdim), others)};
        });
  }
  return out;
}

namespace {
Tensor extreme_value(const Tensor& x, const Dims& dims_in, bool keepdim, bool is_max,
                     const char* name) {
  const Dims dims = normalize_dims(dims_in, x.dim(), name);
  DS_CHECK(x.numel() != 0 || !dims_in.empty(), RuntimeError,
           "{}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
           "reduction dim with the 'dim' argument.",
           name);
  check_nonempty_extremum(x, dims, name);
  Tensor out = reduce_raw(is_max ? ReduceOp::Max : ReduceOp::Min, x, dims, keepdim, x.dtype());
  if (autograd::needs_grad({x})) {
    const Shape in_shape = x.sizes();
    autograd::record(
        is_max ? "AmaxBackward0" : "AminBackward0", {x}, {out}, {save(x), save_output(out)},
        [in_shape, dims, keepdim](const BackwardArgs& g) -> TensorList {
          // Ties share the gradient evenly.
          Tensor mask = eq(g.saved[0], expand_grad(g.saved[1], in_shape, dims, keepdim));
          Tensor count = sum(mask, dims, true);
          Tensor share =
              div(expand_grad(g.grad(), in_shape, dims, keepdim), expand(count, in_shape));
          return {where(mask, share, zeros_like(share))};
        });
  }
  return out;
}
}  // namespace

Tensor amax(const Tensor& x, const Dims& dims, bool keepdim) {
  return extreme_value(x, dims, keepdim, true, "amax");
}
Tensor amin(const Tensor& x, const Dims& dims, bool keepdim) {
  return extreme_value(x, dims, keepdim, false, "amin");
}
Tensor max(const Tensor& x) { return extreme_value(x, {}, false, true, "max"); }
Tensor min(const Tensor& x) { return extreme_value(x, {}, false, false, "min"); }

namespace {
std::tuple<Tensor, Tensor> extreme_with_index(const Tensor& x, int64_t dim, bool keepdim,
                                              bool is_max) {
  const char* name = is_max ? "max" : "min";
  const int64_t d = normalize_dim(dim, x.dim(), name);
  if (x.dim() > 0) {
    DS_CHECK(x.size(d) != 0, IndexError, "{}(): Expected reduction dim {} to have non-zero size.",
             name, d);
  }
  const Dims dims = x.dim() == 0 ? Dims{} : Dims{d};
  Shape ks = keepdim_shape(x.sizes(), dims);
  Tensor values = empty_tensor(ks, x.dtype(), x.device());
  Tensor indices = empty_tensor(ks, DType::Int64, x.device());
  backend_for(x.device())
      .arg_reduce(is_max ? ArgReduceOp::ArgMax : ArgReduceOp::ArgMin, x, d, values, indices);
  if (!keepdim) {
    Shape s = reduced_shape(x.sizes(), dims, false);
    values = make_alias(values, s, contiguous_strides(s), 0);
    indices = make_alias(indices, s, contiguous_strides(s), 0);
  }
  if (autograd::needs_grad({x})) {
    const Shape in_shape = x.sizes();
    autograd::record(
        is_max ? "MaxBackward0" : "MinBackward0", {x}, {values}, {save(indices)},
        [in_shape, dims, keepdim, d](const BackwardArgs& g) -> TensorList {
          // One-hot of the chosen index along d, times the gradient.
          if (in_shape.empty()) return {g.grad()};
          Shape pos_shape(in_shape.size(), 1);
          pos_shape[d] = in_shape[d];
          Tensor pos = reshape(
              arange(0, in_shape[d], 1, TensorOptions(DType::Int64).set_device(g.grad().device())),
              pos_shape);
          Tensor idx = keepdim ? g.saved[0] : reshape(g.saved[0], keepdim_shape(in_shape, dims));
          Tensor hit = eq(pos, idx);
          Tensor ge = expand_grad(g.grad(), in_shape, dims, keepdim);
          return {where(hit, ge, zeros_like(ge))};
        });
  }
  return {values, indices};
}

Tensor arg_extreme(const Tensor& x, std::optional<int64_t> dim, bool keepdim, bool is_max) {
  const char* name = is_max ? "argmax" : "argmin";
  if (!dim) {
    DS_CHECK(x.numel() > 0, IndexError,
             "{}(): Expected reduction dim to be specified for input.numel() == 0.", name);
    Tensor flat = reshape(x.detach(), {-1});
    Tensor idx = empty_tensor({1}, DType::Int64, x.device());
    backend_for(x.device())
        .arg_reduce(is_max ? ArgReduceOp::ArgMax : ArgReduceOp::ArgMin, flat, 0, Tensor(), idx);
    if (keepdim) return make_alias(idx, Shape(x.dim(), 1), Strides(x.dim(), 1), 0);
    return make_alias(idx, {}, {}, 0);
  }
  return std::get<1>(extreme_with_index(x.detach(), *dim, keepdim, is_max));
}
}  // namespace

std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_with_index(x, dim, keepdim, true);
}
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_with_index(x, dim, keepdim, false);
}
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_extreme(x, dim, keepdim, true);
}
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_extreme(x, dim, keepdim, false);
}

Tensor var(const Tensor& x, const Dims& dims_in, double correction, bool keepdim) {
  if (autocast::OpCast cast{"var", {x}}) return var(cast[0], dims_in, correction, keepdim);
  DS_CHECK(is_floating(x.dtype()), RuntimeError,
           "var(): input dtype should be floating point, got {}", dtype_name(x.dtype()));
  const Dims dims = normalize_dims(dims_in, x.dim(), "var");
  const double n = static_cast<double>(reduced_count(x.sizes(), dims));
  Tensor centered = sub(x, mean(x, dims, true));
  return div(sum(mul(centered, centered), dims, keepdim), num(std::max(0.0, n - correction)));
}

Tensor std(const Tensor& x, const Dims& dims, double correction, bool keepdim) {
  return sqrt(var(x, dims, correction, keepdim));
}

std::tuple<Tensor, Tensor> var_mean(const Tensor& x, const Dims& dims, double correction,
                                    bool keepdim) {
  return {var(x, dims, correction, keepdim), mean(x, dims, keepdim)};
}

std::tuple<Tensor, Tensor> std_mean(const Tensor& x, const Dims& dims, double correction,
                                    bool keepdim) {
  return {deepseek::std(x, dims, correction, keepdim), mean(x, dims, keepdim)};
}

Tensor logsumexp(const Tensor& x, const Dims& dims_in, bool keepdim) {
  if (autocast::OpCast cast{"logsumexp", {x}}) return logsumexp(cast[0], dims_in, keepdim);
  const Dims dims = normalize_dims(dims_in, x.dim(), "logsumexp");
  Tensor xf = is_floating(x.dtype()) ? x : x.to(default_float_dtype());
  if (xf.numel() == 0) return log(sum(exp(xf), dims, keepdim));
  // Shift by the (gradient-free) max so exp never overflows; infinite maxima shift by 0.
  Tensor m = amax(xf.detach(), dims, true);
  m = where(isinf(m), zeros_like(m), m);
  Tensor out = add(log(sum(exp(sub(xf, m)), dims, true)), m);
  if (keepdim) return out;
  return reshape(out, reduced_shape(x.sizes(), dims, false));
}

Tensor norm(const Tensor& x, const Scalar& p_in, const Dims& dims_in, bool keepdim) {
  if (autocast::OpCast cast{"norm", {x}}) return norm(cast[0], p_in, dims_in, keepdim);
  DS_CHECK(is_floating(x.dtype()), RuntimeError,
           "norm(): input dtype should be floating point, got {}", dtype_name(x.dtype()));
  const Dims dims = normalize_dims(dims_in, x.dim(), "norm");
  const double p = p_in.to_double();
  if (std::isinf(p)) return p > 0 ? amax(abs(x), dims, keepdim) : amin(abs(x), dims, keepdim);
  if (p == 0) return sum(ne(x, num(0)), dims, keepdim, x.dtype());
  if (p == 1) return sum(abs(x), dims, keepdim);
  // General p, with a backward that is 0 (not NaN) where the norm is 0, as in PyTorch.
  Tensor out;
  {
    autograd::GradModeGuard off(false);
    out = p == 2 ? sqrt(sum(mul(x, x), dims, keepdim))
                 : pow(sum(pow(abs(x), Scalar(p)), dims, keepdim), Scalar(1.0 / p));
  }
  if (autograd::needs_grad({x})) {
    const Shape in_shape = x.sizes();
    autograd::record("NormBackward1", {x}, {out}, {save(x), save_output(out)},
                     [in_shape, dims, keepdim, p](const BackwardArgs& g) -> TensorList {
                       const Tensor& xs = g.saved[0];
                       Tensor nrm = expand_grad(g.saved[1], in_shape, dims, keepdim);
                       Tensor ge = expand_grad(g.grad(), in_shape, dims, keepdim);
                       Tensor safe = where(eq(nrm, num(0)), ones_like(nrm), nrm);
                       Tensor d = p == 2 ? div(xs, safe)
                                         : div(mul(sign(xs), pow(abs(xs), Scalar(p - 1))),
                                               pow(safe, Scalar(p - 1)));
                       return {where(eq(nrm, num(0)), zeros_like(ge), mul(ge, d))};
                     });
  }
  return out;
}

Tensor all(const Tensor& x, const Dims& dims_in, bool keepdim) {
  return reduce_raw(ReduceOp::All, x, normalize_dims(dims_in, x.dim(), "all"), keepdim,
                    DType::Bool);
}
Tensor any(const Tensor& x, const Dims& dims_in, bool keepdim) {
  return reduce_raw(ReduceOp::Any, x, normalize_dims(dims_in, x.dim(), "any"), keepdim,
                    DType::Bool);
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.sizes() == shape) return x;
  const int64_t lead = x.dim() - static_cast<int64_t>(shape.size());
  DS_CHECK(lead >= 0, RuntimeError, "sum_to: cannot sum {} to the larger shape {}",
           shape_str(x.sizes()), shape_str(shape));
  Dims dims;
  for (int64_t i = 0; i < x.dim(); ++i) {
    if (i < lead) {
      dims.push_back(i);
    } else if (shape[i - lead] == 1 && x.size(i) != 1) {
      dims.push_back(i);
    } else {
      DS_CHECK(shape[i - lead] == x.size(i), RuntimeError,
               "sum_to: shape {} is not broadcastable to {}", shape_str(shape),
               shape_str(x.sizes()));
    }
  }
  if (dims.empty()) return reshape(x, shape);
  return reshape(sum(x, dims, true), shape);
}

// Tensor methods of this family.
Tensor Tensor::sum(const Dims& d, bool k, std::optional<DType> dt) const {
  return deepseek::sum(*this, d, k, dt);
}
Tensor Tensor::mean(const Dims& d, bool k) const { return deepseek::mean(*this, d, k); }
Tensor Tensor::prod(const Dims& d, bool k) const { return deepseek::prod(*this, d, k); }
Tensor Tensor::amax(const Dims& d, bool k) const { return deepseek::amax(*this, d, k); }
Tensor Tensor::amin(const Dims& d, bool k) const { return deepseek::amin(*this, d, k); }
Tensor Tensor::max() const { return deepseek::max(*this); }
Tensor Tensor::min() const { return deepseek::min(*this); }
std::tuple<Tensor, Tensor> Tensor::max(int64_t d, bool k) const {
  return deepseek::max(*this, d, k);
}
std::tuple<Tensor, Tensor> Tensor::min(int64_t d, bool k) const {
  return deepseek::min(*this, d, k);
}
Tensor Tensor::argmax(std::optional<int64_t> d, bool k) const {
  return deepseek::argmax(*this, d, k);
}
Tensor Tensor::argmin(std::optional<int64_t> d, bool k) const {
  return deepseek::argmin(*this, d, k);
}
Tensor Tensor::var(const Dims& d, double c, bool k) const { return deepseek::var(*this, d, c, k); }
Tensor Tensor::std(const Dims& d, double c, bool k) const { return deepseek::std(*this, d, c, k); }
Tensor Tensor::logsumexp(const Dims& d, bool k) const { return deepseek::logsumexp(*this, d, k); }
Tensor Tensor::norm(const Scalar& p, const Dims& d, bool k) const {
  return deepseek::norm(*this, p, d, k);
}
Tensor Tensor::all(const Dims& d, bool k) const { return deepseek::all(*this, d, k); }
Tensor Tensor::any(const Dims& d, bool k) const { return deepseek::any(*this, d, k); }

}  // namespace deepseek
