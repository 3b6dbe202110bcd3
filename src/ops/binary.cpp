// Elementwise binary ops: validate (devices, broadcast, promotion) -> dispatch -> record.
// Their in-place forms (add_, mul_, ..., +=) are in binary_inplace.cpp.
#include "deepseek/ops/binary.h"

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/type_promotion.h"
#include "deepseek/ops/unary.h"
#include "elementwise_dispatch.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;
using autograd::save_output;

Device common_device(const Tensor& a, const Tensor& b) {
  if (a.dim() == 0 && a.device().is_cpu()) return b.device();
  return a.device();
}

Tensor binary_raw(BinaryOp op, const Tensor& a, const Tensor& b, DType compute, DType out_dtype,
                  const char* name) {
  check_same_device(name, {a, b});
  const Device device = common_device(a, b);
  const Shape shape = broadcast_shapes(a.sizes(), b.sizes(), name);
  Tensor ac = broadcast_view(convert_raw(a, compute, device), shape);
  Tensor bc = broadcast_view(convert_raw(b, compute, device), shape);
  Tensor out = empty_tensor(shape, out_dtype, device);
  backend_for(device).binary(op, ac, bc, out);
  return out;
}

namespace {

void check_integer_divisor(const Tensor& b, DType compute, const char* name) {
  if (!is_integral(compute, /*include_bool=*/true)) return;
  const bool any_zero = binary_raw(BinaryOp::Eq, b, wrapped_scalar(0), b.dtype(), DType::Bool, name)
                            .any()
                            .item()
                            .to_bool();
  DS_CHECK(!any_zero, RuntimeError, "{}: ZeroDivisionError (integer division by zero)", name);
}

Tensor compare(BinaryOp op, const Tensor& a, const Tensor& b) {
  return binary_raw(op, a, b, result_type({a, b}), DType::Bool, binary_op_name(op));
}

// PyTorch refuses bool operands in subtraction and in the integer-only kernels.
void check_not_bool(const Tensor& a, const Tensor& b, const char* kernel) {
  if (a.dtype() == DType::Bool && b.dtype() == DType::Bool) {
    throw_not_implemented_for(kernel, DType::Bool);
  }
}

}  // namespace

Tensor scale_by_alpha(const Tensor& b, const Scalar& alpha, DType compute, const char* name) {
  if (!alpha.is_floating() && alpha.to_int() == 1) return b;
  DS_CHECK(!alpha.is_floating() || is_floating(compute), RuntimeError,
           "{}: For integral input tensors, argument alpha must not be a floating point number.",
           name);
  DS_CHECK(!alpha.is_bool() || compute == DType::Bool, RuntimeError,
           "{}: Boolean alpha only supported for Boolean results.", name);
  return binary_raw(BinaryOp::Mul, convert_raw(b, compute, b.device()), wrapped_scalar(alpha),
                    compute, compute, name);
}

Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  const DType dt = result_type({a, b});
  Tensor bs = scale_by_alpha(b, alpha, dt, "add");
  Tensor out = binary_raw(BinaryOp::Add, a, bs, dt, dt, "add");
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    autograd::record(
        "AddBackward0", {a, b}, {out}, {}, [sa, sb, alpha](const BackwardArgs& g) -> TensorList {
          TensorList r(2);
          if (g.needs(0)) r[0] = sum_to(g.grad(), sa);
          if (g.needs(1)) {
            r[1] = alpha.to_double() == 1.0 ? g.grad() : mul(g.grad(), wrapped_scalar(alpha));
            r[1] = sum_to(r[1], sb);
          }
          return r;
        });
  }
  return out;
}

Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  DS_CHECK(a.dtype() != DType::Bool || b.dtype() != DType::Bool, RuntimeError,
           "sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
           "`^` or `logical_xor()` operator instead.");
  DS_CHECK(a.dtype() != DType::Bool && b.dtype() != DType::Bool, RuntimeError,
           "sub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
           "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  const DType dt = result_type({a, b});
  Tensor bs = scale_by_alpha(b, alpha, dt, "sub");
  Tensor out = binary_raw(BinaryOp::Sub, a, bs, dt, dt, "sub");
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    autograd::record("SubBackward0", {a, b}, {out}, {},
                     [sa, sb, alpha](const BackwardArgs& g) -> TensorList {
                       TensorList r(2);
                       if (g.needs(0)) r[0] = sum_to(g.grad(), sa);
                       if (g.needs(1))
                         r[1] = sum_to(mul(g.grad(), wrapped_scalar(-alpha.to_double())), sb);
                       return r;
                     });
  }
  return out;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  const DType dt = result_type({a, b});
  Tensor out = binary_raw(BinaryOp::Mul, a, b, dt, dt, "mul");
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    autograd::record(
        "MulBackward0", {a, b}, {out},
        {save(b.requires_grad() ? a : Tensor()), save(a.requires_grad() ? b : Tensor())},
        [sa, sb](const BackwardArgs& g) -> TensorList {
          TensorList r(2);
          if (g.needs(0)) r[0] = sum_to(mul(g.grad(), g.saved[1]), sa);
          if (g.needs(1)) r[1] = sum_to(mul(g.grad(), g.saved[0]), sb);
          return r;
        });
  }
  return out;
}

