// 2-D max / average / adaptive pooling over [N, C, H, W] and their gradients.
//
// Every (n, c) plane is independent, so threads split the N * C planes; within a plane
// each output reads its window directly. Pooling is memory-bound (a few loads per output),
// so this simple layout runs near bandwidth. These kernels are our own rather than
// oneDNN's because PyTorch's contract needs what oneDNN's pooling does not give: indices
// (h * W + w within the plane, returned to users and used by the backward), NaN winning a
// max window, and ceil_mode windows whose divisor ignores the overhang past the padding.
#include <cmath>
#include <limits>

#include "cpu_backend.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

// One output position's window along one axis: [begin, end) stepping by step, plus the
// divisor an average over it uses.
struct Window {
  int64_t begin, end, step;
  int64_t padded_size;  // Avg with count_include_pad: the window clipped to the padded input
};

Window window_at(const PoolParams& p, int axis, int64_t o, int64_t in_size, int64_t out_size) {
  switch (p.kind) {
    case PoolKind::AdaptiveAvg:
    case PoolKind::AdaptiveMax: {
      const int64_t b = (o * in_size) / out_size;
      const int64_t e = ((o + 1) * in_size + out_size - 1) / out_size;
      return {b, e, 1, e - b};
    }
    case PoolKind::Avg: {
      int64_t b = o * p.stride[axis] - p.padding[axis];
      int64_t e = std::min(b + p.kernel[axis], in_size + p.padding[axis]);
      const int64_t padded = e - b;
      b = std::max<int64_t>(b, 0);
      e = std::min(e, in_size);
      return {b, e, 1, padded};
    }
    case PoolKind::Max:
    default: {
      const int64_t d = p.dilation[axis];
      int64_t b = o * p.stride[axis] - p.padding[axis];
      const int64_t e = std::min(b + (p.kernel[axis] - 1) * d + 1, in_size);
      while (b < 0) b += d;
      return {b, e, d, 0};
    }
  }
}

bool is_max(PoolKind k) { return k == PoolKind::Max || k == PoolKind::AdaptiveMax; }

// The divisor of an average window (Avg: PyTorch's count_include_pad/divisor_override rules).
int64_t divisor(const PoolParams& p, const Window& h, const Window& w) {
  if (p.kind == PoolKind::AdaptiveAvg) return (h.end - h.begin) * (w.end - w.begin);
  if (p.divisor_override > 0) return p.divisor_override;
  if (p.count_include_pad) return h.padded_size * w.padded_size;
  return (h.end - h.begin) * (w.end - w.begin);
}

// Windows along each axis are the same for every plane: compute them once.
std::vector<Window> windows(const PoolParams& p, int axis, int64_t in_size, int64_t out_size) {
  std::vector<Window> ws(out_size);
  for (int64_t o = 0; o < out_size; ++o) ws[o] = window_at(p, axis, o, in_size, out_size);
  return ws;
}

template <typename T>
void pool_forward_impl(const PoolParams& p, const Tensor& in, const Tensor& out,
                       const Tensor& indices) {
  using C = compute_type_t<T>;
  const int64_t planes = in.size(0) * in.size(1), H = in.size(2), W = in.size(3);
  const int64_t OH = out.size(2), OW = out.size(3);
  const auto hw = windows(p, 0, H, OH), ww = windows(p, 1, W, OW);
  const T* x = static_cast<const T*>(in.data_ptr());
  T* y = static_cast<T*>(out.data_ptr());
  int64_t* ind = indices.defined() ? indices.data_ptr<int64_t>() : nullptr;
  const bool max = is_max(p.kind);
#pragma omp parallel for if (planes * H * W > kParallelGrain)
  for (int64_t pl = 0; pl < planes; ++pl) {
    const T* xp = x + pl * H * W;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const Window& h = hw[oh];
      for (int64_t ow = 0; ow < OW; ++ow) {
        const Window& w = ww[ow];
        const int64_t o = (pl * OH + oh) * OW + ow;
        if (max) {
          C best = -std::numeric_limits<C>::infinity();
          int64_t best_at = h.begin * W + w.begin;
          bool nan = false;  // NaN wins the window: stop at the first one
          for (int64_t ih = h.begin; ih < h.end && !nan; ih += h.step) {
            for (int64_t iw = w.begin; iw < w.end; iw += w.step) {
              const C v = static_cast<C>(xp[ih * W + iw]);
              if (v > best || std::isnan(v)) {
                best = v;
                best_at = ih * W + iw;
                nan = std::isnan(v);
                if (nan) break;
              }
            }
          }
          y[o] = static_cast<T>(best);
          if (ind) ind[o] = best_at;
        } else {
          if (h.begin >= h.end || w.begin >= w.end) {
            y[o] = T(0);
            continue;
          }
          C sum = 0;
          for (int64_t ih = h.begin; ih < h.end; ++ih) {
            for (int64_t iw = w.begin; iw < w.end; ++iw) sum += static_cast<C>(xp[ih * W + iw]);
          }
          y[o] = static_cast<T>(sum / static_cast<C>(divisor(p, h, w)));
        }
      }
    }
  }
}

