// nn::ModuleList (torch.nn.ModuleList): children "0", "1", ... held in a list, for layers
// that forward() loops over itself. Any module may be held; add them with push_back.
#pragma once

#include <memory>
#include <vector>

#include "deepseek/nn/module.h"

namespace deepseek::nn {

class ModuleList : public Module {
 public:
  ModuleList() = default;
  explicit ModuleList(std::vector<std::shared_ptr<Module>> modules);

  void push_back(std::shared_ptr<Module> module);
  template <ModuleValue M>
  void push_back(M&& module) {
    push_back(std::shared_ptr<Module>(std::make_shared<M>(std::move(module))));
  }
  void extend(const std::vector<std::shared_ptr<Module>>& modules);

  size_t size() const { return modules_.size(); }
  bool empty() const { return modules_.empty(); }
  // Negative indices count from the end; out of range is an IndexError.
  std::shared_ptr<Module> operator[](int64_t index) const;
  // The module with its own type; TypeError if it has another.
  template <typename M>
  std::shared_ptr<M> at(int64_t index) const {
    std::shared_ptr<M> typed = std::dynamic_pointer_cast<M>((*this)[index]);
    DS_CHECK(typed != nullptr, TypeError, "ModuleList: module {} is a {}", index,
             (*this)[index]->name());
    return typed;
  }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};

}  // namespace deepseek::nn
