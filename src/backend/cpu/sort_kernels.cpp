// Sorting along one dim (sort, argsort, topk, kthvalue, median). Threads split the slices;
// each thread sorts (value, index) pairs of one slice at a time in its own buffer, with
// std::partial_sort when only the first k are wanted. Compute bound: O(n log k) compares.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "cpu_backend.h"
#include "dim_slices.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

// A strict total order on (value, index): NaN above every number, ties by index, so the
// result is stable and does not depend on the sort algorithm.
template <typename C>
struct SortOrder {
  bool descending;
  bool operator()(const std::pair<C, int64_t>& x, const std::pair<C, int64_t>& y) const {
    const bool x_nan = x.first != x.first, y_nan = y.first != y.first;
    if (x_nan || y_nan) {
      if (x_nan && y_nan) return x.second < y.second;
      return descending ? x_nan : y_nan;
    }
    if (x.first != y.first) return descending ? y.first < x.first : x.first < y.first;
    return x.second < y.second;
  }
};

}  // namespace

void CpuBackend::sort(const Tensor& in, int64_t dim, int64_t k, bool descending,
                      const Tensor& values, const Tensor& indices) {
  const DimSlices slices(in, dim);
  const int64_t n = slices.length(), stride = slices.stride(), inner = slices.inner();
  if (slices.count() == 0 || n == 0 || k == 0) return;
  visit_dtype(in.dtype(), "sort", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_type_t<T>;
    using Item = std::pair<C, int64_t>;
    const T* src = static_cast<const T*>(in.data_ptr());
    T* value_out = values.defined() ? static_cast<T*>(values.data_ptr()) : nullptr;
    int64_t* index_out = indices.data_ptr<int64_t>();
    const SortOrder<C> order{descending};
    const bool parallel = slices.count() > 1 && slices.count() * n > kParallelGrain;
    // Buffers are allocated before the parallel region (nothing inside it may throw).
    const int threads = parallel ? omp_get_max_threads() : 1;
    std::vector<Item> buffers(static_cast<size_t>(threads * n));
#pragma omp parallel for num_threads(threads) if (parallel)
    for (int64_t s = 0; s < slices.count(); ++s) {
      Item* buf = buffers.data() + (parallel ? omp_get_thread_num() : 0) * n;
      const T* p = src + slices.in_offset(s);
      for (int64_t i = 0; i < n; ++i) buf[i] = {static_cast<C>(p[i * stride]), i};
      if (k < n) {
        std::partial_sort(buf, buf + k, buf + n, order);
      } else {
        std::sort(buf, buf + n, order);
      }
      const int64_t o = slices.out_offset(s, k);
      for (int64_t j = 0; j < k; ++j) {
        if (value_out) value_out[o + j * inner] = static_cast<T>(buf[j].first);
        index_out[o + j * inner] = buf[j].second;
      }
    }
  });
}

}  // namespace deepseek::cpu
