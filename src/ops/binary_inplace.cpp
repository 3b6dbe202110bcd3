// The in-place forms of the elementwise binary ops (add_, sub_, mul_, div_, ..., and the
// compound assignment operators): validate (self can hold the promoted result, other
// broadcasts to self's shape) -> dispatch into self -> record_inplace. The out-of-place ops
// are in binary.cpp.
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/type_promotion.h"
#include "deepseek/ops/unary.h"
#include "elementwise_dispatch.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;

namespace {

// self = op(self, other) in place, with its autograd record. The formula gets the saved
// operands: [old self (if saved), other].
const Tensor& binary_inplace(BinaryOp op, const Tensor& self, const Tensor& other_in,
                             const Scalar& alpha, const char* name) {
  autograd::check_inplace(self, name);
  check_same_device(name, {self, other_in});
  if (op == BinaryOp::Sub) {
    DS_CHECK(self.dtype() != DType::Bool && other_in.dtype() != DType::Bool, RuntimeError,
             "{}: Subtraction, the `-` operator, with a bool tensor is not supported. If you "
             "are trying to invert a mask, use the `~` or `logical_not()` operator instead.",
             name);
  }
  DType dt = result_type({self, other_in});
  if (op == BinaryOp::Div && is_integral(dt, true)) dt = default_float_dtype();
  check_can_cast(name, dt, self.dtype());
  Shape shape = broadcast_shapes(self.sizes(), other_in.sizes(), name);
  DS_CHECK(shape == self.sizes(), RuntimeError,
           "{}: output with shape {} doesn't match the broadcast shape {}", name,
           shape_str(self.sizes()), shape_str(shape));
  Tensor other = scale_by_alpha(other_in, alpha, dt, name);
  // mul_/div_ need the old value of self for the other operand's gradient. A recorded clone,
  // so that gradient stays differentiable with respect to self's history (double backward).
  const bool track = autograd::needs_grad({self, other_in});
  Tensor old_self =
      track && (op == BinaryOp::Mul || op == BinaryOp::Div) && other_in.requires_grad()
          ? self.clone()
          : Tensor();
  Tensor oc = broadcast_view(convert_raw(other, dt, self.device()), shape);
  if (dt == self.dtype()) {
    backend_for(self.device()).binary(op, self, oc, self);
  } else {
    Tensor tmp = empty_tensor(shape, dt, self.device());
    backend_for(self.device()).binary(op, convert_raw(self, dt, self.device()), oc, tmp);
    backend_for(self.device()).copy(tmp, self);
  }
  self.bump_version();
  if (track) {
    const Shape so = other_in.sizes();
    const double a = alpha.to_double();
    autograd::record_inplace(op == BinaryOp::Add   ? "AddBackward0"
                             : op == BinaryOp::Sub ? "SubBackward0"
                             : op == BinaryOp::Mul ? "MulBackward0"
                                                   : "DivBackward0",
                             self, {self, other_in}, {save(old_self), save(other_in)},
                             [op, so, a](const BackwardArgs& g) -> TensorList {
                               TensorList r(2);
                               const Tensor& gr = g.grad();
                               const Tensor &old = g.saved[0], &oth = g.saved[1];
                               switch (op) {
                                 case BinaryOp::Add:
                                   r[0] = gr;
                                   if (g.needs(1))
                                     r[1] = sum_to(a == 1.0 ? gr : mul(gr, wrapped_scalar(a)), so);
                                   break;
                                 case BinaryOp::Sub:
                                   r[0] = gr;
                                   if (g.needs(1)) r[1] = sum_to(mul(gr, wrapped_scalar(-a)), so);
                                   break;
                                 case BinaryOp::Mul:
                                   r[0] = mul(gr, oth);
                                   if (g.needs(1)) r[1] = sum_to(mul(gr, old), so);
                                   break;
                                 default:  // Div
                                   r[0] = div(gr, oth);
                                   if (g.needs(1))
                                     r[1] = sum_to(neg(div(mul(gr, old), mul(oth, oth))), so);
                                   break;
                               }
                               return r;
                             });
  }
  return self;
}

}  // namespace

