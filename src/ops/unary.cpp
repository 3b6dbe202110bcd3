// Elementwise unary ops. Each backward formula is written in differentiable ops.
#include "deepseek/ops/unary.h"

#include <cmath>

#include "deepseek/autograd/engine.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/type_promotion.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;
using autograd::save_output;

namespace {

Tensor num(double v) { return wrapped_scalar(v); }

// Integer and bool inputs of transcendental ops compute in the default float dtype.
DType float_compute(const Tensor& x) {
  return is_floating(x.dtype()) ? x.dtype() : default_float_dtype();
}

Tensor unary_raw(UnaryOp op, const Tensor& x, DType compute, const UnaryParams& p = {},
                 std::optional<DType> out_dtype = {}) {
  Tensor xc = convert_raw(x, compute, x.device());
  Tensor out = empty_tensor(x.sizes(), out_dtype.value_or(compute), x.device());
  backend_for(x.device()).unary(op, xc, out, p);
  return out;
}

enum class Save { Input, Output, None };

// Forward + record for the common shape of unary op: one input, one output, a formula
// that gets the saved tensor (input or output).
Tensor unary_op(UnaryOp op, const Tensor& x, DType compute, const char* node_name, Save what,
                std::function<Tensor(const Tensor& grad, const Tensor& saved)> formula,
                const UnaryParams& p = {}) {
  Tensor out = unary_raw(op, x, compute, p);
  if (formula && autograd::needs_grad({x})) {
    autograd::ToSave s = what == Save::Input    ? save(x)
                         : what == Save::Output ? save_output(out)
                                                : save(Tensor());
    autograd::record(node_name, {x}, {out}, {s},
                     [formula](const BackwardArgs& g) -> TensorList {
                       return {formula(g.grad(), g.saved[0])};
                     });
  }
  return out;
}

Tensor zeros_grad(const Tensor& g, const Tensor&) { return zeros_like(g); }

}  // namespace

