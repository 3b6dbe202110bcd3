// nn::GroupNorm (torch.nn.GroupNorm): input [N, C, *] normalised per sample over groups of
// C / num_groups channels, then a per-channel affine (weight ones, bias zeros).
#pragma once

#include "deepseek/nn/module.h"

namespace deepseek::nn {

struct GroupNormOptions {
  double eps = 1e-5;
  bool affine = true;
};

class GroupNorm : public UnaryModule {
 public:
  GroupNorm(int64_t num_groups, int64_t num_channels, const GroupNormOptions& options = {});
  Tensor forward(const Tensor& input) override;
  void reset_parameters();
  std::string extra_repr() const override;

  int64_t num_groups, num_channels;
  GroupNormOptions options;
  Tensor weight, bias;  // undefined unless affine
};

}  // namespace deepseek::nn
