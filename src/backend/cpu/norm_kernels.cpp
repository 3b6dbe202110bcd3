// Layer, RMS, group and batch normalisation: forward (saving mean and 1/std) and backward.
//
// Every kind reduces over the elements that share one statistic: a row (layer/rms), a
// (sample, group) block (group), or a channel's slices across the batch (batch). Those
// elements are visited as "stretches" that share how the weight applies: a layer/rms row
// is one stretch with a per-element weight, a group/batch statistic is a series of
// S-long stretches each with one channel's constant weight. Threads own whole statistics,
// so no reduction crosses threads except the weight/bias gradients of layer/rms norm,
// which sum over rows into per-thread partials.
//
// Sums run two-pass (mean, then centred squares) in the compute type within chunks of
// kChunk elements, where they vectorise, and in double across chunks, so float32 results
// match a float64 reference to rounding. The kernels are memory-bound: two reads and one
// write of x forward, three reads and one write backward.
//
// With xhat = (x - mean) * rstd and gh = grad_out * weight, the gradients are
//   dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat))   (rms: no mean(gh) term and no
//   centring; batch norm in eval mode: dx = gh * rstd), dweight = sum(grad_out * xhat),
//   dbias = sum(grad_out), the means taken over each statistic's elements.
#include <omp.h>

#include <cmath>

#include "cpu_backend.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

constexpr int64_t kChunk = 512;

// Where the elements of statistic i live: `runs` runs of `len` elements, run r starting
// at base(i) + r * run_stride.
struct Segments {
  NormKind kind;
  int64_t stats = 0;  // number of statistics
  int64_t runs = 1;   // runs per statistic
  int64_t len = 0;    // elements per run
  int64_t run_stride = 0;
  int64_t C = 1, S = 1, G = 1;  // group/batch layout
  bool rows() const { return kind == NormKind::Layer || kind == NormKind::Rms; }
  int64_t base(int64_t i) const { return kind == NormKind::Batch ? i * S : i * runs * len; }
  int64_t count() const { return runs * len; }
  // The channel (weight index) of the stretch starting at element j of statistic i's run.
  int64_t channel(int64_t i, int64_t j) const {
    return kind == NormKind::Group ? (i % G) * (C / G) + j / S : i;
  }
};

Segments segments(const NormParams& p, const Tensor& x) {
  Segments s;
  s.kind = p.kind;
  if (s.rows()) {
    s.len = x.size(1);
    s.stats = x.size(0);
    return s;
  }
  const int64_t N = x.size(0);
  s.C = x.size(1);
  s.S = x.size(2);
  if (p.kind == NormKind::Group) {
    s.G = p.groups;
    s.stats = N * p.groups;
    s.len = (s.C / p.groups) * s.S;
  } else {
    s.stats = s.C;
    s.runs = N;
    s.len = s.S;
    s.run_stride = s.C * s.S;
  }
  return s;
}

// Calls fn(offset, length, per_element_weight, channel_weight) for each stretch of
// statistic i: layer/rms rows are one stretch whose weight is per element (or, without a
// weight, the constant 1); group/batch stretches are S elements of one channel.
template <typename T, typename Fn>
void for_each_stretch(const Segments& s, int64_t i, const T* w, Fn&& fn) {
  if (s.rows()) {
    fn(s.base(i), s.len, w, 1.0);
    return;
  }
  for (int64_t r = 0; r < s.runs; ++r) {
    const int64_t off = s.base(i) + r * s.run_stride;
    for (int64_t j0 = 0; j0 < s.len; j0 += s.S) {
      fn(off + j0, s.S, static_cast<const T*>(nullptr),
         w ? static_cast<double>(w[s.channel(i, j0)]) : 1.0);
    }
  }
}

// sum over j < n of f(x[j]): vectorised in the compute type per chunk, double across.
template <typename T, typename F>
double chunked_sum(const T* x, int64_t n, F f) {
  using Cm = compute_type_t<T>;
  double total = 0;
  for (int64_t j0 = 0; j0 < n; j0 += kChunk) {
    const int64_t j1 = std::min(n, j0 + kChunk);
    Cm part = 0;
#pragma omp simd reduction(+ : part)
    for (int64_t j = j0; j < j1; ++j) part += f(static_cast<Cm>(x[j]));
    total += static_cast<double>(part);
  }
  return total;
}

