// 2-D pooling layers (torch.nn.MaxPool2d, AvgPool2d, AdaptiveAvgPool2d) over the pooling
// ops. Sizes are an int for both spatial dims or one per dim; the repr prints them the way
// they were given, as PyTorch does.
#pragma once

#include <optional>

#include "deepseek/nn/int_or_tuple.h"
#include "deepseek/nn/module.h"

namespace deepseek::nn {

struct MaxPool2dOptions {
  std::optional<IntOrTuple> stride = std::nullopt;  // default: kernel_size
  IntOrTuple padding = 0;
  IntOrTuple dilation = 1;
  bool ceil_mode = false;
};

class MaxPool2d : public UnaryModule {
 public:
  explicit MaxPool2d(const IntOrTuple& kernel_size, const MaxPool2dOptions& options = {});
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  IntOrTuple kernel_size, stride, padding, dilation;
  bool ceil_mode;
};

struct AvgPool2dOptions {
  std::optional<IntOrTuple> stride = std::nullopt;  // default: kernel_size
  IntOrTuple padding = 0;
  bool ceil_mode = false;
  bool count_include_pad = true;
  std::optional<int64_t> divisor_override = std::nullopt;
};

class AvgPool2d : public UnaryModule {
 public:
  explicit AvgPool2d(const IntOrTuple& kernel_size, const AvgPool2dOptions& options = {});
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  IntOrTuple kernel_size, stride, padding;
  bool ceil_mode, count_include_pad;
  std::optional<int64_t> divisor_override;
};

class AdaptiveAvgPool2d : public UnaryModule {
 public:
  explicit AdaptiveAvgPool2d(const IntOrTuple& output_size) : output_size(output_size) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  IntOrTuple output_size;
};

}  // namespace deepseek::nn