namespace {
// a / b rounded toward zero, without recording.
Tensor trunc_divide_raw(const Tensor& a, const Tensor& b, DType dt) {
  autograd::GradModeGuard no_grad(false);
  if (is_integral(dt, true)) {
    // Exact for all int64: the floor quotient, plus one where floor and trunc differ (a
    // remainder left and operands of opposite signs).
    Tensor q = binary_raw(BinaryOp::FloorDivide, a, b, dt, dt, "div");
    Tensor r = binary_raw(BinaryOp::Remainder, a, b, dt, dt, "div");
    Tensor opposite = logical_xor(lt(a, wrapped_scalar(0)), lt(b, wrapped_scalar(0)));
    Tensor fix = logical_and(ne(r, wrapped_scalar(0)), opposite);
    return binary_raw(BinaryOp::Add, q, fix, dt, dt, "div");
  }
  Tensor q = binary_raw(BinaryOp::Div, a, b, dt, dt, "div");
  return where(lt(q, wrapped_scalar(0)), ceil(q), floor(q));
}
}  // namespace

Tensor div(const Tensor& a, const Tensor& b, const std::optional<std::string>& rounding_mode) {
  // A number divided by a tensor is torch's __rtruediv__, which CUDA autocast runs in float32.
  if (a.impl()->wrapped_number && !rounding_mode) {
    if (autocast::OpCast cast{"__rtruediv__", {a, b}}) return div(cast[0], cast[1]);
  }
  DType dt = result_type({a, b});
  if (rounding_mode) {
    DS_CHECK(*rounding_mode == "trunc" || *rounding_mode == "floor", RuntimeError,
             "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{}'",
             *rounding_mode);
    const bool floor_mode = *rounding_mode == "floor";
    check_not_bool(a, b, floor_mode ? "div_floor_cpu" : "div_trunc_cpu");
    check_integer_divisor(b, dt, "div");
    Tensor out = floor_mode ? binary_raw(BinaryOp::FloorDivide, a, b, dt, dt, "div")
                            : trunc_divide_raw(a, b, dt);
    if (autograd::needs_grad({a, b})) {
      // A rounded quotient is piecewise constant: zero gradients, as PyTorch's DivBackward2.
      const Shape sa = a.sizes(), sb = b.sizes();
      autograd::record(
          "DivBackward2", {a, b}, {out}, {}, [sa, sb](const BackwardArgs& g) -> TensorList {
            TensorList r(2);
            if (g.needs(0))
              r[0] = zeros(sa, TensorOptions(g.grad().dtype()).set_device(g.grad().device()));
            if (g.needs(1))
              r[1] = zeros(sb, TensorOptions(g.grad().dtype()).set_device(g.grad().device()));
            return r;
          });
    }
    return out;
  }
  if (is_integral(dt, true)) dt = default_float_dtype();
  Tensor out = binary_raw(BinaryOp::Div, a, b, dt, dt, "div");
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    autograd::record("DivBackward0", {a, b}, {out},
                     {save(b.requires_grad() ? a : Tensor()), save(b)},
                     [sa, sb](const BackwardArgs& g) -> TensorList {
                       TensorList r(2);
                       const Tensor& bb = g.saved[1];
                       if (g.needs(0)) r[0] = sum_to(div(g.grad(), bb), sa);
                       if (g.needs(1)) {
                         r[1] = sum_to(neg(div(mul(g.grad(), g.saved[0]), mul(bb, bb))), sb);
                       }
                       return r;
                     });
  }
  return out;
}

Tensor floor_divide(const Tensor& a, const Tensor& b) {
  check_not_bool(a, b, "div_floor_cpu");
  const DType dt = result_type({a, b});
  check_integer_divisor(b, dt, "floor_divide");
  Tensor out = binary_raw(BinaryOp::FloorDivide, a, b, dt, dt, "floor_divide");
  if (autograd::needs_grad({a, b})) {
    // PyTorch 1.13 has no derivative for floor_divide: the result requires grad, and
    // backward through it is an error.
    autograd::record("NotImplemented", {a, b}, {out}, {}, [](const BackwardArgs&) -> TensorList {
      DS_THROW(RuntimeError, "the derivative for 'floor_divide' is not implemented.");
    });
  }
  return out;
}

