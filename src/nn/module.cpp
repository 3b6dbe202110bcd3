#include "deepseek/nn/module.h"

#include <cxxabi.h>

#include <cstdlib>
#include <sstream>
#include <typeinfo>

#include "deepseek/autograd/engine.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/ops/copy.h"

namespace deepseek::nn {

namespace {

// "Linear" from "deepseek::nn::Linear": the name PyTorch prints is the bare class name.
std::string demangled_class_name(const std::type_info& type) {
  int status = 0;
  char* raw = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string full = status == 0 && raw ? raw : type.name();
  std::free(raw);
  size_t template_start = full.find('<');
  size_t last_scope = full.rfind("::", template_start);
  return last_scope == std::string::npos ? full : full.substr(last_scope + 2);
}

// Indents every line but the first (how PyTorch nests child reprs).
std::string indent_tail(const std::string& text, int spaces) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(static_cast<size_t>(spaces), ' ');
  }
  return out;
}

DType checked_float_dtype(DType dtype) {
  DS_CHECK(is_floating(dtype), TypeError,
           "nn.Module.to only accepts floating point or complex dtypes, but got desired "
           "dtype={}",
           dtype_name(dtype));
  return dtype;
}

std::string quoted_list(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& key : keys) {
    if (!out.empty()) out += ", ";
    out += '"' + key + '"';
  }
  return out;
}

}  // namespace

// ---- registration ----

void Module::check_member_name(const std::string& kind, const std::string& name) const {
  DS_CHECK(!name.empty(), ValueError, "{} name can't be empty string \"\"", kind);
  DS_CHECK(name.find('.') == std::string::npos, ValueError, "{} name can't contain \".\", got: {}",
           kind, name);
  bool taken = (kind != "parameter" && parameters_.contains(name)) ||
               (kind != "buffer" && buffers_.contains(name)) ||
               (kind != "module" && children_.contains(name));
  DS_CHECK(!taken, ValueError, "attribute '{}' already exists", name);
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor, bool requires_grad) {
  check_member_name("parameter", name);
  if (tensor.defined()) {
    DS_CHECK(tensor.is_leaf(), ValueError,
             "Cannot assign non-leaf Tensor to parameter '{}'. Model parameters must be created "
             "explicitly. To express '{}' as a function of another Tensor, compute the value in "
             "the forward() method.",
             name, name);
    tensor.requires_grad_(requires_grad);
  }
  parameters_.insert_or_assign(name, tensor);
  return tensor;
}

Tensor Module::register_buffer(const std::string& name, Tensor tensor, bool persistent) {
  check_member_name("buffer", name);
  buffers_.insert_or_assign(name, tensor);
  if (persistent) {
    non_persistent_buffers_.erase(name);
  } else {
    non_persistent_buffers_.insert(name);
  }
  return tensor;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_member_name("module", name);
  DS_CHECK(module.get() != this, ValueError, "module '{}' cannot be its own child", name);
  children_.insert_or_assign(name, std::move(module));
}

// ---- traversal ----

std::shared_ptr<Module> Module::self_pointer() const {
  std::shared_ptr<const Module> owned = weak_from_this().lock();
  Module* self = const_cast<Module*>(this);
  if (owned) return std::const_pointer_cast<Module>(owned);
  return std::shared_ptr<Module>(std::shared_ptr<Module>(), self);  // non-owning
}

void Module::collect_modules(const std::string& prefix, std::set<const Module*>& seen,
                             OrderedDict<std::shared_ptr<Module>>& out) const {
  if (!seen.insert(this).second) return;
  out.insert(prefix, self_pointer());
  for (const auto& [name, child] : children_) {
    if (child) child->collect_modules(prefix.empty() ? name : prefix + "." + name, seen, out);
  }
}

OrderedDict<std::shared_ptr<Module>> Module::named_modules() const {
  OrderedDict<std::shared_ptr<Module>> out;
  std::set<const Module*> seen;
  collect_modules("", seen, out);
  return out;
}

std::vector<std::shared_ptr<Module>> Module::modules() const { return named_modules().values(); }

OrderedDict<std::shared_ptr<Module>> Module::named_children() const {
  OrderedDict<std::shared_ptr<Module>> out;
  std::set<const Module*> seen;
  for (const auto& [name, child] : children_) {
    if (child && seen.insert(child.get()).second) out.insert(name, child);
  }
  return out;
}

