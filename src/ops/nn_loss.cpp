// Loss functions, composed of differentiable ops (so they run on every backend and are
// twice differentiable). Cross-entropy is log_softmax (max-subtracted, stable) followed by
// a gather of the target classes; with class-index targets it records one node of its own
// whose backward, softmax(x) * rowsum(Q) - Q, takes a few passes over the logits instead of
// the longer chain through log_softmax and gather. Binary cross-entropy with logits records
// its own sigmoid-based backward, exact where the stable forward expression has a kink.
#include "deepseek/ops/nn_loss.h"

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"
#include "deepseek/ops/softmax.h"
#include "deepseek/ops/unary.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;

namespace {

Tensor num(double v) { return wrapped_scalar(v); }

void check_reduction(const std::string& reduction, bool allow_batchmean = false) {
  DS_CHECK(reduction == "none" || reduction == "mean" || reduction == "sum" ||
               (allow_batchmean && reduction == "batchmean"),
           ValueError, "{} is not a valid value for reduction", reduction);
}

Tensor reduce(const Tensor& loss, const std::string& reduction) {
  check_reduction(reduction);
  if (reduction == "mean") return mean(loss);
  if (reduction == "sum") return sum(loss);
  return loss;
}

void check_floating(const char* op, const Tensor& x) {
  DS_CHECK(is_floating(x.dtype()), RuntimeError, "{}: \"{}\" not implemented for '{}'", op, op,
           dtype_name(x.dtype()));
}

// Class-index targets: validates shapes and values against input [N, C, *] (or [C] with a
// 0-dim target, handled by the caller) and returns the target as int64.
Tensor checked_class_target(const char* op, const Tensor& input, const Tensor& target,
                            int64_t ignore_index) {
  DS_CHECK(target.dtype() == DType::Int64 || target.dtype() == DType::Int32, RuntimeError,
           "{}: expected scalar type Long but found {} (class-index targets must be int64)", op,
           dtype_name(target.dtype()));
  DS_CHECK(input.dim() >= 2, ValueError, "{}: Expected 1 or more dimensions (got {})", op,
           input.dim());
  DS_CHECK(input.size(0) == target.size(0) || target.dim() == 0, ValueError,
           "Expected input batch_size ({}) to match target batch_size ({}).", input.size(0),
           target.dim() == 0 ? 0 : target.size(0));
  Shape expect = input.sizes();
  expect.erase(expect.begin() + 1);
  DS_CHECK(target.sizes() == expect, RuntimeError,
           "{}: Expected target size {}, got {} (input has size {})", op, shape_str(expect),
           shape_str(target.sizes()), shape_str(input.sizes()));
  Tensor t = convert_raw(target, DType::Int64, target.device());
  const int64_t C = input.size(1);
  // Out-of-range classes must raise, never index memory: find the first one on the host.
  Tensor bad = logical_and(logical_or(lt(t, num(0)), ge(t, wrapped_scalar(C))),
                           ne(t, wrapped_scalar(ignore_index)));
  if (t.numel() > 0 && any(bad).item<bool>()) {
    const int64_t value = masked_select(t, bad).select(0, 0).item<int64_t>();
    DS_THROW(IndexError, "Target {} is out of bounds.", value);
  }
  return t;
}

void check_class_weight(const char* op, const Tensor& weight, int64_t C) {
  DS_CHECK(!weight.defined() || (weight.dim() == 1 && weight.numel() == C), RuntimeError,
           "{}: weight tensor should be defined either for all {} classes or no classes but got "
           "weight tensor of shape: {}",
           op, C, shape_str(weight.sizes()));
}

// The per-element loss and weight of an nll over batched input [N, C, *] and a validated
// target [N, *]: ignored elements get weight 0.
struct Picked {
  Tensor loss, weight;
};
Picked nll_terms(const Tensor& logp, const Tensor& t, const Tensor& weight, int64_t ignore_index) {
  Tensor ignored = eq(t, wrapped_scalar(ignore_index));
  Tensor safe = masked_fill(t, ignored, Scalar(int64_t{0}));
  Tensor picked = squeeze(gather(logp, 1, unsqueeze(safe, 1)), 1);
  Tensor w = weight.defined() ? reshape(index_select(weight, 0, reshape(safe, {-1})), t.sizes())
                              : ones_like(picked);
  w = masked_fill(w, ignored, 0);
  return {neg(mul(picked, w)), w};
}

Tensor reduce_weighted(const Picked& p, const std::string& reduction) {
  if (reduction == "none") return p.loss;
  if (reduction == "sum") return sum(p.loss);
  return div(sum(p.loss), sum(p.weight));  // all ignored: 0 / 0 = nan, as PyTorch
}

// Unbatched [C] input with a 0-dim target runs as a batch of one.
struct Batched {
  Tensor input, target;
  bool unbatched;
};
Batched batch_of_one(const Tensor& input, const Tensor& target, bool class_target) {
  const bool unbatched = input.dim() == 1 && (class_target ? target.dim() == 0 : true);
  if (!unbatched) return {input, target, false};
  return {unsqueeze(input, 0), unsqueeze(target, 0), true};
}
Tensor unbatch(const Tensor& loss, bool unbatched, const std::string& reduction) {
  return unbatched && reduction == "none" ? squeeze(loss, 0) : loss;
}

// Shape to view a [C] class weight so it broadcasts along dim 1 of an [N, C, *] tensor.
Shape class_dim_shape(const Tensor& input) {
  Shape s(input.dim(), 1);
  s[1] = input.size(1);
  return s;
}

// log1p(exp(-|x|)) + max(-x, 0) = log(1 + exp(-x)), finite for every x.
Tensor softplus_neg(const Tensor& x) {
  return add(log1p(exp(neg(abs(x)))), clamp(neg(x), Scalar(0.0), std::nullopt));
}

// Elementwise (1 - y) x + lw * softplus(-x), lw = 1 + (pos_weight - 1) y; the backward
// d/dx = (1 - y) - lw * sigmoid(-x) uses sigmoid, exact at x = 0 where the forward's |x|
// has its kink.
Tensor bce_logits_terms(const Tensor& x, const Tensor& y, const Tensor& pw) {
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    Tensor sp = softplus_neg(x);
    Tensor lw = pw.defined() ? add(mul(sub(pw, num(1)), y), num(1)) : Tensor();
    out = add(mul(sub(num(1), y), x), lw.defined() ? mul(lw, sp) : sp);
  }
  if (autograd::needs_grad({x, y, pw})) {
    autograd::record("BinaryCrossEntropyWithLogitsBackward0", {x, y, pw}, {out},
                     {save(x), save(y), save(pw)}, [](const BackwardArgs& g) -> TensorList {
                       const Tensor &x = g.saved[0], &y = g.saved[1], &pw = g.saved[2];
                       TensorList r(3);
                       Tensor lw = pw.defined() ? add(mul(sub(pw, num(1)), y), num(1)) : Tensor();
                       if (g.needs(0)) {
                         Tensor sn = sigmoid(neg(x));
                         Tensor d = sub(sub(num(1), y), lw.defined() ? mul(lw, sn) : sn);
                         r[0] = sum_to(mul(g.grad(), d), x.sizes());
                       }
                       if (g.needs(1)) {
                         Tensor d = neg(x);
                         if (pw.defined()) d = add(d, mul(sub(pw, num(1)), softplus_neg(x)));
                         r[1] = sum_to(mul(g.grad(), d), y.sizes());
                       }
                       if (g.needs(2)) {
                         r[2] = sum_to(mul(g.grad(), mul(y, softplus_neg(x))), pw.sizes());
                       }
                       return r;
                     });
  }
  return out;
}

