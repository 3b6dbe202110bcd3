// Convolutions. conv1d and conv2d validate in their own terms, then run one 2-D primitive
// (1-D convolutions get a unit height). The primitive's backward is made of two ops,
// convolution_backward_input and convolution_backward_weight, each of which records its
// own backward in terms of the other two products, so convolutions are twice (indeed
// arbitrarily often) differentiable:
//   y = F(x, w)   =>  dx = B_in(gy, w),  dw = B_w(gy, x)
//   B_in and B_w are bilinear too: <ggx, B_in(gy, w)> = <F(ggx, w), gy> = <B_w(gy, ggx), w>.
#include "deepseek/ops/nn_conv.h"

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/record.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"
#include "nn_arguments.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;
using nn_detail::dense;
using nn_detail::expand_param;
using nn_detail::sizes_x;

namespace {

// Output size of one spatial dim.
int64_t conv_out_size(int64_t in, int64_t k, const ConvParams& p, size_t d) {
  return (in + p.padding_before[d] + p.padding_after[d] - p.dilation[d] * (k - 1) - 1) /
             p.stride[d] +
         1;
}

Shape conv_out_shape(const Shape& x, const Shape& w, const ConvParams& p) {
  Shape out{x[0], w[0]};
  for (size_t d = 0; d + 2 < x.size(); ++d) out.push_back(conv_out_size(x[2 + d], w[2 + d], p, d));
  return out;
}

// The differentiable 2-D primitive (all operands 4-D, validated).
Tensor conv_core(const Tensor& x, const Tensor& w, const Tensor& b, const ConvParams& p) {
  Tensor out = empty_tensor(conv_out_shape(x.sizes(), w.sizes(), p), x.dtype(), x.device());
  backend_for(x.device()).conv_forward(p, dense(x), dense(w), dense(b), out);
  if (autograd::needs_grad({x, w, b})) {
    const Shape x_shape = x.sizes(), w_shape = w.sizes();
    autograd::record(
        "ConvolutionBackward0", {x, w, b}, {out},
        {save(w.requires_grad() ? x : Tensor()), save(x.requires_grad() ? w : Tensor())},
        [p, x_shape, w_shape](const BackwardArgs& g) -> TensorList {
          TensorList r(3);
          if (g.needs(0)) r[0] = convolution_backward_input(g.grad(), g.saved[1], x_shape, p);
          if (g.needs(1)) r[1] = convolution_backward_weight(g.grad(), g.saved[0], w_shape, p);
          if (g.needs(2)) r[2] = sum(g.grad(), {0, 2, 3});
          return r;
        });
  }
  return out;
}

struct Padding {
  std::vector<int64_t> before, after;
};

// The padding for "same" (output size = input size at stride 1; an odd total pads one more
// at the end, as PyTorch does) or "valid" (none).
Padding padding_from_string(const std::string& mode, const Tensor& w,
                            const std::vector<int64_t>& dilation, size_t dims) {
  DS_CHECK(mode == "same" || mode == "valid", ValueError, "Invalid padding string: '{}'", mode);
  Padding pad{std::vector<int64_t>(dims, 0), std::vector<int64_t>(dims, 0)};
  if (mode == "valid") return pad;
  for (size_t d = 0; d < dims; ++d) {
    const int64_t total = dilation[d] * (w.size(2 + d) - 1);
    pad.before[d] = total / 2;
    pad.after[d] = total - total / 2;
  }
  return pad;
}

// Validates a `dims`-D convolution of a batched input and builds its parameters.
ConvParams validate(const char* op, const Tensor& x, const Tensor& w, const Tensor& b, size_t dims,
                    std::vector<int64_t> stride, const Padding& pad, std::vector<int64_t> dilation,
                    int64_t groups) {
  check_same_device(op, {x, w, b});
  DS_CHECK(is_floating(x.dtype()), RuntimeError, "{}: \"{}\" not implemented for '{}'", op,
           "convolution", dtype_name(x.dtype()));
  DS_CHECK(w.dtype() == x.dtype() && (!b.defined() || b.dtype() == x.dtype()), RuntimeError,
           "{}: expected scalar type {} but found {} (input, weight and bias dtypes must match)",
           op, dtype_name(x.dtype()), dtype_name(w.dtype() != x.dtype() ? w.dtype() : b.dtype()));
  DS_CHECK(w.dim() == static_cast<int64_t>(dims) + 2, RuntimeError,
           "{}: expected weight to be {}-dimensional [out_channels, in_channels / groups, "
           "*kernel_size], but got weight of size {}",
           op, dims + 2, shape_str(w.sizes()));
  for (int64_t s : stride) DS_CHECK(s > 0, RuntimeError, "non-positive stride is not supported");
  for (int64_t d : dilation)
    DS_CHECK(d > 0, RuntimeError, "non-positive dilation is not supported");
  for (int64_t q : pad.before) DS_CHECK(q >= 0, RuntimeError, "negative padding is not supported");
  DS_CHECK(groups > 0, RuntimeError, "non-positive groups is not supported");
  DS_CHECK(w.size(0) % groups == 0, RuntimeError,
           "Given groups={}, expected weight to be divisible by {} at dimension 0, but got "
           "weight of size [{}] instead",
           groups, groups, shape_str(w.sizes()));
  DS_CHECK(x.size(1) == w.size(1) * groups, RuntimeError,
           "Given groups={}, weight of size {}, expected input{} to have {} channels, but got {} "
           "channels instead",
           groups, shape_str(w.sizes()), shape_str(x.sizes()), w.size(1) * groups, x.size(1));
  if (b.defined()) {
    DS_CHECK(b.dim() == 1 && b.size(0) == w.size(0), RuntimeError,
             "Given weight of size {}, expected bias to be 1-dimensional with {} elements, but "
             "got bias of size {} instead",
             shape_str(w.sizes()), w.size(0), shape_str(b.sizes()));
  }
  std::vector<int64_t> padded, kernel;
  for (size_t d = 0; d < dims; ++d) {
    padded.push_back(x.size(2 + d) + pad.before[d] + pad.after[d]);
    kernel.push_back(dilation[d] * (w.size(2 + d) - 1) + 1);
  }
  for (size_t d = 0; d < dims; ++d) {
    DS_CHECK(padded[d] >= kernel[d], RuntimeError,
             "Calculated padded input size per channel: {}. Kernel size: {}. Kernel size can't "
             "be greater than actual input size",
             sizes_x(padded), sizes_x(kernel));
  }
  // 1-D convolutions run as 2-D ones over a unit height.
  if (dims == 1) {
    return ConvParams{
        {1, stride[0]}, {0, pad.before[0]}, {0, pad.after[0]}, {1, dilation[0]}, groups};
  }
  return ConvParams{stride, pad.before, pad.after, dilation, groups};
}

// conv1d/conv2d: unbatched inputs gain and lose a batch dim, 1-D ones a unit height.
Tensor convolution(const char* op, size_t dims, const Tensor& input, const Tensor& weight,
                   const Tensor& bias, const std::vector<int64_t>& stride_in,
                   const ConvPadding& padding, const std::vector<int64_t>& dilation_in,
                   int64_t groups) {
  const int64_t nd = static_cast<int64_t>(dims);
  DS_CHECK(input.dim() == nd + 1 || input.dim() == nd + 2, RuntimeError,
           "Expected {}D (unbatched) or {}D (batched) input to {}, but got input of size: {}",
           nd + 1, nd + 2, op, shape_str(input.sizes()));
  const bool batched = input.dim() == nd + 2;
  const Tensor x = batched ? input : unsqueeze(input, 0);
  auto stride = expand_param(stride_in, dims, op, "stride");
  auto dilation = expand_param(dilation_in, dims, op, "dilation");
  Padding pad;
  if (!padding.mode.empty()) {
    DS_CHECK(padding.mode != "same" ||
                 std::all_of(stride.begin(), stride.end(), [](int64_t s) { return s == 1; }),
             RuntimeError, "padding='same' is not supported for strided convolutions");
    DS_CHECK(weight.dim() == nd + 2, RuntimeError,
             "{}: expected weight to be {}-dimensional, but got weight of size {}", op, nd + 2,
             shape_str(weight.sizes()));
    pad = padding_from_string(padding.mode, weight, dilation, dims);
  } else {
    pad.before = expand_param(padding.amounts, dims, op, "padding");
    pad.after = pad.before;
  }
  const ConvParams p = validate(op, x, weight, bias, dims, stride, pad, dilation, groups);
  const Tensor x4 = dims == 1 ? unsqueeze(x, 2) : x;
  const Tensor w4 = dims == 1 ? unsqueeze(weight, 2) : weight;
  Tensor out = conv_core(x4, w4, bias, p);
  if (dims == 1) out = squeeze(out, 2);
  return batched ? out : squeeze(out, 0);
}

}  // namespace

