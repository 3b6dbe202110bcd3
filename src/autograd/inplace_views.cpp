// In-place writes through views (PyTorch's CopySlices) and views made stale by in-place
// writes to their base.
//
// When an op writes into a view `v` of `base`, the base's history changes too: its new
// grad_fn (CopySlices) sends the gradient of the written window through the op's node and
// the rest straight to the old history; `v` becomes a window on the new base. Other views of
// the base notice through the shared version counter and re-link to the base on their next
// use. Geometry is kept in storage coordinates, so any base layout works.
//
// Each node has two paths: plain kernel copies for an ordinary backward, and differentiable
// ops (as_strided windows on a flat buffer) when the backward itself is recorded
// (create_graph=True), so second derivatives flow through in-place writes too.
#include "deepseek/autograd/autograd_meta.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/shape.h"

namespace deepseek::autograd {

namespace {

struct Geometry {
  Shape sizes;
  Strides strides;
  int64_t offset;
};

Geometry geometry_of(const Tensor& t) { return {t.sizes(), t.strides(), t.storage_offset()}; }

int64_t storage_numel_of(const Tensor& t) {
  return static_cast<int64_t>(t.impl()->storage->nbytes() / t.element_size());
}

TensorOptions options_of(const Tensor& t) {
  return TensorOptions(t.dtype()).set_device(t.device());
}

// The window `geom` of a flat buffer, as a differentiable op.
Tensor read_window(const Tensor& buffer, const Geometry& geom) {
  Tensor flat = contiguous(buffer);
  return as_strided(flat, geom.sizes, geom.strides, geom.offset + flat.storage_offset());
}

// A flat buffer of `numel` zeros with `src` written into the window `geom`. Differentiable:
// the gradient of src is the same window of the buffer's gradient.
Tensor write_window(const Tensor& src, int64_t numel, const Geometry& geom) {
  Tensor buffer = zeros({numel}, options_of(src));
  backend_for(src.device())
      .copy(broadcast_view(src, geom.sizes),
            make_alias(buffer, geom.sizes, geom.strides, geom.offset));
  if (needs_grad({src})) {
    record("CopySlicesBackward", {src}, {buffer}, {},
           [geom](const BackwardArgs& g) -> TensorList { return {read_window(g.grad(), geom)}; });
  }
  return buffer;
}

// Ones everywhere but the window `geom`.
Tensor outside_mask(int64_t numel, const Geometry& geom, const TensorOptions& options) {
  Tensor mask = ones({numel}, options);
  backend_for(mask.device()).fill(make_alias(mask, geom.sizes, geom.strides, geom.offset), 0);
  return mask;
}

class CopySlices final : public Node {
 public:
  CopySlices(Geometry base, Geometry view, int64_t storage_numel, std::shared_ptr<Node> fn)
      : base_(std::move(base)),
        view_(std::move(view)),
        storage_numel_(storage_numel),
        fn_(std::move(fn)) {}
  std::string name() const override { return "CopySlices"; }
  void release_saved() override { fn_->release_saved(); }

  TensorList apply(TensorList&& grads) override {
    return GradMode::is_enabled() ? apply_differentiable(grads[0]) : apply_fast(grads[0]);
  }

 private:
  TensorList apply_fast(const Tensor& g) {
    Tensor buffer = zeros({storage_numel_}, options_of(g));
    Tensor as_base = make_alias(buffer, base_.sizes, base_.strides, base_.offset);
    Tensor window = make_alias(buffer, view_.sizes, view_.strides, view_.offset);
    Backend& be = backend_for(g.device());
    be.copy(g, as_base);
    TensorList res = fn_->apply({window.clone()});
    if (res[0].defined()) {
      be.copy(broadcast_view(res[0], window.sizes()), window);
    } else {
      be.fill(window, 0);
    }
    res[0] = as_base.contiguous();
    return res;
  }

