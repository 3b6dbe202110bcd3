// Memory-efficient scaled dot-product attention (FlashAttention-2 on the CPU).
//
// Forward: threads own (batch, block of kBlockQ query rows). Each walks the key blocks of
// kBlockK rows, computes that tile of scores S = (q * scale) k^T (+ mask), and folds it into
// running row maxima m, row sums l and the output accumulator with the online softmax
// (rescaling by exp(m_old - m_new) when the maximum grows). The full Tq x Tk score matrix is
// never stored: per thread the working set is a few 64 x 64 tiles (L1/L2 resident). Only the
// per-row logsumexp m + log(l) is saved for the backward.
//
// Backward: threads own (batch, block of key rows). A key block's dK and dV accumulate in
// the thread; the scores of each (query block, key block) tile are recomputed from q, k and
// the saved logsumexp, P = exp(S - lse), and
//   dV += P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(dO * O)),  dQ += dS K,  dK += dS^T q,
// with the scale folded in. dQ is shared by every key block of a batch: when there are at
// least as many batches as threads one thread owns a whole batch (no sharing); otherwise
// key blocks of one batch split across threads that sum their dQ partials afterwards.
//
// Tiles entirely above the causal diagonal (or older than the sliding window) are skipped,
// so causal attention does about half the work. The kernel is compute-bound: every tile
// product goes through one register-blocked micro-kernel (tile_gemm), and exp through a
// polynomial on whole vector registers. Tiles are converted to the compute type (float for
// 16-bit inputs) as they are loaded, so bfloat16 runs the same float32 arithmetic.
#include <omp.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "cpu_backend.h"
#include "deepseek/core/philox.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

constexpr int64_t kBlockQ = 64;
constexpr int64_t kBlockK = 64;