const Tensor& add_(const Tensor& self, const Tensor& other, const Scalar& alpha) {
  return binary_inplace(BinaryOp::Add, self, other, alpha, "add_");
}
const Tensor& sub_(const Tensor& self, const Tensor& other, const Scalar& alpha) {
  return binary_inplace(BinaryOp::Sub, self, other, alpha, "sub_");
}
const Tensor& mul_(const Tensor& self, const Tensor& other) {
  return binary_inplace(BinaryOp::Mul, self, other, 1, "mul_");
}
const Tensor& div_(const Tensor& self, const Tensor& other) {
  return binary_inplace(BinaryOp::Div, self, other, 1, "div_");
}

namespace {
const Tensor& binary_assign(const Tensor& self, const Tensor& other, const char* name,
                            Tensor (*op)(const Tensor&, const Tensor&)) {
  return assign_inplace(self, {other}, name, [op](const TensorList& a) { return op(a[0], a[1]); });
}
}  // namespace

const Tensor& div_(const Tensor& self, const Tensor& other,
                   const std::optional<std::string>& rounding_mode) {
  if (!rounding_mode) return div_(self, other);
  return assign_inplace(self, {other}, "div_", [rounding_mode](const TensorList& a) {
    return div(a[0], a[1], rounding_mode);
  });
}
const Tensor& floor_divide_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "floor_divide_", &floor_divide);
}
const Tensor& remainder_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "remainder_", &remainder);
}
const Tensor& pow_(const Tensor& self, const Tensor& exponent) {
  return binary_assign(self, exponent, "pow_",
                       [](const Tensor& a, const Tensor& b) { return pow(a, b); });
}
const Tensor& maximum_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "maximum_", &maximum);
}
const Tensor& minimum_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "minimum_", &minimum);
}
const Tensor& logical_and_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "logical_and_", &logical_and);
}
const Tensor& logical_or_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "logical_or_", &logical_or);
}
const Tensor& logical_xor_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "logical_xor_", &logical_xor);
}
const Tensor& atan2_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "atan2_", &atan2);
}
const Tensor& hypot_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "hypot_", &hypot);
}
const Tensor& fmod_(const Tensor& self, const Tensor& other) {
  return binary_assign(self, other, "fmod_", &fmod);
}

// Tensor methods and operators of this family.
const Tensor& Tensor::add_(const Tensor& o, const Scalar& alpha) const {
  return deepseek::add_(*this, o, alpha);
}
const Tensor& Tensor::sub_(const Tensor& o, const Scalar& alpha) const {
  return deepseek::sub_(*this, o, alpha);
}
const Tensor& Tensor::mul_(const Tensor& o) const { return deepseek::mul_(*this, o); }
const Tensor& Tensor::div_(const Tensor& o) const { return deepseek::div_(*this, o); }

const Tensor& operator+=(const Tensor& a, const Tensor& b) { return add_(a, b); }
const Tensor& operator-=(const Tensor& a, const Tensor& b) { return sub_(a, b); }
const Tensor& operator*=(const Tensor& a, const Tensor& b) { return mul_(a, b); }
const Tensor& operator/=(const Tensor& a, const Tensor& b) { return div_(a, b); }
const Tensor& operator+=(const Tensor& a, const Scalar& b) { return add_(a, wrapped_scalar(b)); }
const Tensor& operator-=(const Tensor& a, const Scalar& b) { return sub_(a, wrapped_scalar(b)); }
const Tensor& operator*=(const Tensor& a, const Scalar& b) { return mul_(a, wrapped_scalar(b)); }
const Tensor& operator/=(const Tensor& a, const Scalar& b) { return div_(a, wrapped_scalar(b)); }

}  // namespace deepseek