// y = (x - mu) * rs * w + b over one stretch, per-element (w, b may be null) ...
template <typename T>
void normalize_per_element(const T* x, T* y, int64_t n, compute_type_t<T> mu, compute_type_t<T> rs,
                           const T* w, const T* b) {
  using Cm = compute_type_t<T>;
  if (w && b) {
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) {
      y[j] = static_cast<T>((static_cast<Cm>(x[j]) - mu) * rs * static_cast<Cm>(w[j]) +
                            static_cast<Cm>(b[j]));
    }
  } else if (w) {
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) {
      y[j] = static_cast<T>((static_cast<Cm>(x[j]) - mu) * rs * static_cast<Cm>(w[j]));
    }
  } else if (b) {
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) {
      y[j] = static_cast<T>((static_cast<Cm>(x[j]) - mu) * rs + static_cast<Cm>(b[j]));
    }
  } else {
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) y[j] = static_cast<T>((static_cast<Cm>(x[j]) - mu) * rs);
  }
}

// ... or with one channel's affine folded into y = x * scale + shift.
template <typename T>
void normalize_scaled(const T* x, T* y, int64_t n, compute_type_t<T> scale,
                      compute_type_t<T> shift) {
  using Cm = compute_type_t<T>;
#pragma omp simd
  for (int64_t j = 0; j < n; ++j) y[j] = static_cast<T>(static_cast<Cm>(x[j]) * scale + shift);
}

template <typename T, typename S>
void norm_forward_impl(const NormParams& p, const Tensor& xt, const Tensor& wt, const Tensor& bt,
                       const Tensor& yt, const Tensor& mt, const Tensor& rt) {
  using Cm = compute_type_t<T>;
  const Segments s = segments(p, xt);
  const T* x = static_cast<const T*>(xt.data_ptr());
  T* y = static_cast<T*>(yt.data_ptr());
  const T* w = wt.defined() ? static_cast<const T*>(wt.data_ptr()) : nullptr;
  const T* b = bt.defined() ? static_cast<const T*>(bt.data_ptr()) : nullptr;
  S* mean = mt.defined() ? static_cast<S*>(mt.data_ptr()) : nullptr;
  S* rstd = static_cast<S*>(rt.data_ptr());
  const bool rms = p.kind == NormKind::Rms;
  const double n = static_cast<double>(s.count());
#pragma omp parallel for if (s.stats * s.count() > kParallelGrain)
  for (int64_t i = 0; i < s.stats; ++i) {
    double mu = 0, rs = 0;
    if (p.use_given_stats) {
      mu = mean ? static_cast<double>(mean[i]) : 0.0;
      rs = static_cast<double>(rstd[i]);
    } else {
      if (!rms) {
        double sum = 0;
        for (int64_t r = 0; r < s.runs; ++r) {
          sum += chunked_sum(x + s.base(i) + r * s.run_stride, s.len, [](Cm v) { return v; });
        }
        mu = sum / n;
      }
      const Cm muc = static_cast<Cm>(mu);
      double sq = 0;
      for (int64_t r = 0; r < s.runs; ++r) {
        sq += chunked_sum(x + s.base(i) + r * s.run_stride, s.len,
                          [muc](Cm v) { return (v - muc) * (v - muc); });
      }
      rs = 1.0 / std::sqrt(sq / n + p.eps);
      if (mean) mean[i] = static_cast<S>(mu);
      rstd[i] = static_cast<S>(rs);
    }
    const Cm muc = static_cast<Cm>(mu), rsc = static_cast<Cm>(rs);
    if (s.rows()) {
      normalize_per_element(x + s.base(i), y + s.base(i), s.len, muc, rsc, w, b);
      continue;
    }
    // Group/batch: fold one channel's affine into scale and shift per stretch.
    for (int64_t r = 0; r < s.runs; ++r) {
      const int64_t off = s.base(i) + r * s.run_stride;
      for (int64_t j0 = 0; j0 < s.len; j0 += s.S) {
        const int64_t c = s.channel(i, j0);
        const Cm scale = rsc * (w ? static_cast<Cm>(w[c]) : Cm(1));
        const Cm shift = (b ? static_cast<Cm>(b[c]) : Cm(0)) - muc * scale;
        normalize_scaled(x + off + j0, y + off + j0, s.S, scale, shift);
      }
    }
  }
}

