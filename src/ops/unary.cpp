// Elementwise unary ops. Each backward formula is written in differentiable ops.
#include "deepseek/ops/unary.h"

#include <cmath>
#include <limits>

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/engine.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
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
    autograd::record(node_name, {x}, {out}, {s}, [formula](const BackwardArgs& g) -> TensorList {
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
  if (x.dtype() == DType::Bool) throw_not_implemented_for("abs_cpu", x.dtype());
  return unary_op(UnaryOp::Abs, x, x.dtype(), "AbsBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return mul(g, sign(s)); });
}
Tensor exp(const Tensor& x) {
  if (autocast::OpCast cast{"exp", {x}}) return exp(cast[0]);
  return unary_op(UnaryOp::Exp, x, float_compute(x), "ExpBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return mul(g, y); });
}
Tensor log(const Tensor& x) {
  if (autocast::OpCast cast{"log", {x}}) return log(cast[0]);
  return unary_op(UnaryOp::Log, x, float_compute(x), "LogBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return div(g, s); });
}
Tensor log1p(const Tensor& x) {
  if (autocast::OpCast cast{"log1p", {x}}) return log1p(cast[0]);
  return unary_op(UnaryOp::Log1p, x, float_compute(x), "Log1PBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return div(g, add(s, num(1))); });
}
Tensor expm1(const Tensor& x) {
  if (autocast::OpCast cast{"expm1", {x}}) return expm1(cast[0]);
  return unary_op(UnaryOp::Expm1, x, float_compute(x), "Expm1Backward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return mul(g, add(y, num(1))); });
}
Tensor sqrt(const Tensor& x) {
  return unary_op(UnaryOp::Sqrt, x, float_compute(x), "SqrtBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return div(g, mul(y, num(2))); });
}
Tensor rsqrt(const Tensor& x) {
  if (autocast::OpCast cast{"rsqrt", {x}}) return rsqrt(cast[0]);
  return unary_op(
      UnaryOp::Rsqrt, x, float_compute(x), "RsqrtBackward0", Save::Output,
      [](const Tensor& g, const Tensor& y) { return mul(mul(g, num(-0.5)), mul(y, mul(y, y))); });
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
  DS_CHECK(x.dtype() != DType::Bool, RuntimeError, "relu: Boolean inputs not supported for relu");
  return unary_op(
      UnaryOp::Relu, x, x.dtype(), "ReluBackward0", Save::Output,
      [](const Tensor& g, const Tensor& y) { return where(gt(y, num(0)), g, zeros_like(g)); });
}
Tensor gelu(const Tensor& x, const std::string& approximate) {
  DS_CHECK(approximate == "none" || approximate == "tanh", ValueError,
           "gelu: approximate must be 'none' or 'tanh', got '{}'", approximate);
  if (!is_floating(x.dtype())) throw_not_implemented_for("GeluKernelImpl", x.dtype());
  if (approximate == "tanh") {
    return unary_op(UnaryOp::GeluTanh, x, float_compute(x), "GeluBackward0", Save::Input,
                    [](const Tensor& g, const Tensor& s) {
                      const double k = std::sqrt(2.0 / M_PI), c = 0.044715;
                      Tensor x2 = mul(s, s);
                      Tensor t = tanh(mul(mul(s, add(mul(x2, num(c)), num(1))), num(k)));
                      Tensor left = mul(add(t, num(1)), num(0.5));
                      Tensor dt = mul(sub(num(1), mul(t, t)),
                                      mul(add(mul(x2, num(3 * c)), num(1)), num(k)));
                      return mul(g, add(left, mul(mul(s, num(0.5)), dt)));
                    });
  }
  return unary_op(UnaryOp::Gelu, x, float_compute(x), "GeluBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) {
                    Tensor cdf = mul(add(erf(mul(s, num(M_SQRT1_2))), num(1)), num(0.5));
                    Tensor pdf =
                        mul(exp(mul(mul(s, s), num(-0.5))), num(0.5 * M_2_SQRTPI * M_SQRT1_2));
                    return mul(g, add(cdf, mul(s, pdf)));
                  });
}
Tensor silu(const Tensor& x) {
  if (!is_floating(x.dtype())) throw_not_implemented_for("silu_cpu", x.dtype());
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
  if (x.dtype() == DType::Bool) throw_not_implemented_for("floor", x.dtype());
  return unary_op(UnaryOp::Floor, x, x.dtype(), "FloorBackward0", Save::None, zeros_grad);
}
Tensor ceil(const Tensor& x) {
  if (x.dtype() == DType::Bool) throw_not_implemented_for("ceil", x.dtype());
  return unary_op(UnaryOp::Ceil, x, x.dtype(), "CeilBackward0", Save::None, zeros_grad);
}
Tensor round(const Tensor& x) {
  if (x.dtype() == DType::Bool) throw_not_implemented_for("round", x.dtype());
  return unary_op(UnaryOp::Round, x, x.dtype(), "RoundBackward0", Save::None, zeros_grad);
}
Tensor reciprocal(const Tensor& x) {
  if (autocast::OpCast cast{"reciprocal", {x}}) return reciprocal(cast[0]);
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
  if (autocast::OpCast cast{"pow", {x}}) return pow(cast[0], exponent);
  const DType dt = result_type({x, wrapped_scalar(exponent)});
  if (is_integral(dt, true)) {
    DS_CHECK(exponent.to_double() >= 0, RuntimeError,
             "pow: Integers to negative integer powers are not allowed.");
    return pow(x, wrapped_scalar(exponent));  // exact integer power kernel
  }
  UnaryParams p;
  p.a = exponent.to_double();
  const double e = p.a;
  return unary_op(
      UnaryOp::PowScalar, x, dt, "PowBackward0", Save::Input,
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
  // Floating tensors keep their dtype; others promote with the bounds (int + 0.5 -> float).
  DType dt = x.dtype();
  if (!is_floating(dt)) {
    dt = result_type(
        {x, min ? wrapped_scalar(*min) : Tensor(), max ? wrapped_scalar(*max) : Tensor()});
  }
  if (dt == DType::Bool) throw_not_implemented_for("clamp", dt);
  return unary_op(
      UnaryOp::Clamp, x, dt, "ClampBackward1", Save::Input,
      [p](const Tensor& g, const Tensor& s) {
        Tensor keep = ones_like(s, TensorOptions(DType::Bool));
        if (p.has_a) keep = logical_and(keep, ge(s, num(p.a)));
        if (p.has_b) keep = logical_and(keep, le(s, num(p.b)));
        return where(keep, g, zeros_like(g));
      },
      p);
}

Tensor clamp(const Tensor& x, const Tensor& min, const Tensor& max) {
  DS_CHECK(min.defined() || max.defined(), RuntimeError,
           "clamp: At least one of 'min' or 'max' must not be None");
  const DType dt = result_type({x, min, max});
  if (dt == DType::Bool) throw_not_implemented_for("clamp", dt);
  Tensor out;
  {
    // maximum/minimum propagate NaN from any operand, as clamp with tensor bounds does.
    autograd::GradModeGuard no_grad(false);
    out = convert_raw(x, dt, x.device());
    if (min.defined()) out = maximum(out, min);
    if (max.defined()) out = minimum(out, max);
    out = convert_raw(out, dt, out.device());
  }
  if (autograd::needs_grad({x, min, max})) {
    const Shape sx = x.sizes();
    const Shape slo = min.defined() ? min.sizes() : Shape{};
    const Shape shi = max.defined() ? max.sizes() : Shape{};
    // PyTorch's clamp backward: x gets the gradient where it lies within the bounds, a bound
    // where it won (min only while min < max).
    autograd::record("ClampBackward0", {x, min, max}, {out}, {save(x), save(min), save(max)},
                     [sx, slo, shi](const BackwardArgs& g) -> TensorList {
                       const Tensor &s = g.saved[0], &lo = g.saved[1], &hi = g.saved[2];
                       const Tensor zero = zeros_like(g.grad());
                       TensorList r(3);
                       if (g.needs(0)) {
                         Tensor keep = ones_like(s, TensorOptions(DType::Bool));
                         if (lo.defined()) keep = logical_and(keep, ge(s, lo));
                         if (hi.defined()) keep = logical_and(keep, le(s, hi));
                         r[0] = sum_to(where(keep, g.grad(), zero), sx);
                       }
                       if (g.needs(1)) {
                         Tensor won = lt(s, lo);
                         if (hi.defined()) won = logical_and(won, lt(lo, hi));
                         r[1] = sum_to(where(won, g.grad(), zero), slo);
                       }
                       if (g.needs(2)) {
                         Tensor won = gt(s, hi);
                         if (lo.defined()) won = logical_or(won, lt(hi, lo));
                         r[2] = sum_to(where(won, g.grad(), zero), shi);
                       }
                       return r;
                     });
  }
  return out;
}

Tensor tan(const Tensor& x) {
  if (autocast::OpCast cast{"tan", {x}}) return tan(cast[0]);
  return unary_op(UnaryOp::Tan, x, float_compute(x), "TanBackward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return mul(g, add(mul(y, y), num(1))); });
}
Tensor asin(const Tensor& x) {
  if (autocast::OpCast cast{"asin", {x}}) return asin(cast[0]);
  return unary_op(
      UnaryOp::Asin, x, float_compute(x), "AsinBackward0", Save::Input,
      [](const Tensor& g, const Tensor& s) { return div(g, sqrt(sub(num(1), mul(s, s)))); });
}
Tensor acos(const Tensor& x) {
  if (autocast::OpCast cast{"acos", {x}}) return acos(cast[0]);
  return unary_op(
      UnaryOp::Acos, x, float_compute(x), "AcosBackward0", Save::Input,
      [](const Tensor& g, const Tensor& s) { return neg(div(g, sqrt(sub(num(1), mul(s, s))))); });
}
Tensor atan(const Tensor& x) {
  return unary_op(UnaryOp::Atan, x, float_compute(x), "AtanBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return div(g, add(mul(s, s), num(1))); });
}
Tensor sinh(const Tensor& x) {
  if (autocast::OpCast cast{"sinh", {x}}) return sinh(cast[0]);
  return unary_op(UnaryOp::Sinh, x, float_compute(x), "SinhBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return mul(g, cosh(s)); });
}
Tensor cosh(const Tensor& x) {
  if (autocast::OpCast cast{"cosh", {x}}) return cosh(cast[0]);
  return unary_op(UnaryOp::Cosh, x, float_compute(x), "CoshBackward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return mul(g, sinh(s)); });
}
Tensor log2(const Tensor& x) {
  if (autocast::OpCast cast{"log2", {x}}) return log2(cast[0]);
  return unary_op(UnaryOp::Log2, x, float_compute(x), "Log2Backward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return div(g, mul(s, num(M_LN2))); });
}
Tensor log10(const Tensor& x) {
  if (autocast::OpCast cast{"log10", {x}}) return log10(cast[0]);
  return unary_op(UnaryOp::Log10, x, float_compute(x), "Log10Backward0", Save::Input,
                  [](const Tensor& g, const Tensor& s) { return div(g, mul(s, num(M_LN10))); });
}
Tensor exp2(const Tensor& x) {
  return unary_op(UnaryOp::Exp2, x, float_compute(x), "Exp2Backward0", Save::Output,
                  [](const Tensor& g, const Tensor& y) { return mul(g, mul(y, num(M_LN2))); });
}
Tensor trunc(const Tensor& x) {
  if (x.dtype() == DType::Bool) throw_not_implemented_for("trunc", x.dtype());
  return unary_op(UnaryOp::Trunc, x, x.dtype(), "TruncBackward0", Save::None, zeros_grad);
}
Tensor frac(const Tensor& x) {
  if (!is_floating(x.dtype())) throw_not_implemented_for("frac_cpu", x.dtype());
  return sub(x, trunc(x));  // trunc's zero gradient leaves d frac / dx = 1
}
Tensor isfinite(const Tensor& x) {
  return unary_raw(UnaryOp::IsFinite, x, x.dtype(), {}, DType::Bool);
}
Tensor signbit(const Tensor& x) {
  return unary_raw(UnaryOp::SignBit, x, x.dtype(), {}, DType::Bool);
}

namespace {
// The largest finite value of a floating dtype.
double finite_max(DType dt) {
  switch (dt) {
    case DType::Float16:
      return 65504.0;
    case DType::BFloat16:
      return 3.3895313892515355e38;
    case DType::Float32:
      return 3.4028234663852886e38;
    default:
      return std::numeric_limits<double>::max();
  }
}
}  // namespace

Tensor nan_to_num(const Tensor& x, double nan, std::optional<double> posinf,
                  std::optional<double> neginf) {
  if (!is_floating(x.dtype())) return clone(x);
  UnaryParams p;
  p.a = nan;
  p.b = posinf.value_or(finite_max(x.dtype()));
  p.c = neginf.value_or(-finite_max(x.dtype()));
  // Only the finite elements pass through; the replaced ones are constants.
  return unary_op(
      UnaryOp::NanToNum, x, x.dtype(), "NanToNumBackward0", Save::Input,
      [](const Tensor& g, const Tensor& s) { return where(isfinite(s), g, zeros_like(g)); }, p);
}

Tensor logical_not(const Tensor& x) {
  return unary_raw(UnaryOp::LogicalNot, x, x.dtype(), {}, DType::Bool);
}
Tensor isnan(const Tensor& x) { return unary_raw(UnaryOp::IsNan, x, x.dtype(), {}, DType::Bool); }
Tensor isinf(const Tensor& x) { return unary_raw(UnaryOp::IsInf, x, x.dtype(), {}, DType::Bool); }

namespace {
const Tensor& unary_inplace(const Tensor& x, const char* name,
                            std::function<Tensor(const Tensor&)> op) {
  return assign_inplace(x, {}, name, [op](const TensorList& args) { return op(args[0]); });
}
}  // namespace

#define DS_UNARY_INPLACE(fn)                                                 \
  const Tensor& fn##_(const Tensor& x) {                                     \
    return unary_inplace(x, #fn "_", [](const Tensor& t) { return fn(t); }); \
  }
DS_UNARY_INPLACE(neg)
DS_UNARY_INPLACE(abs)
DS_UNARY_INPLACE(exp)
DS_UNARY_INPLACE(log)
DS_UNARY_INPLACE(log1p)
DS_UNARY_INPLACE(expm1)
DS_UNARY_INPLACE(sqrt)
DS_UNARY_INPLACE(rsqrt)
DS_UNARY_INPLACE(sin)
DS_UNARY_INPLACE(cos)
DS_UNARY_INPLACE(tanh)
DS_UNARY_INPLACE(sigmoid)
DS_UNARY_INPLACE(relu)
DS_UNARY_INPLACE(silu)
DS_UNARY_INPLACE(sign)
DS_UNARY_INPLACE(floor)
DS_UNARY_INPLACE(ceil)
DS_UNARY_INPLACE(round)
DS_UNARY_INPLACE(reciprocal)
DS_UNARY_INPLACE(erf)
DS_UNARY_INPLACE(square)
DS_UNARY_INPLACE(logical_not)
DS_UNARY_INPLACE(tan)
DS_UNARY_INPLACE(asin)
DS_UNARY_INPLACE(acos)
DS_UNARY_INPLACE(atan)
DS_UNARY_INPLACE(sinh)
DS_UNARY_INPLACE(cosh)
DS_UNARY_INPLACE(log2)
DS_UNARY_INPLACE(log10)
DS_UNARY_INPLACE(exp2)
DS_UNARY_INPLACE(trunc)
DS_UNARY_INPLACE(frac)
#undef DS_UNARY_INPLACE

const Tensor& nan_to_num_(const Tensor& x, double nan, std::optional<double> posinf,
                          std::optional<double> neginf) {
  return unary_inplace(x, "nan_to_num_",
                       [=](const Tensor& t) { return nan_to_num(t, nan, posinf, neginf); });
}

const Tensor& pow_(const Tensor& x, const Scalar& exponent) {
  return unary_inplace(x, "pow_", [exponent](const Tensor& t) { return pow(t, exponent); });
}
const Tensor& clamp_(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max) {
  return unary_inplace(x, "clamp_", [min, max](const Tensor& t) { return clamp(t, min, max); });
}
const Tensor& clamp_(const Tensor& x, const Tensor& min, const Tensor& max) {
  return assign_inplace(x, {min, max}, "clamp_",
                        [](const TensorList& a) { return clamp(a[0], a[1], a[2]); });
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
Tensor Tensor::gelu(const std::string& approximate) const {
  return deepseek::gelu(*this, approximate);
}
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
