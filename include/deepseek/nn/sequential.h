// nn::Sequential (torch.nn.Sequential): children "0", "1", ... applied in order. Layers may
// be given by value or as shared_ptrs:
//
//   auto model = std::make_shared<nn::Sequential>(
//       nn::Linear(784, 128),
//       nn::ReLU(),
//       nn::Linear(128, 10));
//
// Every child must be a UnaryModule (one tensor in, one out); anything else is a TypeError
// when it is added.
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <utility>

#include "deepseek/nn/module.h"

namespace deepseek::nn {

class Sequential : public UnaryModule {
 public:
  Sequential() = default;
  template <typename... Ms>
    requires(sizeof...(Ms) > 0 &&
             ((ModuleType<Ms> || std::convertible_to<Ms, std::shared_ptr<Module>>) && ...) &&
             !(sizeof...(Ms) == 1 && (std::is_same_v<std::remove_cvref_t<Ms>, Sequential> && ...)))
  explicit Sequential(Ms&&... modules) {
    (push_back(std::forward<Ms>(modules)), ...);
  }
  // Named children instead of "0", "1", ...: Sequential({{"fc", fc}, {"act", act}}).
  explicit Sequential(const OrderedDict<std::shared_ptr<Module>>& named);

  // Appends under the next index.
  void push_back(std::shared_ptr<Module> module);
  template <ModuleType M>
    requires(!std::is_lvalue_reference_v<M>)
  void push_back(M&& module) {
    push_back(std::shared_ptr<Module>(std::make_shared<M>(std::move(module))));
  }

  Tensor forward(const Tensor& input) override;

  size_t size() const { return layers_.size(); }
  bool empty() const { return layers_.empty(); }
  // Negative indices count from the end; out of range is an IndexError.
  std::shared_ptr<Module> operator[](int64_t index) const;
  // The child with its own type; TypeError if it has another.
  template <typename M>
  std::shared_ptr<M> at(int64_t index) const {
    std::shared_ptr<M> typed = std::dynamic_pointer_cast<M>((*this)[index]);
    DS_CHECK(typed != nullptr, TypeError, "Sequential: module {} is a {}", index,
             (*this)[index]->name());
    return typed;
  }
  auto begin() const { return layers_.begin(); }
  auto end() const { return layers_.end(); }

 private:
  void append(const std::string& name, std::shared_ptr<Module> module);

  std::vector<std::shared_ptr<UnaryModule>> layers_;
};

}  // namespace deepseek::nn
