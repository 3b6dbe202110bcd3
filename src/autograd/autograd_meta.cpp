#include "deepseek/autograd/autograd_meta.h"

namespace deepseek::autograd {

AutogradMeta* meta_of(const Tensor& t) {
  if (!t.defined()) return nullptr;
  auto* m = static_cast<AutogradMeta*>(t.impl()->autograd_meta.get());
  if (m && m->view_version && *m->view_version != t.version()) refresh_stale_view(t, *m);
  return m;
}

AutogradMeta& ensure_meta(const Tensor& t) {
  auto& slot = t.impl()->autograd_meta;
  if (!slot) slot = std::make_unique<AutogradMeta>();
  return static_cast<AutogradMeta&>(*slot);
}

Edge gradient_edge(const Tensor& t) {
  AutogradMeta* m = meta_of(t);
  if (!m) return {};
  if (m->grad_fn) return {m->grad_fn, m->output_nr};
  if (!m->requires_grad) return {};
  auto acc = m->grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t);
    m->grad_accumulator = acc;
  }
  return {acc, 0};
}

InputEdges input_edges(const TensorList& inputs) {
  InputEdges out{std::vector<Edge>(inputs.size()), std::vector<bool>(inputs.size())};
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].defined() && inputs[i].requires_grad()) {
      out.edges[i] = gradient_edge(inputs[i]);
      out.needs_grad[i] = true;
    }
  }
  return out;
}

}  // namespace deepseek::autograd
