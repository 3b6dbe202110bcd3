// Bitwise ops on integer and bool tensors (& | ^ ~ << >>), with broadcasting and PyTorch type
// promotion. Floating operands are an error, as in PyTorch.
#pragma once

#include "deepseek/core/tensor.h"

namespace deepseek {

Tensor bitwise_and(const Tensor& a, const Tensor& b);
Tensor bitwise_or(const Tensor& a, const Tensor& b);
Tensor bitwise_xor(const Tensor& a, const Tensor& b);
Tensor bitwise_not(const Tensor& x);
// Integers only. A count outside [0, bits of the dtype) shifts every bit out: 0 for a left
// shift, the sign fill for a right shift (PyTorch 2's definition; 1.13 left it to the CPU).
Tensor bitwise_left_shift(const Tensor& a, const Tensor& b);
Tensor bitwise_right_shift(const Tensor& a, const Tensor& b);

// In place (the result must cast to self's dtype).
const Tensor& bitwise_and_(const Tensor& self, const Tensor& other);
const Tensor& bitwise_or_(const Tensor& self, const Tensor& other);
const Tensor& bitwise_xor_(const Tensor& self, const Tensor& other);
const Tensor& bitwise_not_(const Tensor& self);
const Tensor& bitwise_left_shift_(const Tensor& self, const Tensor& other);
const Tensor& bitwise_right_shift_(const Tensor& self, const Tensor& other);

}  // namespace deepseek
