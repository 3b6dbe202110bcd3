#include "deepseek/nn/batch_norm.h"

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/nn/init.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/nn_norm.h"
#include "python_repr.h"

namespace deepseek::nn {

BatchNorm::BatchNorm(int64_t num_features, const BatchNormOptions& options)
    : num_features(num_features), options(options) {
  DS_CHECK(num_features > 0, ValueError, "BatchNorm: num_features must be positive, got {}",
           num_features);
  weight = register_parameter("weight", options.affine ? empty({num_features}) : Tensor());
  bias = register_parameter("bias", options.affine ? empty({num_features}) : Tensor());
  if (options.track_running_stats) {
    running_mean = register_buffer("running_mean", zeros({num_features}));
    running_var = register_buffer("running_var", ones({num_features}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, DType::Int64));
  } else {
    running_mean = register_buffer("running_mean", Tensor());
    running_var = register_buffer("running_var", Tensor());
    num_batches_tracked = register_buffer("num_batches_tracked", Tensor());
  }
  reset_parameters();
}

void BatchNorm::reset_running_stats() {
  if (!options.track_running_stats) return;
  init::zeros_(running_mean);
  init::ones_(running_var);
  autograd::NoGradGuard no_grad;
  num_batches_tracked.zero_();
}

void BatchNorm::reset_parameters() {
  reset_running_stats();
  if (options.affine) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

Tensor BatchNorm::forward(const Tensor& input) {
  check_input_dim(input);
  double factor = options.momentum.value_or(0.0);
  if (is_training() && options.track_running_stats) {
    autograd::NoGradGuard no_grad;
    num_batches_tracked.add_(wrapped_scalar(1));
    if (!options.momentum) factor = 1.0 / num_batches_tracked.item<double>();
  }
  // Without running estimates there is nothing to use in eval mode but the batch itself.
  bool use_batch_stats = is_training() || !options.track_running_stats;
  return batch_norm(input, running_mean, running_var, weight, bias, use_batch_stats, factor,
                    options.eps);
}

std::string BatchNorm::extra_repr() const {
  return fmt::format("{}, eps={}, momentum={}, affine={}, track_running_stats={}", num_features,
                     detail::py_float(options.eps), detail::py_float(options.momentum),
                     detail::py_bool(options.affine), detail::py_bool(options.track_running_stats));
}

void BatchNorm1d::check_input_dim(const Tensor& input) const {
  DS_CHECK(input.dim() == 2 || input.dim() == 3, ValueError,
           "expected 2D or 3D input (got {}D input)", input.dim());
}

void BatchNorm2d::check_input_dim(const Tensor& input) const {
  DS_CHECK(input.dim() == 4, ValueError, "expected 4D input (got {}D input)", input.dim());
}

}  // namespace deepseek::nn
