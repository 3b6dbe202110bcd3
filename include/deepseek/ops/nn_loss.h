// Loss functions (torch.nn.functional.*_loss, cross_entropy). reduction is "none",
// "mean" or "sum". Class dims follow PyTorch: input [N, C, *] or [C], target [N, *] or [].
#pragma once

#include <string>

#include "deepseek/core/tensor.h"

namespace deepseek {

// log_softmax + nll_loss with a log-sum-exp stable softmax. target: class indices
// (int64/int32; entries equal to ignore_index contribute nothing and, for "mean", are not
// counted) or class probabilities (floating, input's shape). label_smoothing mixes the
// target with the uniform distribution. A class index outside [0, C) raises IndexError.
Tensor cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                     int64_t ignore_index = -100, const std::string& reduction = "mean",
                     double label_smoothing = 0.0);
// -input[n, target[n]] * weight[target[n]]; "mean" divides by the summed weights.
Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                int64_t ignore_index = -100, const std::string& reduction = "mean");
Tensor mse_loss(const Tensor& input, const Tensor& target, const std::string& reduction = "mean");
Tensor l1_loss(const Tensor& input, const Tensor& target, const std::string& reduction = "mean");
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      const std::string& reduction = "mean", double beta = 1.0);
Tensor huber_loss(const Tensor& input, const Tensor& target, const std::string& reduction = "mean",
                  double delta = 1.0);
// Sigmoid + binary cross-entropy in one stable expression; pos_weight multiplies the
// positive term (broadcast along the last dim), weight every element.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight = {},
                                        const std::string& reduction = "mean",
                                        const Tensor& pos_weight = {});
// input holds probabilities in [0, 1]; each log is clamped at -100, as in PyTorch.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                            const std::string& reduction = "mean");
// input holds log-probabilities; target probabilities (or log-probabilities if log_target).
// reduction may also be "batchmean" (sum / batch size).
Tensor kl_div(const Tensor& input, const Tensor& target, const std::string& reduction = "mean",
              bool log_target = false);

}  // namespace deepseek
