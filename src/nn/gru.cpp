#include "deepseek/nn/gru.h"

#include "deepseek/ops/linalg.h"
#include "deepseek/ops/unary.h"

namespace deepseek::nn {

GRUOutput GRU::forward(const Tensor& input, const Tensor& h0) {
  Result r = run(input, h0, Tensor(), false);
  return {r.output, r.h_n};
}

void GRU::step(const Tensor& gates_x, const Tensor& w_hh, const Tensor& b_hh, Tensor& h,
               Tensor& /*c*/) const {
  TensorList x = gates_x.chunk(3, 1);
  TensorList hh = linear(h, w_hh, b_hh).chunk(3, 1);
  Tensor r = sigmoid(x[0] + hh[0]);
  Tensor z = sigmoid(x[1] + hh[1]);
  Tensor n = tanh(x[2] + r * hh[2]);
  h = n + z * (h - n);  // (1 - z) * n + z * h
}

}  // namespace deepseek::nn
