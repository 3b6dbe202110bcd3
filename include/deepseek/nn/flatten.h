// nn::Flatten (torch.nn.Flatten): merges dims start_dim..end_dim (default: all but batch).
#pragma once

#include "deepseek/nn/module.h"

namespace deepseek::nn {

class Flatten : public UnaryModule {
 public:
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1)
      : start_dim(start_dim), end_dim(end_dim) {}
  Tensor forward(const Tensor& input) override { return input.flatten(start_dim, end_dim); }
  std::string extra_repr() const override;

  int64_t start_dim, end_dim;
};

}  // namespace deepseek::nn
