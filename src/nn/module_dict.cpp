#include "deepseek/nn/module_dict.h"

namespace deepseek::nn {

ModuleDict::ModuleDict(const OrderedDict<std::shared_ptr<Module>>& modules) {
  for (const auto& [key, module] : modules) insert(key, module);
}

void ModuleDict::insert(const std::string& key, std::shared_ptr<Module> module) {
  DS_CHECK(module != nullptr, TypeError, "ModuleDict: module '{}' is null", key);
  add_child(key, module);
  modules_.insert_or_assign(key, std::move(module));
}

std::shared_ptr<Module> ModuleDict::pop(const std::string& key) {
  std::shared_ptr<Module> module = modules_.at(key);
  modules_.erase(key);
  remove_child(key);
  return module;
}

}  // namespace deepseek::nn
