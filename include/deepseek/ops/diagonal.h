// Diagonals: views of them (diagonal), matrices built from them (diag, diag_embed), trace.
#pragma once

#include "deepseek/core/tensor.h"

namespace deepseek {

// A view of the diagonal of dims dim1 and dim2 (offset > 0: above the main diagonal), with
// those dims removed and the diagonal appended as the last dim.
Tensor diagonal(const Tensor& x, int64_t offset = 0, int64_t dim1 = 0, int64_t dim2 = 1);
// x's last dim placed on the diagonal of two new dims (dim1, dim2 of the result), zeros
// elsewhere.
Tensor diag_embed(const Tensor& x, int64_t offset = 0, int64_t dim1 = -2, int64_t dim2 = -1);
// 1-D: a square matrix with x on the given diagonal; 2-D: a copy of that diagonal.
Tensor diag(const Tensor& x, int64_t diagonal = 0);
// Sum of the main diagonal of a 2-D tensor.
Tensor trace(const Tensor& x);

}  // namespace deepseek
