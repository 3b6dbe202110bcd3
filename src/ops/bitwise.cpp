// Bitwise ops: validate (no floats; no bool shifts) -> the binary/unary kernels. Their
// results are integers, so nothing is recorded.
#include "deepseek/ops/bitwise.h"

#include "deepseek/backend/backend.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/type_promotion.h"
#include "deepseek/ops/unary.h"
#include "elementwise_dispatch.h"

namespace deepseek {

namespace {

Tensor bitwise_binary(BinaryOp op, const Tensor& a, const Tensor& b, const char* kernel) {
  const DType dt = result_type({a, b});
  const bool shift = op == BinaryOp::LeftShift || op == BinaryOp::RightShift;
  if (is_floating(dt) || (shift && dt == DType::Bool)) throw_not_implemented_for(kernel, dt);
  return binary_raw(op, a, b, dt, dt, binary_op_name(op));
}

}  // namespace

Tensor bitwise_and(const Tensor& a, const Tensor& b) {
  return bitwise_binary(BinaryOp::BitwiseAnd, a, b, "bitwise_and_cpu");
}
Tensor bitwise_or(const Tensor& a, const Tensor& b) {
  return bitwise_binary(BinaryOp::BitwiseOr, a, b, "bitwise_or_cpu");
}
Tensor bitwise_xor(const Tensor& a, const Tensor& b) {
  return bitwise_binary(BinaryOp::BitwiseXor, a, b, "bitwise_xor_cpu");
}
Tensor bitwise_left_shift(const Tensor& a, const Tensor& b) {
  return bitwise_binary(BinaryOp::LeftShift, a, b, "lshift_cpu");
}
Tensor bitwise_right_shift(const Tensor& a, const Tensor& b) {
  return bitwise_binary(BinaryOp::RightShift, a, b, "rshift_cpu");
}

Tensor bitwise_not(const Tensor& x) {
  if (is_floating(x.dtype())) throw_not_implemented_for("bitwise_not_cpu", x.dtype());
  Tensor out = empty_tensor(x.sizes(), x.dtype(), x.device());
  backend_for(x.device()).unary(UnaryOp::BitwiseNot, x, out, {});
  return out;
}

namespace {
const Tensor& assign(const Tensor& self, const Tensor& other, const char* name,
                     Tensor (*op)(const Tensor&, const Tensor&)) {
  return assign_inplace(self, {other}, name, [op](const TensorList& a) { return op(a[0], a[1]); });
}
}  // namespace

const Tensor& bitwise_and_(const Tensor& self, const Tensor& other) {
  return assign(self, other, "bitwise_and_", &bitwise_and);
}
const Tensor& bitwise_or_(const Tensor& self, const Tensor& other) {
  return assign(self, other, "bitwise_or_", &bitwise_or);
}
const Tensor& bitwise_xor_(const Tensor& self, const Tensor& other) {
  return assign(self, other, "bitwise_xor_", &bitwise_xor);
}
const Tensor& bitwise_left_shift_(const Tensor& self, const Tensor& other) {
  return assign(self, other, "bitwise_left_shift_", &bitwise_left_shift);
}
const Tensor& bitwise_right_shift_(const Tensor& self, const Tensor& other) {
  return assign(self, other, "bitwise_right_shift_", &bitwise_right_shift);
}
const Tensor& bitwise_not_(const Tensor& self) {
  return assign_inplace(self, {}, "bitwise_not_",
                        [](const TensorList& a) { return bitwise_not(a[0]); });
}

}  // namespace deepseek
