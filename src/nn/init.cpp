#include "deepseek/nn/init.h"

#include <cmath>

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"

namespace deepseek::nn::init {

double calculate_gain(const std::string& nonlinearity, std::optional<double> param) {
  if (nonlinearity == "linear" || nonlinearity == "conv1d" || nonlinearity == "conv2d" ||
      nonlinearity == "conv3d" || nonlinearity == "conv_transpose1d" ||
      nonlinearity == "conv_transpose2d" || nonlinearity == "conv_transpose3d" ||
      nonlinearity == "sigmoid") {
    return 1.0;
  }
  if (nonlinearity == "tanh") return 5.0 / 3;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") {
    double slope = param.value_or(0.01);
    return std::sqrt(2.0 / (1 + slope * slope));
  }
  if (nonlinearity == "selu") return 3.0 / 4;
  DS_THROW(ValueError, "Unsupported nonlinearity {}", nonlinearity);
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t) {
  DS_CHECK(t.dim() >= 2, ValueError,
           "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  int64_t receptive_field = 1;
  for (int64_t d = 2; d < t.dim(); ++d) receptive_field *= t.size(d);
  return {t.size(1) * receptive_field, t.size(0) * receptive_field};
}

namespace {
int64_t correct_fan(const Tensor& t, const std::string& mode) {
  DS_CHECK(mode == "fan_in" || mode == "fan_out", ValueError,
           "Mode {} not supported, please use one of ['fan_in', 'fan_out']", mode);
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return mode == "fan_in" ? fan_in : fan_out;
}
}  // namespace

const Tensor& uniform_(const Tensor& t, double a, double b, Generator* gen) {
  autograd::NoGradGuard no_grad;
  return deepseek::uniform_(t, a, b, gen);
}

const Tensor& normal_(const Tensor& t, double mean, double std, Generator* gen) {
  autograd::NoGradGuard no_grad;
  return deepseek::normal_(t, mean, std, gen);
}

const Tensor& constant_(const Tensor& t, double value) {
  autograd::NoGradGuard no_grad;
  return deepseek::fill_(t, value);
}

const Tensor& ones_(const Tensor& t) { return constant_(t, 1.0); }

const Tensor& zeros_(const Tensor& t) { return constant_(t, 0.0); }

const Tensor& xavier_uniform_(const Tensor& t, double gain, Generator* gen) {
  if (t.numel() == 0) return t;
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  double bound = std::sqrt(3.0) * gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return init::uniform_(t, -bound, bound, gen);
}

const Tensor& xavier_normal_(const Tensor& t, double gain, Generator* gen) {
  if (t.numel() == 0) return t;
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return init::normal_(t, 0.0, gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out)), gen);
}

const Tensor& kaiming_uniform_(const Tensor& t, double a, const std::string& mode,
                               const std::string& nonlinearity, Generator* gen) {
  if (t.numel() == 0) return t;  // PyTorch: a no-op on zero-element tensors
  double std =
      calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(correct_fan(t, mode)));
  double bound = std::sqrt(3.0) * std;
  return init::uniform_(t, -bound, bound, gen);
}

const Tensor& kaiming_normal_(const Tensor& t, double a, const std::string& mode,
                              const std::string& nonlinearity, Generator* gen) {
  if (t.numel() == 0) return t;
  double std =
      calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(correct_fan(t, mode)));
  return init::normal_(t, 0.0, std, gen);
}

}  // namespace deepseek::nn::init
