// Padding (torch.nn.functional.pad).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek {

// pad = (last_dim_before, last_dim_after, second_to_last_before, ...). mode "constant"
// (fills `value`, default 0; negative amounts crop), "reflect" (mirror without repeating
// the edge; amount < size), "replicate" (repeat the edge) or "circular" (wrap around;
// amount <= size).
Tensor pad(const Tensor& input, const std::vector<int64_t>& pad,
           const std::string& mode = "constant", std::optional<double> value = std::nullopt);

}  // namespace deepseek
