// nn::init: in-place initialisers with PyTorch's formulas and fan rules (torch.nn.init).
// Each runs without recording a graph, writes into `t` and returns it. Random draws come
// from `gen` (default: the global generator), so manual_seed reproduces them.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "deepseek/core/generator.h"
#include "deepseek/core/tensor.h"

namespace deepseek::nn::init {

// The gain that keeps activations' variance through `nonlinearity` ("linear", "conv2d",
// "sigmoid", "tanh", "relu", "leaky_relu" (param = negative slope, default 0.01), "selu").
double calculate_gain(const std::string& nonlinearity, std::optional<double> param = std::nullopt);
// fan_in = size(1) * receptive field, fan_out = size(0) * receptive field; t.dim() >= 2.
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t);

const Tensor& uniform_(const Tensor& t, double a = 0.0, double b = 1.0, Generator* gen = nullptr);
const Tensor& normal_(const Tensor& t, double mean = 0.0, double std = 1.0,
                      Generator* gen = nullptr);
const Tensor& constant_(const Tensor& t, double value);
const Tensor& ones_(const Tensor& t);
const Tensor& zeros_(const Tensor& t);
// U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).
const Tensor& xavier_uniform_(const Tensor& t, double gain = 1.0, Generator* gen = nullptr);
const Tensor& xavier_normal_(const Tensor& t, double gain = 1.0, Generator* gen = nullptr);
// U(-b, b) with b = gain(nonlinearity, a) * sqrt(3 / fan) and fan chosen by mode
// ("fan_in" or "fan_out"). Linear and Conv use a = sqrt(5): b = 1 / sqrt(fan_in).
const Tensor& kaiming_uniform_(const Tensor& t, double a = 0.0, const std::string& mode = "fan_in",
                               const std::string& nonlinearity = "leaky_relu",
                               Generator* gen = nullptr);
const Tensor& kaiming_normal_(const Tensor& t, double a = 0.0, const std::string& mode = "fan_in",
                              const std::string& nonlinearity = "leaky_relu",
                              Generator* gen = nullptr);

}  // namespace deepseek::nn::init
