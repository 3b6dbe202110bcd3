#include "deepseek/nn/lstm.h"

#include "deepseek/ops/linalg.h"
#include "deepseek/ops/unary.h"

namespace deepseek::nn {

LSTMOutput LSTM::forward(const Tensor& input, const Tensor& h0, const Tensor& c0) {
  DS_CHECK(h0.defined() == c0.defined(), RuntimeError,
           "LSTM: h0 and c0 must be given together (got only {})", h0.defined() ? "h0" : "c0");
  Result r = run(input, h0, c0, true);
  return {r.output, r.h_n, r.c_n};
}

void LSTM::step(const Tensor& gates_x, const Tensor& w_hh, const Tensor& b_hh, Tensor& h,
                Tensor& c) const {
  TensorList gates = (gates_x + linear(h, w_hh, b_hh)).chunk(4, 1);
  Tensor i = sigmoid(gates[0]), f = sigmoid(gates[1]), g = tanh(gates[2]), o = sigmoid(gates[3]);
  c = f * c + i * g;
  h = o * tanh(c);
}

}  // namespace deepseek::nn
