#include "deepseek/autograd/record.h"

#include "deepseek/autograd/autograd_meta.h"
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
    if (!grads[i].defined() && materialize_grads_) {
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
  InputEdges links = input_edges(inputs);
  auto node =
      std::make_shared<FunctionNode>(std::move(name), std::move(fn), std::move(links.needs_grad));
  node->next_edges_ = std::move(links.edges);
  // Link outputs before saving them, so a saved output knows its output_nr.
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    node->output_meta_.push_back({out.sizes(), out.dtype(), out.device()});
    if (!is_floating(out.dtype())) continue;
    AutogradMeta& m = ensure_meta(out);
    m.grad_fn = node;
    m.output_nr = static_cast<uint32_t>(i);
    m.requires_grad = false;  // implied by grad_fn
    if (out.is_view()) m.view_version = out.version();
  }
  node->saved_.reserve(saved.size());
  for (ToSave& s : saved) node->saved_.emplace_back(s.tensor, s.is_output);
  return node;
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
             "{}: a leaf Variable that requires grad is being used in an in-place operation.", op);
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
