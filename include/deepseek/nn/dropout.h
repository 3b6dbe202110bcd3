// nn::Dropout (torch.nn.Dropout): while training, zeroes each element with probability p
// and scales the rest by 1 / (1 - p); the identity in eval mode.
#pragma once

#include "deepseek/nn/module.h"

namespace deepseek::nn {

class Dropout : public UnaryModule {
 public:
  explicit Dropout(double p = 0.5);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  double p;
};

}  // namespace deepseek::nn