Tensor remainder(const Tensor& a, const Tensor& b) {
  check_not_bool(a, b, "remainder_cpu");
  const DType dt = result_type({a, b});
  check_integer_divisor(b, dt, "remainder");
  Tensor out = binary_raw(BinaryOp::Remainder, a, b, dt, dt, "remainder");
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    autograd::record("RemainderBackward0", {a, b}, {out}, {save(a), save(b)},
                     [sa, sb](const BackwardArgs& g) -> TensorList {
                       TensorList r(2);
                       if (g.needs(0)) r[0] = sum_to(g.grad(), sa);
                       if (g.needs(1)) {
                         r[1] =
                             sum_to(neg(mul(g.grad(), floor_divide(g.saved[0], g.saved[1]))), sb);
                       }
                       return r;
                     });
  }
  return out;
}

Tensor pow(const Tensor& base, const Tensor& exponent) {
  if (autocast::OpCast cast{"pow", {base, exponent}}) return pow(cast[0], cast[1]);
  const DType dt = result_type({base, exponent});
  if (dt == DType::Bool) throw_not_implemented_for("pow", dt);
  // An integer tensor exponent may be negative: x ** -n is 0 except for x = 1 or -1, as in
  // PyTorch (only a Python number exponent is refused, by pow(Tensor, Scalar)).
  DS_CHECK(!(exponent.impl()->wrapped_number && is_integral(dt, true)) ||
               exponent.item().to_double() >= 0,
           RuntimeError, "pow: Integers to negative integer powers are not allowed.");
  Tensor out = binary_raw(BinaryOp::Pow, base, exponent, dt, dt, "pow");
  if (autograd::needs_grad({base, exponent})) {
    const Shape sa = base.sizes(), sb = exponent.sizes();
    autograd::record(
        "PowBackward1", {base, exponent}, {out}, {save(base), save(exponent), save_output(out)},
        [sa, sb](const BackwardArgs& g) -> TensorList {
          TensorList r(2);
          const Tensor &x = g.saved[0], &e = g.saved[1], &y = g.saved[2];
          if (g.needs(0)) {
            Tensor d = mul(mul(g.grad(), e), pow(x, sub(e, wrapped_scalar(1))));
            r[0] = sum_to(where(eq(e, wrapped_scalar(0)), zeros_like(d), d), sa);
          }
          if (g.needs(1)) {
            Tensor d = mul(g.grad(), mul(y, log(x)));
            Tensor zero_base = logical_and(eq(x, wrapped_scalar(0)), ge(e, wrapped_scalar(0)));
            r[1] = sum_to(where(zero_base, zeros_like(d), d), sb);
          }
          return r;
        });
  }
  return out;
}

Tensor pow(const Scalar& base, const Tensor& exponent) {
  return pow(wrapped_scalar(base), exponent);
}