// One 256-bit register of C (8 floats or 4 doubles), through GCC/Clang vector extensions.
template <typename C>
struct Lanes {
  typedef C vec __attribute__((vector_size(32)));
  static constexpr int64_t n = 32 / sizeof(C);
};
template <typename C>
inline typename Lanes<C>::vec load_lanes(const C* p) {
  typename Lanes<C>::vec v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
template <typename C>
inline void store_lanes(C* p, const typename Lanes<C>::vec& v) {
  std::memcpy(p, &v, sizeof(v));
}

// exp over a row of kBlockK scores: row[c] = exp(row[c] - shift), returning the row sum.
// float uses Cephes' expf (~1 ulp; e^x = 2^n * e^r with |r| <= ln2 / 2, e^r by a degree-6
// polynomial) on whole registers, since std::exp does not vectorise; exp(-inf) and
// anything below -87.3 give exactly 0, NaN stays NaN. double (gradcheck) uses std::exp.
template <typename C>
C exp_row(C* row, C shift) {
  C sum = 0;
  for (int64_t c = 0; c < kBlockK; ++c) {
    row[c] = std::exp(row[c] - shift);
    sum += row[c];
  }
  return sum;
}

inline Lanes<float>::vec exp_lanes(Lanes<float>::vec x) {
  using V = Lanes<float>::vec;
  typedef int32_t Vi __attribute__((vector_size(32)));
  const V lo = V{} - 87.3f, hi = V{} + 88.7f;
  V c = x < lo ? lo : x;
  c = c > hi ? hi : c;
  // Round to nearest by the 1.5 * 2^23 trick.
  const V n = (c * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  V r = c - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  V p = V{} + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // 2^n * p by adding n to the exponent bits (vector casts reinterpret bits).
  const Vi bits = (Vi)p + (__builtin_convertvector(n, Vi) << 23);
  V out = (V)bits;
  out = x < lo ? V{} : out;
  return x != x ? x : out;
}

template <>
float exp_row<float>(float* row, float shift) {
  using V = Lanes<float>::vec;
  constexpr int64_t L = Lanes<float>::n;
  V sum{};
  for (int64_t c = 0; c < kBlockK; c += L) {
    const V e = exp_lanes(load_lanes(row + c) - shift);
    store_lanes(row + c, e);
    sum += e;
  }
  float total = 0;
  for (int64_t l = 0; l < L; ++l) total += sum[l];
  return total;
}

// exp(x) of one value (the online softmax's rescale factor).
template <typename C>
C exp_one(C x) {
  return std::exp(x);
}

template <typename T>
struct Problem {
  using C = compute_type_t<T>;
  const T *q, *k, *v, *mask;
  int64_t B, Tq, Tk, D, Dv;
  int64_t ms0 = 0, ms1 = 0, ms2 = 0;  // mask strides (elements)
  AttentionParams p;
  bool limited = false;  // causal or windowed
  C keep_scale = 1;      // 1 / (1 - dropout_p)

  Problem(const AttentionParams& params, const Tensor& qt, const Tensor& kt, const Tensor& vt,
          const Tensor& mt)
      : q(static_cast<const T*>(qt.data_ptr())),
        k(static_cast<const T*>(kt.data_ptr())),
        v(static_cast<const T*>(vt.data_ptr())),
        mask(mt.defined() ? static_cast<const T*>(mt.data_ptr()) : nullptr),
        B(qt.size(0)),
        Tq(qt.size(1)),
        Tk(kt.size(1)),
        D(qt.size(2)),
        Dv(vt.size(2)),
        p(params) {
    if (mask) {
      ms0 = mt.stride(0);
      ms1 = mt.stride(1);
      ms2 = mt.stride(2);
    }
    limited = p.causal || p.window > 0;
    if (p.dropout_p > 0) keep_scale = static_cast<C>(1.0 / (1.0 - p.dropout_p));
  }

  bool visible(int64_t i, int64_t j) const {
    if (limited && j > i) return false;
    if (p.window > 0 && j <= i - p.window) return false;
    return true;
  }
  // True when no (query, key) pair of the tile can see each other.
  bool tile_hidden(int64_t i0, int64_t i1, int64_t j0, int64_t j1) const {
    if (limited && j0 > i1 - 1) return true;
    if (p.window > 0 && j1 - 1 <= i0 - p.window) return true;
    return false;
  }
  // The dropout factor of element (b, i, j): 0 or 1 / (1 - p).
  C dropout(int64_t b, int64_t i, int64_t j) const {
    const uint64_t idx = static_cast<uint64_t>((b * Tq + i) * Tk + j);
    const float u = philox::to_unit_float(philox::philox_word(p.seed, p.offset, idx));
    return u < static_cast<float>(1.0 - p.dropout_p) ? keep_scale : C(0);
  }
};

// Per-thread tiles, sized once.
template <typename C>
struct Scratch {
  std::vector<C> qs, kt, kr, vt, vr, s, dp, pt, st, acc, dk, dv, o_rows;
  Scratch(int64_t D, int64_t Dv)
      : qs(kBlockQ * D),
        kt(D * kBlockK),
        kr(kBlockK * D),
        vt(Dv * kBlockK),
        vr(kBlockK * Dv),
        s(kBlockQ * kBlockK),
        dp(kBlockQ * kBlockK),
        pt(kBlockK * kBlockQ),
        st(kBlockK * kBlockQ),
        acc(kBlockQ * Dv),
        dk(kBlockK * D),
        dv(kBlockK * Dv),
        o_rows(kBlockQ * Dv) {}
};

// out[M, N] (+)= a[M, K] b[K, N], all row-major with leading dims lda/ldb/ldo: the tile
// products of both passes. Register blocking: 4 rows x 2 registers of output stay in
// registers across the K loop, so each step loads 2 registers of b and broadcasts 4
// values of a for 8 fused multiply-adds (FMA-bound, not load-bound). Leftover rows run
// one at a time, leftover columns (N not a multiple of 2 registers) as scalars.
template <typename C>
__attribute__((noinline, noclone)) void tile_gemm(int64_t M, int64_t N, int64_t K, const C* a,
                                                  int64_t lda, const C* b, int64_t ldb, C* out,
                                                  int64_t ldo, bool accumulate) {
  using V = typename Lanes<C>::vec;
  constexpr int64_t L = Lanes<C>::n;
  int64_t j0 = 0;
  for (; j0 + 2 * L <= N; j0 += 2 * L) {
    int64_t i0 = 0;
    for (; i0 + 4 <= M; i0 += 4) {
      V acc[4][2];
      for (int r = 0; r < 4; ++r) {
        for (int h = 0; h < 2; ++h) {
          acc[r][h] = accumulate ? load_lanes(out + (i0 + r) * ldo + j0 + h * L) : V{};
        }
      }
      const C* a0 = a + i0 * lda;
      for (int64_t k = 0; k < K; ++k) {
        const V b0 = load_lanes(b + k * ldb + j0), b1 = load_lanes(b + k * ldb + j0 + L);
        for (int r = 0; r < 4; ++r) {
          const C av = a0[r * lda + k];
          acc[r][0] += av * b0;
          acc[r][1] += av * b1;
        }
      }
      for (int r = 0; r < 4; ++r) {
        for (int h = 0; h < 2; ++h) store_lanes(out + (i0 + r) * ldo + j0 + h * L, acc[r][h]);
      }
    }
    for (; i0 < M; ++i0) {
      V acc0 = accumulate ? load_lanes(out + i0 * ldo + j0) : V{};
      V acc1 = accumulate ? load_lanes(out + i0 * ldo + j0 + L) : V{};
      for (int64_t k = 0; k < K; ++k) {
        const C av = a[i0 * lda + k];
        acc0 += av * load_lanes(b + k * ldb + j0);
        acc1 += av * load_lanes(b + k * ldb + j0 + L);
      }
      store_lanes(out + i0 * ldo + j0, acc0);
      store_lanes(out + i0 * ldo + j0 + L, acc1);
    }
  }
  if (j0 == N) return;
  for (int64_t i = 0; i < M; ++i) {
    const C* ai = a + i * lda;
    C* oi = out + i * ldo;
    for (int64_t j = j0; j < N; ++j) {
      C acc = accumulate ? oi[j] : C(0);
      const C* bk = b + j;
      for (int64_t k = 0; k < K; ++k, bk += ldb) acc += ai[k] * *bk;
      oi[j] = acc;
    }
  }
}

// Loads rows [j0, j0 + cols) of x [T, n] (batch b) both as rows (xr [kBlockK, n]) and
// transposed, zero-padded to kBlockK columns (xt [n, kBlockK]).
template <typename T, typename C>
void load_key_tile(const T* x, int64_t b, int64_t T_len, int64_t n, int64_t j0, int64_t cols, C* xr,
                   C* xt) {
  std::fill(xt, xt + n * kBlockK, C(0));
  for (int64_t c = 0; c < cols; ++c) {
    const T* src = x + (b * T_len + j0 + c) * n;
    for (int64_t e = 0; e < n; ++e) {
      const C val = static_cast<C>(src[e]);
      xr[c * n + e] = val;
      xt[e * kBlockK + c] = val;
    }
  }
}

// Scores of tile (query rows i0.., key columns j0..) into s: q was loaded pre-scaled.
// Masked and invisible entries become -inf.
template <typename T, typename C>
void tile_scores(const Problem<T>& pr, int64_t b, int64_t i0, int64_t rows, int64_t j0,
                 int64_t cols, const C* qs, const C* kt, C* s) {
  tile_gemm(rows, kBlockK, pr.D, qs, pr.D, kt, kBlockK, s, kBlockK, false);
  const C neg_inf = -std::numeric_limits<C>::infinity();
  for (int64_t r = 0; r < rows; ++r) {
    C* sr = s + r * kBlockK;
    const int64_t i = i0 + r;
    if (pr.mask) {
      const T* mrow = pr.mask + b * pr.ms0 + i * pr.ms1 + j0 * pr.ms2;
      for (int64_t c = 0; c < cols; ++c) sr[c] += static_cast<C>(mrow[c * pr.ms2]);
    }
    if (pr.limited) {
      for (int64_t c = 0; c < cols; ++c) {
        if (!pr.visible(i, j0 + c)) sr[c] = neg_inf;
      }
    }
    for (int64_t c = cols; c < kBlockK; ++c) sr[c] = neg_inf;
  }
}

template <typename T>
void forward_block(const Problem<T>& pr, int64_t b, int64_t i0, Scratch<compute_type_t<T>>& w,
                   T* out, compute_type_t<T>* lse) {
  using C = compute_type_t<T>;
  const int64_t D = pr.D, Dv = pr.Dv;
  const int64_t rows = std::min(kBlockQ, pr.Tq - i0);
  const C scale = static_cast<C>(pr.p.scale);
  const C neg_inf = -std::numeric_limits<C>::infinity();
  for (int64_t r = 0; r < rows; ++r) {
    const T* src = pr.q + (b * pr.Tq + i0 + r) * D;
    for (int64_t d = 0; d < D; ++d) w.qs[r * D + d] = static_cast<C>(src[d]) * scale;
  }
  C m[kBlockQ], l[kBlockQ];
  std::fill(m, m + rows, neg_inf);
  std::fill(l, l + rows, C(0));
  std::fill(w.acc.begin(), w.acc.begin() + rows * Dv, C(0));
  for (int64_t j0 = 0; j0 < pr.Tk; j0 += kBlockK) {
    const int64_t cols = std::min(kBlockK, pr.Tk - j0);
    if (pr.tile_hidden(i0, i0 + rows, j0, j0 + cols)) continue;
    load_key_tile(pr.k, b, pr.Tk, D, j0, cols, w.kr.data(), w.kt.data());
    for (int64_t c = 0; c < cols; ++c) {
      const T* src = pr.v + (b * pr.Tk + j0 + c) * Dv;
      for (int64_t e = 0; e < Dv; ++e) w.vr[c * Dv + e] = static_cast<C>(src[e]);
    }
    tile_scores(pr, b, i0, rows, j0, cols, w.qs.data(), w.kt.data(), w.s.data());
    for (int64_t r = 0; r < rows; ++r) {
      C* sr = w.s.data() + r * kBlockK;
      C mx = neg_inf;
      for (int64_t c = 0; c < kBlockK; ++c) mx = std::max(mx, sr[c]);
      const C m_new = std::max(m[r], mx);
      if (m_new == neg_inf) {  // nothing visible yet in this row
        std::fill(sr, sr + kBlockK, C(0));
        continue;
      }
      const C alpha = exp_one(m[r] - m_new);
      const C sum = exp_row(sr, m_new);
      l[r] = l[r] * alpha + sum;
      m[r] = m_new;
      C* ar = w.acc.data() + r * Dv;
      if (alpha != C(1)) {
        for (int64_t e = 0; e < Dv; ++e) ar[e] *= alpha;
      }
      if (pr.p.dropout_p > 0) {
        for (int64_t c = 0; c < cols; ++c) sr[c] *= pr.dropout(b, i0 + r, j0 + c);
      }
    }
    tile_gemm(rows, Dv, cols, w.s.data(), kBlockK, w.vr.data(), Dv, w.acc.data(), Dv, true);
  }
  for (int64_t r = 0; r < rows; ++r) {
    const C inv = l[r] > C(0) ? C(1) / l[r] : C(0);  // fully masked rows give zeros
    T* dst = out + (b * pr.Tq + i0 + r) * Dv;
    for (int64_t e = 0; e < Dv; ++e) dst[e] = static_cast<T>(w.acc[r * Dv + e] * inv);
    lse[b * pr.Tq + i0 + r] = l[r] > C(0) ? m[r] + std::log(l[r]) : neg_inf;
  }
}

// Everything the backward pass of one key block reads besides the problem.
template <typename T>
struct BackwardInputs {
  using C = compute_type_t<T>;
  const T* grad_out;
  const C* lse;    // [B, Tq]
  const C* delta;  // [B, Tq]: rowsum(dO * O)
  T* grad_mask;    // [B, Tq, Tk] or null
};

// Adds this key block's contribution to dq_acc ([Tq, D] of batch b, unscaled) and writes
// the block's rows of grad_k and grad_v.
template <typename T>
void backward_block(const Problem<T>& pr, const BackwardInputs<T>& in, int64_t b, int64_t j0,
                    Scratch<compute_type_t<T>>& w, compute_type_t<T>* dq_acc, T* grad_k,
                    T* grad_v) {
  using C = compute_type_t<T>;
  const int64_t D = pr.D, Dv = pr.Dv;
  const int64_t cols = std::min(kBlockK, pr.Tk - j0);
  const C scale = static_cast<C>(pr.p.scale);
  load_key_tile(pr.k, b, pr.Tk, D, j0, cols, w.kr.data(), w.kt.data());
  load_key_tile(pr.v, b, pr.Tk, Dv, j0, cols, w.vr.data(), w.vt.data());
  std::fill(w.dk.begin(), w.dk.end(), C(0));
  std::fill(w.dv.begin(), w.dv.end(), C(0));
  const bool dropout = pr.p.dropout_p > 0;
  for (int64_t i0 = 0; i0 < pr.Tq; i0 += kBlockQ) {
    const int64_t rows = std::min(kBlockQ, pr.Tq - i0);
    if (pr.tile_hidden(i0, i0 + rows, j0, j0 + cols)) continue;
    for (int64_t r = 0; r < rows; ++r) {
      const T* qsrc = pr.q + (b * pr.Tq + i0 + r) * D;
      for (int64_t d = 0; d < D; ++d) w.qs[r * D + d] = static_cast<C>(qsrc[d]) * scale;
      const T* gsrc = in.grad_out + (b * pr.Tq + i0 + r) * Dv;
      for (int64_t e = 0; e < Dv; ++e) w.o_rows[r * Dv + e] = static_cast<C>(gsrc[e]);
    }
    C* s = w.s.data();
    C* dp = w.dp.data();
    tile_scores(pr, b, i0, rows, j0, cols, w.qs.data(), w.kt.data(), s);
    // s <- P (softmax probabilities); dp <- dO V^T.
    for (int64_t r = 0; r < rows; ++r) {
      const C lse = in.lse[b * pr.Tq + i0 + r];
      C* sr = s + r * kBlockK;
      if (lse == -std::numeric_limits<C>::infinity()) {
        std::fill(sr, sr + kBlockK, C(0));
        continue;
      }
      exp_row(sr, lse);
    }
    tile_gemm(rows, kBlockK, Dv, w.o_rows.data(), Dv, w.vt.data(), kBlockK, dp, kBlockK, false);
    // pt = (P * dropout)^T; s = dS = P * (dP * dropout - delta), and st = dS^T.
    C* pt = w.pt.data();
    C* st = w.st.data();
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t i = i0 + r;
      C* sr = s + r * kBlockK;
      const C* dpr = dp + r * kBlockK;
      const C delta = in.delta[b * pr.Tq + i];
      for (int64_t c = 0; c < cols; ++c) {
        const C keep = dropout ? pr.dropout(b, i, j0 + c) : C(1);
        pt[c * kBlockQ + r] = sr[c] * keep;
        sr[c] = sr[c] * (dpr[c] * keep - delta);
        st[c * kBlockQ + r] = sr[c];
      }
      if (in.grad_mask) {
        T* gm = in.grad_mask + (b * pr.Tq + i) * pr.Tk + j0;
        for (int64_t c = 0; c < cols; ++c) gm[c] = static_cast<T>(sr[c]);
      }
    }
    // dV += pt dO; dQ[i] += dS K (scale applied by the caller); dK += dS^T (q * scale).
    tile_gemm(cols, Dv, rows, pt, kBlockQ, w.o_rows.data(), Dv, w.dv.data(), Dv, true);
    tile_gemm(rows, D, cols, s, kBlockK, w.kr.data(), D, dq_acc + i0 * D, D, true);
    tile_gemm(cols, D, rows, st, kBlockQ, w.qs.data(), D, w.dk.data(), D, true);
  }
  for (int64_t c = 0; c < cols; ++c) {
    T* gk = grad_k + (b * pr.Tk + j0 + c) * D;
    T* gv = grad_v + (b * pr.Tk + j0 + c) * Dv;
    for (int64_t d = 0; d < D; ++d) gk[d] = static_cast<T>(w.dk[c * D + d]);
    for (int64_t e = 0; e < Dv; ++e) gv[e] = static_cast<T>(w.dv[c * Dv + e]);
  }
}

template <typename T>
void attention_forward_impl(const AttentionParams& p, const Tensor& q, const Tensor& k,
                            const Tensor& v, const Tensor& mask, const Tensor& out,
                            const Tensor& lse) {
  using C = compute_type_t<T>;
  const Problem<T> pr(p, q, k, v, mask);
  T* o = static_cast<T*>(out.data_ptr());
  C* l = static_cast<C*>(lse.data_ptr());
  const int64_t qblocks = (pr.Tq + kBlockQ - 1) / kBlockQ;
  const int64_t work = pr.B * pr.Tq * pr.Tk * (pr.D + pr.Dv);
#pragma omp parallel if (work > kParallelGrain)
  {
    Scratch<C> w(pr.D, pr.Dv);
#pragma omp for collapse(2) schedule(dynamic)
    for (int64_t b = 0; b < pr.B; ++b) {
      for (int64_t qb = 0; qb < qblocks; ++qb) forward_block(pr, b, qb * kBlockQ, w, o, l);
    }
  }
}

template <typename T>
void attention_backward_impl(const AttentionParams& p, const Tensor& grad_out, const Tensor& q,
                             const Tensor& k, const Tensor& v, const Tensor& mask,
                             const Tensor& out, const Tensor& lse, const Tensor& grad_q,
                             const Tensor& grad_k, const Tensor& grad_v, const Tensor& grad_mask) {
  using C = compute_type_t<T>;
  const Problem<T> pr(p, q, k, v, mask);
  const int64_t Tq = pr.Tq, D = pr.D, Dv = pr.Dv;
  const T* go = static_cast<const T*>(grad_out.data_ptr());
  const T* o = static_cast<const T*>(out.data_ptr());
  // delta[b, i] = rowsum(dO * O): the softmax backward's row term.
  std::vector<C> delta(pr.B * Tq);
  for (int64_t row = 0; row < pr.B * Tq; ++row) {
    C acc = 0;
    for (int64_t e = 0; e < Dv; ++e) {
      acc += static_cast<C>(go[row * Dv + e]) * static_cast<C>(o[row * Dv + e]);
    }
    delta[row] = acc;
  }
  T* gm = grad_mask.defined() ? static_cast<T*>(grad_mask.data_ptr()) : nullptr;
  if (gm) std::fill(gm, gm + grad_mask.numel(), T(0));
  const BackwardInputs<T> in{go, static_cast<const C*>(lse.data_ptr()), delta.data(), gm};
  T* gq = static_cast<T*>(grad_q.data_ptr());
  T* gk = static_cast<T*>(grad_k.data_ptr());
  T* gv = static_cast<T*>(grad_v.data_ptr());
  const C scale = static_cast<C>(p.scale);
  auto write_dq = [&](int64_t b, const C* acc) {
    for (int64_t i = 0; i < Tq * D; ++i) gq[b * Tq * D + i] = static_cast<T>(acc[i] * scale);
  };
  const int64_t kblocks = (pr.Tk + kBlockK - 1) / kBlockK;
  const int64_t work = pr.B * Tq * pr.Tk * (D + Dv);
  const int threads = work > kParallelGrain ? omp_get_max_threads() : 1;
  if (pr.B >= threads || kblocks == 1) {
    // One thread per batch: it owns that batch's whole dQ.
#pragma omp parallel num_threads(threads)
    {
      Scratch<C> w(D, Dv);
      std::vector<C> dq(Tq * D);
#pragma omp for schedule(dynamic)
      for (int64_t b = 0; b < pr.B; ++b) {
        std::fill(dq.begin(), dq.end(), C(0));
        for (int64_t kb = 0; kb < kblocks; ++kb) {
          backward_block(pr, in, b, kb * kBlockK, w, dq.data(), gk, gv);
        }
        write_dq(b, dq.data());
      }
    }
    return;
  }
  // Few batches: key blocks of each batch split across threads, dQ summed from partials.
  std::vector<std::vector<C>> partial(threads, std::vector<C>(Tq * D));
  for (int64_t b = 0; b < pr.B; ++b) {
#pragma omp parallel num_threads(threads)
    {
      Scratch<C> w(D, Dv);
      std::vector<C>& dq = partial[omp_get_thread_num()];
      std::fill(dq.begin(), dq.end(), C(0));
#pragma omp for schedule(dynamic)
      for (int64_t kb = 0; kb < kblocks; ++kb) {
        backward_block(pr, in, b, kb * kBlockK, w, dq.data(), gk, gv);
      }
    }
    for (int t = 1; t < threads; ++t) {
      for (int64_t i = 0; i < Tq * D; ++i) partial[0][i] += partial[t][i];
    }
    write_dq(b, partial[0].data());
  }
}

}  // namespace

