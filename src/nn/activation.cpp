#include "deepseek/nn/activation.h"

#include "deepseek/ops/softmax.h"
#include "deepseek/ops/unary.h"
#include "python_repr.h"

namespace deepseek::nn {

namespace {
int64_t softmax_dim(const std::optional<int64_t>& dim, const Tensor& input) {
  if (dim) return *dim;
  int64_t ndim = input.dim();
  return ndim == 0 || ndim == 1 || ndim == 3 ? 0 : 1;
}

std::string dim_repr(const std::optional<int64_t>& dim) {
  return dim ? fmt::format("dim={}", *dim) : "dim=None";
}
}  // namespace

Tensor ReLU::forward(const Tensor& input) { return relu(input); }

GELU::GELU(std::string approximate) : approximate(std::move(approximate)) {
  DS_CHECK(this->approximate == "none" || this->approximate == "tanh", ValueError,
           "GELU: approximate must be 'none' or 'tanh', got '{}'", this->approximate);
}
Tensor GELU::forward(const Tensor& input) { return gelu(input, approximate); }
std::string GELU::extra_repr() const { return "approximate=" + detail::py_str(approximate); }

Tensor SiLU::forward(const Tensor& input) { return silu(input); }

Tensor Tanh::forward(const Tensor& input) { return tanh(input); }

Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }

Tensor Softmax::forward(const Tensor& input) { return softmax(input, softmax_dim(dim, input)); }
std::string Softmax::extra_repr() const { return dim_repr(dim); }

Tensor LogSoftmax::forward(const Tensor& input) {
  return log_softmax(input, softmax_dim(dim, input));
}
std::string LogSoftmax::extra_repr() const { return dim_repr(dim); }

}  // namespace deepseek::nn