Tensor neg(const Tensor& x) {
  DS_CHECK(x.dtype() != DType::Bool, RuntimeError,
           "neg: Negation, the `-` operator, on a bool tensor is not supported. If you are "
           "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  return unary_op(UnaryOp::Neg, x, x.dtype(), "NegBackward0", Save::None,
                  [](const Tensor& g, const Tensor&) { return neg(g); });
}
Tensor abs(const Tensor& x) {
  return unary_op(UnaryOp::Abs, x, x.dtype(), "AbsBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return mul(g, sign(s)); });
}
Tensor exp(const Tensor& x) {
  return unary_op(UnaryOp::Exp, x, float_compute(x), "ExpBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return mul(g, y); });
}
Tensor log(const Tensor& x) {
  return unary_op(UnaryOp::Log, x, float_compute(x), "LogBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return div(g, s); });
}
Tensor log1p(const Tensor& x) {
  return unary_op(UnaryOp::Log1p, x, float_compute(x), "Log1PBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return div(g, add(s, num(1))); });
}
Tensor expm1(const Tensor& x) {
  return unary_op(UnaryOp::Expm1, x, float_compute(x), "Expm1Backward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return mul(g, add(y, num(1))); });
}
Tensor sqrt(const Tensor& x) {
  return unary_op(UnaryOp::Sqrt, x, float_compute(x), "SqrtBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return div(g, mul(y, num(2))); });
}
Tensor rsqrt(const Tensor& x) {
  return unary_op(UnaryOp::Rsqrt, x, float_compute(x), "RsqrtBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) {
                    return mul(mul(g, num(-0.5)), mul(y, mul(y, y)));
                  });
}
Tensor sin(const Tensor& x) {
  return unary_op(UnaryOp::Sin, x, float_compute(x), "SinBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return mul(g, cos(s)); });
}
Tensor cos(const Tensor& x) {
  return unary_op(UnaryOp::Cos, x, float_compute(x), "CosBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return neg(mul(g, sin(s))); });
}
Tensor tanh(const Tensor& x) {
  return unary_op(UnaryOp::Tanh, x, float_compute(x), "TanhBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return mul(g, sub(num(1), mul(y, y))); });
}
Tensor sigmoid(const Tensor& x) {
  return unary_op(UnaryOp::Sigmoid, x, float_compute(x), "SigmoidBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return mul(g, mul(y, sub(num(1), y))); });
}
Tensor relu(const Tensor& x) {
  return unary_op(UnaryOp::Relu, x, x.dtype(), "ReluBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) {
                    return where(gt(y, num(0)), g, zeros_like(g));
                  });
}
Tensor gelu(const Tensor& x, const std::string& approximate) {
  DS_CHECK(approximate == "none" || approximate == "tanh", ValueError,
           "gelu: approximate must be 'none' or 'tanh', got '{}'", approximate);
  if (approximate == "tanh") {
    return unary_op(UnaryOp::GeluTanh, x, float_compute(x), "GeluBackward0", Save::Input,
                    [](const Tensor& g, const Tensor& s) {
                      const double k = std::sqrt(2.0 / M_PI), c = 0.044715;
                      Tensor x2 = mul(s, s);
                      Tensor t = tanh(mul(mul(s, add(mul(x2, num(c)), num(1))), num(k)));
                      Tensor left = mul(add(t, num(1)), num(0.5));
                      Tensor dt = mul(sub(num(1), mul(t, t)), mul(add(mul(x2, num(3 * c)), num(1)), num(k)));
                      return mul(g, add(left, mul(mul(s, num(0.5)), dt)));
                    });
  }
  return unary_op(UnaryOp::Gelu, x, float_compute(x), "GeluBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) {
                    Tensor cdf = mul(add(erf(mul(s, num(M_SQRT1_2))), num(1)), num(0.5));
                    Tensor pdf = mul(exp(mul(mul(s, s), num(-0.5))), num(0.5 * M_2_SQRTPI * M_SQRT1_2));
                    return mul(g, add(cdf, mul(s, pdf)));
                  });
}
Tensor silu(const Tensor& x) {
  return unary_op(UnaryOp::Silu, x, float_compute(x), "SiluBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) {
                    Tensor sg = sigmoid(s);
                    return mul(g, mul(sg, add(mul(s, sub(num(1), sg)), num(1))));
                  });
}
Tensor sign(const Tensor& x) {
  return unary_op(UnaryOp::Sign, x, x.dtype(), "SignBackward0", Save::None, zeros_grad);
}
Tensor floor(const Tensor& x) {
  return unary_op(UnaryOp::Floor, x, x.dtype(), "FloorBackward0", Save::None, zeros_grad);
}
Tensor ceil(const Tensor& x) {
  return unary_op(UnaryOp::Ceil, x, x.dtype(), "CeilBackward0", Save::None, zeros_grad);
}
Tensor round(const Tensor& x) {
  return unary_op(UnaryOp::Round, x, x.dtype(), "RoundBackward0", Save::None, zeros_grad);
}
Tensor reciprocal(const Tensor& x) {
  return unary_op(UnaryOp::Reciprocal, x, float_compute(x), "ReciprocalBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return neg(mul(g, mul(y, y))); });
}
Tensor erf(const Tensor& x) {
  return unary_op(UnaryOp::Erf, x, float_compute(x), "ErfBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) {
                    return mul(g, mul(exp(neg(mul(s, s))), num(M_2_SQRTPI)));
                  });
}
Tensor square(const Tensor& x) {
  const DType dt = x.dtype() == DType::Bool ? DType::Int64 : x.dtype();
  return unary_op(UnaryOp::Square, x, dt, "PowBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return mul(g, mul(s, num(2))); });
}

Tensor pow(const Tensor& x, const Scalar& exponent) {
  const DType dt = result_type({x, wrapped_scalar(exponent)});
  if (is_integral(dt, true)) {
    DS_CHECK(exponent.to_double() >= 0, RuntimeError,
             "pow: Integers to negative integer powers are not allowed.");
    return pow(x, wrapped_scalar(exponent));  // exact integer power kernel
  }
  UnaryParams p;
  p.a = exponent.to_double();
  const double e = p.a;
  return unary_op(UnaryOp::PowScalar, x, dt, "PowBackward0", Save::Input,
                  [e](const Tensor& g, const Tensor& s) {
                    if (e == 0.0) return zeros_like(g);
                    return mul(mul(g, num(e)), pow(s, Scalar(e - 1.0)));
                  },
                  p);
}

Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max) {
  DS_CHECK(min || max, RuntimeError, "clamp: At least one of 'min' or 'max' must not be None");
  UnaryParams p;
  p.has_a = min.has_value();
  p.has_b = max.has_value();
  if (min) p.a = min->to_double();
  if (max) p.b = max->to_double();
  DType dt = x.dtype();
  if (!is_floating(dt) && ((min && min->is_floating()) || (max && max->is_floating()))) {
    dt = default_float_dtype();
  }
  return unary_op(UnaryOp::Clamp, x, dt, "ClampBackward1", Save::Input,
                  [p](const Tensor& g, const Tensor& s) {
                    Tensor keep = ones_like(s, TensorOptions(DType::Bool));
                    if (p.has_a) keep = logical_and(keep, ge(s, num(p.a)));
                    if (p.has_b) keep = logical_and(keep, le(s, num(p.b)));
                    return where(keep, g, zeros_like(g));
                  },
                  p);
}

Tensor logical_not(const Tensor& x) {
  return unary_raw(UnaryOp::LogicalNot, x, x.dtype(), {}, DType::Bool);
}
Tensor isnan(const Tensor& x) { return unary_raw(UnaryOp::IsNan, x, x.dtype(), {}, DType::Bool); }
Tensor isinf(const Tensor& x) { return unary_raw(UnaryOp::IsInf, x, x.dtype(), {}, DType::Bool); }

namespace {
// In place through the out-of-place op: compute, write back, relink the graph.
const Tensor& unary_inplace(const Tensor& x, const char* name,
                            const std::function<Tensor(const Tensor&)>& op) {
  autograd::check_inplace(x, name);
  const bool track = autograd::needs_grad({x});
  Tensor result;
  {
    autograd::GradModeGuard no_grad(false);
    result = op(x);
  }
  DS_CHECK(result.dtype() == x.dtype(), RuntimeError,
           "{}: result type {} can't be cast to the desired output type {}", name,
           dtype_name(result.dtype()), dtype_name(x.dtype()));
  Tensor before = track ? x.detach().clone() : Tensor();
  backend_for(x.device()).copy(result, x);
  x.bump_version();
  if (track) {
    // The gradient is that of op at the old value: recompute it through the op itself.
    autograd::record_inplace(fmt::format("{}Backward", name), x, {x}, {save(before)},
                             [op](const BackwardArgs& g) -> TensorList {
                               Tensor old = g.saved[0].detach().requires_grad_(true);
                               Tensor y;
                               {
                                 autograd::GradModeGuard on(true);
                                 y = op(old);
                               }
                               if (!y.grad_fn()) return {zeros_like(g.grad())};
                               return autograd::grad({y}, {old}, {g.grad()}, false,
                                                     autograd::GradMode::is_enabled());
                             });
  }
  return x;
}
}  // namespace

const Tensor& neg_(const Tensor& x) { return unary_inplace(x, "neg_", [](const Tensor& t) { return neg(t); }); }
const Tensor& exp_(const Tensor& x) { return unary_inplace(x, "exp_", [](const Tensor& t) { return exp(t); }); }
const Tensor& sqrt_(const Tensor& x) { return unary_inplace(x, "sqrt_", [](const Tensor& t) { return sqrt(t); }); }
const Tensor& relu_(const Tensor& x) { return unary_inplace(x, "relu_", [](const Tensor& t) { return relu(t); }); }
const Tensor& sigmoid_(const Tensor& x) {
  return unary_inplace(x, "sigmoid_", [](const Tensor& t) { return sigmoid(t); });
}
const Tensor& tanh_(const Tensor& x) { return unary_inplace(x, "tanh_", [](const Tensor& t) { return tanh(t); }); }
const Tensor& clamp_(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max) {
  return unary_inplace(x, "clamp_", [min, max](const Tensor& t) { return clamp(t, min, max); });
}

// Tensor methods of this family.
Tensor Tensor::neg() const { return deepseek::neg(*this); }
Tensor Tensor::abs() const { return deepseek::abs(*this); }
Tensor Tensor::exp() const { return deepseek::exp(*this); }
Tensor Tensor::log() const { return deepseek::log(*this); }
Tensor Tensor::log1p() const { return deepseek::log1p(*this); }
Tensor Tensor::expm1() const { return deepseek::expm1(*this); }
Tensor Tensor::sqrt() const { return deepseek::sqrt(*this); }
Tensor Tensor::rsqrt() const { return deepseek::rsqrt(*this); }
Tensor Tensor::sin() const { return deepseek::sin(*this); }
Tensor Tensor::cos() const { return deepseek::cos(*this); }
Tensor Tensor::tanh() const { return deepseek::tanh(*this); }
Tensor Tensor::sigmoid() const { return deepseek::sigmoid(*this); }
Tensor Tensor::relu() const { return deepseek::relu(*this); }
Tensor Tensor::gelu(const std::string& approximate) const { return deepseek::gelu(*this, approximate); }
Tensor Tensor::silu() const { return deepseek::silu(*this); }
Tensor Tensor::sign() const { return deepseek::sign(*this); }
Tensor Tensor::floor() const { return deepseek::floor(*this); }
Tensor Tensor::ceil() const { return deepseek::ceil(*this); }
Tensor Tensor::round() const { return deepseek::round(*this); }
Tensor Tensor::reciprocal() const { return deepseek::reciprocal(*this); }
Tensor Tensor::erf() const { return deepseek::erf(*this); }
Tensor Tensor::square() const { return deepseek::square(*this); }
Tensor Tensor::pow(const Scalar& e) const { return deepseek::pow(*this, e); }
Tensor Tensor::clamp(std::optional<Scalar> min, std::optional<Scalar> max) const {
  return deepseek::clamp(*this, min, max);
}
Tensor Tensor::logical_not() const { return deepseek::logical_not(*this); }
const Tensor& Tensor::clamp_(std::optional<Scalar> min, std::optional<Scalar> max) const {
  return deepseek::clamp_(*this, min, max);
}
Tensor operator-(const Tensor& a) { return neg(a); }

}  // namespace deepseek
