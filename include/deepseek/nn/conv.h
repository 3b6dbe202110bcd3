// nn::Conv1d and nn::Conv2d (torch.nn.Conv1d/Conv2d) over the conv1d/conv2d ops. They share
// ConvNd, which holds the options, the parameters and PyTorch's initialisation.
//
//   nn::Conv2d conv(3, 16, 3, {.stride = 2, .padding = 1});
//   nn::Conv1d same(8, 8, 5, {.padding = "same", .padding_mode = "reflect"});
#pragma once

#include <string>
#include <vector>

#include "deepseek/nn/int_or_tuple.h"
#include "deepseek/nn/module.h"

namespace deepseek::nn {

// Padding: an int, one int per spatial dim, or "same" / "valid".
class ConvPadding {
 public:
  ConvPadding(int64_t value) : amounts_(value) {}  // NOLINT
  ConvPadding(int value) : amounts_(value) {}      // NOLINT
  ConvPadding(std::initializer_list<int64_t> values) : amounts_(values) {}
  ConvPadding(const char* mode) : amounts_(0), mode_(mode) {}             // NOLINT
  ConvPadding(std::string mode) : amounts_(0), mode_(std::move(mode)) {}  // NOLINT

  const IntOrTuple& amounts() const { return amounts_; }
  const std::string& mode() const { return mode_; }  // empty when given as numbers

 private:
  IntOrTuple amounts_;
  std::string mode_;
};

struct ConvOptions {
  IntOrTuple stride = 1;
  ConvPadding padding = 0;
  IntOrTuple dilation = 1;
  int64_t groups = 1;
  bool bias = true;
  // "zeros", "reflect", "replicate" or "circular": how the border is padded.
  std::string padding_mode = "zeros";
};

class ConvNd : public UnaryModule {
 public:
  // weight ~ U(-k, k), bias ~ U(-k, k), k = 1 / sqrt(in_channels / groups * prod(kernel)).
  void reset_parameters();
  std::string extra_repr() const override;

  int64_t in_channels, out_channels, groups;
  std::vector<int64_t> kernel_size, stride, padding, dilation;  // one value per spatial dim
  std::string padding_string;  // "same" / "valid" when padding was given as a string
  std::string padding_mode;
  Tensor weight, bias;

 protected:
  ConvNd(size_t spatial_dims, int64_t in_channels, int64_t out_channels,
         const IntOrTuple& kernel_size, const ConvOptions& options);
  // The input padded by padding_mode when that is not "zeros" (then the conv pads nothing).
  Tensor pad_input(const Tensor& input) const;
  bool pads_itself() const { return padding_mode == "zeros"; }

 private:
  // (left, right) amounts per dim, last dim first, as pad() takes them.
  std::vector<int64_t> reversed_padding_repeated_twice_;
};

class Conv1d : public ConvNd {
 public:
  Conv1d(int64_t in_channels, int64_t out_channels, const IntOrTuple& kernel_size,
         const ConvOptions& options = {})
      : ConvNd(1, in_channels, out_channels, kernel_size, options) {}
  Tensor forward(const Tensor& input) override;
};

class Conv2d : public ConvNd {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, const IntOrTuple& kernel_size,
         const ConvOptions& options = {})
      : ConvNd(2, in_channels, out_channels, kernel_size, options) {}
  Tensor forward(const Tensor& input) override;
};

}  // namespace deepseek::nn
