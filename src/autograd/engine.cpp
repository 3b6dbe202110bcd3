// The backward engine. It discovers the graph reachable from the roots, counts each node's
// incoming edges, and runs a node once all of them have delivered (newest node first among
// the ready ones, which frees activations in roughly reverse order of creation).
#include "deepseek/autograd/engine.h"

#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "deepseek/autograd/autograd_meta.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"

namespace deepseek::autograd {

namespace {

struct CapturePoint {
  Node* node;
  uint32_t input_nr;
};

// Brings a gradient returned by `producer` to the shape/dtype its target expects.
Tensor validate_grad(Tensor g, const OutputMeta& expected, const Node& producer, size_t index) {
  if (g.sizes() != expected.shape) {
    DS_CHECK(g.dim() >= static_cast<int64_t>(expected.shape.size()), RuntimeError,
             "Function {} returned an invalid gradient at index {} - got {} but expected shape "
             "compatible with {}",
             producer.name(), index, shape_str(g.sizes()), shape_str(expected.shape));
    try {
      g = sum_to(g, expected.shape);
    } catch (const Error&) {
      DS_THROW(RuntimeError,
               "Function {} returned an invalid gradient at index {} - got {} but expected "
               "shape compatible with {}",
               producer.name(), index, shape_str(g.sizes()), shape_str(expected.shape));
    }
  }
  if (g.dtype() != expected.dtype) g = g.to(expected.dtype);
  DS_CHECK(g.device() == expected.device, RuntimeError,
           "Function {} returned an invalid gradient at index {} - expected device {} but got {}",
           producer.name(), index, expected.device.str(), g.device().str());
  return g;
}

// Whether `t` can be added to in place unseen: nothing but the engine's buffer holds it or
// its memory (no other tensor, view, user variable or numpy array), and it has no overlap.
bool privately_held(const Tensor& t) {
  const auto& storage = t.impl()->storage;
  return t.impl_ptr().use_count() == 1 && storage.use_count() == 1 && storage->owns_memory() &&
         t.is_contiguous();
}

// Sums the gradients that reach one input of a node. Without create_graph the sum is done in
// place when the buffer holds the only reference (PyTorch's InputBuffer does the same): a
// tensor read in T slices (an RNN's input gates) receives T full-size gradients, and a fresh
// sum for each costs an allocation and page faults per step.
void accumulate(TensorList& buffer, uint32_t pos, Tensor g, bool create_graph) {
  if (!g.defined()) return;
  Tensor& slot = buffer[pos];
  if (!slot.defined()) {
    slot = std::move(g);
  } else if (!create_graph && privately_held(slot) && slot.dtype() == g.dtype() &&
             slot.sizes() == g.sizes()) {
    slot.add_(g);
  } else {
    slot = add(slot, g);
  }
}

TensorList run(const TensorList& roots, const TensorList& root_grads, bool keep_graph,
               bool create_graph, const TensorList& inputs, bool allow_unused) {
  const bool capture = !inputs.empty();
  // 1. Root edges.
  std::vector<Edge> root_edges;
  for (size_t i = 0; i < roots.size(); ++i) {
    Edge e = gradient_edge(roots[i]);
    DS_CHECK(e.valid(), RuntimeError,
             "element {} of tensors does not require grad and does not have a grad_fn", i);
    root_edges.push_back(e);
  }
  // 2. Discover the graph and count dependencies.
  std::unordered_map<Node*, int> deps;
  std::unordered_map<Node*, std::vector<Node*>> parents;
  std::vector<Node*> stack;
  std::unordered_set<Node*> seen;
  for (auto& e : root_edges) {
    if (seen.insert(e.fn.get()).second) stack.push_back(e.fn.get());
  }
  std::vector<Node*> order;  // discovery order, for the needed-set pass
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    order.push_back(n);
    for (const Edge& e : n->next_edges()) {
      if (!e.valid()) continue;
      deps[e.fn.get()]++;
      parents[e.fn.get()].push_back(n);
      if (seen.insert(e.fn.get()).second) stack.push_back(e.fn.get());
    }
  }
  // 3. For autograd.grad: where to capture, and which nodes must run to get there.
  std::vector<CapturePoint> captures;
  std::unordered_set<Node*> must_run;
  if (capture) {
    for (const Tensor& in : inputs) {
      Edge e = gradient_edge(in);
      DS_CHECK(e.valid(), RuntimeError, "One of the differentiated Tensors does not require grad");
      captures.push_back({e.fn.get(), e.input_nr});
    }
    // A node must run if a capture point is reachable from it (strictly below it).
    std::unordered_set<Node*> reaches;
    std::vector<Node*> work;
    for (auto& c : captures) {
      if (seen.count(c.node) && reaches.insert(c.node).second) work.push_back(c.node);
    }
    while (!work.empty()) {
      Node* n = work.back();
      work.pop_back();
      for (Node* p : parents[n]) {
        must_run.insert(p);
        if (reaches.insert(p).second) work.push_back(p);
      }
    }
  }
  // 4. Execute.
  auto cmp = [](Node* a, Node* b) { return a->sequence_nr() < b->sequence_nr(); };
  std::priority_queue<Node*, std::vector<Node*>, decltype(cmp)> ready(cmp);
  std::unordered_map<Node*, TensorList> buffers;
  std::unordered_map<Node*, std::shared_ptr<Node>> owners;  // keep nodes alive while queued
  auto buffer_of = [&](const Edge& e) -> TensorList& {
    auto it = buffers.find(e.fn.get());
    if (it == buffers.end()) {
      it = buffers.emplace(e.fn.get(), TensorList(e.fn->output_meta().size())).first;
      owners[e.fn.get()] = e.fn;
    }
    return it->second;
  };
  for (size_t i = 0; i < roots.size(); ++i) {
    Tensor g =
        i < root_grads.size() && root_grads[i].defined() ? root_grads[i] : ones_like(roots[i]);
    if (!create_graph) g = g.detach();
    const Edge& e = root_edges[i];
    accumulate(buffer_of(e), e.input_nr,
               validate_grad(g, e.fn->output_meta()[e.input_nr], *e.fn, i), create_graph);
  }
  for (auto& e : root_edges) {
    if (deps[e.fn.get()] == 0) ready.push(e.fn.get());
  }
  std::unordered_set<Node*> queued;
  TensorList captured(inputs.size());
  GradModeGuard mode(create_graph);
  while (!ready.empty()) {
    Node* n = ready.top();
    ready.pop();
    if (!queued.insert(n).second) continue;
    std::shared_ptr<Node> keep = owners[n];
    TensorList grads = std::move(buffers[n]);
    buffers.erase(n);
    // As in PyTorch 1.13, autograd.grad captures a gradient before the tensor's hooks run.
    if (capture) {
      for (size_t i = 0; i < captures.size(); ++i) {
        if (captures[i].node == n) captured[i] = grads[captures[i].input_nr];
      }
    }
    n->run_pre_hooks(grads);
    const bool run_it = capture ? must_run.count(n) > 0 : true;
    TensorList outs;
    if (run_it) {
      outs = n->apply(std::move(grads));
      if (!keep_graph) n->release_saved();
    }
    for (size_t i = 0; i < n->next_edges().size(); ++i) {
      const Edge& e = n->next_edges()[i];
      if (!e.valid()) continue;
      if (run_it && i < outs.size() && outs[i].defined()) {
        accumulate(buffer_of(e), e.input_nr,
                   validate_grad(std::move(outs[i]), e.fn->output_meta()[e.input_nr], *n, i),
                   create_graph);
      } else {
        buffer_of(e);
      }
      if (--deps[e.fn.get()] == 0) ready.push(e.fn.get());
    }
  }
  if (capture) {
    for (size_t i = 0; i < captured.size(); ++i) {
      DS_CHECK(captured[i].defined() || allow_unused, RuntimeError,
               "One of the differentiated Tensors appears to not have been used in the graph. "
               "Set allow_unused=True if this is the desired behavior.");
    }
  }
  return captured;
}

void check_root_grads(const TensorList& roots, const TensorList& grads, const char* op) {
  DS_CHECK(grads.empty() || grads.size() == roots.size(), RuntimeError,
           "{}: got {} gradients for {} tensors", op, grads.size(), roots.size());
  for (size_t i = 0; i < roots.size(); ++i) {
    const bool given = i < grads.size() && grads[i].defined();
    if (!given) {
      DS_CHECK(roots[i].numel() == 1, RuntimeError,
               "grad can be implicitly created only for scalar outputs (got a tensor of shape "
               "{})",
               shape_str(roots[i].sizes()));
      continue;
    }
    DS_CHECK(grads[i].sizes() == roots[i].sizes(), RuntimeError,
             "{}: Mismatch in shape: grad_output[{}] has a shape of {} and output[{}] has a "
             "shape of {}.",
             op, i, shape_str(grads[i].sizes()), i, shape_str(roots[i].sizes()));
  }
}

}  // namespace

