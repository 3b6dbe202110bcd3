#include "deepseek/nn/layer_norm.h"

#include "deepseek/nn/init.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/nn_norm.h"
#include "python_repr.h"

namespace deepseek::nn {

LayerNorm::LayerNorm(const IntOrTuple& normalized_shape, const LayerNormOptions& options)
    : normalized_shape(normalized_shape.values()), options(options) {
  bool affine = options.elementwise_affine;
  weight = register_parameter("weight", affine ? empty(this->normalized_shape) : Tensor());
  bias = register_parameter("bias", affine ? empty(this->normalized_shape) : Tensor());
  reset_parameters();
}

void LayerNorm::reset_parameters() {
  if (!options.elementwise_affine) return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor LayerNorm::forward(const Tensor& input) {
  return layer_norm(input, normalized_shape, weight, bias, options.eps);
}

std::string LayerNorm::extra_repr() const {
  return fmt::format("{}, eps={}, elementwise_affine={}", detail::py_tuple(normalized_shape),
                     detail::py_float(options.eps), detail::py_bool(options.elementwise_affine));
}

}  // namespace deepseek::nn
