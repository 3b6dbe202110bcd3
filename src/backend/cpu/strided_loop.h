// Walks N same-shaped operands with arbitrary strides in lockstep.
//
// Dims of size 1 are dropped and neighbouring dims whose memory is laid out back to back in
// every operand are merged ("coalesced"), so a contiguous tensor of any shape becomes a
// single 1-D loop and a broadcast scalar a stride-0 one. The innermost dim is handed to the
// caller as a tight inner loop; OpenMP threads split the flattened outer index space, each
// thread taking one contiguous range of elements (so memory access stays sequential).
#pragma once

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek::cpu {

// Work below this many elements runs on one thread: forking costs more than it saves.
inline constexpr int64_t kParallelGrain = 32768;
// Compute-bound loops (multiply-adds) below this many MACs run on one thread, for the same
// reason and at about the same size as small oneDNN calls (onednn.h kSerialFlops).
inline constexpr int64_t kSerialMacs = int64_t{1} << 21;

template <size_t N>
class StridedLoop {
 public:
  // operands[0] is conventionally the output. All must have the same shape.
  explicit StridedLoop(const std::array<const Tensor*, N>& operands) {
    const Shape& shape = operands[0]->sizes();
    numel_ = operands[0]->numel();
    for (size_t k = 0; k < N; ++k) {
      base_[k] = static_cast<char*>(operands[k]->data_ptr());
      elem_[k] = static_cast<int64_t>(operands[k]->element_size());
    }
    // Build dims innermost-first, skipping size-1 dims and merging contiguous neighbours.
    for (size_t d = shape.size(); d-- > 0;) {
      if (shape[d] == 1) continue;
      std::array<int64_t, N> st;
      for (size_t k = 0; k < N; ++k) st[k] = operands[k]->strides()[d] * elem_[k];
      if (!sizes_.empty()) {
        bool mergeable = true;
        for (size_t k = 0; k < N; ++k) {
          if (st[k] != strides_[k].back() * sizes_.back()) mergeable = false;
        }
        if (mergeable) {
          sizes_.back() *= shape[d];
          continue;
        }
      }
      sizes_.push_back(shape[d]);
      for (size_t k = 0; k < N; ++k) strides_[k].push_back(st[k]);
    }
    if (sizes_.empty()) {  // a scalar, or all dims of size 1
      sizes_.push_back(1);
      for (size_t k = 0; k < N; ++k) strides_[k].push_back(elem_[k]);
    }
  }

  int64_t numel() const { return numel_; }
  int ndim() const { return static_cast<int>(sizes_.size()); }
  // Byte stride of operand k in the innermost dim.
  int64_t inner_stride(size_t k) const { return strides_[k][0]; }

  // fn(char* const ptrs[N], const int64_t inner_strides[N], int64_t n) handles n elements
  // of the innermost dim starting at ptrs.
  template <typename Fn>
  void for_each(Fn&& fn, int64_t grain = kParallelGrain) const {
    if (numel_ == 0) return;
    int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    if (numel_ < grain || threads <= 1) {
      run_range(0, numel_, fn);
      return;
    }
    int64_t chunks = std::min<int64_t>(threads, (numel_ + grain - 1) / grain);
#pragma omp parallel for num_threads(static_cast <int>(chunks)) schedule(static, 1)
    for (int64_t c = 0; c < chunks; ++c) {
      int64_t begin = numel_ * c / chunks, end = numel_ * (c + 1) / chunks;
      run_range(begin, end, fn);
    }
  }

 private:
  template <typename Fn>
  void run_range(int64_t begin, int64_t end, Fn& fn) const {
    const int nd = ndim();
    std::vector<int64_t> idx(nd);
    std::array<char*, N> ptrs = base_;
    int64_t rest = begin;
    for (int d = 0; d < nd; ++d) {
      idx[d] = rest % sizes_[d];
      rest /= sizes_[d];
      for (size_t k = 0; k < N; ++k) ptrs[k] += idx[d] * strides_[k][d];
    }
    std::array<int64_t, N> inner;
    for (size_t k = 0; k < N; ++k) inner[k] = strides_[k][0];
    while (begin < end) {
      int64_t n = std::min(sizes_[0] - idx[0], end - begin);
      fn(ptrs.data(), inner.data(), n);
      begin += n;
      if (begin >= end) break;
      // Advance the multi-index by n along dim 0 and carry into the outer dims.
      for (size_t k = 0; k < N; ++k) ptrs[k] += n * strides_[k][0];
      idx[0] += n;
      for (int d = 0; d < nd && idx[d] == sizes_[d]; ++d) {
        for (size_t k = 0; k < N; ++k) ptrs[k] -= sizes_[d] * strides_[k][d];
        idx[d] = 0;
        if (d + 1 < nd) {
          ++idx[d + 1];
          for (size_t k = 0; k < N; ++k) ptrs[k] += strides_[k][d + 1];
        }
      }
    }
  }

  int64_t numel_ = 0;
  std::vector<int64_t> sizes_;                   // innermost first
  std::array<std::vector<int64_t>, N> strides_;  // bytes, innermost first
  std::array<char*, N> base_{};
  std::array<int64_t, N> elem_{};
};

// ---- integer arithmetic that wraps around (as PyTorch's does) without undefined behaviour ----

template <typename C>
C wrap_add(C a, C b) {
  if constexpr (std::is_integral_v<C> && std::is_signed_v<C>) {
    using U = std::make_unsigned_t<C>;
    return static_cast<C>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return static_cast<C>(a + b);
  }
}
template <typename C>
C wrap_sub(C a, C b) {
  if constexpr (std::is_integral_v<C> && std::is_signed_v<C>) {
    using U = std::make_unsigned_t<C>;
    return static_cast<C>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return static_cast<C>(a - b);
  }
}
template <typename C>
C wrap_mul(C a, C b) {
  if constexpr (std::is_integral_v<C> && std::is_signed_v<C>) {
    using U = std::make_unsigned_t<C>;
    return static_cast<C>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return static_cast<C>(a * b);
  }
}

// c ? a : b. For floats it is done on the bits: both arms are computed anyway, and a float
// `?:` makes GCC (under its default -ftrapping-math) keep a branch, which stops vectorisation.
template <typename C>
[[gnu::always_inline]] inline C select_value(bool c, C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    using U = std::conditional_t<sizeof(C) == 4, uint32_t, uint64_t>;
    const U m = U(0) - static_cast<U>(c);
    return std::bit_cast<C>((std::bit_cast<U>(a) & m) | (std::bit_cast<U>(b) & ~m));
  } else {
    return c ? a : b;
  }
}

