// nn::BatchNorm1d / nn::BatchNorm2d (torch.nn.BatchNorm1d/2d): normalise each channel with
// the batch statistics while training (updating the running estimates) and with the
// running estimates in eval mode. Buffers running_mean, running_var and
// num_batches_tracked are saved in state_dict under PyTorch's names.
#pragma once

#include <optional>

#include "deepseek/nn/module.h"

namespace deepseek::nn {

struct BatchNormOptions {
  double eps = 1e-5;
  // Weight of the new batch in the running estimates; nullopt: a cumulative average.
  std::optional<double> momentum = 0.1;
  bool affine = true;               // learnable weight (ones) and bias (zeros)
  bool track_running_stats = true;  // false: batch statistics in eval mode too, no buffers
};

class BatchNorm : public UnaryModule {
 public:
  Tensor forward(const Tensor& input) override;
  void reset_running_stats();
  void reset_parameters();
  std::string extra_repr() const override;

  int64_t num_features;
  BatchNormOptions options;
  Tensor weight, bias;                                    // undefined unless affine
  Tensor running_mean, running_var, num_batches_tracked;  // undefined unless tracking

 protected:
  BatchNorm(int64_t num_features, const BatchNormOptions& options);
  // Throws ValueError when the input rank is wrong for this layer.
  virtual void check_input_dim(const Tensor& input) const = 0;
};

// Input [N, C] or [N, C, L].
class BatchNorm1d : public BatchNorm {
 public:
  explicit BatchNorm1d(int64_t num_features, const BatchNormOptions& options = {})
      : BatchNorm(num_features, options) {}

 protected:
  void check_input_dim(const Tensor& input) const override;
};

// Input [N, C, H, W].
class BatchNorm2d : public BatchNorm {
 public:
  explicit BatchNorm2d(int64_t num_features, const BatchNormOptions& options = {})
      : BatchNorm(num_features, options) {}

 protected:
  void check_input_dim(const Tensor& input) const override;
};

}  // namespace deepseek::nn
