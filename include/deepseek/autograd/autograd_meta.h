// Per-tensor autograd state, hung off TensorImpl::autograd_meta.
#pragma once

#include <memory>
#include <optional>
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
  // Views only: the version of the shared storage when grad_fn was set. A different version
  // means the base was written in place since, and grad_fn must be re-linked to it.
  std::optional<uint32_t> view_version;
};

// Null when the tensor never touched autograd. Re-links a stale view first.
AutogradMeta* meta_of(const Tensor& t);
AutogradMeta& ensure_meta(const Tensor& t);

// The edge a gradient for `t` flows along: its grad_fn, or its leaf accumulator (created on
// demand). Invalid for tensors that do not require grad.
Edge gradient_edge(const Tensor& t);

// A new node's links to its inputs: the gradient edge of each input that requires grad (an
// invalid edge for the others and for undefined inputs), and which inputs need a gradient.
struct InputEdges {
  std::vector<Edge> edges;
  std::vector<bool> needs_grad;
};
InputEdges input_edges(const TensorList& inputs);

int64_t next_hook_id();

// Re-links a view whose base was written in place after the view's grad_fn was set, so its
// gradient reaches the base's current history (src/autograd/inplace_views.cpp).
void refresh_stale_view(const Tensor& view, AutogradMeta& m);

}  // namespace deepseek::autograd
