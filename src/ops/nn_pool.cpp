// Pooling. Every public op validates in its own terms (1-D or 2-D, batched or not), then
// runs one 2-D primitive over [N, C, H, W] (1-D pooling gets a unit height). The
// primitive's backward is an op too, pool_backward, whose own backward is the forward
// pooling again (averages: the adjoint of an adjoint) or a gather through the saved indices
// (max), so pooling is twice differentiable.
#include "deepseek/ops/nn_pool.h"

#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/shape.h"
#include "nn_arguments.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;
using nn_detail::dense;
using nn_detail::sizes_x;

namespace {

bool is_max(PoolKind k) { return k == PoolKind::Max || k == PoolKind::AdaptiveMax; }

const char* node_name(PoolKind k) {
  switch (k) {
    case PoolKind::Max:
      return "MaxPool2DWithIndicesBackward0";
    case PoolKind::Avg:
      return "AvgPool2DBackward0";
    case PoolKind::AdaptiveMax:
      return "AdaptiveMaxPool2DBackward0";
    default:
      return "AdaptiveAvgPool2DBackward0";
  }
}

std::tuple<Tensor, Tensor> pool_core(const Tensor& x, const PoolParams& p, int64_t OH, int64_t OW);

// d(input) of a pooling from d(output): an op whose own backward pools again (avg) or
// gathers through the indices (max).
Tensor pool_backward(const Tensor& grad_out, const Tensor& indices, const Shape& input_shape,
                     const PoolParams& p) {
  Tensor gx = empty_tensor(input_shape, grad_out.dtype(), grad_out.device());
  backend_for(grad_out.device()).pool_backward(p, dense(grad_out), indices, gx);
  if (autograd::needs_grad({grad_out})) {
    const Shape out_shape = grad_out.sizes();
    autograd::record(std::string(node_name(p.kind)) + "Backward", {grad_out}, {gx}, {save(indices)},
                     [p, out_shape](const BackwardArgs& g) -> TensorList {
                       if (is_max(p.kind)) {
                         const Shape& s = out_shape;
                         Tensor gg = reshape(g.grad(), {s[0], s[1], -1});
                         Tensor idx = reshape(g.saved[0], {s[0], s[1], -1});
                         return {reshape(gather(gg, 2, idx), s)};
                       }
                       return {std::get<0>(pool_core(g.grad(), p, out_shape[2], out_shape[3]))};
                     });
  }
  return gx;
}

// The differentiable 2-D primitive over a validated [N, C, H, W] input.
std::tuple<Tensor, Tensor> pool_core(const Tensor& x, const PoolParams& p, int64_t OH, int64_t OW) {
  const Shape out_shape{x.size(0), x.size(1), OH, OW};
  Tensor out = empty_tensor(out_shape, x.dtype(), x.device());
  Tensor indices = is_max(p.kind) ? empty_tensor(out_shape, DType::Int64, x.device()) : Tensor();
  backend_for(x.device()).pool_forward(p, dense(x), out, indices);
  if (autograd::needs_grad({x})) {
    const Shape in_shape = x.sizes();
    autograd::record(node_name(p.kind), {x}, {out}, {save(indices)},
                     [p, in_shape](const BackwardArgs& g) -> TensorList {
                       return {pool_backward(g.grad(), g.saved[0], in_shape, p)};
                     });
  }
  return {out, indices};
}

// PyTorch's pooling_output_shape: floor (or ceil) division, and with ceil_mode the last
// window must start inside the input or its left padding.
int64_t pooled_size(int64_t in, int64_t k, int64_t s, int64_t pad, int64_t dil, bool ceil) {
  const int64_t num = in + 2 * pad - dil * (k - 1) - 1 + (ceil ? s - 1 : 0);
  int64_t out = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;
  if (ceil && (out - 1) * s >= in + pad) --out;
  return out;
}

// One value for every spatial dim, or one per dim.
IntList per_dim(const IntList& v, size_t dims, const char* op, const char* name) {
  DS_CHECK(v.size() == 1 || v.size() == dims, RuntimeError,
           "{}: {} must either be a single int, or a tuple of {} ints", op, name,
           dims == 1   ? "one"
           : dims == 2 ? "two"
                       : "three");
  return v.size() == dims ? v : IntList(dims, v[0]);
}

// [N, C, *spatial] with the spatial dims of a `dims`-D pooling: checks the rank and that
// only the batch may be empty, and returns the input as batched 4-D plus how to undo it.
struct PoolInput {
  Tensor x4;
  bool batched;
};
PoolInput pool_input(const char* op, const Tensor& input, size_t dims, bool adaptive) {
  const int64_t nd = static_cast<int64_t>(dims);
  DS_CHECK(is_floating(input.dtype()), RuntimeError, "\"{}\" not implemented for '{}'", op,
           dtype_name(input.dtype()));
  if (adaptive) {
    DS_CHECK(input.dim() == nd + 1 || input.dim() == nd + 2, RuntimeError,
             "{}(): Expected {}D or {}D tensor, but got {}", op, nd + 1, nd + 2,
             shape_str(input.sizes()));
  } else {
    DS_CHECK(input.dim() == nd + 1 || input.dim() == nd + 2, RuntimeError,
             "{}: Expected {}D or {}D (batch mode) tensor with optional 0 dim batch size for "
             "input, but got:{}",
             op, nd + 1, nd + 2, shape_str(input.sizes()));
  }
  const bool batched = input.dim() == nd + 2;
  for (int64_t d = batched ? 1 : 0; d < input.dim(); ++d) {
    DS_CHECK(input.size(d) > 0, RuntimeError,
             "{}: Expected input to have non-zero size for non-batch dimensions, but input has "
             "sizes {} with dimension {} being empty",
             op, shape_str(input.sizes()), d);
  }
  Tensor x = batched ? input : unsqueeze(input, 0);
  if (dims == 1) x = unsqueeze(x, 2);
  return {x, batched};
}

Tensor pool_output(const Tensor& out4, size_t dims, bool batched) {
  Tensor out = dims == 1 ? squeeze(out4, 2) : out4;
  return batched ? out : squeeze(out, 0);
}

// Max and average pooling with explicit windows.
std::tuple<Tensor, Tensor> window_pool(const char* op, PoolKind kind, size_t dims,
                                       const Tensor& input, const IntList& kernel_in,
                                       const IntList& stride_in, const IntList& padding_in,
                                       const IntList& dilation_in, bool ceil_mode,
                                       bool count_include_pad,
                                       std::optional<int64_t> divisor_override) {
  IntList kernel = per_dim(kernel_in, dims, op, "kernel_size");
  IntList stride = stride_in.empty() ? kernel : per_dim(stride_in, dims, op, "stride");
  IntList padding = per_dim(padding_in, dims, op, "padding");
  IntList dilation = per_dim(dilation_in, dims, op, "dilation");
  for (size_t d = 0; d < dims; ++d) {
    DS_CHECK(kernel[d] > 0, RuntimeError, "{}: kernel_size must be greater than zero, but got {}",
             op, shape_str(kernel));
    DS_CHECK(stride[d] > 0, RuntimeError, "{}: stride must be greater than zero, but got {}", op,
             shape_str(stride));
    DS_CHECK(dilation[d] > 0, RuntimeError, "{}: dilation should be greater than zero, but got {}",
             op, shape_str(dilation));
    DS_CHECK(padding[d] >= 0 && padding[d] * 2 <= kernel[d], RuntimeError,
             "{}: pad should be at most half of kernel size, but got pad={} and kernel_size={}", op,
             padding[d], kernel[d]);
  }
  DS_CHECK(!divisor_override || *divisor_override != 0, RuntimeError,
           "{}: divisor must be not zero", op);
  PoolInput in = pool_input(op, input, dims, false);
  IntList out_size;
  for (size_t d = 0; d < dims; ++d) {
    const int64_t len = in.x4.size(4 - dims + d);
    out_size.push_back(pooled_size(len, kernel[d], stride[d], padding[d], dilation[d], ceil_mode));
  }
  for (int64_t o : out_size) {
    IntList in_sizes{in.x4.size(1)}, out_sizes{in.x4.size(1)};
    for (size_t d = 0; d < dims; ++d) {
      in_sizes.push_back(in.x4.size(4 - dims + d));
      out_sizes.push_back(out_size[d]);
    }
    DS_CHECK(o > 0, RuntimeError,
             "{}: Given input size: {}. Calculated output size: {}. Output size is too small", op,
             sizes_x(in_sizes, "x"), sizes_x(out_sizes, "x"));
  }
  PoolParams p;
  p.kind = kind;
  const bool one = dims == 1;
  p.kernel = one ? IntList{1, kernel[0]} : kernel;
  p.stride = one ? IntList{1, stride[0]} : stride;
  p.padding = one ? IntList{0, padding[0]} : padding;
  p.dilation = one ? IntList{1, dilation[0]} : dilation;
  p.count_include_pad = count_include_pad;
  p.divisor_override = divisor_override.value_or(0);
  auto [out, idx] = pool_core(in.x4, p, one ? 1 : out_size[0], out_size[dims - 1]);
  return {pool_output(out, dims, in.batched),
          idx.defined() ? pool_output(idx, dims, in.batched) : idx};
}

std::tuple<Tensor, Tensor> adaptive_pool(const char* op, PoolKind kind, size_t dims,
                                         const Tensor& input, const IntList& output_size) {
  IntList out_size = per_dim(output_size, dims, op, "output_size");
  for (int64_t o : out_size) {
    DS_CHECK(o >= 0, RuntimeError,
             "{}: elements of output_size must be greater than or equal "
             "to 0 but received {}",
             op, shape_str(out_size));
  }
  PoolInput in = pool_input(op, input, dims, true);
  PoolParams p;
  p.kind = kind;
  auto [out, idx] = pool_core(in.x4, p, dims == 1 ? 1 : out_size[0], out_size[dims - 1]);
  return {pool_output(out, dims, in.batched),
          idx.defined() ? pool_output(idx, dims, in.batched) : idx};
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const IntList& kernel_size,
                                                   const IntList& stride, const IntList& padding,
                                                   const IntList& dilation, bool ceil_mode) {
  return window_pool("max_pool2d", PoolKind::Max, 2, input, kernel_size, stride, padding, dilation,
                     ceil_mode, true, std::nullopt);
}
Tensor max_pool2d(const Tensor& input, const IntList& kernel_size, const IntList& stride,
                  const IntList& padding, const IntList& dilation, bool ceil_mode) {
  return std::get<0>(
      max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode));
}
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const IntList& kernel_size,
                                                   const IntList& stride, const IntList& padding,
                                                   const IntList& dilation, bool ceil_mode) {
  return window_pool("max_pool1d", PoolKind::Max, 1, input, kernel_size, stride, padding, dilation,
                     ceil_mode, true, std::nullopt);
}
Tensor max_pool1d(const Tensor& input, const IntList& kernel_size, const IntList& stride,
                  const IntList& padding, const IntList& dilation, bool ceil_mode) {
  return std::get<0>(
      max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode));
}

