// PyTorch's result_type: tensors with dims outrank 0-dim tensors, which outrank wrapped
// numbers; a lower rank only matters when it brings a higher category (bool < int < float).
// So int32_tensor + 2.5 -> float32, float16_tensor + 2.5 -> float16, int8_tensor + 1000 -> int8.
#pragma once

#include <initializer_list>

#include "deepseek/core/tensor.h"

namespace deepseek {

DType result_type(std::initializer_list<Tensor> tensors);
DType result_type(const TensorList& tensors);

// Whether an op computing in `from` may write its result into a tensor of dtype `to`
// (PyTorch's canCast): no float into an integer tensor, nothing but bool into a bool one.
bool can_cast(DType from, DType to);
// Throws PyTorch's "result type Float can't be cast to the desired output type Long"
// (RuntimeError, prefixed by `op`) unless can_cast(result, out).
void check_can_cast(const char* op, DType result, DType out);

// Throws PyTorch's "value cannot be converted to type int8 without overflow" (RuntimeError)
// when a number does not fit an integer dtype (uint8 also takes -255..-1, wrapping, as in
// PyTorch; NaN and infinities fit no integer type). Floating dtypes take any number.
void check_scalar_fits(const char* op, const Scalar& value, DType dtype);

// PyTorch's ScalarType names as its error messages spell them: "Float", "Long", "Bool", ...
const char* scalar_type_name(DType dtype);
// RuntimeError in PyTorch's words: "\"<kernel>\" not implemented for 'Bool'".
[[noreturn]] void throw_not_implemented_for(const char* kernel, DType dtype);

}  // namespace deepseek
