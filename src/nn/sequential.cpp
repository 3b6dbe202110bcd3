#include "deepseek/nn/sequential.h"

namespace deepseek::nn {

Sequential::Sequential(const OrderedDict<std::shared_ptr<Module>>& named) {
  for (const auto& [name, module] : named) append(name, module);
}

void Sequential::push_back(std::shared_ptr<Module> module) {
  append(std::to_string(layers_.size()), std::move(module));
}

void Sequential::append(const std::string& name, std::shared_ptr<Module> module) {
  DS_CHECK(module != nullptr, TypeError, "Sequential: module '{}' is null", name);
  auto unary = std::dynamic_pointer_cast<UnaryModule>(module);
  DS_CHECK(unary != nullptr, TypeError,
           "Sequential: module '{}' ({}) does not map one tensor to one tensor; only "
           "UnaryModule subclasses can be chained",
           name, module->name());
  add_child(name, module);
  layers_.push_back(std::move(unary));
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& layer : layers_) x = layer->forward(x);
  return x;
}

std::shared_ptr<Module> Sequential::operator[](int64_t index) const {
  int64_t n = static_cast<int64_t>(layers_.size());
  DS_CHECK(index >= -n && index < n, IndexError, "index {} is out of range", index);
  return layers_[static_cast<size_t>(index < 0 ? index + n : index)];
}

}  // namespace deepseek::nn
