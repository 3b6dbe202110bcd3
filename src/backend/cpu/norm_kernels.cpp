// Layer, RMS, group and batch normalisation: forward (saving mean and 1/std) and backward.
//
// Every kind reduces over "segments" of x that share one statistic: a row (layer/rms), a
// (sample, group) block (group), or a channel's slices across the batch (batch). Threads
// own whole statistics, so no reduction crosses threads except the weight/bias gradients
// of layer/rms norm, which sum over rows into per-thread partials. Sums run in double
// with two passes (mean, then centred squares), so float32 results match a float64
// reference to rounding. The kernels are memory-bound: two reads and one write of x
// forward, three reads and one write backward.
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

// Where the elements of statistic `i` live: `count` runs of `len` elements, the run r
// starting at base + r * run_stride, each element's channel given by channel_of().
struct Segments {
  NormKind kind;
  int64_t stats = 0;    // number of statistics
  int64_t runs = 1;     // runs per statistic
  int64_t len = 0;      // elements per run
  int64_t run_stride = 0;
  int64_t C = 1, S = 1, G = 1;  // group/batch layout
  int64_t base(int64_t i) const {
    switch (kind) {
      case NormKind::Batch: return i * S;  // channel i of sample 0
      default: return i * runs * len;       // rows and (n, g) blocks are contiguous
    }
  }
  int64_t count() const { return runs * len; }
};

Segments segments(const NormParams& p, const Tensor& x) {
  Segments s;
  s.kind = p.kind;
  if (p.kind == NormKind::Layer || p.kind == NormKind::Rms) {
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

// Per-element channel (index into weight/bias) of element j of run r of statistic i.
struct ChannelOf {
  const Segments& s;
  int64_t operator()(int64_t i, int64_t j) const {
    switch (s.kind) {
      case NormKind::Group: return (i % s.G) * (s.C / s.G) + j / s.S;
      case NormKind::Batch: return i;
      default: return j;
    }
  }
};

template <typename T, typename Fn>
void for_each_run(const Segments& s, int64_t i, const T* data, Fn&& fn) {
  for (int64_t r = 0; r < s.runs; ++r) fn(data + s.base(i) + r * s.run_stride);
}

// Walks statistic i as stretches that share how the weight applies: calls
// fn(offset, length, per_element_weight, channel_weight). Layer/rms rows are one stretch
// whose weight varies per element (per_element_weight = w, or null with channel_weight 1);
// group/batch stretches are one channel's S elements with a constant channel_weight.
template <typename T, typename Fn>
void for_each_stretch(const Segments& s, int64_t i, const T* w, Fn&& fn) {
  if (s.kind == NormKind::Layer || s.kind == NormKind::Rms) {
    fn(s.base(i), s.len, w, 1.0);
    return;
  }
  const ChannelOf channel{s};
  for (int64_t r = 0; r < s.runs; ++r) {
    const int64_t off = s.base(i) + r * s.run_stride;
    for (int64_t j0 = 0; j0 < s.len; j0 += s.S) {
      const double wc = w ? static_cast<double>(w[channel(i, j0)]) : 1.0;
      fn(off + j0, s.S, static_cast<const T*>(nullptr), wc);
    }
  }
}

template <typename T, typename S>
void norm_forward_impl(const NormParams& p, const Tensor& xt, const Tensor& wt,
                       const Tensor& bt, const Tensor& yt, const Tensor& mt, const Tensor& rt) {
  using Cm = compute_type_t<T>;
  const Segments s = segments(p, xt);
  const ChannelOf channel{s};
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
        for_each_run(s, i, x, [&](const T* run) {
          for (int64_t j = 0; j < s.len; ++j) sum += static_cast<double>(run[j]);
        });
        mu = sum / n;
      }
      double sq = 0;
      for_each_run(s, i, x, [&](const T* run) {
        for (int64_t j = 0; j < s.len; ++j) {
          const double d = static_cast<double>(run[j]) - mu;
          sq += d * d;
        }
      });
      rs = 1.0 / std::sqrt(sq / n + p.eps);
      if (mean) mean[i] = static_cast<S>(mu);
      rstd[i] = static_cast<S>(rs);
    }
    const Cm muc = static_cast<Cm>(mu), rsc = static_cast<Cm>(rs);
    for (int64_t r = 0; r < s.runs; ++r) {
      const int64_t off = s.base(i) + r * s.run_stride;
      const T* xr = x + off;
      T* yr = y + off;
      if (s.kind == NormKind::Layer || s.kind == NormKind::Rms) {
        // weight/bias vary along the row: the inner loop vectorises over them.
        for (int64_t j = 0; j < s.len; ++j) {
          Cm v = (static_cast<Cm>(xr[j]) - muc) * rsc;
          if (w) v *= static_cast<Cm>(w[j]);
          if (b) v += static_cast<Cm>(b[j]);
          yr[j] = static_cast<T>(v);
        }
      } else {
        // Group/batch: one channel per S-long stretch: fold the affine into scale + shift.
        for (int64_t j0 = 0; j0 < s.len; j0 += s.S) {
          const int64_t c = channel(i, j0);
          const Cm scale = rsc * (w ? static_cast<Cm>(w[c]) : Cm(1));
          const Cm shift = (b ? static_cast<Cm>(b[c]) : Cm(0)) - muc * scale;
          for (int64_t j = j0; j < j0 + s.S; ++j) {
            yr[j] = static_cast<T>(static_cast<Cm>(xr[j]) * scale + shift);
          }
        }
      }
    }
  }
}

