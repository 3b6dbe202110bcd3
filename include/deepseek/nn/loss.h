// Loss modules (torch.nn.CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCEWithLogitsLoss) over
// the loss ops. reduction is "none", "mean" or "sum". Class weights and pos_weight are
// buffers named "weight" / "pos_weight", so state_dict keys match PyTorch's.
//
//   nn::CrossEntropyLoss criterion({.label_smoothing = 0.1});
//   Tensor loss = criterion(logits, labels);
#pragma once

#include <string>

#include "deepseek/nn/module.h"

namespace deepseek::nn {

// The shared shell: forward(input, target) and operator().
class Loss : public Module {
 public:
  virtual Tensor forward(const Tensor& input, const Tensor& target) = 0;
  Tensor operator()(const Tensor& input, const Tensor& target) { return forward(input, target); }

  std::string reduction;

 protected:
  explicit Loss(std::string reduction);
};

struct CrossEntropyLossOptions {
  Tensor weight = {};  // per-class weight [C]
  int64_t ignore_index = -100;
  std::string reduction = "mean";
  double label_smoothing = 0.0;
};

class CrossEntropyLoss : public Loss {
 public:
  explicit CrossEntropyLoss(const CrossEntropyLossOptions& options = {});
  Tensor forward(const Tensor& input, const Tensor& target) override;

  Tensor weight;
  int64_t ignore_index;
  double label_smoothing;
};

struct NLLLossOptions {
  Tensor weight = {};
  int64_t ignore_index = -100;
  std::string reduction = "mean";
};

class NLLLoss : public Loss {
 public:
  explicit NLLLoss(const NLLLossOptions& options = {});
  Tensor forward(const Tensor& input, const Tensor& target) override;

  Tensor weight;
  int64_t ignore_index;
};

class MSELoss : public Loss {
 public:
  explicit MSELoss(std::string reduction = "mean") : Loss(std::move(reduction)) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
};

class L1Loss : public Loss {
 public:
  explicit L1Loss(std::string reduction = "mean") : Loss(std::move(reduction)) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
};

struct BCEWithLogitsLossOptions {
  Tensor weight = {};  // multiplies every element's loss
  std::string reduction = "mean";
  Tensor pos_weight = {};  // multiplies the positive term, broadcast along the last dim
};

class BCEWithLogitsLoss : public Loss {
 public:
  explicit BCEWithLogitsLoss(const BCEWithLogitsLossOptions& options = {});
  Tensor forward(const Tensor& input, const Tensor& target) override;

  Tensor weight, pos_weight;
};

}  // namespace deepseek::nn
