// nn::GRU (torch.nn.GRU). Gates in PyTorch's row order r, z, n:
//   r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr),  z likewise,
//   n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)),  h' = (1 - z) * n + z * h
//
//   nn::GRU gru(10, 20, {.batch_first = true});
//   auto [y, h_n] = gru.forward(x);
#pragma once

#include "deepseek/nn/rnn_base.h"

namespace deepseek::nn {

struct GRUOutput {
  Tensor output;  // [T, N, D*H] ([N, T, D*H] if batch_first, [T, D*H] unbatched)
  Tensor h_n;     // [num_layers * D, N, H] (no N unbatched)
};

class GRU : public RNNBase {
 public:
  GRU(int64_t input_size, int64_t hidden_size, const RNNOptions& options = {})
      : RNNBase(3, input_size, hidden_size, options) {}
  GRUOutput forward(const Tensor& input, const Tensor& h0 = {});

 protected:
  void step(const Tensor& gates_x, const Tensor& w_hh, const Tensor& b_hh, Tensor& h,
            Tensor& c) const override;
};

}  // namespace deepseek::nn
