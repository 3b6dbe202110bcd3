#include "deepseek/nn/pooling.h"

#include "deepseek/ops/nn_pool.h"
#include "python_repr.h"

namespace deepseek::nn {

namespace {
// "2" or "(2, 3)": the form the size was given in.
std::string size_repr(const IntOrTuple& size) {
  return size.is_single() ? std::to_string(size.values()[0]) : detail::py_tuple(size.values());
}
}  // namespace

MaxPool2d::MaxPool2d(const IntOrTuple& kernel_size, const MaxPool2dOptions& options)
    : kernel_size(kernel_size),
      stride(options.stride.value_or(kernel_size)),
      padding(options.padding),
      dilation(options.dilation),
      ceil_mode(options.ceil_mode) {}

Tensor MaxPool2d::forward(const Tensor& input) {
  return max_pool2d(input, kernel_size.values(), stride.values(), padding.values(),
                    dilation.values(), ceil_mode);
}

std::string MaxPool2d::extra_repr() const {
  return fmt::format("kernel_size={}, stride={}, padding={}, dilation={}, ceil_mode={}",
                     size_repr(kernel_size), size_repr(stride), size_repr(padding),
                     size_repr(dilation), detail::py_bool(ceil_mode));
}

AvgPool2d::AvgPool2d(const IntOrTuple& kernel_size, const AvgPool2dOptions& options)
    : kernel_size(kernel_size),
      stride(options.stride.value_or(kernel_size)),
      padding(options.padding),
      ceil_mode(options.ceil_mode),
      count_include_pad(options.count_include_pad),
      divisor_override(options.divisor_override) {}

Tensor AvgPool2d::forward(const Tensor& input) {
  return avg_pool2d(input, kernel_size.values(), stride.values(), padding.values(), ceil_mode,
                    count_include_pad, divisor_override);
}

std::string AvgPool2d::extra_repr() const {
  return fmt::format("kernel_size={}, stride={}, padding={}", size_repr(kernel_size),
                     size_repr(stride), size_repr(padding));
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& input) {
  return adaptive_avg_pool2d(input, output_size.values());
}

std::string AdaptiveAvgPool2d::extra_repr() const {
  return "output_size=" + size_repr(output_size);
}

}  // namespace deepseek::nn