// ---- 16-bit floats, a block at a time ----
//
// Converting Half/BFloat16 element by element through their scalar conversions keeps the
// compiler from vectorising the loop around them. Instead, kernels widen a block of
// kConvertBlock elements into a float buffer (F16C instructions for Half, a shift for
// BFloat16), run the arithmetic on float vectors, and round the block back once.

template <typename T>
inline constexpr bool is_16bit_float_v = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

inline constexpr int64_t kConvertBlock = 256;

inline void widen_contiguous(const Half* in, float* out, int64_t n) {
  int64_t i = 0;
#ifdef __F16C__
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(h));
  }
#endif
  for (; i < n; ++i) out[i] = static_cast<float>(in[i]);
}

inline void widen_contiguous(const BFloat16* in, float* out, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i)
    out[i] = std::bit_cast<float>(static_cast<uint32_t>(in[i].bits) << 16);
}

inline void narrow_contiguous(const float* in, Half* out, int64_t n) {
  int64_t i = 0;
#ifdef __F16C__
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
#endif
  for (; i < n; ++i) out[i] = Half(in[i]);
}

inline void narrow_contiguous(const float* in, BFloat16* out, int64_t n) {
  // Round to nearest even on the upper 16 bits; NaN stays a (quiet) NaN. Branch-free so the
  // loop vectorises.
  uint16_t* o = reinterpret_cast<uint16_t*>(out);
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t x = std::bit_cast<uint32_t>(in[i]);
    const uint32_t rounded = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
    const bool nan = (x & 0x7fffffffu) > 0x7f800000u;
    o[i] = static_cast<uint16_t>(nan ? ((x >> 16) | 0x40u) : rounded);
  }
}