// Over one stretch: sum of gh and of gh * (x - mu), gh = g * weight.
template <typename T>
void stretch_sums(const T* g, const T* x, const T* wp, double wc, int64_t n, compute_type_t<T> mu,
                  double* sum_gh, double* sum_ghc) {
  using Cm = compute_type_t<T>;
  for (int64_t j0 = 0; j0 < n; j0 += kChunk) {
    const int64_t j1 = std::min(n, j0 + kChunk);
    Cm a = 0, c = 0;
    if (wp) {
#pragma omp simd reduction(+ : a, c)
      for (int64_t j = j0; j < j1; ++j) {
        const Cm gh = static_cast<Cm>(g[j]) * static_cast<Cm>(wp[j]);
        a += gh;
        c += gh * (static_cast<Cm>(x[j]) - mu);
      }
    } else {
#pragma omp simd reduction(+ : a, c)
      for (int64_t j = j0; j < j1; ++j) {
        const Cm gv = static_cast<Cm>(g[j]);
        a += gv;
        c += gv * (static_cast<Cm>(x[j]) - mu);
      }
      a *= static_cast<Cm>(wc);
      c *= static_cast<Cm>(wc);
    }
    *sum_gh += static_cast<double>(a);
    *sum_ghc += static_cast<double>(c);
  }
}

// dx = rs * (gh - mean_gh - (x - mu) * rs * mean_ghx) over one stretch.
template <typename T>
void stretch_dx(const T* g, const T* x, const T* wp, double wc, int64_t n, compute_type_t<T> mu,
                compute_type_t<T> rs, compute_type_t<T> mean_gh, compute_type_t<T> mean_ghx,
                T* dx) {
  using Cm = compute_type_t<T>;
  const Cm k = rs * mean_ghx;
  if (wp) {
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) {
      const Cm gh = static_cast<Cm>(g[j]) * static_cast<Cm>(wp[j]);
      dx[j] = static_cast<T>(rs * (gh - mean_gh - (static_cast<Cm>(x[j]) - mu) * k));
    }
  } else {
    const Cm w = static_cast<Cm>(wc);
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) {
      const Cm gh = static_cast<Cm>(g[j]) * w;
      dx[j] = static_cast<T>(rs * (gh - mean_gh - (static_cast<Cm>(x[j]) - mu) * k));
    }
  }
}

// dweight/dbias for layer/rms norm: sums over rows, per-thread partials then one reduction.
template <typename T, typename S>
void row_affine_grads(const Segments& s, const T* g, const T* x, const S* mean, const S* rstd,
                      T* dw, T* db) {
  using Cm = compute_type_t<T>;
  const int64_t cols = s.len, rows = s.stats;
  const int threads = rows * cols > kParallelGrain ? omp_get_max_threads() : 1;
  std::vector<double> pw(dw ? threads * cols : 0, 0.0), pb(db ? threads * cols : 0, 0.0);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    double* tw = dw ? pw.data() + t * cols : nullptr;
    double* tb = db ? pb.data() + t * cols : nullptr;
#pragma omp for
    for (int64_t i = 0; i < rows; ++i) {
      const Cm mu = mean ? static_cast<Cm>(mean[i]) : Cm(0);
      const Cm rs = static_cast<Cm>(rstd[i]);
      const T* gr = g + i * cols;
      const T* xr = x + i * cols;
      if (tw) {
#pragma omp simd
        for (int64_t j = 0; j < cols; ++j) {
          tw[j] +=
              static_cast<double>(static_cast<Cm>(gr[j]) * ((static_cast<Cm>(xr[j]) - mu) * rs));
        }
      }
      if (tb) {
#pragma omp simd
        for (int64_t j = 0; j < cols; ++j) tb[j] += static_cast<double>(static_cast<Cm>(gr[j]));
      }
    }
  }
  for (int64_t j = 0; j < cols; ++j) {
    double sw = 0, sb = 0;
    for (int t = 0; t < threads; ++t) {
      if (dw) sw += pw[t * cols + j];
      if (db) sb += pb[t * cols + j];
    }
    if (dw) dw[j] = static_cast<T>(sw);
    if (db) db[j] = static_cast<T>(sb);
  }
}

// dweight/dbias for group/batch norm: per channel, summing over samples and positions.
template <typename T, typename S>
void channel_affine_grads(const NormParams& p, const Segments& s, int64_t N, const T* g, const T* x,
                          const S* mean, const S* rstd, T* dw, T* db) {
  using Cm = compute_type_t<T>;
#pragma omp parallel for if (N * s.C * s.S > kParallelGrain)
  for (int64_t c = 0; c < s.C; ++c) {
    double sw = 0, sb = 0;
    for (int64_t n = 0; n < N; ++n) {
      const int64_t st = p.kind == NormKind::Batch ? c : n * s.G + c / (s.C / s.G);
      const Cm mu = static_cast<Cm>(mean[st]);
      double gsum = 0, gc = 0;
      stretch_sums<T>(g + (n * s.C + c) * s.S, x + (n * s.C + c) * s.S, nullptr, 1.0, s.S, mu,
                      &gsum, &gc);
      sw += gc * static_cast<double>(rstd[st]);
      sb += gsum;
    }
    if (dw) dw[c] = static_cast<T>(sw);
    if (db) db[c] = static_cast<T>(sb);
  }
}

