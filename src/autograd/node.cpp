#include "deepseek/autograd/node.h"

#include <atomic>
#include <limits>

#include "deepseek/autograd/autograd_meta.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"

namespace deepseek::autograd {

namespace {
std::atomic<uint64_t> g_next_sequence_nr{0};
std::atomic<int64_t> g_next_hook_id{1};
}  // namespace

int64_t next_hook_id() { return g_next_hook_id.fetch_add(1); }

Node::Node() : sequence_nr_(g_next_sequence_nr.fetch_add(1)) {}

int64_t Node::add_pre_hook(uint32_t output_nr, PreHook hook) {
  int64_t id = next_hook_id();
  pre_hooks_.push_back({id, output_nr, std::move(hook), {}});
  return id;
}

void Node::remove_pre_hook(int64_t id) {
  std::erase_if(pre_hooks_, [id](const PreHookEntry& e) { return e.id == id; });
}

void Node::set_retain_grad(uint32_t output_nr, std::weak_ptr<TensorImpl> tensor) {
  for (auto& h : pre_hooks_) {
    if (!h.fn && h.output_nr == output_nr) {
      h.retains = std::move(tensor);
      return;
    }
  }
  pre_hooks_.push_back({next_hook_id(), output_nr, nullptr, std::move(tensor)});
}

namespace {

void store_retained_grad(const std::weak_ptr<TensorImpl>& weak, const Tensor& g) {
  auto impl = weak.lock();
  if (!impl) return;
  Tensor t(impl);
  AutogradMeta& m = ensure_meta(t);
  // A retained grad never shares memory with the gradient flowing on.
  Tensor incoming = GradMode::is_enabled() ? g : g.detach();
  m.grad = m.grad.defined() ? add(m.grad, incoming) : incoming.clone();
}

}  // namespace

void Node::run_pre_hooks(TensorList& grads) {
  for (auto& h : pre_hooks_) {
    Tensor& g = grads[h.output_nr];
    if (!g.defined()) continue;
    if (!h.fn) {
      store_retained_grad(h.retains, g);
      continue;
    }
    Tensor replaced = h.fn(g);
    if (replaced.defined()) g = replaced;
  }
}

AccumulateGrad::AccumulateGrad(Tensor variable) : variable_(std::move(variable)) {
  // Leaves accumulate as soon as their gradient is complete, ahead of other ready nodes.
  sequence_nr_ = std::numeric_limits<uint64_t>::max();
  output_meta_.push_back({variable_.sizes(), variable_.dtype(), variable_.device()});
}

TensorList AccumulateGrad::apply(TensorList&& grads) {
  Tensor incoming = std::move(grads[0]);
  if (!incoming.defined()) return {};
  AutogradMeta& m = ensure_meta(variable_);
  for (auto& [id, hook] : m.leaf_hooks) {
    Tensor replaced = hook(incoming);
    if (replaced.defined()) incoming = replaced;
  }
  if (!m.grad.defined()) {
    // Keep the graph of the gradient only when building a higher-order graph. Otherwise
    // store a tensor nobody else holds, so later in-place accumulation is safe.
    if (GradMode::is_enabled()) {
      m.grad = incoming;
    } else {
      const bool sole_owner = incoming.impl_ptr().use_count() == 1 &&
                              incoming.impl()->storage.use_count() == 1 && incoming.is_contiguous();
      m.grad = sole_owner ? incoming.detach() : incoming.detach().clone();
    }
  } else if (GradMode::is_enabled()) {
    m.grad = add(m.grad, incoming);
  } else {
    m.grad.add_(incoming.detach());
  }
  for (auto& [id, hook] : m.post_accumulate_hooks) hook(variable_);
  return {};
}

}  // namespace deepseek::autograd
