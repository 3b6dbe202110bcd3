// Transposed convolutions (torch.nn.functional.conv_transpose1d / conv_transpose2d): the
// gradient of a convolution with respect to its input, applied to `input` as if it were
// that convolution's output gradient. convolution_backward_input is already a
// differentiable op (nn_conv.cpp), so these are too, to any order.
//   out size per dim = (in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
// Weight is [in_channels, out_channels / groups, *kernel] (the convolution's own layout).
#include "deepseek/amp/autocast.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/nn_conv.h"
#include "deepseek/ops/shape.h"
#include "nn_arguments.h"

namespace deepseek {

using nn_detail::expand_param;

namespace {

Tensor conv_transpose(const char* op, size_t dims, const Tensor& input, const Tensor& weight,
                      const Tensor& bias, const std::vector<int64_t>& stride_in,
                      const std::vector<int64_t>& padding_in,
                      const std::vector<int64_t>& output_padding_in, int64_t groups,
                      const std::vector<int64_t>& dilation_in) {
  const int64_t nd = static_cast<int64_t>(dims);
  DS_CHECK(input.dim() == nd + 1 || input.dim() == nd + 2, RuntimeError,
           "Expected {}D (unbatched) or {}D (batched) input to {}, but got input of size: {}",
           nd + 1, nd + 2, op, shape_str(input.sizes()));
  check_same_device(op, {input, weight, bias});
  DS_CHECK(is_floating(input.dtype()), RuntimeError, "{}: \"{}\" not implemented for '{}'", op,
           "convolution", dtype_name(input.dtype()));
  DS_CHECK(weight.dtype() == input.dtype() && (!bias.defined() || bias.dtype() == input.dtype()),
           RuntimeError,
           "{}: expected scalar type {} but found {} (input, weight and bias dtypes must match)",
           op, dtype_name(input.dtype()),
           dtype_name(weight.dtype() != input.dtype() ? weight.dtype() : bias.dtype()));
  DS_CHECK(weight.dim() == nd + 2, RuntimeError,
           "{}: expected weight to be {}-dimensional [in_channels, out_channels / groups, "
           "*kernel_size], but got weight of size {}",
           op, nd + 2, shape_str(weight.sizes()));
  DS_CHECK(groups > 0, RuntimeError, "non-positive groups is not supported");
  const bool batched = input.dim() == nd + 2;
  const Tensor x = batched ? input : unsqueeze(input, 0);
  DS_CHECK(x.size(1) == weight.size(0), RuntimeError,
           "Given transposed=1, weight of size {}, expected input{} to have {} channels, but "
           "got {} channels instead",
           shape_str(weight.sizes()), shape_str(x.sizes()), weight.size(0), x.size(1));
  DS_CHECK(weight.size(0) % groups == 0, RuntimeError,
           "Given groups={}, expected weight to be divisible by {} at dimension 0, but got "
           "weight of size {} instead",
           groups, groups, shape_str(weight.sizes()));
  const int64_t out_channels = weight.size(1) * groups;
  if (bias.defined()) {
    DS_CHECK(bias.dim() == 1 && bias.size(0) == out_channels, RuntimeError,
             "Given transposed=1, weight of size {}, expected bias to be 1-dimensional with {} "
             "elements, but got bias of size {} instead",
             shape_str(weight.sizes()), out_channels, shape_str(bias.sizes()));
  }
  auto stride = expand_param(stride_in, dims, op, "stride");
  auto padding = expand_param(padding_in, dims, op, "padding");
  auto output_padding = expand_param(output_padding_in, dims, op, "output_padding");
  auto dilation = expand_param(dilation_in, dims, op, "dilation");
  Shape out_shape{x.size(0), out_channels};
  for (size_t d = 0; d < dims; ++d) {
    DS_CHECK(stride[d] > 0, RuntimeError, "non-positive stride is not supported");
    DS_CHECK(dilation[d] > 0, RuntimeError, "non-positive dilation is not supported");
    DS_CHECK(padding[d] >= 0, RuntimeError, "negative padding is not supported");
    DS_CHECK(output_padding[d] >= 0 &&
                 (output_padding[d] < stride[d] || output_padding[d] < dilation[d]),
             RuntimeError,
             "output padding must be smaller than either stride or dilation, but "
             "got output_padding={}, stride={}, dilation={}",
             output_padding[d], stride[d], dilation[d]);
    const int64_t size = (x.size(2 + d) - 1) * stride[d] - 2 * padding[d] +
                         dilation[d] * (weight.size(2 + d) - 1) + output_padding[d] + 1;
    DS_CHECK(size > 0, RuntimeError,
             "{}: the output would have size {} in spatial dim {} (input {}, kernel {}, stride "
             "{}, padding {}, dilation {}, output_padding {}); it must be positive",
             op, size, d, x.size(2 + d), weight.size(2 + d), stride[d], padding[d], dilation[d],
             output_padding[d]);
    out_shape.push_back(size);
  }
  // One 2-D convolution's input gradient; 1-D runs over a unit height.
  ConvParams p{stride, padding, padding, dilation, groups};
  Tensor x4 = x, w4 = weight;
  if (dims == 1) {
    p = ConvParams{{1, stride[0]}, {0, padding[0]}, {0, padding[0]}, {1, dilation[0]}, groups};
    x4 = unsqueeze(x, 2);
    w4 = unsqueeze(weight, 2);
    out_shape.insert(out_shape.begin() + 2, 1);
  }
  Tensor out = convolution_backward_input(x4, w4, out_shape, p);
  if (bias.defined()) {
    Shape b_shape(out.dim(), 1);
    b_shape[1] = out_channels;
    out = add(out, reshape(bias, b_shape));
  }
  if (dims == 1) out = squeeze(out, 2);
  return batched ? out : squeeze(out, 0);
}

}  // namespace

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias,
                        const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                        const std::vector<int64_t>& output_padding, int64_t groups,
                        const std::vector<int64_t>& dilation) {
  if (autocast::OpCast cast{"conv_transpose2d", {input, weight, bias}})
    return conv_transpose2d(cast[0], cast[1], cast[2], stride, padding, output_padding, groups,
                            dilation);
  return conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding,
                        groups, dilation);
}

Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const Tensor& bias,
                        const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                        const std::vector<int64_t>& output_padding, int64_t groups,
                        const std::vector<int64_t>& dilation) {
  if (autocast::OpCast cast{"conv_transpose1d", {input, weight, bias}})
    return conv_transpose1d(cast[0], cast[1], cast[2], stride, padding, output_padding, groups,
                            dilation);
  return conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding,
                        groups, dilation);
}

}  // namespace deepseek