void CpuBackend::attention_forward(const AttentionParams& p, const Tensor& q, const Tensor& k,
                                   const Tensor& v, const Tensor& mask, const Tensor& out,
                                   const Tensor& lse) {
  if (out.numel() == 0) return;
  if (k.size(1) == 0) {  // no keys: every row is fully masked
    fill(out, 0);
    fill(lse, -std::numeric_limits<double>::infinity());
    return;
  }
  visit_floating_dtype(q.dtype(), "scaled_dot_product_attention", [&](auto tag) {
    attention_forward_impl<typename decltype(tag)::type>(p, q, k, v, mask, out, lse);
  });
}

void CpuBackend::attention_backward(const AttentionParams& p, const Tensor& grad_out,
                                    const Tensor& q, const Tensor& k, const Tensor& v,
                                    const Tensor& mask, const Tensor& out, const Tensor& lse,
                                    const Tensor& grad_q, const Tensor& grad_k,
                                    const Tensor& grad_v, const Tensor& grad_mask) {
  if (q.numel() == 0 || k.numel() == 0 || v.size(1) == 0) {
    for (const Tensor* t : {&grad_q, &grad_k, &grad_v, &grad_mask}) {
      if (t->defined() && t->numel() > 0) fill(*t, 0);
    }
    return;
  }
  visit_floating_dtype(q.dtype(), "scaled_dot_product_attention backward", [&](auto tag) {
    attention_backward_impl<typename decltype(tag)::type>(p, grad_out, q, k, v, mask, out, lse,
                                                          grad_q, grad_k, grad_v, grad_mask);
  });
}

}  // namespace deepseek::cpu