// dweight/dbias for layer/rms norm: sums over rows, per-thread partials then one reduction.
template <typename T, typename S>
void row_affine_grads(const Segments& s, const T* g, const T* x, const S* mean, const S* rstd,
                      T* dw, T* db) {
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
      const double mu = mean ? static_cast<double>(mean[i]) : 0.0;
      const double rs = static_cast<double>(rstd[i]);
      const T* gr = g + i * cols;
      const T* xr = x + i * cols;
      for (int64_t j = 0; j < cols; ++j) {
        const double gv = static_cast<double>(gr[j]);
        if (tw) tw[j] += gv * (static_cast<double>(xr[j]) - mu) * rs;
        if (tb) tb[j] += gv;
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
void channel_affine_grads(const NormParams& p, const Segments& s, int64_t N, const T* g,
                          const T* x, const S* mean, const S* rstd, T* dw, T* db) {
#pragma omp parallel for if (N * s.C * s.S > kParallelGrain)
  for (int64_t c = 0; c < s.C; ++c) {
    double sw = 0, sb = 0;
    for (int64_t n = 0; n < N; ++n) {
      const int64_t st = p.kind == NormKind::Batch ? c : n * s.G + c / (s.C / s.G);
      const double mu = static_cast<double>(mean[st]), rs = static_cast<double>(rstd[st]);
      const T* gr = g + (n * s.C + c) * s.S;
      const T* xr = x + (n * s.C + c) * s.S;
      double gx = 0, gsum = 0;
      for (int64_t j = 0; j < s.S; ++j) {
        const double gv = static_cast<double>(gr[j]);
        gx += gv * static_cast<double>(xr[j]);
        gsum += gv;
      }
      sw += (gx - mu * gsum) * rs;
      sb += gsum;
    }
    if (dw) dw[c] = static_cast<T>(sw);
    if (db) db[c] = static_cast<T>(sb);
  }
}

template <typename T, typename S>
void norm_backward_impl(const NormParams& p, const Tensor& gt, const Tensor& xt,
                        const Tensor& wt, const Tensor& mt, const Tensor& rt, const Tensor& dxt,
                        const Tensor& dwt, const Tensor& dbt) {
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
      const double mu = mean ? static_cast<double>(mean[i]) : 0.0;
      const double rs = static_cast<double>(rstd[i]);
      // The two means of the formula (zero in eval-mode batch norm, where the statistics
      // do not depend on x).
      double mean_gh = 0, mean_ghx = 0;
      if (!p.use_given_stats) {
        double sum_gh = 0, sum_ghx = 0;
        for_each_stretch(s, i, w, [&](int64_t off, int64_t len, const T* wp, double wc) {
          for (int64_t j = 0; j < len; ++j) {
            const double gh = static_cast<double>(g[off + j]) *
                              (wp ? static_cast<double>(wp[j]) : wc);
            sum_gh += gh;
            sum_ghx += gh * (static_cast<double>(x[off + j]) - mu) * rs;
          }
        });
        mean_gh = rms ? 0.0 : sum_gh / n;
        mean_ghx = sum_ghx / n;
      }
      for_each_stretch(s, i, w, [&](int64_t off, int64_t len, const T* wp, double wc) {
        for (int64_t j = 0; j < len; ++j) {
          const double gh = static_cast<double>(g[off + j]) *
                            (wp ? static_cast<double>(wp[j]) : wc);
          const double xhat = (static_cast<double>(x[off + j]) - mu) * rs;
          dx[off + j] = static_cast<T>(rs * (gh - mean_gh - xhat * mean_ghx));
        }
      });
    }
  }
  T* dw = dwt.defined() ? static_cast<T*>(dwt.data_ptr()) : nullptr;
  T* db = dbt.defined() ? static_cast<T*>(dbt.data_ptr()) : nullptr;
  if (!dw && !db) return;
  if (p.kind == NormKind::Layer || p.kind == NormKind::Rms) {
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
