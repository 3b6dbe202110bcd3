#include "deepseek/nn/linear.h"

#include <cmath>

#include "deepseek/nn/init.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/linalg.h"
#include "python_repr.h"

namespace deepseek::nn {

Linear::Linear(int64_t in_features, int64_t out_features, bool bias)
    : in_features(in_features), out_features(out_features) {
  DS_CHECK(in_features >= 0 && out_features >= 0, ValueError,
           "Linear: in_features and out_features must be non-negative, got {} and {}", in_features,
           out_features);
  weight = register_parameter("weight", empty({out_features, in_features}));
  this->bias = register_parameter("bias", bias ? empty({out_features}) : Tensor());
  reset_parameters();
}

void Linear::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    double bound = in_features > 0 ? 1.0 / std::sqrt(static_cast<double>(in_features)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

Tensor Linear::forward(const Tensor& input) { return linear(input, weight, bias); }

std::string Linear::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, bias={}", in_features, out_features,
                     detail::py_bool(bias.defined()));
}

}  // namespace deepseek::nn
