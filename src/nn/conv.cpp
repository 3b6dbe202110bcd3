#include "deepseek/nn/conv.h"

#include <cmath>

#include "deepseek/nn/init.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/nn_conv.h"
#include "deepseek/ops/nn_pad.h"
#include "python_repr.h"

namespace deepseek::nn {

ConvNd::ConvNd(size_t spatial_dims, int64_t in_channels, int64_t out_channels,
               const IntOrTuple& kernel_size, const ConvOptions& options)
    : in_channels(in_channels),
      out_channels(out_channels),
      groups(options.groups),
      kernel_size(kernel_size.expand(spatial_dims, "kernel_size")),
      stride(options.stride.expand(spatial_dims, "stride")),
      padding(options.padding.amounts().expand(spatial_dims, "padding")),
      dilation(options.dilation.expand(spatial_dims, "dilation")),
      padding_string(options.padding.mode()),
      padding_mode(options.padding_mode) {
  DS_CHECK(groups > 0, ValueError, "groups must be a positive integer");
  DS_CHECK(in_channels % groups == 0, ValueError, "in_channels must be divisible by groups");
  DS_CHECK(out_channels % groups == 0, ValueError, "out_channels must be divisible by groups");
  DS_CHECK(padding_mode == "zeros" || padding_mode == "reflect" || padding_mode == "replicate" ||
               padding_mode == "circular",
           ValueError,
           "padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got "
           "padding_mode='{}'",
           padding_mode);
  DS_CHECK(padding_string.empty() || padding_string == "same" || padding_string == "valid",
           ValueError, "Invalid padding string '{}', should be one of ['valid', 'same']",
           padding_string);
  if (padding_string == "same") {
    for (int64_t s : stride) {
      DS_CHECK(s == 1, ValueError, "padding='same' is not supported for strided convolutions");
    }
  }
  // Amounts for an explicit pad(): "same" splits d * (k - 1) with the extra on the right.
  for (size_t i = spatial_dims; i-- > 0;) {
    int64_t left = padding[i], right = padding[i];
    if (padding_string == "same") {
      int64_t total = dilation[i] * (this->kernel_size[i] - 1);
      left = total / 2;
      right = total - left;
    } else if (padding_string == "valid") {
      left = right = 0;
    }
    reversed_padding_repeated_twice_.push_back(left);
    reversed_padding_repeated_twice_.push_back(right);
  }
  Shape weight_shape{out_channels, in_channels / groups};
  weight_shape.insert(weight_shape.end(), this->kernel_size.begin(), this->kernel_size.end());
  weight = register_parameter("weight", empty(weight_shape));
  bias = register_parameter("bias", options.bias ? empty({out_channels}) : Tensor());
  reset_parameters();
}

void ConvNd::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    int64_t fan_in = init::calculate_fan_in_and_fan_out(weight).first;
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

Tensor ConvNd::pad_input(const Tensor& input) const {
  return pad(input, reversed_padding_repeated_twice_, padding_mode);
}

std::string ConvNd::extra_repr() const {
  std::string s = fmt::format("{}, {}, kernel_size={}, stride={}", in_channels, out_channels,
                              detail::py_tuple(kernel_size), detail::py_tuple(stride));
  if (!padding_string.empty()) {
    s += ", padding=" + padding_string;
  } else if (padding != std::vector<int64_t>(padding.size(), 0)) {
    s += ", padding=" + detail::py_tuple(padding);
  }
  if (dilation != std::vector<int64_t>(dilation.size(), 1)) {
    s += ", dilation=" + detail::py_tuple(dilation);
  }
  if (groups != 1) s += fmt::format(", groups={}", groups);
  if (!bias.defined()) s += ", bias=False";
  if (padding_mode != "zeros") s += ", padding_mode=" + padding_mode;
  return s;
}

Tensor Conv1d::forward(const Tensor& input) {
  if (!pads_itself())
    return conv1d(pad_input(input), weight, bias, stride, std::vector<int64_t>{0}, dilation,
                  groups);
  if (!padding_string.empty()) {
    return conv1d(input, weight, bias, stride, padding_string, dilation, groups);
  }
  return conv1d(input, weight, bias, stride, padding, dilation, groups);
}

Tensor Conv2d::forward(const Tensor& input) {
  if (!pads_itself())
    return conv2d(pad_input(input), weight, bias, stride, std::vector<int64_t>{0}, dilation,
                  groups);
  if (!padding_string.empty()) {
    return conv2d(input, weight, bias, stride, padding_string, dilation, groups);
  }
  return conv2d(input, weight, bias, stride, padding, dilation, groups);
}

}  // namespace deepseek::nn
