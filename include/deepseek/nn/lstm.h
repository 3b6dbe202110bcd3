// nn::LSTM (torch.nn.LSTM). Gates in PyTorch's row order i, f, g, o:
//   i = sigmoid(.), f = sigmoid(.), g = tanh(.), o = sigmoid(.)   (each x W_ih^T + b_ih + h W_hh^T
//   + b_hh) c' = f * c + i * g,   h' = o * tanh(c')
//
//   nn::LSTM lstm(10, 20, {.num_layers = 2, .batch_first = true});
//   auto [y, h_n, c_n] = lstm.forward(x);
#pragma once

#include "deepseek/nn/rnn_base.h"

namespace deepseek::nn {

struct LSTMOutput {
  Tensor output;  // [T, N, D*H] ([N, T, D*H] if batch_first, [T, D*H] unbatched)
  Tensor h_n;     // [num_layers * D, N, H] (no N unbatched)
  Tensor c_n;
};

class LSTM : public RNNBase {
 public:
  LSTM(int64_t input_size, int64_t hidden_size, const RNNOptions& options = {})
      : RNNBase(4, input_size, hidden_size, options) {}
  // h0 and c0 are given together or not at all (zeros).
  LSTMOutput forward(const Tensor& input, const Tensor& h0 = {}, const Tensor& c0 = {});

 protected:
  void step(const Tensor& gates_x, const Tensor& w_hh, const Tensor& b_hh, Tensor& h,
            Tensor& c) const override;
};

}  // namespace deepseek::nn
