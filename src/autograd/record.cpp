#include "deepseek/autograd/record.h"

#include "deepseek/autograd/autograd_meta.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"

namespace deepseek::autograd {

bool needs_grad(std::initializer_list<Tensor> inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& t : inputs) {
    if (t.defined() && t.requires_grad()) return true;
  }
  return false;
}

bool needs_grad(const TensorList& inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& t : inputs) {
    if (t.defined() && t.requires_grad()) return true;
  }
  return false;
}

FunctionNode::FunctionNode(std::string name, BackwardFn fn, std::vector<bool> needs_input_grad)
    : name_(std::move(name)), fn_(std::move(fn)), needs_input_grad_(std::move(needs_input_grad)) {}

TensorList FunctionNode::apply(TensorList&& grads) {
  DS_CHECK(!released_ || saved_.empty(), RuntimeError,
           "Trying to backward through the graph a second time (or directly access saved "
           "tensors after they have already been freed). Saved intermediate values of the "
           "graph are freed when you call .backward() or autograd.grad(). Specify "
           "retain_graph=True if you need to backward through the graph a second time or if "
           "you need to access saved tensors after calling backward. (node: {})",
           name_);
  // Formulas may assume every output gradient exists.
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined()) {
      const OutputMeta& m = output_meta_[i];
      grads[i] = zeros(m.shape, TensorOptions(m.dtype).set_device(m.device));
    }
  }
  TensorList saved;
  saved.reserve(saved_.size());
  auto self = shared_from_this();
  for (const SavedVariable& sv : saved_) saved.push_back(sv.unpack(self));
  BackwardArgs args{grads, saved, needs_input_grad_};
  TensorList out = fn_(args);
  DS_CHECK(out.size() == next_edges_.size(), RuntimeError,
           "{}: backward formula returned {} gradients, expected {}", name_, out.size(),
           next_edges_.size());
  return out;
}

void FunctionNode::release_saved() {
  released_ = true;
  for (SavedVariable& sv : saved_) sv.reset();
}

std::shared_ptr<FunctionNode> record(std::string name, const TensorList& inputs,
                                     const TensorList& outputs, std::vector<ToSave> saved,
                                     BackwardFn fn) {
  std::vector<bool> needs(inputs.size());
  std::vector<Edge> edges(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].defined() && inputs[i].requires_grad()) {
      edges[i] = gradient_edge(inputs[i]);
      needs[i] = true;
    }
  }
  auto node = std::make_shared<FunctionNode>(std::move(name), std::move(fn), std::move(needs));
  node->next_edges_ = std::move(edges);
  // Link outputs before saving them, so a saved output knows its output_nr.
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    node->output_meta_.push_back({out.sizes(), out.dtype(), out.device()});
    if (!is_floating(out.dtype())) continue;
    AutogradMeta& m = ensure_meta(out);
    m.grad_fn = node;
    m.output_nr = static_cast<uint32_t>(i);
    m.requires_grad = false;  // implied by grad_fn
  }
  node->saved_.reserve(saved.size());
  for (ToSave& s : saved) node->saved_.emplace_back(s.tensor, s.is_output);
  return node;
}

namespace {

struct Geometry {
  Shape sizes;
  Strides strides;
  int64_t offset;
};

// A zero tensor laid out like `base_geom` in a private buffer, and the view `view_geom` of
// it; both in storage coordinates, so any base layout works.
std::pair<Tensor, Tensor> zeros_with_view(const Geometry& base_geom, const Geometry& view_geom,
                                          int64_t storage_numel, DType dtype, Device device) {
  Tensor buffer = zeros({storage_numel}, TensorOptions(dtype).set_device(device));
  return {make_view(buffer, base_geom.sizes, base_geom.strides, base_geom.offset),
          make_view(buffer, view_geom.sizes, view_geom.strides, view_geom.offset)};
}

// The base's new grad_fn after an in-place op wrote through a view of it: the gradient of
// the viewed region goes through the op's node, the rest passes straight to the old base.
class CopySlices final : public Node {
 public:
  CopySlices(Geometry base, Geometry view, int64_t storage_numel, std::shared_ptr<Node> fn)
      : base_(std::move(base)), view_(std::move(view)), storage_numel_(storage_numel),
        fn_(std::move(fn)) {}
  std::string name() const override { return "CopySlices"; }
  void release_saved() override { fn_->release_saved(); }
  TensorList apply(TensorList&& grads) override {
    const Tensor& g = grads[0];
    auto [result, slice] = zeros_with_view(base_, view_, storage_numel_, g.dtype(), g.device());
    backend_for(g.device()).copy(g, result);
    TensorList res = fn_->apply({slice.clone()});
    if (res[0].defined()) {
      backend_for(g.device()).copy(broadcast_view(res[0], slice.sizes()), slice);
    } else {
      backend_for(g.device()).fill(slice, 0);
    }
    res[0] = result.contiguous();
    return res;
  }