namespace {
Tensor extremum(BinaryOp op, const Tensor& a, const Tensor& b) {
  const DType dt = result_type({a, b});
  const char* name = binary_op_name(op);
  Tensor out = binary_raw(op, a, b, dt, dt, name);
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    const bool is_max = op == BinaryOp::Maximum;
    autograd::record(is_max ? "MaximumBackward0" : "MinimumBackward0", {a, b}, {out},
                     {save(a), save(b)}, [sa, sb, is_max](const BackwardArgs& g) -> TensorList {
                       const Tensor &x = g.saved[0], &y = g.saved[1];
                       // Ties split the gradient evenly, as in PyTorch.
                       Tensor half = where(eq(x, y), div(g.grad(), wrapped_scalar(2)), g.grad());
                       Tensor zero = zeros_like(half);
                       TensorList r(2);
                       if (g.needs(0))
                         r[0] = sum_to(where(is_max ? lt(x, y) : gt(x, y), zero, half), sa);
                       if (g.needs(1))
                         r[1] = sum_to(where(is_max ? gt(x, y) : lt(x, y), zero, half), sb);
                       return r;
                     });
  }
  return out;
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) { return extremum(BinaryOp::Maximum, a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return extremum(BinaryOp::Minimum, a, b); }

Tensor eq(const Tensor& a, const Tensor& b) { return compare(BinaryOp::Eq, a, b); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare(BinaryOp::Ne, a, b); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare(BinaryOp::Lt, a, b); }
Tensor le(const Tensor& a, const Tensor& b) { return compare(BinaryOp::Le, a, b); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare(BinaryOp::Gt, a, b); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare(BinaryOp::Ge, a, b); }
Tensor logical_and(const Tensor& a, const Tensor& b) { return compare(BinaryOp::LogicalAnd, a, b); }
Tensor logical_or(const Tensor& a, const Tensor& b) { return compare(BinaryOp::LogicalOr, a, b); }
Tensor logical_xor(const Tensor& a, const Tensor& b) { return compare(BinaryOp::LogicalXor, a, b); }

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  // uint8 masks are still accepted (PyTorch 1.13 only warns about them).
  DS_CHECK(cond.dtype() == DType::Bool || cond.dtype() == DType::UInt8, RuntimeError,
           "where expected condition to be a boolean tensor, but got a tensor with dtype {}",
           scalar_type_name(cond.dtype()));
  check_same_device("where", {cond, a, b});
  const DType dt = result_type({a, b});
  Device device = common_device(a, b);
  if (cond.dim() > 0 || !cond.device().is_cpu()) device = cond.device();
  const Shape shape =
      broadcast_shapes(broadcast_shapes(cond.sizes(), a.sizes(), "where"), b.sizes(), "where");
  Tensor out = empty_tensor(shape, dt, device);
  backend_for(device).where(broadcast_view(convert_raw(cond, DType::Bool, device), shape),
                            broadcast_view(convert_raw(a, dt, device), shape),
                            broadcast_view(convert_raw(b, dt, device), shape), out);
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    autograd::record("WhereBackward0", {a, b}, {out}, {save(cond)},
                     [sa, sb](const BackwardArgs& g) -> TensorList {
                       Tensor zero = zeros_like(g.grad());
                       TensorList r(2);
                       if (g.needs(0)) r[0] = sum_to(where(g.saved[0], g.grad(), zero), sa);
                       if (g.needs(1)) r[1] = sum_to(where(g.saved[0], zero, g.grad()), sb);
                       return r;
                     });
  }
  return out;
}

namespace {
DType float_result(const Tensor& a, const Tensor& b) {
  const DType dt = result_type({a, b});
  return is_integral(dt, true) ? default_float_dtype() : dt;
}
}  // namespace

Tensor atan2(const Tensor& a, const Tensor& b) {
  const DType dt = float_result(a, b);
  Tensor out = binary_raw(BinaryOp::Atan2, a, b, dt, dt, "atan2");
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    autograd::record("Atan2Backward0", {a, b}, {out}, {save(a), save(b)},
                     [sa, sb](const BackwardArgs& g) -> TensorList {
                       const Tensor &y = g.saved[0], &x = g.saved[1];
                       Tensor scale = div(g.grad(), add(mul(y, y), mul(x, x)));
                       TensorList r(2);
                       if (g.needs(0)) r[0] = sum_to(mul(scale, x), sa);
                       if (g.needs(1)) r[1] = sum_to(neg(mul(scale, y)), sb);
                       return r;
                     });
  }
  return out;
}

Tensor hypot(const Tensor& a, const Tensor& b) {
  const DType dt = result_type({a, b});
  if (!is_floating(dt)) throw_not_implemented_for("hypot_cpu", dt);
  Tensor out = binary_raw(BinaryOp::Hypot, a, b, dt, dt, "hypot");
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    autograd::record("HypotBackward0", {a, b}, {out}, {save(a), save(b), save_output(out)},
                     [sa, sb](const BackwardArgs& g) -> TensorList {
                       Tensor scale = div(g.grad(), g.saved[2]);
                       TensorList r(2);
                       if (g.needs(0)) r[0] = sum_to(mul(scale, g.saved[0]), sa);
                       if (g.needs(1)) r[1] = sum_to(mul(scale, g.saved[1]), sb);
                       return r;
                     });
  }
  return out;
}

