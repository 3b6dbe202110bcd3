// The non-template half of the C++ custom Function API (include/deepseek/autograd/function.h).
#include "deepseek/autograd/function.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>

#include "deepseek/autograd/autograd_meta.h"
#include "deepseek/autograd/record.h"
#include "deepseek/ops/creation.h"

namespace deepseek::autograd {

const char* SavedValue::kind() const {
  static const char* const kNames[] = {"None",   "bool",   "int",      "double",
                                       "string", "Tensor", "int list", "Tensor list"};
  return kNames[v_.index()];
}

const TensorList& AutogradContext::get_saved_variables() const {
  DS_CHECK(in_backward_, RuntimeError,
           "get_saved_variables: saved tensors are only available inside backward");
  return saved_;
}

void AutogradContext::mark_non_differentiable(const TensorList& outputs) {
  for (const Tensor& t : outputs) non_differentiable_.push_back(t.impl());
}

void AutogradContext::mark_dirty(const TensorList& inputs) {
  for (const Tensor& t : inputs) dirty_.push_back(t.impl());
}

bool AutogradContext::needs_input_grad(size_t index) const {
  DS_CHECK(index < needs_input_grad_.size(), IndexError,
           "needs_input_grad: index {} out of range for {} forward arguments", index,
           needs_input_grad_.size());
  return needs_input_grad_[index];
}

std::string custom_function_name(const std::type_info& type) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string name = status == 0 && demangled ? demangled : type.name();
  std::free(demangled);
  const size_t colon = name.rfind("::");
  if (colon != std::string::npos) name = name.substr(colon + 2);
  return name + "Backward";
}

void CustomFunctionLinker::prepare(AutogradContext& ctx, const TensorList& inputs) {
  const bool on = GradMode::is_enabled();
  ctx.needs_input_grad_.clear();
  for (const Tensor& t : inputs)
    ctx.needs_input_grad_.push_back(on && t.defined() && t.requires_grad());
}

namespace {

bool contains(const std::vector<const TensorImpl*>& set, const Tensor& t) {
  return std::find(set.begin(), set.end(), t.impl()) != set.end();
}

bool is_one_of(const Tensor& t, const TensorList& list) {
  return std::any_of(list.begin(), list.end(), [&](const Tensor& x) { return x.is_same(t); });
}

// Checks what a user's backward returned: one gradient per forward argument, none for the
// arguments that were not tensors.
TensorList checked_input_grads(const std::string& name, TensorList grads,
                               const std::vector<bool>& is_tensor) {
  const size_t n = is_tensor.size();
  const bool extra_defined = std::any_of(grads.begin() + std::min(n, grads.size()), grads.end(),
                                         [](const Tensor& g) { return g.defined(); });
  DS_CHECK(grads.size() >= n && !extra_defined, RuntimeError,
           "function {} returned an incorrect number of gradients (expected {}, got {})", name, n,
           grads.size());
  grads.resize(n);
  for (size_t i = 0; i < n; ++i) {
    DS_CHECK(!grads[i].defined() || is_tensor[i], RuntimeError,
             "function {} returned a gradient different than None at position {}, but the "
             "corresponding forward input was not a Variable",
             name, i + 1);
  }
  return grads;
}

}  // namespace

void CustomFunctionLinker::link(const std::string& name,
                                const std::shared_ptr<AutogradContext>& ctx,
                                const TensorList& inputs, TensorList& outputs,
                                CustomBackwardFn backward) {
  const bool executable = std::any_of(ctx->needs_input_grad_.begin(), ctx->needs_input_grad_.end(),
                                      [](bool b) { return b; });
  if (!executable) {
    ctx->to_save_.clear();  // nothing will run backward
    return;
  }
  std::vector<size_t> diff;  // outputs linked to the node
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor& out = outputs[i];
    DS_CHECK(out.defined(), RuntimeError, "{}: forward returned an undefined tensor at {}", name,
             i);
    if (contains(ctx->dirty_, out)) {
      DS_CHECK(is_one_of(out, inputs), RuntimeError,
               "{}: some tensors marked as dirty were not returned as outputs", name);
      DS_CHECK(!(out.is_leaf() && out.requires_grad()), RuntimeError,
               "{}: a leaf Variable that requires grad has been used in an in-place operation.",
               name);
      DS_CHECK(!out.is_view(), NotImplementedError,
               "{}: mark_dirty on a view is not supported; clone the input before modifying it "
               "in place",
               name);
    } else if (is_one_of(out, inputs)) {
      const bool non_diff = contains(ctx->non_differentiable_, out);
      out = out.detach();  // a fresh alias, so the input keeps its own history
      if (non_diff) ctx->non_differentiable_.push_back(out.impl());
    }
    if (out.is_floating_point() && !contains(ctx->non_differentiable_, out)) diff.push_back(i);
  }
  TensorList linked;
  for (size_t i : diff) linked.push_back(outputs[i]);
  std::vector<ToSave> saved;
  for (const Tensor& t : ctx->to_save_) saved.push_back({t, t.defined() && is_one_of(t, linked)});
  ctx->to_save_.clear();
  // Zero gradients for unlinked outputs come from shapes only: holding the outputs in the
  // node would keep them alive through their own grad_fn.
  std::vector<OutputMeta> all_meta;
  for (const Tensor& o : outputs) all_meta.push_back({o.sizes(), o.dtype(), o.device()});

  std::vector<bool> is_tensor;
  for (const Tensor& t : inputs) is_tensor.push_back(t.defined());

  auto node = record(name, inputs, linked, std::move(saved),
                     [ctx, backward = std::move(backward), diff, all_meta, is_tensor,
                      name](const BackwardArgs& g) -> TensorList {
                       TensorList full(all_meta.size());
                       for (size_t k = 0; k < diff.size(); ++k) full[diff[k]] = g.grads[k];
                       if (ctx->materialize_grads_) {
                         for (size_t i = 0; i < full.size(); ++i) {
                           if (full[i].defined()) continue;
                           const OutputMeta& m = all_meta[i];
                           full[i] = zeros(m.shape, TensorOptions(m.dtype).set_device(m.device));
                         }
                       }
                       ctx->saved_ = g.saved;
                       ctx->in_backward_ = true;
                       TensorList grads;
                       try {
                         grads = backward(ctx.get(), std::move(full));
                       } catch (...) {
                         ctx->saved_.clear();
                         ctx->in_backward_ = false;
                         throw;
                       }
                       ctx->saved_.clear();
                       ctx->in_backward_ = false;
                       return checked_input_grads(name, std::move(grads), is_tensor);
                     });
  node->set_materialize_grads(ctx->materialize_grads_);
  for (const Tensor& o : linked) {
    if (AutogradMeta* m = meta_of(o)) m->view_version.reset();
  }
}

}  // namespace deepseek::autograd
