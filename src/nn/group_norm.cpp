#include "deepseek/nn/group_norm.h"

#include "deepseek/nn/init.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/nn_norm.h"
#include "python_repr.h"

namespace deepseek::nn {

GroupNorm::GroupNorm(int64_t num_groups, int64_t num_channels, const GroupNormOptions& options)
    : num_groups(num_groups), num_channels(num_channels), options(options) {
  DS_CHECK(num_groups > 0 && num_channels % num_groups == 0, ValueError,
           "num_channels must be divisible by num_groups");
  weight = register_parameter("weight", options.affine ? empty({num_channels}) : Tensor());
  bias = register_parameter("bias", options.affine ? empty({num_channels}) : Tensor());
  reset_parameters();
}

void GroupNorm::reset_parameters() {
  if (!options.affine) return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor GroupNorm::forward(const Tensor& input) {
  return group_norm(input, num_groups, weight, bias, options.eps);
}

std::string GroupNorm::extra_repr() const {
  return fmt::format("{}, {}, eps={}, affine={}", num_groups, num_channels,
                     detail::py_float(options.eps), detail::py_bool(options.affine));
}

}  // namespace deepseek::nn
