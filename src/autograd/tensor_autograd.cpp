// The autograd methods of Tensor.
#include "deepseek/autograd/autograd_meta.h"
#include "deepseek/autograd/engine.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/core/tensor.h"

namespace deepseek {

using autograd::AutogradMeta;
using autograd::ensure_meta;
using autograd::meta_of;

bool Tensor::requires_grad() const {
  AutogradMeta* m = meta_of(*this);
  return m && (m->requires_grad || m->grad_fn);
}

const Tensor& Tensor::requires_grad_(bool enabled) const {
  AutogradMeta* m = meta_of(*this);
  if (m && m->grad_fn) {
    DS_CHECK(enabled, RuntimeError,
             "requires_grad_: you can only change requires_grad flags of leaf variables. If "
             "you want to use a computed variable in a subgraph that doesn't require "
             "differentiation use var_no_grad = var.detach().");
    return *this;
  }
  if (enabled) {
    DS_CHECK(is_floating(dtype()), RuntimeError,
             "requires_grad_: only Tensors of floating point dtype can require gradients (got "
             "{})",
             dtype_name(dtype()));
  }
  if (!m && !enabled) return *this;
  ensure_meta(*this).requires_grad = enabled;
  return *this;
}

Tensor Tensor::grad() const {
  AutogradMeta* m = meta_of(*this);
  return m ? m->grad : Tensor();
}

void Tensor::set_grad(const Tensor& grad) const {
  if (grad.defined()) {
    DS_CHECK(grad.sizes() == sizes(), RuntimeError,
             "assigned grad has data of a different size ({} vs tensor {})",
             shape_str(grad.sizes()), shape_str(sizes()));
    DS_CHECK(grad.dtype() == dtype(), RuntimeError,
             "assigned grad has data of a different type ({} vs tensor {})",
             dtype_name(grad.dtype()), dtype_name(dtype()));
    DS_CHECK(grad.device() == device(), RuntimeError,
             "assigned grad has data located on a different device ({} vs tensor {})",
             grad.device().str(), device().str());
  }
  if (!grad.defined() && !meta_of(*this)) return;
  ensure_meta(*this).grad = grad;
}

std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  AutogradMeta* m = meta_of(*this);
  return m ? m->grad_fn : nullptr;
}

bool Tensor::is_leaf() const { return grad_fn() == nullptr; }

uint32_t Tensor::output_nr() const {
  AutogradMeta* m = meta_of(*this);
  return m ? m->output_nr : 0;
}

void Tensor::backward(const Tensor& gradient, bool retain_graph, bool create_graph) const {
  autograd::backward({*this}, {gradient}, retain_graph, create_graph);
}

Tensor Tensor::detach() const {
  const TensorImpl& src = *impl();
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = src.storage;
  impl->sizes = src.sizes;
  impl->strides = src.strides;
  impl->offset = src.offset;
  impl->dtype = src.dtype;
  impl->version = src.version;  // in-place writes through the alias stay visible to autograd
  return Tensor(std::move(impl));
}

const Tensor& Tensor::detach_() const {
  DS_CHECK(!is_view() || is_leaf(), RuntimeError,
           "detach_: Can't detach views in-place. Use detach() instead.");
  if (AutogradMeta* m = meta_of(*this)) {
    m->grad_fn = nullptr;
    m->requires_grad = false;
    m->output_nr = 0;
  }
  return *this;
}

void Tensor::set_data(const Tensor& src) const {
  DS_CHECK(defined() && src.defined(), RuntimeError, "set_data: undefined tensor");
  if (is_same(src)) return;
  DS_CHECK(!requires_grad() || is_floating(src.dtype()), RuntimeError,
           "data set to a tensor that requires gradients must be floating point (got {})",
           dtype_name(src.dtype()));
  const TensorImpl& from = *src.impl();
  TensorImpl& to = *impl();
  to.storage = from.storage;
  to.sizes = from.sizes;
  to.strides = from.strides;
  to.offset = from.offset;
  to.dtype = from.dtype;
  to.view_base = nullptr;
  to.wrapped_number = false;
}

void Tensor::retain_grad() const {
  DS_CHECK(requires_grad(), RuntimeError,
           "can't retain_grad on Tensor that has requires_grad=False");
  AutogradMeta& m = ensure_meta(*this);
  if (!m.grad_fn || m.retains_grad) return;  // leaves keep their grad anyway
  m.grad_fn->set_retain_grad(m.output_nr, impl_);
  m.retains_grad = true;
}

bool Tensor::retains_grad() const {
  AutogradMeta* m = meta_of(*this);
  return m && m->retains_grad;
}

int64_t Tensor::register_hook(GradHook hook) const {
  DS_CHECK(requires_grad(), RuntimeError,
           "cannot register a hook on a tensor that doesn't require gradient");
  AutogradMeta& m = ensure_meta(*this);
  if (m.grad_fn) return m.grad_fn->add_pre_hook(m.output_nr, std::move(hook));
  int64_t id = autograd::next_hook_id();
  m.leaf_hooks.emplace_back(id, std::move(hook));
  return id;
}

void Tensor::remove_hook(int64_t handle) const {
  AutogradMeta* m = meta_of(*this);
  if (!m) return;
  if (m->grad_fn) m->grad_fn->remove_pre_hook(handle);
  std::erase_if(m->leaf_hooks, [handle](const auto& h) { return h.first == handle; });
  std::erase_if(m->post_accumulate_hooks, [handle](const auto& h) { return h.first == handle; });
}

int64_t Tensor::register_post_accumulate_grad_hook(PostAccumulateHook hook) const {
  DS_CHECK(requires_grad(), RuntimeError,
           "cannot register a hook on a tensor that doesn't require gradient");
  DS_CHECK(is_leaf(), RuntimeError,
           "post accumulate grad hooks cannot be registered on non-leaf tensors");
  AutogradMeta& m = ensure_meta(*this);
  int64_t id = autograd::next_hook_id();
  m.post_accumulate_hooks.emplace_back(id, std::move(hook));
  return id;
}

}  // namespace deepseek
