// nn::ModuleDict (torch.nn.ModuleDict): children by name, in insertion order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "deepseek/nn/module.h"

namespace deepseek::nn {

class ModuleDict : public Module {
 public:
  ModuleDict() = default;
  explicit ModuleDict(const OrderedDict<std::shared_ptr<Module>>& modules);

  // Adds `module` under `key`, replacing (in place) any module already there.
  void insert(const std::string& key, std::shared_ptr<Module> module);
  template <ModuleValue M>
  void insert(const std::string& key, M&& module) {
    insert(key, std::shared_ptr<Module>(std::make_shared<M>(std::move(module))));
  }
  // Removes and returns the module under key (IndexError if absent).
  std::shared_ptr<Module> pop(const std::string& key);

  bool contains(const std::string& key) const { return modules_.contains(key); }
  size_t size() const { return modules_.size(); }
  bool empty() const { return modules_.empty(); }
  std::vector<std::string> keys() const { return modules_.keys(); }
  const OrderedDict<std::shared_ptr<Module>>& items() const { return modules_; }
  // IndexError (Python's KeyError) if absent.
  std::shared_ptr<Module> operator[](const std::string& key) const { return modules_.at(key); }
  template <typename M>
  std::shared_ptr<M> at(const std::string& key) const {
    std::shared_ptr<M> typed = std::dynamic_pointer_cast<M>((*this)[key]);
    DS_CHECK(typed != nullptr, TypeError, "ModuleDict: module '{}' is a {}", key,
             (*this)[key]->name());
    return typed;
  }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

 private:
  OrderedDict<std::shared_ptr<Module>> modules_;
};

}  // namespace deepseek::nn