void backward(const TensorList& tensors, const TensorList& grad_tensors, bool retain_graph,
              bool create_graph, const std::optional<TensorList>& inputs) {
  check_root_grads(tensors, grad_tensors, "backward");
  const bool keep = retain_graph || create_graph;
  if (!inputs) {
    run(tensors, grad_tensors, keep, create_graph, {}, false);
    return;
  }
  DS_CHECK(!inputs->empty(), RuntimeError, "'inputs' argument to backward() cannot be empty.");
  // Capture the gradients of `inputs` only, then accumulate them as the leaves' sinks would.
  TensorList grads = run(tensors, grad_tensors, keep, create_graph, *inputs, true);
  GradModeGuard mode(create_graph);
  for (size_t i = 0; i < inputs->size(); ++i) {
    const Tensor& in = (*inputs)[i];
    if (!grads[i].defined()) continue;
    if (in.is_leaf()) {
      gradient_edge(in).fn->apply({grads[i]});
      continue;
    }
    Tensor g = create_graph ? grads[i] : grads[i].detach();
    Tensor old = in.grad();
    ensure_meta(in).grad = old.defined() ? add(old, g) : g.clone();
  }
}

TensorList grad(const TensorList& outputs, const TensorList& inputs, const TensorList& grad_outputs,
                std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  DS_CHECK(!inputs.empty(), RuntimeError, "grad requires at least one input");
  check_root_grads(outputs, grad_outputs, "grad");
  return run(outputs, grad_outputs, retain_graph.value_or(create_graph), create_graph, inputs,
             allow_unused);
}

void zero_grad(const TensorList& params, bool set_to_none) {
  for (const Tensor& p : params) {
    const Tensor grad = p.grad();
    if (!grad.defined()) continue;
    if (set_to_none) {
      p.set_grad(Tensor());
    } else {
      NoGradGuard no_grad;
      grad.detach_();  // also clears requires_grad, as PyTorch does
      zero_(grad);
    }
  }
}

}  // namespace deepseek::autograd
