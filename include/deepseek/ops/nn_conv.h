// Convolutions (torch.nn.functional.conv1d / conv2d) and the two products their gradients
// are made of. Inputs are [N, C, *spatial] or unbatched [C, *spatial]; weight is
// [out_channels, C / groups, *kernel]. CPU: oneDNN for float32/bfloat16 (float16 widened),
// direct loops for float64.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "deepseek/backend/backend.h"
#include "deepseek/core/tensor.h"

namespace deepseek {

// How a convolution pads: amounts (one value for every spatial dim, or one per dim) or a
// mode, "same" (output size = input size; stride must be 1) or "valid" (no padding).
// Converts implicitly from {1, 2}, a std::vector<int64_t> or a string.
struct ConvPadding {
  std::vector<int64_t> amounts;
  std::string mode;                                               // empty when amounts are given
  ConvPadding(std::initializer_list<int64_t> a) : amounts(a) {}   // NOLINT
  ConvPadding(std::vector<int64_t> a) : amounts(std::move(a)) {}  // NOLINT
  ConvPadding(std::string m) : mode(std::move(m)) {}              // NOLINT
  ConvPadding(const char* m) : mode(m) {}                         // NOLINT
};

// stride/dilation: one value for every spatial dim, or one per dim.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              const std::vector<int64_t>& stride = {1}, const ConvPadding& padding = {0},
              const std::vector<int64_t>& dilation = {1}, int64_t groups = 1);
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              const std::vector<int64_t>& stride = {1}, const ConvPadding& padding = {0},
              const std::vector<int64_t>& dilation = {1}, int64_t groups = 1);

// Transposed convolutions (nn_conv_transpose.cpp): weight [in_channels, out_channels / groups,
// *kernel]; argument order as PyTorch's (groups before dilation).
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
                        const std::vector<int64_t>& stride = {1},
                        const std::vector<int64_t>& padding = {0},
                        const std::vector<int64_t>& output_padding = {0}, int64_t groups = 1,
                        const std::vector<int64_t>& dilation = {1});
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
                        const std::vector<int64_t>& stride = {1},
                        const std::vector<int64_t>& padding = {0},
                        const std::vector<int64_t>& output_padding = {0}, int64_t groups = 1,
                        const std::vector<int64_t>& dilation = {1});

// The gradient products of a 2-D convolution with parameters p, as differentiable ops (so
// convolutions are twice differentiable): d(input) from grad_out and weight (a transposed
// convolution), and d(weight) from grad_out and input. All operands are 4-D.
Tensor convolution_backward_input(const Tensor& grad_out, const Tensor& weight,
                                  const Shape& input_shape, const ConvParams& p);
Tensor convolution_backward_weight(const Tensor& grad_out, const Tensor& input,
                                   const Shape& weight_shape, const ConvParams& p);

}  // namespace deepseek