 private:
  Geometry base_, view_;
  int64_t storage_numel_;
  std::shared_ptr<Node> fn_;
};

// The grad_fn a view gets after an in-place write: it is now a window on the new base.
class ViewOfBase final : public Node {
 public:
  ViewOfBase(Geometry base, Geometry view, int64_t storage_numel)
      : base_(std::move(base)), view_(std::move(view)), storage_numel_(storage_numel) {}
  std::string name() const override { return "AsStridedBackward0"; }
  TensorList apply(TensorList&& grads) override {
    const Tensor& g = grads[0];
    auto [result, slice] = zeros_with_view(base_, view_, storage_numel_, g.dtype(), g.device());
    backend_for(g.device()).copy(g, slice);
    return {result.contiguous()};
  }

 private:
  Geometry base_, view_;
  int64_t storage_numel_;
};

}  // namespace

void record_inplace(std::string name, const Tensor& self, const TensorList& inputs,
                    std::vector<ToSave> saved, BackwardFn fn) {
  if (!self.is_view()) {
    record(std::move(name), inputs, {self}, std::move(saved), std::move(fn));
    return;
  }
  // Build the op's node without linking self to it.
  std::vector<bool> needs(inputs.size());
  std::vector<Edge> edges(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].defined() && inputs[i].requires_grad()) {
      edges[i] = gradient_edge(inputs[i]);
      needs[i] = true;
    }
  }
  needs[0] = true;  // the viewed region's gradient is always wanted by the base
  auto op_node = std::make_shared<FunctionNode>(std::move(name), std::move(fn), needs);
  op_node->next_edges_ = edges;
  op_node->output_meta_.push_back({self.sizes(), self.dtype(), self.device()});
  op_node->saved_.reserve(saved.size());
  for (ToSave& s : saved) op_node->saved_.emplace_back(s.tensor, s.is_output);

  Tensor base(self.impl()->view_base);
  const int64_t storage_numel =
      static_cast<int64_t>(base.impl()->storage->nbytes() / itemsize(base.dtype()));
  Geometry bg{base.sizes(), base.strides(), base.storage_offset()};
  Geometry vg{self.sizes(), self.strides(), self.storage_offset()};
  auto slices = std::make_shared<CopySlices>(bg, vg, storage_numel, op_node);
  slices->next_edges_.push_back(gradient_edge(base));
  for (size_t i = 1; i < edges.size(); ++i) slices->next_edges_.push_back(edges[i]);
  slices->output_meta_.push_back({base.sizes(), base.dtype(), base.device()});
  AutogradMeta& bm = ensure_meta(base);
  bm.grad_fn = slices;
  bm.output_nr = 0;

  auto view_node = std::make_shared<ViewOfBase>(bg, vg, storage_numel);
  view_node->next_edges_.push_back({slices, 0});
  view_node->output_meta_.push_back({self.sizes(), self.dtype(), self.device()});
  AutogradMeta& vm = ensure_meta(self);
  vm.grad_fn = view_node;
  vm.output_nr = 0;
}

void check_inplace(const Tensor& self, const char* op) {
  // Writing through a broadcast (stride 0) view would write one element many times.
  for (int64_t d = 0; d < self.dim(); ++d) {
    DS_CHECK(self.stride(d) != 0 || self.size(d) <= 1, RuntimeError,
             "{}: unsupported operation: more than one element of the written-to tensor refers "
             "to a single memory location. Please clone() the tensor before performing the "
             "operation.",
             op);
  }
  if (!GradMode::is_enabled()) return;
  AutogradMeta* m = meta_of(self);
  if (m && m->requires_grad && !m->grad_fn) {
    DS_THROW(RuntimeError,
             "{}: a leaf Variable that requires grad is being used in an in-place operation.",
             op);
  }
  if (self.is_view()) {
    Tensor base(self.impl()->view_base);
    AutogradMeta* bm = meta_of(base);
    DS_CHECK(!(bm && bm->requires_grad && !bm->grad_fn), RuntimeError,
             "{}: a view of a leaf Variable that requires grad is being used in an in-place "
             "operation.",
             op);
  }
}

}  // namespace deepseek::autograd
