// Writing at indices: index_fill, index_copy, put, masked_scatter, and take (flat reads).
#pragma once

#include "deepseek/core/tensor.h"

namespace deepseek {

// x with the slices at `index` along dim set to value / replaced by source's slices.
Tensor index_fill(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value);
Tensor index_copy(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source);
// x flattened, read at `index` (negative indices count from the end): index's shape.
Tensor take(const Tensor& x, const Tensor& index);
// x flattened, written (or added into, with accumulate) at `index` from source's elements.
Tensor put(const Tensor& x, const Tensor& index, const Tensor& source, bool accumulate = false);
// x with the positions where mask (broadcast to x) is true filled, in order, from source.
Tensor masked_scatter(const Tensor& x, const Tensor& mask, const Tensor& source);

const Tensor& index_fill_(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value);
const Tensor& index_copy_(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source);
const Tensor& put_(const Tensor& x, const Tensor& index, const Tensor& source,
                   bool accumulate = false);
const Tensor& masked_scatter_(const Tensor& x, const Tensor& mask, const Tensor& source);

}  // namespace deepseek
