#include "deepseek/nn/rms_norm.h"

#include "deepseek/nn/init.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/nn_norm.h"
#include "python_repr.h"

namespace deepseek::nn {

RMSNorm::RMSNorm(const IntOrTuple& normalized_shape, const RMSNormOptions& options)
    : normalized_shape(normalized_shape.values()), options(options) {
  weight = register_parameter(
      "weight", options.elementwise_affine ? empty(this->normalized_shape) : Tensor());
  reset_parameters();
}

void RMSNorm::reset_parameters() {
  if (weight.defined()) init::ones_(weight);
}

Tensor RMSNorm::forward(const Tensor& input) {
  return rms_norm(input, normalized_shape, weight, options.eps);
}

std::string RMSNorm::extra_repr() const {
  return fmt::format("{}, eps={}, elementwise_affine={}", detail::py_tuple(normalized_shape),
                     detail::py_float(options.eps), detail::py_bool(options.elementwise_affine));
}

}  // namespace deepseek::nn
