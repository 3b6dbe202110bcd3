// softmax / log_softmax along one dim (max-subtracted, so large logits do not overflow).
#pragma once

#include <optional>

#include "deepseek/core/tensor.h"

namespace deepseek {

Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);

}  // namespace deepseek