// dst[j] = C(src[j * stride]) for j < m, stride in bytes (0 = broadcast).
template <typename T, typename C>
void load_block(const char* src, int64_t stride, C* dst, int64_t m) {
  const T* s = reinterpret_cast<const T*>(src);
  if (stride == static_cast<int64_t>(sizeof(T))) {
    if constexpr (is_16bit_float_v<T> && std::is_same_v<C, float>) {
      widen_contiguous(s, dst, m);
    } else {
      for (int64_t j = 0; j < m; ++j) dst[j] = static_cast<C>(static_cast<compute_type_t<T>>(s[j]));
    }
  } else if (stride == 0) {
    const C v = static_cast<C>(static_cast<compute_type_t<T>>(*s));
    for (int64_t j = 0; j < m; ++j) dst[j] = v;
  } else {
    for (int64_t j = 0; j < m; ++j) {
      dst[j] = static_cast<C>(
          static_cast<compute_type_t<T>>(*reinterpret_cast<const T*>(src + j * stride)));
    }
  }
}

// dst[j * stride] = T(src[j]) for j < m, stride in bytes.
template <typename T, typename R>
void store_block(const R* src, char* dst, int64_t stride, int64_t m) {
  if constexpr (is_16bit_float_v<T>) {
    float wide[kConvertBlock];
    const float* f = src;
    if constexpr (!std::is_same_v<R, float>) {
      for (int64_t j = 0; j < m; ++j) wide[j] = static_cast<float>(src[j]);
      f = wide;
    }
    if (stride == static_cast<int64_t>(sizeof(T))) {
      narrow_contiguous(f, reinterpret_cast<T*>(dst), m);
    } else {
      for (int64_t j = 0; j < m; ++j) *reinterpret_cast<T*>(dst + j * stride) = T(f[j]);
    }
  } else if (stride == static_cast<int64_t>(sizeof(T))) {
    T* d = reinterpret_cast<T*>(dst);
    for (int64_t j = 0; j < m; ++j) d[j] = static_cast<T>(src[j]);
  } else {
    for (int64_t j = 0; j < m; ++j)
      *reinterpret_cast<T*>(dst + j * stride) = static_cast<T>(src[j]);
  }
}

// ---- elementwise maps ----
//
// The innermost loops live in small [[gnu::flatten]] functions, so the op's lambda and the
// math it calls are inlined into the loop however large the calling kernel is (GCC would
// otherwise leave a call in some instantiations, which stops vectorisation), and carry
// `omp simd` so the cost model cannot decline a loop it has fully inlined.

// o[i] = f(a[i]) over contiguous arrays; `a` may be a stride-0 broadcast (a_stride 0).
template <typename Out, typename In, typename C, typename F>
[[gnu::flatten]] void apply_unary(Out* o, const In* a, int64_t n, const F& f) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(static_cast<C>(a[i])));
}

enum class Operands { Both, ScalarB, ScalarA };

template <Operands kind, typename Out, typename In, typename C, typename F>
[[gnu::flatten]] void apply_binary(Out* o, const In* x, const In* y, int64_t n, const F& f) {
  if constexpr (kind == Operands::Both) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i)
      o[i] = static_cast<Out>(f(static_cast<C>(x[i]), static_cast<C>(y[i])));
  } else if constexpr (kind == Operands::ScalarB) {
    const C yv = static_cast<C>(*y);
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(static_cast<C>(x[i]), yv));
  } else {
    const C xv = static_cast<C>(*x);
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(xv, static_cast<C>(y[i])));
  }
}

