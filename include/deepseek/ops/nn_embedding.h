// Embedding lookup (torch.nn.functional.embedding) and one_hot.
#pragma once

#include <optional>

#include "deepseek/core/tensor.h"

namespace deepseek {

// weight[input]: input holds int64/int32 indices of any shape, weight is [num_embeddings,
// dim]; the result is input.shape + [dim]. The row padding_idx (negative counts from the
// end) receives no gradient. max_norm renormalises, in place, each looked-up row whose
// norm_type-norm exceeds it. scale_grad_by_freq divides each row's gradient by how often
// the row occurs in input.
Tensor embedding(const Tensor& input, const Tensor& weight,
                 std::optional<int64_t> padding_idx = std::nullopt,
                 std::optional<double> max_norm = std::nullopt, double norm_type = 2.0,
                 bool scale_grad_by_freq = false);

// int64 tensor of input.shape + [num_classes] with a 1 at each input value; num_classes =
// -1 means max(input) + 1.
Tensor one_hot(const Tensor& input, int64_t num_classes = -1);

}  // namespace deepseek