template <typename T>
void pool_backward_impl(const PoolParams& p, const Tensor& grad_out, const Tensor& indices,
                        const Tensor& grad_in) {
  using C = compute_type_t<T>;
  const int64_t planes = grad_in.size(0) * grad_in.size(1);
  const int64_t H = grad_in.size(2), W = grad_in.size(3);
  const int64_t OH = grad_out.size(2), OW = grad_out.size(3);
  const auto hw = windows(p, 0, H, OH), ww = windows(p, 1, W, OW);
  const T* gy = static_cast<const T*>(grad_out.data_ptr());
  T* gx = static_cast<T*>(grad_in.data_ptr());
  const int64_t* ind = indices.defined() ? indices.data_ptr<int64_t>() : nullptr;
  const bool max = is_max(p.kind);
  constexpr bool direct = std::is_same_v<T, C>;  // accumulate in the output itself
#pragma omp parallel if (planes * H * W > kParallelGrain)
  {
    // 16-bit floats accumulate a plane in float, then round once.
    std::vector<C> scratch(direct ? 0 : H * W);
#pragma omp for
    for (int64_t pl = 0; pl < planes; ++pl) {
      C* acc = direct ? reinterpret_cast<C*>(gx + pl * H * W) : scratch.data();
      std::fill(acc, acc + H * W, C(0));
      for (int64_t oh = 0; oh < OH; ++oh) {
        const Window& h = hw[oh];
        for (int64_t ow = 0; ow < OW; ++ow) {
          const Window& w = ww[ow];
          const int64_t o = (pl * OH + oh) * OW + ow;
          const C g = static_cast<C>(gy[o]);
          if (max) {
            acc[ind[o]] += g;
            continue;
          }
          if (h.begin >= h.end || w.begin >= w.end) continue;
          const C share = g / static_cast<C>(divisor(p, h, w));
          for (int64_t ih = h.begin; ih < h.end; ++ih) {
            for (int64_t iw = w.begin; iw < w.end; ++iw) acc[ih * W + iw] += share;
          }
        }
      }
      if constexpr (!direct) {
        T* gp = gx + pl * H * W;
        for (int64_t i = 0; i < H * W; ++i) gp[i] = static_cast<T>(acc[i]);
      }
    }
  }
}

}  // namespace

void CpuBackend::pool_forward(const PoolParams& p, const Tensor& in, const Tensor& out,
                              const Tensor& indices) {
  if (out.numel() == 0) return;
  visit_floating_dtype(in.dtype(), "pooling", [&](auto tag) {
    pool_forward_impl<typename decltype(tag)::type>(p, in, out, indices);
  });
}

void CpuBackend::pool_backward(const PoolParams& p, const Tensor& grad_out, const Tensor& indices,
                               const Tensor& grad_in) {
  if (grad_in.numel() == 0) return;
  visit_floating_dtype(grad_in.dtype(), "pooling backward", [&](auto tag) {
    pool_backward_impl<typename decltype(tag)::type>(p, grad_out, indices, grad_in);
  });
}

}  // namespace deepseek::cpu
