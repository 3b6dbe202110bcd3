// Tiling and grids: tile, repeat_interleave, meshgrid, cartesian_prod. Built from views
// (unsqueeze/expand/reshape) and index_select, so they are differentiable.
#pragma once

#include <optional>
#include <string>

#include "deepseek/core/tensor.h"

namespace deepseek {

// repeat() with numpy's rules for a reps list shorter or longer than x's dims.
Tensor tile(const Tensor& x, const std::vector<int64_t>& reps);
// Each element repeated `repeats` times along dim (flattened first when dim is absent).
Tensor repeat_interleave(const Tensor& x, int64_t repeats,
                         std::optional<int64_t> dim = std::nullopt);
// Element i of dim repeated repeats[i] times (repeats 1-D int64, or one count for all).
Tensor repeat_interleave(const Tensor& x, const Tensor& repeats,
                         std::optional<int64_t> dim = std::nullopt);
// repeat_interleave(arange(n), repeats): index i repeated repeats[i] times.
Tensor repeat_interleave(const Tensor& repeats);
// Coordinate grids of 1-D tensors; indexing "ij" (matrix) or "xy" (Cartesian).
TensorList meshgrid(const TensorList& tensors, const std::string& indexing = "ij");
// All combinations of the 1-D tensors' elements, one per row ([N1 * N2 * ..., k]).
Tensor cartesian_prod(const TensorList& tensors);

}  // namespace deepseek
