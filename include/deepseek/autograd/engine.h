// Runs backward passes over the graph (single-threaded, dependency counted, newest node
// first so memory is freed early).
#pragma once

#include <optional>

#include "deepseek/core/tensor.h"

namespace deepseek::autograd {

// tensors.backward(grad_tensors): accumulates into the .grad of every leaf reached, or, when
// `inputs` is given, only into the .grad of those tensors (leaves or not).
void backward(const TensorList& tensors, const TensorList& grad_tensors = {},
              bool retain_graph = false, bool create_graph = false,
              const std::optional<TensorList>& inputs = std::nullopt);

// torch.autograd.grad: returns d(outputs)/d(inputs) without touching any .grad.
// retain_graph defaults to create_graph, as in PyTorch.
TensorList grad(const TensorList& outputs, const TensorList& inputs,
                const TensorList& grad_outputs = {}, std::optional<bool> retain_graph = {},
                bool create_graph = false, bool allow_unused = false);

// What Module.zero_grad and Optimizer.zero_grad do to each parameter's .grad: drop it
// (set_to_none), or detach it from any graph that made it and fill it with zeros.
void zero_grad(const TensorList& params, bool set_to_none = true);

}  // namespace deepseek::autograd
