// softmax / log_softmax along one dim of a contiguous tensor, seen as [outer, n, inner].
// Each (outer, inner) line is reduced in three passes (max, sum of exp, write) in the
// compute type, which subtracts the max first so large logits never overflow.
//
// The work is bound by exp: float lines use exp_nonpositive below, plain arithmetic the
// compiler vectorises (8 lanes with AVX2), instead of a scalar libm call per element.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "cpu_backend.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

// exp(x) for x <= 0 or NaN, which is all softmax feeds it (x - max of the line). Range
// reduction x = n*ln2 + r with |r| <= ln2/2, a degree-6 polynomial for e^r (Cephes' expf
// coefficients) and 2^n written into the exponent bits. Within 2 ulp of std::exp; results
// below exp(-87) ~ 1.6e-38 flush to 0, far below anything a softmax sum can notice.
// Branch-free (the flush is a bit mask: a select on a float compare would not vectorise
// under -ftrapping-math), so loops over it vectorise.
inline float exp_nonpositive(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  constexpr float kLowest = -87.0f;      // below this 2^n leaves the normal range
  const float t = x * kLog2e + kRound;
  const float n = t - kRound;
  const float r = (x - n * kLn2Hi) - n * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = p * r * r + r + 1.0f;
  uint32_t t_bits;
  std::memcpy(&t_bits, &t, sizeof t_bits);
  const uint32_t scale_bits = (t_bits - 0x4B400000u + 127u) << 23;  // 2^n (wraps below range)
  float scale;
  std::memcpy(&scale, &scale_bits, sizeof scale);
  float y = er * scale;
  // Keep y unless x < kLowest; NaN compares false, so NaN in gives NaN out.
  const uint32_t keep = 0u - static_cast<uint32_t>(!(x < kLowest));
  uint32_t y_bits;
  std::memcpy(&y_bits, &y, sizeof y_bits);
  y_bits &= keep;
  std::memcpy(&y, &y_bits, sizeof y);
  return y;
}

template <typename C>
inline C exp_shifted(C v) {
  if constexpr (std::is_same_v<C, float>) {
    return exp_nonpositive(v);
  } else {
    return std::exp(v);
  }
}

// Largest element of a line; NaNs are skipped here and resurface through exp(NaN - max).
template <typename C>
C line_max(const C* x, int64_t n) {
  constexpr int kLanes = 8;
  C lanes[kLanes];
  for (auto& l : lanes) l = -std::numeric_limits<C>::infinity();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) lanes[l] = x[i + l] > lanes[l] ? x[i + l] : lanes[l];
  }
  C mx = -std::numeric_limits<C>::infinity();
  for (int l = 0; l < kLanes; ++l) mx = std::max(mx, lanes[l]);
  for (; i < n; ++i) mx = std::max(mx, x[i]);
  // An all -inf line keeps exp(-inf - 0) = 0 instead of NaN from -inf - -inf.
  return std::isinf(mx) && mx < 0 ? C(0) : mx;
}

// e[i] = exp(x[i] - mx); returns their sum, accumulated in double over eight lanes.
template <typename C>
double exp_and_sum(const C* x, C mx, C* e, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) e[i] = exp_shifted<C>(x[i] - mx);
  constexpr int kLanes = 8;
  double lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) lanes[l] += e[i + l];
  }
  double sum = 0;
  for (int l = 0; l < kLanes; ++l) sum += lanes[l];
  for (; i < n; ++i) sum += e[i];
  return sum;
}

template <typename T>
void softmax_lastdim(const T* in, T* out, int64_t outer, int64_t n, bool log) {
  using C = compute_type_t<T>;
  constexpr bool kSameType = std::is_same_v<T, C>;
#pragma omp parallel if (outer * n > kParallelGrain)
  {
    // Narrow storage (bf16/fp16) is widened into a per-thread line buffer first.
    std::vector<C> xbuf(kSameType ? 0 : n), ebuf(kSameType && !log ? 0 : n);
#pragma omp for
    for (int64_t o = 0; o < outer; ++o) {
      const C* x;
      if constexpr (kSameType) {
        x = in + o * n;
      } else {
        for (int64_t i = 0; i < n; ++i) xbuf[i] = static_cast<C>(in[o * n + i]);
        x = xbuf.data();
      }
      T* y = out + o * n;
      const C mx = line_max(x, n);
      C* e = nullptr;
      if constexpr (kSameType)
        e = log ? ebuf.data() : y;  // softmax keeps exps in place
      else
        e = ebuf.data();
      const double sum = exp_and_sum(x, mx, e, n);
      if (log) {
        // (x - max) - log(sum), not x - (max + log(sum)): the latter loses log(sum) when
        // max is huge.
        const C log_sum = static_cast<C>(std::log(sum));
        for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>((x[i] - mx) - log_sum);
      } else {
        const C inv = static_cast<C>(1.0 / sum);
        for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(e[i] * inv);
      }
    }
  }
}

// dim not innermost: lines run across memory with stride `inner`. A work item is a block of
// kCols adjacent lines (same outer index), so each pass over the n rows reads kCols
// contiguous elements and the per-line max/sum stay in L1. Items are spread over threads
// even when outer == 1 (softmax over dim 0).
template <typename T>
void softmax_inner(const T* in, T* out, int64_t outer, int64_t n, int64_t inner, bool log) {
  using C = compute_type_t<T>;
  constexpr int64_t kCols = 64;
  const int64_t blocks = (inner + kCols - 1) / kCols;
#pragma omp parallel for collapse(2) if (outer * n * inner > kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t blk = 0; blk < blocks; ++blk) {
      const int64_t j0 = blk * kCols, w = std::min(inner, j0 + kCols) - j0;
      const T* x = in + o * n * inner + j0;
      T* y = out + o * n * inner + j0;
      C mx[kCols], scale[kCols];
      double sum[kCols];
      for (int64_t j = 0; j < w; ++j) {
        mx[j] = -std::numeric_limits<C>::infinity();
        sum[j] = 0;
      }
      for (int64_t i = 0; i < n; ++i) {
        for (int64_t j = 0; j < w; ++j) {
          const C v = static_cast<C>(x[i * inner + j]);
          mx[j] = v > mx[j] ? v : mx[j];
        }
      }
      for (int64_t j = 0; j < w; ++j) {
        if (std::isinf(mx[j]) && mx[j] < 0) mx[j] = 0;
      }
      for (int64_t i = 0; i < n; ++i) {
        for (int64_t j = 0; j < w; ++j)
          sum[j] += exp_shifted<C>(static_cast<C>(x[i * inner + j]) - mx[j]);
      }
      for (int64_t j = 0; j < w; ++j) {
        scale[j] = static_cast<C>(log ? std::log(sum[j]) : 1.0 / sum[j]);
      }
      for (int64_t i = 0; i < n; ++i) {
        for (int64_t j = 0; j < w; ++j) {
          const C v = static_cast<C>(x[i * inner + j]) - mx[j];
          y[i * inner + j] = static_cast<T>(log ? v - scale[j] : exp_shifted<C>(v) * scale[j]);
        }
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
