// Elementwise ops of three operands, broadcasting all three: linear interpolation and the
// fused multiply/divide-adds optimizers use.
#pragma once

#include "deepseek/core/tensor.h"

namespace deepseek {

// start + weight * (end - start) (weight a tensor, or a number wrapped as one).
Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight);
// input + value * t1 * t2
Tensor addcmul(const Tensor& input, const Tensor& t1, const Tensor& t2, const Scalar& value = 1);
// input + value * t1 / t2 (integer t1 and t2 are an error, as in PyTorch).
Tensor addcdiv(const Tensor& input, const Tensor& t1, const Tensor& t2, const Scalar& value = 1);

// In place into the first operand (its shape and dtype must hold the result).
const Tensor& lerp_(const Tensor& self, const Tensor& end, const Tensor& weight);
const Tensor& addcmul_(const Tensor& self, const Tensor& t1, const Tensor& t2,
                       const Scalar& value = 1);
const Tensor& addcdiv_(const Tensor& self, const Tensor& t1, const Tensor& t2,
                       const Scalar& value = 1);

}  // namespace deepseek
