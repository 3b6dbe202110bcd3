// The shared part of nn::LSTM and nn::GRU (torch.nn.RNNBase): PyTorch's parameters
// weight_ih_l{k}[_reverse] [G*H, in], weight_hh_l{k} [G*H, H], bias_ih_l{k}, bias_hh_l{k}
// (G = 4 gates for LSTM, 3 for GRU), all ~ U(-1/sqrt(H), 1/sqrt(H)), and the loop over
// layers, directions and time steps. A time step is written with matmul and elementwise
// ops, so autograd differentiates it like any other expression.
#pragma once

#include <vector>

#include "deepseek/nn/module.h"

namespace deepseek::nn {

struct RNNOptions {
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;  // input/output [N, T, *] instead of [T, N, *]
  double dropout = 0.0;      // on each layer's output but the last, while training
  bool bidirectional = false;
};

class RNNBase : public Module {
 public:
  void reset_parameters();
  std::string extra_repr() const override;

  int64_t input_size, hidden_size;
  RNNOptions options;

 protected:
  RNNBase(int64_t gates, int64_t input_size, int64_t hidden_size, const RNNOptions& options);

  // One time step of one layer and direction: gates_x = x_t W_ih^T + b_ih [N, G*H] updates
  // h (and c, for LSTM) in place of the handles.
  virtual void step(const Tensor& gates_x, const Tensor& w_hh, const Tensor& b_hh, Tensor& h,
                    Tensor& c) const = 0;

  struct Result {
    Tensor output, h_n, c_n;
  };
  // Validates shapes, handles batch_first and unbatched input, and runs every layer.
  // `c0` is only used (and c_n only filled) when `with_cell`.
  Result run(const Tensor& input, const Tensor& h0, const Tensor& c0, bool with_cell) const;

 private:
  int64_t directions() const { return options.bidirectional ? 2 : 1; }
  Tensor initial_state(const Tensor& given, const Tensor& input, bool batched,
                       const char* what) const;

  // weights_[layer * directions + direction] = {w_ih, w_hh, b_ih, b_hh} (biases may be
  // undefined).
  std::vector<std::vector<Tensor>> weights_;
};

}  // namespace deepseek::nn
