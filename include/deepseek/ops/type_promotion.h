// PyTorch's result_type: tensors with dims outrank 0-dim tensors, which outrank wrapped
// numbers; a lower rank only matters when it brings a higher category (bool < int < float).
// So int32_tensor + 2.5 -> float32, float16_tensor + 2.5 -> float16, int8_tensor + 1000 -> int8.
#pragma once

#include <initializer_list>

#include "deepseek/core/tensor.h"

namespace deepseek {

DType result_type(std::initializer_list<Tensor> tensors);
DType result_type(const TensorList& tensors);

}  // namespace deepseek
