// A tensor saved for backward. Remembers the version it was saved at, so a later in-place
// write is caught with PyTorch's error instead of giving wrong gradients. An op's own output
// is stored without its grad_fn (that would be a reference cycle) and re-linked on unpack.
#pragma once

#include <memory>
#include <string>

#include "deepseek/autograd/node.h"
#include "deepseek/core/tensor.h"

namespace deepseek::autograd {

class SavedVariable {
 public:
  SavedVariable() = default;
  SavedVariable(const Tensor& t, bool is_output);

  // `owner` is the node this was saved for (it re-links saved outputs, and names itself in
  // errors).
  Tensor unpack(const std::shared_ptr<Node>& owner) const;
  void reset() {
    data_ = Tensor();
    released_ = true;
  }
  bool released() const { return released_; }

 private:
  Tensor data_;
  uint32_t saved_version_ = 0;
  uint32_t output_nr_ = 0;
  bool defined_ = false;
  bool is_output_ = false;
  bool requires_grad_ = false;
  bool released_ = false;
};

}  // namespace deepseek::autograd
