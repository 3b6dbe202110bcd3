// softmax / log_softmax along one dim of a contiguous tensor, seen as [outer, n, inner].
// Each (outer, inner) line is reduced in three passes (max, sum of exp, write) in the
// compute type, which subtracts the max first so large logits never overflow.
#include <cmath>
#include <limits>

#include "cpu_backend.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

template <typename T>
void softmax_lastdim(const T* in, T* out, int64_t outer, int64_t n, bool log) {
  using C = compute_type_t<T>;
#pragma omp parallel for if (outer * n > kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    const T* x = in + o * n;
    T* y = out + o * n;
    C mx = -std::numeric_limits<C>::infinity();
    for (int64_t i = 0; i < n; ++i) mx = std::max(mx, static_cast<C>(x[i]));
    if (std::isinf(mx) && mx < 0) mx = 0;  // all -inf: keep exp(-inf - 0) = 0, no NaN from inf-inf
    C sum = 0;
    if (log) {
      for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<C>(x[i]) - mx);
      // (x - max) - log(sum), not x - (max + log(sum)): the latter loses log(sum) entirely
      // when max is huge.
      const C log_sum = std::log(sum);
      for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>((static_cast<C>(x[i]) - mx) - log_sum);
    } else if constexpr (std::is_same_v<T, C>) {
      // Keep the exponentials in the output and rescale them: one exp per element.
      for (int64_t i = 0; i < n; ++i) {
        C e = std::exp(static_cast<C>(x[i]) - mx);
        y[i] = e;
        sum += e;
      }
      const C inv = C(1) / sum;
      for (int64_t i = 0; i < n; ++i) y[i] *= inv;
    } else {
      // Narrow storage (bf16/fp16) would round the exponentials twice; recompute them.
      for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<C>(x[i]) - mx);
      const C inv = C(1) / sum;
      for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(std::exp(static_cast<C>(x[i]) - mx) * inv);
    }
  }
}

template <typename T>
void softmax_inner(const T* in, T* out, int64_t outer, int64_t n, int64_t inner, bool log) {
  using C = compute_type_t<T>;
#pragma omp parallel for if (outer * n * inner > kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    std::vector<C> mx(inner, -std::numeric_limits<C>::infinity()), sum(inner, C(0));
    const T* x = in + o * n * inner;
    T* y = out + o * n * inner;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < inner; ++j) mx[j] = std::max(mx[j], static_cast<C>(x[i * inner + j]));
    for (int64_t j = 0; j < inner; ++j)
      if (std::isinf(mx[j]) && mx[j] < 0) mx[j] = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < inner; ++j) sum[j] += std::exp(static_cast<C>(x[i * inner + j]) - mx[j]);
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = 0; j < inner; ++j) {
        const C v = static_cast<C>(x[i * inner + j]) - mx[j];
        y[i * inner + j] = static_cast<T>(log ? v - std::log(sum[j]) : std::exp(v) / sum[j]);
      }
    }
  }
}

}  // namespace

void CpuBackend::softmax(const Tensor& in, int64_t dim, bool log, const Tensor& out) {
  if (in.numel() == 0) return;
  int64_t outer = 1, inner = 1;
  const int64_t n = in.dim() == 0 ? 1 : in.size(dim);
  for (int64_t d = 0; d < dim; ++d) outer *= in.size(d);
  for (int64_t d = dim + 1; d < in.dim(); ++d) inner *= in.size(d);
  visit_floating_dtype(in.dtype(), log ? "log_softmax" : "softmax", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = static_cast<const T*>(in.data_ptr());
    T* y = static_cast<T*>(out.data_ptr());
    if (inner == 1) {
      softmax_lastdim(x, y, outer, n, log);
    } else {
      softmax_inner(x, y, outer, n, inner, log);
    }
  });
}

}  // namespace deepseek::cpu
