#include "deepseek/nn/module_list.h"

namespace deepseek::nn {

ModuleList::ModuleList(std::vector<std::shared_ptr<Module>> modules) { extend(modules); }

void ModuleList::push_back(std::shared_ptr<Module> module) {
  DS_CHECK(module != nullptr, TypeError, "ModuleList: cannot append a null module");
  add_child(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

void ModuleList::extend(const std::vector<std::shared_ptr<Module>>& modules) {
  for (const auto& m : modules) push_back(m);
}

std::shared_ptr<Module> ModuleList::operator[](int64_t index) const {
  int64_t n = static_cast<int64_t>(modules_.size());
  DS_CHECK(index >= -n && index < n, IndexError, "index {} is out of range", index);
  return modules_[static_cast<size_t>(index < 0 ? index + n : index)];
}

}  // namespace deepseek::nn
