// Text form of a tensor, laid out the way PyTorch prints it.
#pragma once

#include <optional>
#include <string>

#include "deepseek/core/tensor.h"

namespace deepseek {

// torch.set_printoptions: the same names, meanings and defaults.
struct PrintOptions {
  int precision = 4;
  int64_t threshold = 1000;  // summarise tensors with more elements
  int64_t edgeitems = 3;
  int64_t linewidth = 80;
  std::optional<bool> sci_mode;  // unset: chosen from the values
};

PrintOptions& print_options();
// "tensor([[1., 2.]], requires_grad=True)"
std::string format_tensor(const Tensor& t);

}  // namespace deepseek
