// Normalisation layers' functional forms (torch.nn.functional.layer_norm, rms_norm,
// group_norm, batch_norm). Each runs one fused kernel forward and one backward; when the
// backward itself is being recorded (create_graph=True), the backward runs as the same
// formula in differentiable ops instead, so every norm is twice differentiable.
#pragma once

#include <optional>

#include "deepseek/core/tensor.h"

namespace deepseek {

// Normalises over the trailing dims given by normalized_shape; weight/bias of that shape.
Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5);
// x / sqrt(mean(x^2) + eps) * weight over the trailing dims; eps defaults to the machine
// epsilon of input's dtype (PyTorch's rms_norm default).
Tensor rms_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight = {},
                std::optional<double> eps = std::nullopt);
// input [N, C, *]: statistics per (sample, group of C / num_groups channels); weight/bias [C].
Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5);
// input [N, C, *]. training: normalise with the batch statistics (biased variance) and,
// when given, update running_mean/running_var in place (running_var with the unbiased
// variance): r = (1 - momentum) * r + momentum * batch_stat. Otherwise normalise with the
// running statistics.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = {}, const Tensor& bias = {}, bool training = false,
                  double momentum = 0.1, double eps = 1e-5);

}  // namespace deepseek
