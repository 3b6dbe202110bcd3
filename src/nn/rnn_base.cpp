#include "deepseek/nn/rnn_base.h"

#include <cmath>

#include "deepseek/nn/init.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/linalg.h"
#include "deepseek/ops/nn_dropout.h"
#include "deepseek/ops/shape.h"
#include "python_repr.h"

namespace deepseek::nn {

RNNBase::RNNBase(int64_t gates, int64_t input_size, int64_t hidden_size, const RNNOptions& options)
    : input_size(input_size), hidden_size(hidden_size), options(options) {
  DS_CHECK(options.dropout >= 0.0 && options.dropout <= 1.0, ValueError,
           "dropout should be a number in range [0, 1] representing the probability of an "
           "element being zeroed");
  DS_CHECK(hidden_size > 0, ValueError, "hidden_size must be greater than zero");
  DS_CHECK(options.num_layers > 0, ValueError, "num_layers must be greater than zero");
  DS_CHECK(input_size >= 0, ValueError, "input_size must be non-negative, got {}", input_size);
  for (int64_t layer = 0; layer < options.num_layers; ++layer) {
    for (int64_t direction = 0; direction < directions(); ++direction) {
      int64_t layer_input = layer == 0 ? input_size : hidden_size * directions();
      std::string suffix = fmt::format("_l{}{}", layer, direction == 1 ? "_reverse" : "");
      std::vector<Tensor> w;
      w.push_back(
          register_parameter("weight_ih" + suffix, empty({gates * hidden_size, layer_input})));
      w.push_back(
          register_parameter("weight_hh" + suffix, empty({gates * hidden_size, hidden_size})));
      w.push_back(options.bias
                      ? register_parameter("bias_ih" + suffix, empty({gates * hidden_size}))
                      : Tensor());
      w.push_back(options.bias
                      ? register_parameter("bias_hh" + suffix, empty({gates * hidden_size}))
                      : Tensor());
      weights_.push_back(std::move(w));
    }
  }
  reset_parameters();
}

void RNNBase::reset_parameters() {
  double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size));
  for (const Tensor& p : parameters(false)) init::uniform_(p, -bound, bound);
}

std::string RNNBase::extra_repr() const {
  std::string s = fmt::format("{}, {}", input_size, hidden_size);
  if (options.num_layers != 1) s += fmt::format(", num_layers={}", options.num_layers);
  if (!options.bias) s += ", bias=False";
  if (options.batch_first) s += ", batch_first=True";
  if (options.dropout != 0.0) s += ", dropout=" + detail::py_float(options.dropout);
  if (options.bidirectional) s += ", bidirectional=True";
  return s;
}

Tensor RNNBase::initial_state(const Tensor& given, const Tensor& input, bool batched,
                              const char* what) const {
  Shape expected{options.num_layers * directions(), input.size(1), hidden_size};
  if (!given.defined())
    return zeros(expected, TensorOptions(input.dtype()).set_device(input.device()));
  Tensor state = given;
  if (!batched) {
    DS_CHECK(state.dim() == 2, RuntimeError,
             "For unbatched 2-D input, {} should also be 2-D but got {}-D tensor", what,
             state.dim());
    state = state.unsqueeze(1);
  } else {
    DS_CHECK(state.dim() == 3, RuntimeError,
             "For batched 3-D input, {} should also be 3-D but got {}-D tensor", what, state.dim());
  }
  DS_CHECK(state.sizes() == expected, RuntimeError, "Expected hidden size {}, got {}",
           detail::py_tuple(expected), shape_str(state.sizes()));
  return state;
}

RNNBase::Result RNNBase::run(const Tensor& input, const Tensor& h0, const Tensor& c0,
                             bool with_cell) const {
  DS_CHECK(input.dim() == 2 || input.dim() == 3, ValueError,
           "{}: Expected input to be 2-D or 3-D but received {}-D tensor", name(), input.dim());
  const bool batched = input.dim() == 3;
  Tensor x = !batched ? input.unsqueeze(1) : options.batch_first ? input.transpose(0, 1) : input;
  DS_CHECK(x.size(2) == input_size, RuntimeError,
           "input.size(-1) must be equal to input_size. Expected {}, got {}", input_size,
           x.size(2));
  Tensor h_init = initial_state(h0, x, batched, "hx");
  Tensor c_init = with_cell ? initial_state(c0, x, batched, "cx") : Tensor();

  const int64_t steps = x.size(0);
  TensorList h_last, c_last;
  for (int64_t layer = 0; layer < options.num_layers; ++layer) {
    TensorList direction_outputs;
    for (int64_t direction = 0; direction < directions(); ++direction) {
      const int64_t index = layer * directions() + direction;
      const std::vector<Tensor>& w = weights_[static_cast<size_t>(index)];
      // The input projection of every step in one product: [T, N, G*H].
      Tensor gates_x = linear(x, w[0], w[2]);
      Tensor h = h_init.select(0, index);
      Tensor c = with_cell ? c_init.select(0, index) : Tensor();
      TensorList outputs(static_cast<size_t>(steps));
      for (int64_t i = 0; i < steps; ++i) {
        int64_t t = direction == 0 ? i : steps - 1 - i;
        step(gates_x.select(0, t), w[1], w[3], h, c);
        outputs[static_cast<size_t>(t)] = h;
      }
      direction_outputs.push_back(steps > 0
                                      ? stack(outputs, 0)
                                      : zeros({0, x.size(1), hidden_size},
                                              TensorOptions(x.dtype()).set_device(x.device())));
      h_last.push_back(h);
      if (with_cell) c_last.push_back(c);
    }
    x = directions() == 1 ? direction_outputs[0] : cat(direction_outputs, 2);
    if (layer + 1 < options.num_layers && options.dropout > 0.0 && is_training()) {
      x = dropout(x, options.dropout, true);
    }
  }
  Result result{x, stack(h_last, 0), with_cell ? stack(c_last, 0) : Tensor()};
  if (!batched) {
    result.output = result.output.squeeze(1);
    result.h_n = result.h_n.squeeze(1);
    if (with_cell) result.c_n = result.c_n.squeeze(1);
  } else if (options.batch_first) {
    result.output = result.output.transpose(0, 1);
  }
  return result;
}

}  // namespace deepseek::nn