Tensor convolution_backward_input(const Tensor& grad_out, const Tensor& weight,
                                  const Shape& input_shape, const ConvParams& p) {
  Tensor gx = empty_tensor(input_shape, grad_out.dtype(), grad_out.device());
  backend_for(grad_out.device()).conv_backward_input(p, dense(grad_out), dense(weight), gx);
  if (autograd::needs_grad({grad_out, weight})) {
    const Shape w_shape = weight.sizes();
    autograd::record("ConvolutionBackwardInput", {grad_out, weight}, {gx},
                     {save(weight.requires_grad() ? grad_out : Tensor()),
                      save(grad_out.requires_grad() ? weight : Tensor())},
                     [p, w_shape](const BackwardArgs& g) -> TensorList {
                       TensorList r(2);
                       if (g.needs(0)) r[0] = conv_core(g.grad(), g.saved[1], Tensor(), p);
                       if (g.needs(1))
                         r[1] = convolution_backward_weight(g.saved[0], g.grad(), w_shape, p);
                       return r;
                     });
  }
  return gx;
}

Tensor convolution_backward_weight(const Tensor& grad_out, const Tensor& input,
                                   const Shape& weight_shape, const ConvParams& p) {
  Tensor gw = empty_tensor(weight_shape, grad_out.dtype(), grad_out.device());
  backend_for(grad_out.device())
      .conv_backward_weight(p, dense(grad_out), dense(input), gw, Tensor());
  if (autograd::needs_grad({grad_out, input})) {
    const Shape x_shape = input.sizes();
    autograd::record("ConvolutionBackwardWeight", {grad_out, input}, {gw},
                     {save(input.requires_grad() ? grad_out : Tensor()),
                      save(grad_out.requires_grad() ? input : Tensor())},
                     [p, x_shape](const BackwardArgs& g) -> TensorList {
                       TensorList r(2);
                       if (g.needs(0)) r[0] = conv_core(g.saved[1], g.grad(), Tensor(), p);
                       if (g.needs(1))
                         r[1] = convolution_backward_input(g.saved[0], g.grad(), x_shape, p);
                       return r;
                     });
  }
  return gw;
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias,
              const std::vector<int64_t>& stride, const ConvPadding& padding,
              const std::vector<int64_t>& dilation, int64_t groups) {
  if (autocast::OpCast cast{"conv2d", {input, weight, bias}})
    return conv2d(cast[0], cast[1], cast[2], stride, padding, dilation, groups);
  return convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups);
}
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias,
              const std::vector<int64_t>& stride, const ConvPadding& padding,
              const std::vector<int64_t>& dilation, int64_t groups) {
  if (autocast::OpCast cast{"conv1d", {input, weight, bias}})
    return conv1d(cast[0], cast[1], cast[2], stride, padding, dilation, groups);
  return convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups);
}

}  // namespace deepseek
