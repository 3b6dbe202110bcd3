// The Backend interface: everything a device must provide. Ops allocate outputs and call
// these kernels; nothing above this file knows how a kernel is written. A kernel that a
// backend does not provide throws NotImplementedError naming itself and the backend.
//
// Conventions for every kernel:
//  - all tensors are on this backend's device;
//  - inputs may have any strides (stride 0 = broadcast); outputs are written through their
//    strides and never overlap their inputs unless the kernel says so;
//  - shapes were validated by the op, dtypes are as documented per kernel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "deepseek/backend/kernel_ops.h"
#include "deepseek/backend/optimizer_kernels.h"
#include "deepseek/core/device.h"
#include "deepseek/core/tensor.h"

namespace deepseek {

// ---- neural-network kernel parameters (see the kernels below) ----
// One entry per spatial dim in every vector.
struct ConvParams {
  std::vector<int64_t> stride, padding_before, padding_after, dilation;  // dilation 1 = dense
  int64_t groups = 1;
};

enum class PoolKind : uint8_t { Max, Avg, AdaptiveMax, AdaptiveAvg };
struct PoolParams {
  PoolKind kind = PoolKind::Max;
  std::vector<int64_t> kernel, stride, padding, dilation;  // unused by the adaptive kinds
  bool count_include_pad = true;                           // Avg
  int64_t divisor_override = 0;                            // Avg: > 0 replaces the divisor
};

// Layer/Rms: x [rows, cols], statistics per row, weight/bias [cols].
// Group: x [N, C, S], statistics per (n, group) over C / groups * S, weight/bias [C].
// Batch: x [N, C, S], statistics per channel over N * S, weight/bias [C].
enum class NormKind : uint8_t { Layer, Rms, Group, Batch };
struct NormParams {
  NormKind kind = NormKind::Layer;
  double eps = 1e-5;
  int64_t groups = 1;            // Group
  bool use_given_stats = false;  // mean/rstd are inputs (batch norm in eval mode)
};

// Scaled dot-product attention. Query i sees key j unless the mask says otherwise, j > i
// when causal (top-left aligned, as PyTorch), or j <= i - window when window > 0 (a causal
// sliding window of `window` keys). Dropout on the attention weights keeps an element with
// probability 1 - dropout_p, decided by the Philox word (seed, offset, (b * Tq + i) * Tk + j),
// so the backward pass regenerates the same mask.
struct AttentionParams {
  double scale = 1.0;
  bool causal = false;
  int64_t window = 0;
  double dropout_p = 0.0;
  uint64_t seed = 0, offset = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual DeviceType device_type() const = 0;
  virtual const char* name() const = 0;
  virtual int device_count() const = 0;

  // ---- data movement ----
  // dst = src converted to dst's dtype; same shape, both on this device, any strides.
  virtual void copy(const Tensor& src, const Tensor& dst);
  // Between this device and the host; both tensors contiguous, same dtype and numel.
  virtual void copy_to_host(const Tensor& src, const Tensor& host_dst);
  virtual void copy_from_host(const Tensor& host_src, const Tensor& dst);
  virtual void fill(const Tensor& out, const Scalar& value);
  // out[i] = start + i * step (out contiguous, 1-D).
  virtual void arange(const Tensor& out, double start, double step);
  virtual void random(RandomKind kind, const Tensor& out, uint64_t seed, uint64_t offset,
                      double a, double b);

