// nn::LayerNorm (torch.nn.LayerNorm): normalises over the trailing normalized_shape dims,
// then scales by weight (ones) and shifts by bias (zeros).
#pragma once

#include "deepseek/nn/int_or_tuple.h"
#include "deepseek/nn/module.h"

namespace deepseek::nn {

struct LayerNormOptions {
  double eps = 1e-5;
  bool elementwise_affine = true;
};

class LayerNorm : public UnaryModule {
 public:
  explicit LayerNorm(const IntOrTuple& normalized_shape, const LayerNormOptions& options = {});
  Tensor forward(const Tensor& input) override;
  void reset_parameters();
  std::string extra_repr() const override;

  Shape normalized_shape;
  LayerNormOptions options;
  Tensor weight, bias;  // undefined unless elementwise_affine
};

}  // namespace deepseek::nn
