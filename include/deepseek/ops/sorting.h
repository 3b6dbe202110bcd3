// Sorting and selection along one dim: sort, argsort, topk, kthvalue, median, and what is
// built on them: unique, searchsorted. NaN sorts above every number (as PyTorch's sort);
// equal values keep their input order.
#pragma once

#include <optional>
#include <tuple>

#include "deepseek/core/tensor.h"

namespace deepseek {

// (values, indices) sorted along dim. Always stable; `stable` is accepted for PyTorch's
// signature.
std::tuple<Tensor, Tensor> sort(const Tensor& x, int64_t dim = -1, bool descending = false,
                                bool stable = false);
Tensor argsort(const Tensor& x, int64_t dim = -1, bool descending = false, bool stable = false);
// The k largest (or smallest) along dim, largest first (smallest first). `sorted` = false
// allows any order; this implementation always returns them sorted.
std::tuple<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim = -1, bool largest = true,
                                bool sorted = true);
// The k-th smallest (k from 1) along dim and its index.
std::tuple<Tensor, Tensor> kthvalue(const Tensor& x, int64_t k, int64_t dim = -1,
                                    bool keepdim = false);
// The lower median along dim and its index; NaN if the slice holds one (its first NaN).
std::tuple<Tensor, Tensor> median(const Tensor& x, int64_t dim, bool keepdim = false);
// The lower median of all elements (0-dim); NaN if any element is NaN.
Tensor median(const Tensor& x);

// The sorted distinct values of x (flattened); with return_inverse, where each element of x
// went (x's shape, int64); with return_counts, how often each value occurs. Results not
// asked for are undefined tensors.
struct UniqueResult {
  Tensor values, inverse, counts;
};
UniqueResult unique(const Tensor& x, bool return_inverse = false, bool return_counts = false);
// The sorted distinct slices of x along dim (slices compared element by element, in
// lexicographic order); inverse gives each slice's group (1-D, x.size(dim) long).
UniqueResult unique_dim(const Tensor& x, int64_t dim, bool return_inverse = false,
                        bool return_counts = false);

// For each value, the index where it would be inserted into the innermost dim of
// sorted_sequence to keep it sorted (first such index, or last with right = true).
// sorted_sequence is 1-D, or has values' leading dims. int64, or int32 with out_int32.
Tensor searchsorted(const Tensor& sorted_sequence, const Tensor& values, bool out_int32 = false,
                    bool right = false);

}  // namespace deepseek
