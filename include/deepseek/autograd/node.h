// The backward graph: Nodes connected by Edges. A node turns the gradients of its forward
// outputs into gradients of its forward inputs; edges point from a node to the nodes that
// produced its inputs (or to the AccumulateGrad node of a leaf).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek::autograd {

class Node;

struct Edge {
  std::shared_ptr<Node> fn;
  uint32_t input_nr = 0;  // which forward output of `fn` this edge carries the grad of
  bool valid() const { return fn != nullptr; }
};

// What the engine needs to know of each forward output: to make zero gradients for outputs
// nothing flowed into, and to check the shapes of gradients flowing in.
struct OutputMeta {
  Shape shape;
  DType dtype = DType::Float32;
  Device device;
};

class Node : public std::enable_shared_from_this<Node> {
 public:
  Node();
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // grads[i]: gradient of forward output i (undefined if none flowed). Returns one gradient
  // per next edge (undefined = none).
  virtual TensorList apply(TensorList&& grads) = 0;
  virtual std::string name() const = 0;
  // Frees saved tensors after a backward pass that did not ask to retain the graph.
  virtual void release_saved() {}

  const std::vector<Edge>& next_edges() const { return next_edges_; }
  const std::vector<OutputMeta>& output_meta() const { return output_meta_; }
  uint64_t sequence_nr() const { return sequence_nr_; }

  // Hooks on the gradient of one forward output, run before apply (tensor hooks of
  // non-leaf tensors). Returning a defined tensor replaces the gradient.
  using PreHook = std::function<Tensor(const Tensor&)>;
  int64_t add_pre_hook(uint32_t output_nr, PreHook hook);
  void remove_pre_hook(int64_t id);
  // retain_grad(): stores the gradient of output `output_nr` into `tensor`.grad. It runs among
  // the pre-hooks in registration order (PyTorch 1.13): hooks added before it change what
  // it stores, hooks added after do not.
  void set_retain_grad(uint32_t output_nr, std::weak_ptr<TensorImpl> tensor);
  // Runs pre-hooks and retain-grad writers on grads (engine use).
  void run_pre_hooks(TensorList& grads);

  std::vector<Edge> next_edges_;
  std::vector<OutputMeta> output_meta_;

 protected:
  uint64_t sequence_nr_;

 private:
  struct PreHookEntry {
    int64_t id;
    uint32_t output_nr;
    PreHook fn;                         // a user hook, or
    std::weak_ptr<TensorImpl> retains;  // the tensor retain_grad() writes to
  };
  std::vector<PreHookEntry> pre_hooks_;
};

// A leaf's sink: adds incoming gradients into leaf.grad.
class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(Tensor variable);
  TensorList apply(TensorList&& grads) override;
  std::string name() const override { return "AccumulateGrad"; }
  const Tensor& variable() const { return variable_; }

 private:
  Tensor variable_;
};

}  // namespace deepseek::autograd