  // ---- elementwise ----
  // in and out have the same shape; out dtype == in dtype except for ops that write bool.
  virtual void unary(UnaryOp op, const Tensor& in, const Tensor& out, const UnaryParams& p);
  // a, b, out have the same shape (broadcast by strides); a and b share the compute dtype;
  // out has it too, or bool for comparisons and logic.
  virtual void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out);
  // out = cond ? a : b; cond bool; a, b, out one dtype; all the same shape.
  virtual void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out);

  // ---- reductions ----
  // out has in's shape with every dim in `dims` set to 1 (keepdim layout); dims sorted,
  // unique. Sum/Prod accumulate in double (floats) or int64 (integers) and write out's dtype.
  virtual void reduce(ReduceOp op, const Tensor& in, const std::vector<int64_t>& dims,
                      const Tensor& out);
  // Along one dim, keepdim layout; indices int64; values may be undefined.
  virtual void arg_reduce(ArgReduceOp op, const Tensor& in, int64_t dim, const Tensor& values,
                          const Tensor& indices);

  // ---- linear algebra ----
  // out[b] = a[b] @ bmat[b]: a [B, M, K], bmat [B, K, N], out [B, M, N] contiguous; a and
  // bmat any strides (batch stride 0 broadcasts), one floating/integer dtype for all three.
  virtual void matmul(const Tensor& a, const Tensor& bmat, const Tensor& out);

  // ---- softmax ----
  // Along `dim`; out contiguous like in's shape; log selects log_softmax.
  virtual void softmax(const Tensor& in, int64_t dim, bool log, const Tensor& out);

  // ---- indexing ----
  // out = in.index_select(dim, index); index int64 1-D, values checked by the op.
  virtual void index_select(const Tensor& in, int64_t dim, const Tensor& index,
                            const Tensor& out);
  // self.index_add_(dim, index, src) if accumulate else self.index_copy_(dim, index, src).
  virtual void index_put(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                         bool accumulate);
  virtual void gather(const Tensor& in, int64_t dim, const Tensor& index, const Tensor& out);
  // self[...index...] (+)= src along dim, in place.
  virtual void scatter(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                       bool accumulate);
  // Coordinates of non-zero elements, [n, ndim] int64 on this device.
  virtual Tensor nonzero(const Tensor& in);

  // ---- sorting, scans and sampling (src/ops/sorting.cpp, scan.cpp, random.cpp) ----
  // The first k elements of each slice along `dim` in sorted order: values (in's dtype) and
  // indices (int64) are contiguous, in's shape with size k along dim (k = in.size(dim) for a
  // full sort). The order is total: NaN sorts above every number and equal values keep their
  // input order (stable), so every k yields a prefix of the full sort.
  virtual void sort(const Tensor& in, int64_t dim, int64_t k, bool descending,
                    const Tensor& values, const Tensor& indices);
  // Inclusive scan along `dim`: out (contiguous, in's shape and dtype) holds op over
  // in[..., 0..i, ...]. Sum/Prod accumulate in double (floats) or int64 (integers); Max/Min
  // also write indices (int64, contiguous): the position of the running extreme, the later
  // one on ties, NaN winning (as PyTorch's cummax/cummin).
  virtual void scan(ScanOp op, const Tensor& in, int64_t dim, const Tensor& out,
                    const Tensor& indices);
  // probs [rows, n] floating, contiguous, checked by the op (finite, >= 0, positive row sums,
  // enough non-zero categories without replacement); out [rows, num_samples] int64. Row r
  // draws from Philox counters offset + r * num_samples + s (with replacement: inverse CDF)
  // or offset + r * n + i (without: the num_samples largest keys log(u_i) / p_i, in
  // descending key order, which is the order sequential draws would produce).
  virtual void multinomial(const Tensor& probs, int64_t num_samples, bool replacement,
                           uint64_t seed, uint64_t offset, const Tensor& out);

  // ---- neural-network kernels (src/ops/nn_*.cpp) ----
  // Tensors are contiguous and share one floating dtype unless said otherwise.
  // Convolution over input [N, C, *spatial], weight [O, C / groups, *kernel], out
  // [N, O, *out_spatial]; bias [O] or undefined. The CPU backend serves 2 spatial dims (1-D
  // convolutions arrive with a unit height).
  virtual void conv_forward(const ConvParams& p, const Tensor& input, const Tensor& weight,
                            const Tensor& bias, const Tensor& out);
  // grad_input (overwritten) from grad_out and weight: a transposed convolution.
  virtual void conv_backward_input(const ConvParams& p, const Tensor& grad_out,
                                   const Tensor& weight, const Tensor& grad_input);
  // grad_weight (overwritten) and, when defined, grad_bias from grad_out and input.
  virtual void conv_backward_weight(const ConvParams& p, const Tensor& grad_out,
                                    const Tensor& input, const Tensor& grad_weight,
                                    const Tensor& grad_bias);
  // 2-D pooling of in [N, C, H, W] into out [N, C, OH, OW] (the op sizes out, ceil_mode
  // included). Max kinds also write indices (int64, out's shape): h * W + w of the chosen
  // element within its plane, NaN winning; undefined for the Avg kinds.
  virtual void pool_forward(const PoolParams& p, const Tensor& in, const Tensor& out,
                            const Tensor& indices);
  // grad_in (overwritten) from grad_out: Avg kinds spread each window's gradient, Max kinds
  // route it through indices.
  virtual void pool_backward(const PoolParams& p, const Tensor& grad_out, const Tensor& indices,
                             const Tensor& grad_in);
  // Normalisation (layouts at NormKind). weight/bias undefined or x's dtype. mean/rstd are
  // float32 (float64 for float64 x), one per statistic; Rms has no mean (undefined).
  virtual void norm_forward(const NormParams& p, const Tensor& x, const Tensor& weight,
                            const Tensor& bias, const Tensor& out, const Tensor& mean,
                            const Tensor& rstd);
  // Writes each of grad_x, grad_weight, grad_bias that is defined (overwritten).
  virtual void norm_backward(const NormParams& p, const Tensor& grad_out, const Tensor& x,
                             const Tensor& weight, const Tensor& mean, const Tensor& rstd,
                             const Tensor& grad_x, const Tensor& grad_weight,
                             const Tensor& grad_bias);
  // q [B, Tq, D], k [B, Tk, D], v [B, Tk, Dv] contiguous; mask undefined or additive
  // [B, Tq, Tk] in q's dtype (any strides, 0 = broadcast). Writes out [B, Tq, Dv] and lse
  // [B, Tq] (float32, float64 for float64 q): the logsumexp of each row of scores.
  virtual void attention_forward(const AttentionParams& p, const Tensor& q, const Tensor& k,
                                 const Tensor& v, const Tensor& mask, const Tensor& out,
                                 const Tensor& lse);
  // Writes grad_q/k/v (overwritten) and, when defined, grad_mask [B, Tq, Tk] (contiguous).
  virtual void attention_backward(const AttentionParams& p, const Tensor& grad_out,
                                  const Tensor& q, const Tensor& k, const Tensor& v,
                                  const Tensor& mask, const Tensor& out, const Tensor& lse,
                                  const Tensor& grad_q, const Tensor& grad_k,
                                  const Tensor& grad_v, const Tensor& grad_mask);

  // ---- fused optimizer updates (src/optim/fused_update.cpp) ----
  // Multi-tensor: one call updates every parameter of a group in place. Lists have one
  // entry per parameter, all tensors contiguous; params, grads and state share one floating
  // dtype (16-bit types compute in float32). State entries that an option does not use are
  // undefined. steps[i] is parameter i's step count including this step.
  // SGD: init_buffer[i] starts a momentum buffer (buf = grad) instead of updating it.
  virtual void sgd_update(const SgdHyper& h, const TensorList& params, const TensorList& grads,
                          const TensorList& momentum_buffers, const std::vector<bool>& init_buffer);
  virtual void adam_update(const AdamHyper& h, const TensorList& params, const TensorList& grads,
                           const TensorList& exp_avg, const TensorList& exp_avg_sq,
                           const TensorList& max_exp_avg_sq, const std::vector<double>& steps);
  virtual void rmsprop_update(const RmspropHyper& h, const TensorList& params,
                              const TensorList& grads, const TensorList& square_avg,
                              const TensorList& grad_avg, const TensorList& momentum_buffers);
  virtual void adagrad_update(const AdagradHyper& h, const TensorList& params,
                              const TensorList& grads, const TensorList& state_sum,
                              const std::vector<double>& steps);

 protected:
  [[noreturn]] void not_implemented(const char* kernel) const;
};

// The backend serving `type`; throws RuntimeError when the build has none.
Backend& backend_for(DeviceType type);
inline Backend& backend_for(const Device& device) { return backend_for(device.type); }
bool has_backend(DeviceType type);
// Called once by each backend at load time.
void register_backend(DeviceType type, Backend* backend);

}  // namespace deepseek
