#include "deepseek/nn/dropout.h"

#include "deepseek/ops/nn_dropout.h"
#include "python_repr.h"

namespace deepseek::nn {

Dropout::Dropout(double p) : p(p) {
  DS_CHECK(p >= 0.0 && p <= 1.0, ValueError,
           "dropout probability has to be between 0 and 1, but got {}", detail::py_float(p));
}

Tensor Dropout::forward(const Tensor& input) { return dropout(input, p, is_training()); }

std::string Dropout::extra_repr() const {
  return fmt::format("p={}, inplace=False", detail::py_float(p));
}

}  // namespace deepseek::nn
