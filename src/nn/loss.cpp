#include "deepseek/nn/loss.h"

#include "deepseek/ops/nn_loss.h"

namespace deepseek::nn {

Loss::Loss(std::string reduction) : reduction(std::move(reduction)) {
  DS_CHECK(this->reduction == "none" || this->reduction == "mean" || this->reduction == "sum",
           ValueError, "{} is not a valid value for reduction", this->reduction);
}

CrossEntropyLoss::CrossEntropyLoss(const CrossEntropyLossOptions& options)
    : Loss(options.reduction),
      ignore_index(options.ignore_index),
      label_smoothing(options.label_smoothing) {
  DS_CHECK(label_smoothing >= 0.0 && label_smoothing <= 1.0, ValueError,
           "label_smoothing must be between 0.0 and 1.0. Got: {}", label_smoothing);
  weight = register_buffer("weight", options.weight);
}

Tensor CrossEntropyLoss::forward(const Tensor& input, const Tensor& target) {
  return cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing);
}

NLLLoss::NLLLoss(const NLLLossOptions& options)
    : Loss(options.reduction), ignore_index(options.ignore_index) {
  weight = register_buffer("weight", options.weight);
}

Tensor NLLLoss::forward(const Tensor& input, const Tensor& target) {
  return nll_loss(input, target, weight, ignore_index, reduction);
}

Tensor MSELoss::forward(const Tensor& input, const Tensor& target) {
  return mse_loss(input, target, reduction);
}

Tensor L1Loss::forward(const Tensor& input, const Tensor& target) {
  return l1_loss(input, target, reduction);
}

BCEWithLogitsLoss::BCEWithLogitsLoss(const BCEWithLogitsLossOptions& options)
    : Loss(options.reduction) {
  weight = register_buffer("weight", options.weight);
  pos_weight = register_buffer("pos_weight", options.pos_weight);
}

Tensor BCEWithLogitsLoss::forward(const Tensor& input, const Tensor& target) {
  return binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight);
}

}  // namespace deepseek::nn