Tensor avg_pool2d(const Tensor& input, const IntList& kernel_size, const IntList& stride,
                  const IntList& padding, bool ceil_mode, bool count_include_pad,
                  std::optional<int64_t> divisor_override) {
  return std::get<0>(window_pool("avg_pool2d", PoolKind::Avg, 2, input, kernel_size, stride,
                                 padding, {1}, ceil_mode, count_include_pad, divisor_override));
}
Tensor avg_pool1d(const Tensor& input, const IntList& kernel_size, const IntList& stride,
                  const IntList& padding, bool ceil_mode, bool count_include_pad) {
  return std::get<0>(window_pool("avg_pool1d", PoolKind::Avg, 1, input, kernel_size, stride,
                                 padding, {1}, ceil_mode, count_include_pad, std::nullopt));
}

Tensor adaptive_avg_pool2d(const Tensor& input, const IntList& output_size) {
  return std::get<0>(
      adaptive_pool("adaptive_avg_pool2d", PoolKind::AdaptiveAvg, 2, input, output_size));
}
Tensor adaptive_avg_pool1d(const Tensor& input, const IntList& output_size) {
  return std::get<0>(
      adaptive_pool("adaptive_avg_pool1d", PoolKind::AdaptiveAvg, 1, input, output_size));
}
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input,
                                                            const IntList& output_size) {
  return adaptive_pool("adaptive_max_pool2d", PoolKind::AdaptiveMax, 2, input, output_size);
}
std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(const Tensor& input,
                                                            const IntList& output_size) {
  return adaptive_pool("adaptive_max_pool1d", PoolKind::AdaptiveMax, 1, input, output_size);
}

}  // namespace deepseek
