#include "deepseek/autograd/saved_variable.h"

#include "deepseek/autograd/autograd_meta.h"

namespace deepseek::autograd {

SavedVariable::SavedVariable(const Tensor& t, bool is_output) {
  if (!t.defined()) return;
  defined_ = true;
  is_output_ = is_output;
  saved_version_ = t.version();
  requires_grad_ = t.requires_grad();
  if (is_output) {
    AutogradMeta* m = meta_of(t);
    output_nr_ = m ? m->output_nr : 0;
    data_ = t.detach();  // no grad_fn: the node that saves it must not own itself
  } else {
    data_ = t;
  }
}

Tensor SavedVariable::unpack(const std::shared_ptr<Node>& owner) const {
  if (!defined_) return Tensor();
  DS_CHECK(!released_, RuntimeError,
           "Trying to backward through the graph a second time (or directly access saved "
           "tensors after they have already been freed). Saved intermediate values of the "
           "graph are freed when you call .backward() or autograd.grad(). Specify "
           "retain_graph=True if you need to backward through the graph a second time or if "
           "you need to access saved tensors after calling backward. (node: {})",
           owner ? owner->name() : "unknown");
  const uint32_t now = data_.version();
  if (now != saved_version_) {
    // Name the tensor as PyTorch does: by the node that produced it, if any.
    std::string which;
    if (is_output_) {
      which = fmt::format(", which is output {} of {},", output_nr_, owner ? owner->name() : "?");
    } else if (auto fn = data_.grad_fn()) {
      which = fmt::format(", which is output {} of {},", data_.output_nr(), fn->name());
    }
    DS_THROW(RuntimeError,
             "one of the variables needed for gradient computation has been modified by an "
             "inplace operation: [{} {}]{} is at version {}; expected version {} instead. Hint: "
             "the operation that failed to compute its gradient is {}; find where that tensor "
             "was changed in place and use an out-of-place op there.",
             dtype_name(data_.dtype()), shape_str(data_.sizes()), which, now, saved_version_,
             owner ? owner->name() : "unknown");
  }
  if (!is_output_ || !requires_grad_) return data_;
  // Re-link a saved output to the node that produced it, so a double backward sees it.
  Tensor alias = data_.detach();
  AutogradMeta& m = ensure_meta(alias);
  m.grad_fn = owner;
  m.output_nr = output_nr_;
  return alias;
}

}  // namespace deepseek::autograd
