// Per-tensor autograd state, hung off TensorImpl::autograd_meta.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "deepseek/autograd/node.h"
#include "deepseek/core/tensor.h"

namespace deepseek::autograd {

struct AutogradMeta final : AutogradMetaBase {
  bool requires_grad = false;  // set on leaves by the user; implied by grad_fn otherwise
  Tensor grad;
  std::shared_ptr<Node> grad_fn;  // null for leaves
  uint32_t output_nr = 0;
  std::weak_ptr<Node> grad_accumulator;  // leaves only; the graph keeps it alive
  bool retains_grad = false;
  std::vector<std::pair<int64_t, Tensor::GradHook>> leaf_hooks;
  std::vector<std::pair<int64_t, Tensor::PostAccumulateHook>> post_accumulate_hooks;
};

// Null when the tensor never touched autograd.
AutogradMeta* meta_of(const Tensor& t);
AutogradMeta& ensure_meta(const Tensor& t);

// The edge a gradient for `t` flows along: its grad_fn, or its leaf accumulator (created on
// demand). Invalid for tensors that do not require grad.
Edge gradient_edge(const Tensor& t);

int64_t next_hook_id();

}  // namespace deepseek::autograd
