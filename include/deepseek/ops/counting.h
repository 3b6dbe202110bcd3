// Counting: bincount, histc, count_nonzero. Results are counts, so nothing is recorded.
#pragma once

#include <cstdint>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek {

// Occurrences of each value 0..max(x) of a 1-D non-negative integer tensor (at least
// minlength bins); with weights, the sum of the weights of each value's elements (float64
// unless the weights are floating).
Tensor bincount(const Tensor& x, const Tensor& weights = {}, int64_t minlength = 0);
// Histogram of `bins` equal bins over [min, max] (both 0: the data's range); elements
// outside are ignored, max itself falls in the last bin. x's floating dtype.
Tensor histc(const Tensor& x, int64_t bins = 100, double min = 0, double max = 0);
// Non-zero elements over dims (empty = all), int64.
Tensor count_nonzero(const Tensor& x, const std::vector<int64_t>& dims = {});

}  // namespace deepseek