  TensorList apply_differentiable(const Tensor& g) {
    Tensor buffer = write_window(g, storage_numel_, base_);
    TensorList res = fn_->apply({read_window(buffer, view_)});
    Tensor kept = mul(buffer, outside_mask(storage_numel_, view_, options_of(g)));
    if (res[0].defined()) kept = add(kept, write_window(res[0], storage_numel_, view_));
    res[0] = contiguous(read_window(kept, base_));
    return res;
  }

  Geometry base_, view_;
  int64_t storage_numel_;
  std::shared_ptr<Node> fn_;
};

// The grad_fn of a view after an in-place write: it is now a window on the new base.
class ViewOfBase final : public Node {
 public:
  ViewOfBase(Geometry base, Geometry view, int64_t storage_numel)
      : base_(std::move(base)), view_(std::move(view)), storage_numel_(storage_numel) {}
  std::string name() const override { return "AsStridedBackward0"; }

  TensorList apply(TensorList&& grads) override {
    const Tensor& g = grads[0];
    if (GradMode::is_enabled()) {
      return {contiguous(read_window(write_window(g, storage_numel_, view_), base_))};
    }
    Tensor buffer = zeros({storage_numel_}, options_of(g));
    backend_for(g.device()).copy(g, make_alias(buffer, view_.sizes, view_.strides, view_.offset));
    return {make_alias(buffer, base_.sizes, base_.strides, base_.offset).contiguous()};
  }

 private:
  Geometry base_, view_;
  int64_t storage_numel_;
};

// Makes `view` a window on `base`'s current history.
void link_view_to_base(const Tensor& view, const Tensor& base, const Edge& base_edge) {
  auto node =
      std::make_shared<ViewOfBase>(geometry_of(base), geometry_of(view), storage_numel_of(base));
  node->next_edges_.push_back(base_edge);
  node->output_meta_.push_back({view.sizes(), view.dtype(), view.device()});
  AutogradMeta& m = ensure_meta(view);
  m.grad_fn = std::move(node);
  m.output_nr = 0;
  m.view_version = view.version();
}

}  // namespace

void record_inplace(std::string name, const Tensor& self, const TensorList& inputs,
                    std::vector<ToSave> saved, BackwardFn fn) {
  if (!self.is_view()) {
    record(std::move(name), inputs, {self}, std::move(saved), std::move(fn));
    return;
  }
  // The op's node, with self not linked to it: it turns the window's gradient into
  // gradients for the window's old values (input 0) and the other inputs.
  const InputEdges links = input_edges(inputs);
  std::vector<bool> needs = links.needs_grad;
  needs[0] = true;  // the base always wants the window's gradient
  auto op_node = std::make_shared<FunctionNode>(std::move(name), std::move(fn), needs);
  op_node->next_edges_ = links.edges;
  op_node->output_meta_.push_back({self.sizes(), self.dtype(), self.device()});
  op_node->saved_.reserve(saved.size());
  for (ToSave& s : saved) op_node->saved_.emplace_back(s.tensor, s.is_output);

  Tensor base(self.impl()->view_base);
  auto slices = std::make_shared<CopySlices>(geometry_of(base), geometry_of(self),
                                             storage_numel_of(base), op_node);
  slices->next_edges_.push_back(gradient_edge(base));
  for (size_t i = 1; i < links.edges.size(); ++i) slices->next_edges_.push_back(links.edges[i]);
  slices->output_meta_.push_back({base.sizes(), base.dtype(), base.device()});
  AutogradMeta& bm = ensure_meta(base);
  bm.grad_fn = slices;
  bm.output_nr = 0;
  link_view_to_base(self, base, {slices, 0});
}

void refresh_stale_view(const Tensor& view, AutogradMeta& m) {
  m.view_version = view.version();
  Tensor base(view.impl()->view_base);
  Edge e = gradient_edge(base);
  if (e.valid()) link_view_to_base(view, base, e);
}

}  // namespace deepseek::autograd
