// nn::Module: the C++ counterpart of torch.nn.Module. A module owns named parameters,
// buffers and child modules; traversal, state_dict keys, strict-load errors and repr follow
// PyTorch, so checkpoints interchange with the Python side.
//
//   struct Net : nn::UnaryModule {
//     std::shared_ptr<nn::Linear> fc1 = register_module("fc1", nn::Linear(784, 128));
//     std::shared_ptr<nn::Linear> fc2 = register_module("fc2", nn::Linear(128, 10));
//     Tensor forward(const Tensor& x) override { return fc2->forward(relu(fc1->forward(x))); }
//   };
//   auto model = std::make_shared<Net>();
//   optim::Adam opt(model->parameters(), {.lr = 1e-3});
//
// Modules are held by std::shared_ptr. They are movable (so a layer can be passed by value
// to register_module or Sequential) but not copyable: a copy would silently share tensors.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "deepseek/core/tensor.h"
#include "deepseek/nn/ordered_dict.h"

namespace deepseek::nn {

// Parameters and persistent buffers by dotted name ("encoder.layers.0.linear1.weight").
using StateDict = OrderedDict<Tensor>;

// What load_state_dict(strict=false) found; strict loads throw instead.
struct LoadStateDictResult {
  std::vector<std::string> missing_keys;
  std::vector<std::string> unexpected_keys;
};

class Module;
template <typename M>
concept ModuleType = std::is_base_of_v<Module, std::remove_cvref_t<M>>;
// A module passed by value (an rvalue): register_module and the containers move it into a
// new shared_ptr.
template <typename M>
concept ModuleValue = ModuleType<M> && !std::is_lvalue_reference_v<M>;

class Module : public std::enable_shared_from_this<Module> {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;

  // ---- registration ----
  // A parameter is a leaf tensor that requires grad (unless requires_grad is false). An
  // undefined tensor registers the name as None (PyTorch's `register_parameter("bias",
  // None)`): it is skipped by traversal and state_dict. Re-registering a name replaces it.
  // Returns the registered tensor. Names may not be empty, contain '.' or clash with a
  // member of another kind (ValueError).
  Tensor register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);
  // State that is not trained (running statistics). Non-persistent buffers are left out of
  // state_dict.
  Tensor register_buffer(const std::string& name, Tensor tensor, bool persistent = true);
  // Adds a child module and returns it with its own type.
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }
  // The same for a module given by value (moved into a new shared_ptr).
  template <ModuleValue M>
  std::shared_ptr<M> register_module(const std::string& name, M&& module) {
    return register_module(name, std::make_shared<M>(std::move(module)));
  }

  // ---- traversal (PyTorch's order: own members first, then children depth-first) ----
  // Each tensor appears once even if registered under several names.
  StateDict named_parameters(bool recurse = true) const;
  TensorList parameters(bool recurse = true) const;
  StateDict named_buffers(bool recurse = true) const;
  TensorList buffers(bool recurse = true) const;
  OrderedDict<std::shared_ptr<Module>> named_children() const;
  std::vector<std::shared_ptr<Module>> children() const;
  // This module (under "") and every descendant, each once. A module not owned by a
  // shared_ptr appears as a non-owning pointer to itself.
  OrderedDict<std::shared_ptr<Module>> named_modules() const;
  std::vector<std::shared_ptr<Module>> modules() const;
  // Dotted-path lookups; each throws IndexError naming the missing part.
  std::shared_ptr<Module> get_submodule(const std::string& target) const;
  Tensor get_parameter(const std::string& target) const;
  Tensor get_buffer(const std::string& target) const;

  // ---- state ----
  // Detached aliases of every parameter and persistent buffer (they share memory with the
  // module). Shared tensors appear under every name, as in PyTorch.
  StateDict state_dict() const;
  // Copies values in (converting dtype and device to each target tensor). Shape mismatches
  // always throw; with strict, missing and unexpected keys throw too. The RuntimeError
  // lists every problem at once, in PyTorch's words: "Error(s) in loading state_dict for
  // Linear:\n\tMissing key(s) in state_dict: "bias". ...".
  LoadStateDictResult load_state_dict(const StateDict& state_dict, bool strict = true);

  // ---- modes, gradients, conversion ----
  // Sets training mode on this module and every descendant (Dropout, BatchNorm read it).
  virtual void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  // Moves/converts every parameter, gradient and buffer in place: each tensor keeps its
  // identity (the same TensorImpl takes the converted data, like PyTorch's
  // `param.data = param.to(...)`), so optimizers and tensors held by layers stay valid. The
  // dtype applies to floating tensors only (num_batches_tracked stays int64); a
  // non-floating target dtype is a TypeError. Optimizer state created before the move is
  // not converted.
  void to(Device device);
  void to(DType dtype);
  void to(Device device, DType dtype);
  // Sets each parameter's grad to undefined (set_to_none) or to zeros.
  void zero_grad(bool set_to_none = true);
  // Calls fn on every descendant (children first) and then on this module.
  Module& apply(const std::function<void(Module&)>& fn);

  // ---- printing ----
  // The class name: "Linear", "Net" (the dynamic type without namespaces, unless overridden).
  virtual std::string name() const;
  // The module's own settings for repr ("in_features=2, out_features=3, bias=True").
  virtual std::string extra_repr() const { return ""; }
  // PyTorch's module repr, children indented.
  std::string repr() const;

 protected:
  // Adds, or replaces, a child under `name` (ModuleList and friends use it directly).
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void remove_child(const std::string& name) { children_.erase(name); }

 private:
  void check_member_name(const std::string& kind, const std::string& name) const;
  void collect_modules(const std::string& prefix, std::set<const Module*>& seen,
                       OrderedDict<std::shared_ptr<Module>>& out) const;
  StateDict collect_tensors(bool recurse, bool buffers) const;
  void save_into(StateDict& out, const std::string& prefix) const;
  void load_from(const StateDict& dict, const std::string& prefix, LoadStateDictResult& result,
                 std::vector<std::string>& errors) const;
  void convert(const std::optional<Device>& device, const std::optional<DType>& dtype);
  std::shared_ptr<Module> self_pointer() const;

  OrderedDict<Tensor> parameters_;
  OrderedDict<Tensor> buffers_;
  std::set<std::string> non_persistent_buffers_;
  OrderedDict<std::shared_ptr<Module>> children_;
  bool training_ = true;
};

// A module whose forward maps one tensor to one tensor: what Sequential chains.
class UnaryModule : public Module {
 public:
  virtual Tensor forward(const Tensor& input) = 0;
  Tensor operator()(const Tensor& input) { return forward(input); }
};

std::ostream& operator<<(std::ostream& os, const Module& module);

}  // namespace deepseek::nn
