// Inclusive scans along one dim (cumsum, cumprod, cummax, cummin). A scan is sequential
// along its dim, so threads split the slices and each walks its slice in order (a contiguous
// run when the dim is innermost, a strided one otherwise). Memory bound.
#include <omp.h>

#include <cmath>
#include <type_traits>
#include <vector>

#include "cpu_backend.h"
#include "dim_slices.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

// Sum/Prod accumulate wide: double for floats (as PyTorch's CPU cumsum), int64 for integers
// (wrapping; the cast to the output type then wraps as the narrow arithmetic would).
template <typename C>
using ScanAcc = std::conditional_t<std::is_floating_point_v<C>, double, int64_t>;

template <typename C>
bool replaces(ScanOp op, C x, C best) {
  if constexpr (std::is_floating_point_v<C>) {
    if (x != x) return true;  // NaN wins, and a later NaN takes over the index
    if (best != best) return false;
  }
  return op == ScanOp::Max ? x >= best : x <= best;
}

template <typename T>
void scan_slice(ScanOp op, const T* in, int64_t stride, int64_t n, T* out, int64_t* idx,
                int64_t out_stride) {
  using C = compute_type_t<T>;
  if (op == ScanOp::Sum || op == ScanOp::Prod) {
    using A = ScanAcc<C>;
    A acc = op == ScanOp::Sum ? A(0) : A(1);
    for (int64_t i = 0; i < n; ++i) {
      const A x = static_cast<A>(static_cast<C>(in[i * stride]));
      acc = op == ScanOp::Sum ? wrap_add(acc, x) : wrap_mul(acc, x);
      if constexpr (std::is_same_v<T, bool>) {
        out[i * out_stride] = acc != 0;
      } else {
        out[i * out_stride] = static_cast<T>(static_cast<C>(acc));
      }
    }
    return;
  }
  C best = static_cast<C>(in[0]);
  int64_t best_i = 0;
  for (int64_t i = 0; i < n; ++i) {
    const C x = static_cast<C>(in[i * stride]);
    if (i > 0 && replaces(op, x, best)) {
      best = x;
      best_i = i;
    }
    out[i * out_stride] = static_cast<T>(best);
    idx[i * out_stride] = best_i;
  }
}

}  // namespace

void CpuBackend::scan(ScanOp op, const Tensor& in, int64_t dim, const Tensor& out,
                      const Tensor& indices) {
  const DimSlices slices(in, dim);
  const int64_t n = slices.length(), inner = slices.inner(), count = slices.count();
  if (count == 0 || n == 0) return;
  const bool with_index = op == ScanOp::Max || op == ScanOp::Min;
  visit_dtype(in.dtype(), scan_op_name(op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = static_cast<const T*>(in.data_ptr());
    T* dst = static_cast<T*>(out.data_ptr());
    int64_t* idx = with_index ? indices.data_ptr<int64_t>() : nullptr;
    const int64_t stride = slices.stride();
#pragma omp parallel for if (count * n > kParallelGrain)
    for (int64_t s = 0; s < count; ++s) {
      const int64_t o = slices.out_offset(s, n);
      scan_slice<T>(op, src + slices.in_offset(s), stride, n, dst + o, idx ? idx + o : nullptr,
                    inner);
    }
  });
}

}  // namespace deepseek::cpu
