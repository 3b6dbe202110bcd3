// How an op records its backward node (step 4 of the op pattern, DESIGN.md):
//
//   if (autograd::needs_grad({a, b})) {
//     autograd::record("MulBackward0", {a, b}, {out}, {save(a), save(b)},
//                      [](const autograd::BackwardArgs& g) -> TensorList {
//                        return {g.grad() * g.saved[1], g.grad() * g.saved[0]};
//                      });
//   }
//
// The formula is written in differentiable ops, so it runs on any backend and can itself be
// differentiated (create_graph=True).
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/node.h"
#include "deepseek/autograd/saved_variable.h"
#include "deepseek/core/tensor.h"

namespace deepseek::autograd {

struct BackwardArgs {
  const TensorList& grads;  // one per forward output; zeros where nothing flowed (by default)
  const TensorList& saved;  // unpacked, version-checked
  const std::vector<bool>& needs_input_grad;
  const Tensor& grad(size_t i = 0) const { return grads[i]; }
  bool needs(size_t input) const { return needs_input_grad[input]; }
};
using BackwardFn = std::function<TensorList(const BackwardArgs&)>;

struct ToSave {
  Tensor tensor;
  bool is_output = false;
};
inline ToSave save(const Tensor& t) { return {t, false}; }
inline ToSave save_output(const Tensor& t) { return {t, true}; }

// True if grad mode is on and any defined tensor requires grad.
bool needs_grad(std::initializer_list<Tensor> inputs);
bool needs_grad(const TensorList& inputs);

// The node type every op records: a name, saved tensors and a formula.
class FunctionNode final : public Node {
 public:
  FunctionNode(std::string name, BackwardFn fn, std::vector<bool> needs_input_grad);
  TensorList apply(TensorList&& grads) override;
  std::string name() const override { return name_; }
  void release_saved() override;
  // Off: gradients of outputs nothing flowed into reach the formula undefined instead of as
  // zeros (custom functions' ctx.set_materialize_grads(False)).
  void set_materialize_grads(bool on) { materialize_grads_ = on; }
  std::vector<SavedVariable> saved_;

 private:
  std::string name_;
  BackwardFn fn_;
  std::vector<bool> needs_input_grad_;
  bool released_ = false;
  bool materialize_grads_ = true;
};

// Links `outputs` to a new FunctionNode whose edges lead to `inputs`. Undefined inputs and
// inputs that do not require grad get no edge (and a false needs_input_grad). Only floating
// outputs become differentiable. Returns the node (for tests and custom functions).
std::shared_ptr<FunctionNode> record(std::string name, const TensorList& inputs,
                                     const TensorList& outputs, std::vector<ToSave> saved,
                                     BackwardFn fn);

// Records an in-place op on `self` (already overwritten): inputs[0] must be self. When self
// is a view, the gradient is routed through its base (PyTorch's CopySlices), so the base's
// later uses see the write.
void record_inplace(std::string name, const Tensor& self, const TensorList& inputs,
                    std::vector<ToSave> saved, BackwardFn fn);

// In-place ops call this before writing into `self`: a leaf that requires grad (or a view of
// one) must not be overwritten while grad mode is on.
void check_inplace(const Tensor& self, const char* op);

}  // namespace deepseek::autograd