Tensor fmod(const Tensor& a, const Tensor& b) {
  check_not_bool(a, b, "fmod_cpu");
  const DType dt = result_type({a, b});
  check_integer_divisor(b, dt, "fmod");
  Tensor out = binary_raw(BinaryOp::Fmod, a, b, dt, dt, "fmod");
  if (autograd::needs_grad({a, b})) {
    const Shape sa = a.sizes(), sb = b.sizes();
    autograd::record("FmodBackward1", {a, b}, {out}, {save(a), save(b)},
                     [sa, sb](const BackwardArgs& g) -> TensorList {
                       TensorList r(2);
                       if (g.needs(0)) r[0] = sum_to(g.grad(), sa);
                       if (g.needs(1)) {
                         Tensor q = div(g.saved[0], g.saved[1], std::string("trunc"));
                         r[1] = sum_to(neg(mul(g.grad(), q)), sb);
                       }
                       return r;
                     });
  }
  return out;
}

Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  DS_CHECK(a.dtype() == b.dtype(), RuntimeError,
           "isclose(): expected both tensors to have same dtype, but got {} and {}",
           scalar_type_name(a.dtype()), scalar_type_name(b.dtype()));
  DS_CHECK(rtol >= 0, RuntimeError,
           "isclose(): rtol must be greater than or equal to zero, but got {}", rtol);
  DS_CHECK(atol >= 0, RuntimeError,
           "isclose(): atol must be greater than or equal to zero, but got {}", atol);
  autograd::GradModeGuard off(false);
  const Tensor x = a.detach(), y = b.detach();
  Tensor close = eq(x, y);  // also covers equal infinities
  if (equal_nan && is_floating(x.dtype()))
    close = logical_or(close, logical_and(isnan(x), isnan(y)));
  if (x.dtype() == DType::Bool || (rtol == 0 && atol == 0)) return close;
  const DType dt = is_floating(x.dtype()) ? x.dtype() : default_float_dtype();
  const Tensor xf = convert_raw(x, dt, x.device()), yf = convert_raw(y, dt, y.device());
  Tensor error = abs(sub(xf, yf));
  Tensor allowed = add(wrapped_scalar(atol), abs(mul(yf, wrapped_scalar(rtol))));
  return logical_or(close, logical_and(isfinite(error), le(error, allowed)));
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  return all(isclose(a, b, rtol, atol, equal_nan)).item().to_bool();
}

bool equal(const Tensor& a, const Tensor& b) {
  check_same_device("equal", {a, b});
  if (a.sizes() != b.sizes()) return false;
  autograd::GradModeGuard off(false);
  return all(eq(a.detach(), b.detach())).item().to_bool();
}

// Tensor methods and operators of this family.
Tensor Tensor::add(const Tensor& o, const Scalar& alpha) const {
  return deepseek::add(*this, o, alpha);
}
Tensor Tensor::sub(const Tensor& o, const Scalar& alpha) const {
  return deepseek::sub(*this, o, alpha);
}
Tensor Tensor::mul(const Tensor& o) const { return deepseek::mul(*this, o); }
Tensor Tensor::div(const Tensor& o) const { return deepseek::div(*this, o); }
Tensor Tensor::pow(const Tensor& e) const { return deepseek::pow(*this, e); }
Tensor Tensor::maximum(const Tensor& o) const { return deepseek::maximum(*this, o); }
Tensor Tensor::minimum(const Tensor& o) const { return deepseek::minimum(*this, o); }
Tensor Tensor::eq(const Tensor& o) const { return deepseek::eq(*this, o); }
Tensor Tensor::ne(const Tensor& o) const { return deepseek::ne(*this, o); }
Tensor Tensor::lt(const Tensor& o) const { return deepseek::lt(*this, o); }
Tensor Tensor::le(const Tensor& o) const { return deepseek::le(*this, o); }
Tensor Tensor::gt(const Tensor& o) const { return deepseek::gt(*this, o); }
Tensor Tensor::ge(const Tensor& o) const { return deepseek::ge(*this, o); }
Tensor Tensor::logical_and(const Tensor& o) const { return deepseek::logical_and(*this, o); }
Tensor Tensor::logical_or(const Tensor& o) const { return deepseek::logical_or(*this, o); }
Tensor Tensor::logical_xor(const Tensor& o) const { return deepseek::logical_xor(*this, o); }

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, wrapped_scalar(b)); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, wrapped_scalar(b)); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, wrapped_scalar(b)); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, wrapped_scalar(b)); }
Tensor operator+(const Scalar& a, const Tensor& b) { return add(wrapped_scalar(a), b); }
Tensor operator-(const Scalar& a, const Tensor& b) { return sub(wrapped_scalar(a), b); }
Tensor operator*(const Scalar& a, const Tensor& b) { return mul(wrapped_scalar(a), b); }
Tensor operator/(const Scalar& a, const Tensor& b) { return div(wrapped_scalar(a), b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator<(const Tensor& a, const Scalar& b) { return lt(a, wrapped_scalar(b)); }
Tensor operator<=(const Tensor& a, const Scalar& b) { return le(a, wrapped_scalar(b)); }
Tensor operator>(const Tensor& a, const Scalar& b) { return gt(a, wrapped_scalar(b)); }
Tensor operator>=(const Tensor& a, const Scalar& b) { return ge(a, wrapped_scalar(b)); }

}  // namespace deepseek
