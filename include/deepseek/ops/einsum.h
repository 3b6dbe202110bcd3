// Einstein summation: "ij,jk->ik" and friends, with ellipsis ("...ij,...jk"), repeated
// labels within an operand (diagonals: "ii->i") and implicit output (labels seen once,
// sorted). Contractions run as one bmm per pair of operands, left to right.
#pragma once

#include <string>

#include "deepseek/core/tensor.h"

namespace deepseek {

Tensor einsum(const std::string& equation, const TensorList& operands);

}  // namespace deepseek
