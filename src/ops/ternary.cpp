// Three-operand elementwise ops, composed from the binary ops: each piece records its own
// backward, so the gradients (and second derivatives) follow from theirs.
#include "deepseek/ops/ternary.h"

#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/type_promotion.h"

namespace deepseek {

Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight) {
  DS_CHECK(is_floating(start.dtype()) && start.dtype() == end.dtype(), RuntimeError,
           "lerp: expected start and end to be floating tensors of one dtype, but got {} and {}",
           dtype_name(start.dtype()), dtype_name(end.dtype()));
  DS_CHECK(weight.impl()->wrapped_number || weight.dtype() == start.dtype(), RuntimeError,
           "lerp: expected dtype {} for `weight` but got dtype {}", dtype_name(start.dtype()),
           dtype_name(weight.dtype()));
  check_same_device("lerp", {start, end, weight});
  // PyTorch's two-sided form: exact at both ends (weight 0 gives start, 1 gives end).
  Tensor diff = sub(end, start);
  Tensor low = add(start, mul(weight, diff));
  Tensor high = sub(end, mul(diff, sub(wrapped_scalar(1), weight)));
  return where(lt(weight, wrapped_scalar(0.5)), low, high);
}

Tensor addcmul(const Tensor& input, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  check_same_device("addcmul", {input, t1, t2});
  Tensor prod = mul(t1, t2);
  if (!value.is_floating() && value.to_int() == 1) return add(input, prod);
  return add(input, mul(prod, wrapped_scalar(value)));
}

Tensor addcdiv(const Tensor& input, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  DS_CHECK(!is_integral(t1.dtype(), true) || !is_integral(t2.dtype(), true), RuntimeError,
           "Integer division with addcdiv is no longer supported, and in a future release "
           "addcdiv will perform a true division of tensor1 and tensor2. (got {} and {})",
           dtype_name(t1.dtype()), dtype_name(t2.dtype()));
  check_same_device("addcdiv", {input, t1, t2});
  Tensor quot = div(t1, t2);
  if (!value.is_floating() && value.to_int() == 1) return add(input, quot);
  return add(input, mul(quot, wrapped_scalar(value)));
}

const Tensor& lerp_(const Tensor& self, const Tensor& end, const Tensor& weight) {
  return assign_inplace(self, {end, weight}, "lerp_",
                        [](const TensorList& a) { return lerp(a[0], a[1], a[2]); });
}
const Tensor& addcmul_(const Tensor& self, const Tensor& t1, const Tensor& t2,
                       const Scalar& value) {
  return assign_inplace(self, {t1, t2}, "addcmul_",
                        [value](const TensorList& a) { return addcmul(a[0], a[1], a[2], value); });
}
const Tensor& addcdiv_(const Tensor& self, const Tensor& t1, const Tensor& t2,
                       const Scalar& value) {
  return assign_inplace(self, {t1, t2}, "addcdiv_",
                        [value](const TensorList& a) { return addcdiv(a[0], a[1], a[2], value); });
}

}  // namespace deepseek