std::vector<std::shared_ptr<Module>> Module::children() const { return named_children().values(); }

StateDict Module::collect_tensors(bool recurse, bool buffers) const {
  StateDict out;
  std::set<const TensorImpl*> seen;
  auto add_from = [&](const std::string& prefix, const Module& m) {
    for (const auto& [name, t] : buffers ? m.buffers_ : m.parameters_) {
      if (!t.defined() || !seen.insert(t.impl()).second) continue;
      out.insert(prefix.empty() ? name : prefix + "." + name, t);
    }
  };
  if (!recurse) {
    add_from("", *this);
    return out;
  }
  for (const auto& [prefix, m] : named_modules()) add_from(prefix, *m);
  return out;
}

StateDict Module::named_parameters(bool recurse) const { return collect_tensors(recurse, false); }
TensorList Module::parameters(bool recurse) const { return named_parameters(recurse).values(); }
StateDict Module::named_buffers(bool recurse) const { return collect_tensors(recurse, true); }
TensorList Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }

std::shared_ptr<Module> Module::get_submodule(const std::string& target) const {
  std::shared_ptr<Module> module = self_pointer();
  if (target.empty()) return module;
  std::string path;
  std::stringstream parts(target);
  for (std::string item; std::getline(parts, item, '.');) {
    const std::shared_ptr<Module>* child = module->children_.find(item);
    DS_CHECK(child != nullptr && *child, IndexError, "{} has no attribute `{}`", module->name(),
             item);
    module = *child;
  }
  return module;
}

Tensor Module::get_parameter(const std::string& target) const {
  size_t dot = target.rfind('.');
  std::shared_ptr<Module> owner =
      get_submodule(dot == std::string::npos ? "" : target.substr(0, dot));
  std::string name = dot == std::string::npos ? target : target.substr(dot + 1);
  const Tensor* t = owner->parameters_.find(name);
  DS_CHECK(t != nullptr && t->defined(), IndexError, "{} has no parameter `{}`", owner->name(),
           name);
  return *t;
}

Tensor Module::get_buffer(const std::string& target) const {
  size_t dot = target.rfind('.');
  std::shared_ptr<Module> owner =
      get_submodule(dot == std::string::npos ? "" : target.substr(0, dot));
  std::string name = dot == std::string::npos ? target : target.substr(dot + 1);
  const Tensor* t = owner->buffers_.find(name);
  DS_CHECK(t != nullptr && t->defined(), IndexError, "{} has no buffer `{}`", owner->name(), name);
  return *t;
}

// ---- state ----

void Module::save_into(StateDict& out, const std::string& prefix) const {
  for (const auto& [name, t] : parameters_) {
    if (t.defined()) out.insert_or_assign(prefix + name, t.detach());
  }
  for (const auto& [name, t] : buffers_) {
    if (t.defined() && !non_persistent_buffers_.contains(name)) {
      out.insert_or_assign(prefix + name, t.detach());
    }
  }
  for (const auto& [name, child] : children_) {
    if (child) child->save_into(out, prefix + name + ".");
  }
}

StateDict Module::state_dict() const {
  StateDict out;
  save_into(out, "");
  return out;
}

void Module::load_from(const StateDict& dict, const std::string& prefix,
                       LoadStateDictResult& result, std::vector<std::string>& errors) const {
  OrderedDict<Tensor> local;
  for (const auto& [name, t] : parameters_) {
    if (t.defined()) local.insert(name, t);
  }
  for (const auto& [name, t] : buffers_) {
    if (t.defined() && !non_persistent_buffers_.contains(name)) local.insert(name, t);
  }
  for (const auto& [name, target] : local) {
    std::string key = prefix + name;
    const Tensor* found = dict.find(key);
    if (found == nullptr) {
      result.missing_keys.push_back(key);
      continue;
    }
    Tensor source = *found;
    DS_CHECK(source.defined(), ValueError, "load_state_dict: the entry \"{}\" is undefined", key);
    // Checkpoints from before 0-dim tensors existed store scalars as shape [1].
    if (target.dim() == 0 && source.dim() == 1 && source.numel() == 1) source = source.select(0, 0);
    if (source.sizes() != target.sizes()) {
      errors.push_back(fmt::format(
          "size mismatch for {}: copying a param with shape {} from checkpoint, the shape in "
          "current model is {}.",
          key, shape_str(source.sizes()), shape_str(target.sizes())));
      continue;
    }
    try {
      autograd::NoGradGuard no_grad;
      target.copy_(source);
    } catch (const Error& e) {
      errors.push_back(fmt::format(
          "While copying the parameter named \"{}\", whose dimensions in the model are {} and "
          "whose dimensions in the checkpoint are {}, an exception occurred : {}.",
          key, shape_str(target.sizes()), shape_str(source.sizes()), e.what()));
    }
  }
  for (const auto& [key, value] : dict) {
    if (key.size() <= prefix.size() || key.compare(0, prefix.size(), prefix) != 0) continue;
    std::string head = key.substr(prefix.size(), key.find('.', prefix.size()) - prefix.size());
    const std::shared_ptr<Module>* child = children_.find(head);
    bool is_child = child != nullptr && *child;
    if (!is_child && !local.contains(head)) result.unexpected_keys.push_back(key);
  }
  for (const auto& [name, child] : children_) {
    if (child) child->load_from(dict, prefix + name + ".", result, errors);
  }
}