// Class-index cross-entropy: what the forward computes and the backward needs.
struct ClassTarget {
  Tensor target;  // validated int64 [N, *]
  int64_t ignore_index;
  double label_smoothing;
  std::string reduction;
};
struct ClassLoss {
  Tensor loss;
  Tensor safe_target;    // ignored entries replaced by class 0
  Tensor target_weight;  // weight[target] (or 1), 0 where ignored
  Tensor kept;           // 1 where not ignored, 0 where ignored (input's dtype)
};

// (1 - eps) * nll + eps / C * smoothing term, PyTorch's formula: the smoothing term is
// -sum_c logp * w_c per element, ignored elements zeroed, and "mean" normalises both by
// the summed target weights.
ClassLoss class_index_loss(const Tensor& logp, const ClassTarget& ct, const Tensor& w) {
  const int64_t C = logp.size(1);
  const double eps = ct.label_smoothing;
  Tensor ignored = eq(ct.target, wrapped_scalar(ct.ignore_index));
  Picked terms = nll_terms(logp, ct.target, w, ct.ignore_index);
  ClassLoss r;
  r.safe_target = masked_fill(ct.target, ignored, Scalar(int64_t{0}));
  r.target_weight = terms.weight;
  r.kept = logical_not(ignored).to(logp.dtype());
  Tensor nll = reduce_weighted(terms, ct.reduction);
  if (eps == 0) {
    r.loss = nll;
    return r;
  }
  Tensor weighted = w.defined() ? mul(logp, reshape(w, class_dim_shape(logp))) : logp;
  Tensor smooth = masked_fill(neg(sum(weighted, {1})), ignored, 0);
  Tensor smooth_r = ct.reduction == "none"  ? smooth
                    : ct.reduction == "sum" ? sum(smooth)
                                            : div(sum(smooth), sum(terms.weight));
  r.loss = add(mul(nll, num(1 - eps)), mul(smooth_r, num(eps / C)));
  return r;
}

