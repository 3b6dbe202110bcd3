// Elementwise activations and softmax as modules (torch.nn.ReLU, GELU, SiLU, Tanh, Sigmoid,
// Softmax, LogSoftmax). Each is a one-line forward over the functional op, so they share a
// file the way PyTorch's activation.py holds them.
#pragma once

#include <optional>
#include <string>

#include "deepseek/nn/module.h"

namespace deepseek::nn {

class ReLU : public UnaryModule {
 public:
  Tensor forward(const Tensor& input) override;
};

class GELU : public UnaryModule {
 public:
  // approximate: "none" (exact, erf-based) or "tanh".
  explicit GELU(std::string approximate = "none");
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  std::string approximate;
};

class SiLU : public UnaryModule {
 public:
  Tensor forward(const Tensor& input) override;
};

class Tanh : public UnaryModule {
 public:
  Tensor forward(const Tensor& input) override;
};

class Sigmoid : public UnaryModule {
 public:
  Tensor forward(const Tensor& input) override;
};

// dim nullopt picks PyTorch's legacy implicit dim: 0 for 0-, 1- and 3-D inputs, else 1.
class Softmax : public UnaryModule {
 public:
  explicit Softmax(std::optional<int64_t> dim = std::nullopt) : dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  std::optional<int64_t> dim;
};

class LogSoftmax : public UnaryModule {
 public:
  explicit LogSoftmax(std::optional<int64_t> dim = std::nullopt) : dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  std::optional<int64_t> dim;
};

}  // namespace deepseek::nn