template <typename T, typename S>
void norm_backward_impl(const NormParams& p, const Tensor& gt, const Tensor& xt, const Tensor& wt,
                        const Tensor& mt, const Tensor& rt, const Tensor& dxt, const Tensor& dwt,
                        const Tensor& dbt) {
  using Cm = compute_type_t<T>;
  const Segments s = segments(p, xt);
  const T* g = static_cast<const T*>(gt.data_ptr());
  const T* x = static_cast<const T*>(xt.data_ptr());
  const T* w = wt.defined() ? static_cast<const T*>(wt.data_ptr()) : nullptr;
  const S* mean = mt.defined() ? static_cast<const S*>(mt.data_ptr()) : nullptr;
  const S* rstd = static_cast<const S*>(rt.data_ptr());
  const bool rms = p.kind == NormKind::Rms;
  const double n = static_cast<double>(s.count());
  if (dxt.defined()) {
    T* dx = static_cast<T*>(dxt.data_ptr());
#pragma omp parallel for if (s.stats * s.count() > kParallelGrain)
    for (int64_t i = 0; i < s.stats; ++i) {
      const Cm mu = mean ? static_cast<Cm>(mean[i]) : Cm(0);
      const double rs = static_cast<double>(rstd[i]);
      // The two means of the formula (zero in eval-mode batch norm, where the statistics
      // do not depend on x).
      double mean_gh = 0, mean_ghx = 0;
      if (!p.use_given_stats) {
        double sum_gh = 0, sum_ghc = 0;
        for_each_stretch(s, i, w, [&](int64_t off, int64_t len, const T* wp, double wc) {
          stretch_sums<T>(g + off, x + off, wp, wc, len, mu, &sum_gh, &sum_ghc);
        });
        mean_gh = rms ? 0.0 : sum_gh / n;
        mean_ghx = sum_ghc * rs / n;
      }
      for_each_stretch(s, i, w, [&](int64_t off, int64_t len, const T* wp, double wc) {
        stretch_dx<T>(g + off, x + off, wp, wc, len, mu, static_cast<Cm>(rs),
                      static_cast<Cm>(mean_gh), static_cast<Cm>(mean_ghx), dx + off);
      });
    }
  }
  T* dw = dwt.defined() ? static_cast<T*>(dwt.data_ptr()) : nullptr;
  T* db = dbt.defined() ? static_cast<T*>(dbt.data_ptr()) : nullptr;
  if (!dw && !db) return;
  if (s.rows()) {
    row_affine_grads<T, S>(s, g, x, mean, rstd, dw, db);
  } else {
    channel_affine_grads<T, S>(p, s, xt.size(0), g, x, mean, rstd, dw, db);
  }
}

}  // namespace

void CpuBackend::norm_forward(const NormParams& p, const Tensor& x, const Tensor& weight,
                              const Tensor& bias, const Tensor& out, const Tensor& mean,
                              const Tensor& rstd) {
  if (x.numel() == 0) return;
  visit_floating_dtype(x.dtype(), "normalization", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, double>) {
      norm_forward_impl<T, double>(p, x, weight, bias, out, mean, rstd);
    } else {
      norm_forward_impl<T, float>(p, x, weight, bias, out, mean, rstd);
    }
  });
}

void CpuBackend::norm_backward(const NormParams& p, const Tensor& grad_out, const Tensor& x,
                               const Tensor& weight, const Tensor& mean, const Tensor& rstd,
                               const Tensor& grad_x, const Tensor& grad_weight,
                               const Tensor& grad_bias) {
  if (x.numel() == 0) {
    if (grad_weight.defined()) fill(grad_weight, 0);
    if (grad_bias.defined()) fill(grad_bias, 0);
    return;
  }
  visit_floating_dtype(x.dtype(), "normalization backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, double>) {
      norm_backward_impl<T, double>(p, grad_out, x, weight, mean, rstd, grad_x, grad_weight,
                                    grad_bias);
    } else {
      norm_backward_impl<T, float>(p, grad_out, x, weight, mean, rstd, grad_x, grad_weight,
                                   grad_bias);
    }
  });
}

}  // namespace deepseek::cpu
