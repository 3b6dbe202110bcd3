// nn::RMSNorm (torch.nn.RMSNorm): x / sqrt(mean(x^2) + eps) * weight over the trailing
// normalized_shape dims; eps defaults to the machine epsilon of the input's dtype.
#pragma once

#include <optional>

#include "deepseek/nn/int_or_tuple.h"
#include "deepseek/nn/module.h"

namespace deepseek::nn {

struct RMSNormOptions {
  std::optional<double> eps = std::nullopt;
  bool elementwise_affine = true;
};

class RMSNorm : public UnaryModule {
 public:
  explicit RMSNorm(const IntOrTuple& normalized_shape, const RMSNormOptions& options = {});
  Tensor forward(const Tensor& input) override;
  void reset_parameters();
  std::string extra_repr() const override;

  Shape normalized_shape;
  RMSNormOptions options;
  Tensor weight;  // ones; undefined unless elementwise_affine
};

}  // namespace deepseek::nn
