// Pooling (torch.nn.functional.max_pool1d/2d, avg_pool1d/2d, adaptive_avg/max_pool1d/2d).
// Inputs are [N, C, *spatial] or unbatched [C, *spatial]. kernel_size/stride/padding/
// dilation take one value for every spatial dim or one per dim; an empty stride means
// stride = kernel_size. Max pooling returns indices into each flattened input plane
// (h * W + w), as PyTorch does.
#pragma once

#include <optional>
#include <tuple>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek {

using IntList = std::vector<int64_t>;

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const IntList& kernel_size,
                                                   const IntList& stride = {},
                                                   const IntList& padding = {0},
                                                   const IntList& dilation = {1},
                                                   bool ceil_mode = false);
Tensor max_pool2d(const Tensor& input, const IntList& kernel_size, const IntList& stride = {},
                  const IntList& padding = {0}, const IntList& dilation = {1},
                  bool ceil_mode = false);
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, const IntList& kernel_size,
                                                   const IntList& stride = {},
                                                   const IntList& padding = {0},
                                                   const IntList& dilation = {1},
                                                   bool ceil_mode = false);
Tensor max_pool1d(const Tensor& input, const IntList& kernel_size, const IntList& stride = {},
                  const IntList& padding = {0}, const IntList& dilation = {1},
                  bool ceil_mode = false);

// divisor_override (> 0) replaces the window size as divisor.
Tensor avg_pool2d(const Tensor& input, const IntList& kernel_size, const IntList& stride = {},
                  const IntList& padding = {0}, bool ceil_mode = false,
                  bool count_include_pad = true,
                  std::optional<int64_t> divisor_override = std::nullopt);
Tensor avg_pool1d(const Tensor& input, const IntList& kernel_size, const IntList& stride = {},
                  const IntList& padding = {0}, bool ceil_mode = false,
                  bool count_include_pad = true);

// output_size: one value per spatial dim (or one for all); windows [floor(i * in / out),
// ceil((i + 1) * in / out)).
Tensor adaptive_avg_pool2d(const Tensor& input, const IntList& output_size);
Tensor adaptive_avg_pool1d(const Tensor& input, const IntList& output_size);
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input,
                                                            const IntList& output_size);
std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(const Tensor& input,
                                                            const IntList& output_size);

}  // namespace deepseek