LoadStateDictResult Module::load_state_dict(const StateDict& state_dict, bool strict) {
  LoadStateDictResult result;
  std::vector<std::string> errors;
  load_from(state_dict, "", result, errors);
  if (strict) {
    if (!result.unexpected_keys.empty()) {
      errors.insert(errors.begin(), fmt::format("Unexpected key(s) in state_dict: {}. ",
                                                quoted_list(result.unexpected_keys)));
    }
    if (!result.missing_keys.empty()) {
      errors.insert(errors.begin(), fmt::format("Missing key(s) in state_dict: {}. ",
                                                quoted_list(result.missing_keys)));
    }
  }
  DS_CHECK(errors.empty(), RuntimeError, "Error(s) in loading state_dict for {}:\n\t{}", name(),
           fmt::join(errors, "\n\t"));
  return result;
}

// ---- modes, gradients, conversion ----

void Module::train(bool on) {
  training_ = on;
  for (const auto& child : children()) child->train(on);
}

void Module::convert(const std::optional<Device>& device, const std::optional<DType>& dtype) {
  autograd::NoGradGuard no_grad;
  auto converted = [&](const Tensor& t) {
    DType target = dtype && t.is_floating_point() ? *dtype : t.dtype();
    return deepseek::to(t, device.value_or(t.device()), target);
  };
  for (const auto& m : modules()) {
    for (const auto& [name, p] : m->parameters_) {
      if (!p.defined()) continue;
      Tensor grad = p.grad();
      p.set_data(converted(p));
      if (grad.defined()) p.set_grad(converted(grad));
    }
    for (const auto& [name, b] : m->buffers_) {
      if (b.defined()) b.set_data(converted(b));
    }
  }
}

void Module::to(Device device) { convert(device, std::nullopt); }

void Module::to(DType dtype) { convert(std::nullopt, checked_float_dtype(dtype)); }

void Module::to(Device device, DType dtype) { convert(device, checked_float_dtype(dtype)); }

void Module::zero_grad(bool set_to_none) { autograd::zero_grad(parameters(), set_to_none); }

Module& Module::apply(const std::function<void(Module&)>& fn) {
  for (const auto& child : children()) child->apply(fn);
  fn(*this);
  return *this;
}

// ---- printing ----

std::string Module::name() const { return demangled_class_name(typeid(*this)); }

std::string Module::repr() const {
  std::vector<std::string> lines;
  std::string extra = extra_repr();
  size_t extra_lines = 0;
  if (!extra.empty()) {
    std::stringstream stream(extra);
    for (std::string line; std::getline(stream, line);) lines.push_back(line), ++extra_lines;
  }
  bool has_children = false;
  for (const auto& [name, child] : children_) {
    lines.push_back("(" + name + "): " + (child ? indent_tail(child->repr(), 2) : "None"));
    has_children = true;
  }
  std::string text = name() + "(";
  if (!lines.empty()) {
    if (extra_lines == 1 && !has_children) {
      text += lines[0];
    } else {
      text += "\n  " + fmt::format("{}", fmt::join(lines, "\n  ")) + "\n";
    }
  }
  return text + ")";
}

std::ostream& operator<<(std::ostream& os, const Module& module) { return os << module.repr(); }

}  // namespace deepseek::nn
