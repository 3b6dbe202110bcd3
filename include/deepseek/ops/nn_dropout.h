// Dropout (torch.nn.functional.dropout, dropout1d/2d/3d). Masks come from the Philox
// generator (the default one unless `gen` is given), so a seed reproduces them.
#pragma once

#include "deepseek/core/generator.h"
#include "deepseek/core/tensor.h"

namespace deepseek {

// Zeroes each element with probability p and scales the rest by 1 / (1 - p) when
// training; returns input unchanged otherwise.
Tensor dropout(const Tensor& input, double p = 0.5, bool training = true, Generator* gen = nullptr);
// Zeroes whole channels: input [N, C, *spatial] (or unbatched [C, *spatial]) with
// spatial_dims trailing dims shares one draw per (n, c).
Tensor feature_dropout(const Tensor& input, double p, bool training, int64_t spatial_dims,
                       Generator* gen = nullptr);

}  // namespace deepseek
