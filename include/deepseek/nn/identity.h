// nn::Identity: returns its input (a placeholder, e.g. to drop a layer from a model).
#pragma once

#include "deepseek/nn/module.h"

namespace deepseek::nn {

class Identity : public UnaryModule {
 public:
  Tensor forward(const Tensor& input) override { return input; }
};

}  // namespace deepseek::nn
