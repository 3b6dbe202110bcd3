// nn::Sequential (torch.nn.Sequential): children "0", "1", ... applied in order. Layers may
// be given by value or as shared_ptrs:
//
//   auto model = std::make_shared<nn::Sequential>(
//       nn::Linear(784, 128),
//       nn::ReLU(),
//       nn::Linear(128, 10));
//
// Every child must be a UnaryModule (one tensor in, one out); anything else is a TypeError
// when it is added. Add layers with push_back (register_module would name a child without
// putting it in the chain). A lone Sequential argument is the move constructor; nest a
// Sequential among other layers or as a shared_ptr.
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <utility>

#include "deepseek/nn/module.h"

namespace deepseek::nn {

// What Sequential's constructor takes as a layer: a module by value (moved in) or a
// shared_ptr to one.
template <typename M>
concept SequentialItem = ModuleValue<M> || std::convertible_to<M, std::shared_ptr<Module>>;

class Sequential : public UnaryModule {
 public:
  Sequential() = default;
  template <SequentialItem First, SequentialItem... Rest>
  explicit Sequential(First&& first, Rest&&... rest) {
    push_back(std::forward<First>(first));
    (push_back(std::forward<Rest>(rest)), ...);
  }
  // Named children instead of "0", "1", ...: Sequential({{"fc", fc}, {"act", act}}).
  explicit Sequential(const OrderedDict<std::shared_ptr<Module>>& named);

  // Appends under the next index.
  void push_back(std::shared_ptr<Module> module);
  template <ModuleValue M>
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
