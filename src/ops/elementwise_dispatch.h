// Op internals shared by the elementwise op files (binary.cpp, binary_inplace.cpp,
// bitwise.cpp): how a binary kernel call is set up. Not part of the public API.
#pragma once

#include "deepseek/backend/kernel_ops.h"
#include "deepseek/core/tensor.h"

namespace deepseek {

// The device an expression runs on: that of any operand other than a CPU number.
Device common_device(const Tensor& a, const Tensor& b);
// op(a, b) computed in `compute` (operands broadcast and converted, no graph recorded) into a
// new tensor of `out_dtype`; `name` names the op in errors.
Tensor binary_raw(BinaryOp op, const Tensor& a, const Tensor& b, DType compute, DType out_dtype,
                  const char* name);
// alpha * b in `compute` (the dtype of a + b), without recording: add/sub and add_/sub_
// record the scaling in their own formula. Scaling in compute keeps int64 + 2 * int8 from
// wrapping at 8 bits.
Tensor scale_by_alpha(const Tensor& b, const Scalar& alpha, DType compute, const char* name);

}  // namespace deepseek