// d(loss)/d(logits). The loss is -sum(Q * log_softmax(x)) with the target mass
// Q = a_n at the target class + b_n * w_c (label smoothing), a and b scaled by the incoming
// gradient and the reduction; its gradient is softmax(x) * rowsum(Q) - Q, in
// differentiable ops of the saved logits (so the loss is twice differentiable). First order,
// the target column is subtracted in place: a few passes over [N, C] in all.
Tensor cross_entropy_backward(const Tensor& grad, const TensorList& saved, const ClassTarget& ct) {
  const Tensor &x = saved[0], &t = saved[1], &wt = saved[2], &kept = saved[3], &w = saved[4];
  const bool graph = autograd::GradMode::is_enabled();
  const int64_t C = x.size(1);
  const double eps = ct.label_smoothing;
  Tensor scale = ct.reduction == "mean" ? div(grad, sum(wt)) : grad;
  Tensor a = mul(mul(scale, wt), num(1 - eps));
  Tensor rowsum = a, b;
  if (eps > 0) {
    b = mul(mul(scale, kept), num(eps / C));
    Tensor total_w = w.defined() ? sum(w) : num(static_cast<double>(C));
    rowsum = add(a, mul(b, total_w));
  }
  Tensor p = softmax(x, 1);  // part of the graph under create_graph
  Tensor gx = mul(p, unsqueeze(rowsum, 1));
  if (b.defined()) {
    gx = sub(gx,
             w.defined() ? mul(unsqueeze(b, 1), reshape(w, class_dim_shape(x))) : unsqueeze(b, 1));
  }
  Tensor index = unsqueeze(t, 1);
  Tensor minus_a = unsqueeze(neg(a), 1);
  if (graph) return scatter_add(gx, 1, index, expand(minus_a, index.sizes()));
  // gx is a fresh tensor outside the graph: subtract a at the targets in place.
  Tensor src = contiguous(expand(minus_a, index.sizes()).to(gx.dtype()));
  backend_for(gx.device()).scatter(gx, 1, contiguous(index), src, true);
  return gx;
}

}  // namespace

Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight,
                int64_t ignore_index, const std::string& reduction) {
  if (autocast::OpCast cast{"nll_loss", {input, target, weight}})
    return nll_loss(cast[0], cast[1], cast[2], ignore_index, reduction);
  check_reduction(reduction);
  check_floating("nll_loss", input);
  check_same_device("nll_loss", {input, target, weight});
  DS_CHECK(input.dim() >= 1, ValueError, "nll_loss: Expected 1 or more dimensions (got 0)");
  Batched b = batch_of_one(input, target, true);
  check_class_weight("nll_loss", weight, b.input.size(1));
  Tensor t = checked_class_target("nll_loss", b.input, b.target, ignore_index);
  Tensor w = weight.defined() ? weight.to(input.dtype()) : weight;
  return unbatch(reduce_weighted(nll_terms(b.input, t, w, ignore_index), reduction), b.unbatched,
                 reduction);
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight,
                     int64_t ignore_index, const std::string& reduction, double label_smoothing) {
  if (autocast::OpCast cast{"cross_entropy", {input, target, weight}})
    return cross_entropy(cast[0], cast[1], cast[2], ignore_index, reduction, label_smoothing);
  const char* op = "cross_entropy";
  check_reduction(reduction);
  check_floating(op, input);
  check_same_device(op, {input, target, weight});
  DS_CHECK(label_smoothing >= 0 && label_smoothing <= 1, RuntimeError,
           "cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: {}", label_smoothing);
  DS_CHECK(input.dim() >= 1, ValueError, "cross_entropy: Expected 1 or more dimensions (got 0)");
  const bool probabilities = is_floating(target.dtype());
  if (probabilities) {
    DS_CHECK(target.sizes() == input.sizes(), RuntimeError,
             "cross_entropy: expected target of dtype int64 (class indices) or of the input's "
             "shape {} (class probabilities), but got a {} target of shape {}",
             shape_str(input.sizes()), dtype_name(target.dtype()), shape_str(target.sizes()));
    DS_CHECK(ignore_index < 0, RuntimeError,
             "cross_entropy: ignore_index is not supported for floating point target");
  }
  Batched b = batch_of_one(input, target, !probabilities);
  const int64_t C = b.input.size(1);
  check_class_weight(op, weight, C);
  Tensor w = weight.defined() ? weight.to(input.dtype()) : weight;
  if (probabilities) {
    Tensor logp = log_softmax(b.input, 1);
    Tensor y = b.target.to(input.dtype());
    if (label_smoothing > 0) y = add(mul(y, num(1 - label_smoothing)), num(label_smoothing / C));
    Tensor prod = mul(logp, y);
    if (w.defined()) prod = mul(prod, reshape(w, class_dim_shape(b.input)));
    Tensor loss = neg(sum(prod, {1}));
    Tensor r = reduction == "mean"  ? div(sum(loss), num(static_cast<double>(loss.numel())))
               : reduction == "sum" ? sum(loss)
                                    : loss;
    return unbatch(r, b.unbatched, reduction);
  }
  Tensor t = checked_class_target(op, b.input, b.target, ignore_index);
  const ClassTarget ct{t, ignore_index, label_smoothing, reduction};
  if (w.defined() && w.requires_grad()) {  // a gradient for the class weights: compose
    return unbatch(class_index_loss(log_softmax(b.input, 1), ct, w).loss, b.unbatched, reduction);
  }
  // Our own node on the logits, whose backward takes a few passes over [N, C] instead of
  // log_softmax's and gather's backward chains. It saves the logits (as much memory as
  // log_softmax's saved output) and recomputes the softmax from them.
  ClassLoss cl;
  {
    autograd::NoGradGuard no_grad;
    cl = class_index_loss(log_softmax(b.input, 1), ct, w);
  }
  if (!autograd::needs_grad({b.input})) return unbatch(cl.loss, b.unbatched, reduction);
  autograd::record(
      "CrossEntropyLossBackward0", {b.input}, {cl.loss},
      {save(b.input), save(cl.safe_target), save(cl.target_weight), save(cl.kept), save(w)},
      [ct](const BackwardArgs& g) -> TensorList {
        return {cross_entropy_backward(g.grad(), g.saved, ct)};
      });
  return unbatch(cl.loss, b.unbatched, reduction);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, const std::string& reduction) {
  if (autocast::OpCast cast{"mse_loss", {input, target}})
    return mse_loss(cast[0], cast[1], reduction);
  check_reduction(reduction);
  Tensor d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, const std::string& reduction) {
  if (autocast::OpCast cast{"l1_loss", {input, target}})
    return l1_loss(cast[0], cast[1], reduction);
  check_reduction(reduction);
  return reduce(abs(sub(input, target)), reduction);
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const std::string& reduction,
                      double beta) {
  if (autocast::OpCast cast{"smooth_l1_loss", {input, target}})
    return smooth_l1_loss(cast[0], cast[1], reduction, beta);
  check_reduction(reduction);
  DS_CHECK(beta >= 0, RuntimeError, "smooth_l1_loss does not support negative values for beta.");
  Tensor d = abs(sub(input, target));
  if (beta == 0) return reduce(d, reduction);
  Tensor quad = div(mul(mul(d, d), num(0.5)), num(beta));
  return reduce(where(lt(d, num(beta)), quad, sub(d, num(0.5 * beta))), reduction);
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const std::string& reduction,
                  double delta) {
  if (autocast::OpCast cast{"huber_loss", {input, target}})
    return huber_loss(cast[0], cast[1], reduction, delta);
  check_reduction(reduction);
  DS_CHECK(delta > 0, RuntimeError, "huber_loss does not support non-positive values for delta.");
  Tensor d = abs(sub(input, target));
  Tensor quad = mul(mul(d, d), num(0.5));
  return reduce(where(lt(d, num(delta)), quad, mul(sub(d, num(0.5 * delta)), num(delta))),
                reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight, const std::string& reduction,
                                        const Tensor& pos_weight) {
  if (autocast::OpCast cast{"binary_cross_entropy_with_logits",
                            {input, target, weight, pos_weight}}) {
    return binary_cross_entropy_with_logits(cast[0], cast[1], cast[2], reduction, cast[3]);
  }
  check_reduction(reduction);
  check_floating("binary_cross_entropy_with_logits", input);
  check_same_device("binary_cross_entropy_with_logits", {input, target, weight, pos_weight});
  DS_CHECK(target.sizes() == input.sizes(), ValueError,
           "Target size ({}) must be the same as input size ({})", shape_str(target.sizes()),
           shape_str(input.sizes()));
  Tensor y = target.to(input.dtype());
  Tensor pw = pos_weight.defined() ? pos_weight.to(input.dtype()) : pos_weight;
  if (pw.defined()) {
    broadcast_shapes(pw.sizes(), input.sizes(), "binary_cross_entropy_with_logits");
  }
  Tensor loss = bce_logits_terms(input, y, pw);
  if (weight.defined()) loss = mul(loss, weight.to(input.dtype()));
  return reduce(loss, reduction);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight,
                            const std::string& reduction) {
  if (autocast::OpCast cast{"binary_cross_entropy", {input, target, weight}})
    return binary_cross_entropy(cast[0], cast[1], cast[2], reduction);
  check_reduction(reduction);
  check_floating("binary_cross_entropy", input);
  DS_CHECK(target.sizes() == input.sizes(), ValueError,
           "Using a target size ({}) that is different to the input size ({}) is deprecated. "
           "Please ensure they have the same size.",
           shape_str(target.sizes()), shape_str(input.sizes()));
  if (input.numel() > 0) {
    autograd::NoGradGuard no_grad;
    const bool in_range = all(logical_and(ge(input, num(0)), le(input, num(1)))).item<bool>();
    DS_CHECK(in_range, RuntimeError,
             "binary_cross_entropy: all elements of input should be between 0 and 1");
  }
  Tensor y = target.to(input.dtype());
  Tensor log_p = clamp(log(input), Scalar(-100.0), std::nullopt);
  Tensor log_q = clamp(log(sub(num(1), input)), Scalar(-100.0), std::nullopt);
  Tensor loss = neg(add(mul(y, log_p), mul(sub(num(1), y), log_q)));
  if (weight.defined()) loss = mul(loss, weight.to(input.dtype()));
  return reduce(loss, reduction);
}

Tensor kl_div(const Tensor& input, const Tensor& target, const std::string& reduction,
              bool log_target) {
  if (autocast::OpCast cast{"kl_div", {input, target}})
    return kl_div(cast[0], cast[1], reduction, log_target);
  check_reduction(reduction, true);
  Tensor loss;
  if (log_target) {
    loss = mul(exp(target), sub(target, input));
  } else {
    // xlogy(t, t) - t * input, with 0 * log 0 = 0.
    Tensor positive = gt(target, num(0));
    Tensor safe = where(positive, target, ones_like(target));
    loss = mul(target, sub(log(safe), input));
  }
  if (reduction == "batchmean") {
    const int64_t n = input.dim() == 0 ? 1 : input.size(0);
    return div(sum(loss), num(static_cast<double>(n)));
  }
  return reduce(loss, reduction);
}

}  // namespace deepseek