// out[i] = f(in[i]) with In/Out the storage types; f works on compute types. 16-bit floats
// go through float blocks; other types run straight loops, split by stride pattern.
template <typename In, typename Out, typename F>
void map_unary(const Tensor& in, const Tensor& out, F f) {
  using C = compute_type_t<In>;
  StridedLoop<2> loop({&out, &in});
  if constexpr (is_16bit_float_v<In> || is_16bit_float_v<Out>) {
    using R = decltype(f(C{}));
    loop.for_each([&](char* const* p, const int64_t* s, int64_t n) {
      alignas(64) C x[kConvertBlock];
      alignas(64) R r[kConvertBlock];
      for (int64_t i0 = 0; i0 < n; i0 += kConvertBlock) {
        const int64_t m = std::min(kConvertBlock, n - i0);
        load_block<In>(p[1] + i0 * s[1], s[1], x, m);
        apply_unary<R, C, C>(r, x, m, f);
        store_block<Out>(r, p[0] + i0 * s[0], s[0], m);
      }
    });
  } else {
    loop.for_each([&](char* const* p, const int64_t* s, int64_t n) {
      if (s[0] == sizeof(Out) && s[1] == sizeof(In)) {
        apply_unary<Out, In, C>(reinterpret_cast<Out*>(p[0]), reinterpret_cast<const In*>(p[1]), n,
                                f);
      } else {
        for (int64_t i = 0; i < n; ++i) {
          *reinterpret_cast<Out*>(p[0] + i * s[0]) =
              static_cast<Out>(f(static_cast<C>(*reinterpret_cast<const In*>(p[1] + i * s[1]))));
        }
      }
    });
  }
}

// out[i] = f(a[i], b[i]); separate loops for the contiguous and scalar-broadcast cases so
// each vectorises; 16-bit floats through float blocks as in map_unary.
template <typename In, typename Out, typename F>
void map_binary(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  using C = compute_type_t<In>;
  StridedLoop<3> loop({&out, &a, &b});
  if constexpr (is_16bit_float_v<In> || is_16bit_float_v<Out>) {
    using R = decltype(f(C{}, C{}));
    loop.for_each([&](char* const* p, const int64_t* s, int64_t n) {
      alignas(64) C x[kConvertBlock];
      alignas(64) C y[kConvertBlock];
      alignas(64) R r[kConvertBlock];
      for (int64_t i0 = 0; i0 < n; i0 += kConvertBlock) {
        const int64_t m = std::min(kConvertBlock, n - i0);
        load_block<In>(p[1] + i0 * s[1], s[1], x, m);
        load_block<In>(p[2] + i0 * s[2], s[2], y, m);
        apply_binary<Operands::Both, R, C, C>(r, x, y, m, f);
        store_block<Out>(r, p[0] + i0 * s[0], s[0], m);
      }
    });
    return;
  }
  loop.for_each([&](char* const* p, const int64_t* s, int64_t n) {
    Out* o = reinterpret_cast<Out*>(p[0]);
    const In* x = reinterpret_cast<const In*>(p[1]);
    const In* y = reinterpret_cast<const In*>(p[2]);
    constexpr int64_t so = sizeof(Out), si = sizeof(In);
    if (s[0] == so && s[1] == si && s[2] == si) {
      apply_binary<Operands::Both, Out, In, C>(o, x, y, n, f);
    } else if (s[0] == so && s[1] == si && s[2] == 0) {
      apply_binary<Operands::ScalarB, Out, In, C>(o, x, y, n, f);
    } else if (s[0] == so && s[1] == 0 && s[2] == si) {
      apply_binary<Operands::ScalarA, Out, In, C>(o, x, y, n, f);
    } else {
      for (int64_t i = 0; i < n; ++i) {
        *reinterpret_cast<Out*>(p[0] + i * s[0]) =
            static_cast<Out>(f(C(*reinterpret_cast<const In*>(p[1] + i * s[1])),
                               C(*reinterpret_cast<const In*>(p[2] + i * s[2]))));
      }
    }
  });
}

}  // namespace deepseek::cpu
