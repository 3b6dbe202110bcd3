// nn::Linear: y = x weight^T + bias (torch.nn.Linear), weight [out_features, in_features].
#pragma once

#include "deepseek/nn/module.h"

namespace deepseek::nn {

class Linear : public UnaryModule {
 public:
  // weight ~ U(-k, k) and bias ~ U(-k, k) with k = 1 / sqrt(in_features), as PyTorch.
  Linear(int64_t in_features, int64_t out_features, bool bias = true);

  Tensor forward(const Tensor& input) override;
  void reset_parameters();
  std::string extra_repr() const override;

  int64_t in_features, out_features;
  Tensor weight, bias;  // bias undefined when built with bias = false
};

}  // namespace deepseek::nn
