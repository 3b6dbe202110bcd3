// Autograd: graph nodes (Tensor.grad_fn), backward/grad, grad mode, hooks, and the hook
// deepseek.autograd.Function uses to record a Python-defined backward.
#include "deepseek/autograd/autograd_meta.h"
#include "deepseek/autograd/engine.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {

// Python callables kept inside C++ hooks: calls and the final release need the GIL.
struct PyCallable {
  std::shared_ptr<py::object> fn;
  explicit PyCallable(py::object f)
      : fn(new py::object(std::move(f)), [](py::object* p) {
          py::gil_scoped_acquire gil;
          delete p;
        }) {}
};

TensorList optional_list(const std::vector<std::optional<Tensor>>& in) {
  TensorList out;
  for (const auto& t : in) out.push_back(t.value_or(Tensor()));
  return out;
}

}  // namespace

void bind_autograd(py::module_& m) {
  using autograd::Node;
  py::class_<Node, std::shared_ptr<Node>>(m, "Node", py::dynamic_attr())
      .def("name", &Node::name)
      .def_property_readonly(
          "next_functions",
          [](const Node& n) {
            py::list out;
            for (const auto& e : n.next_edges()) {
              out.append(py::make_tuple(e.fn ? py::cast(e.fn) : py::none(), e.input_nr));
            }
            return py::tuple(out);
          })
      .def_property_readonly("_sequence_nr", &Node::sequence_nr)
      .def("__repr__", [](const Node& n) { return fmt::format("<{} object>", n.name()); });

  auto cls =
      py::reinterpret_borrow<py::class_<TensorImpl, std::shared_ptr<TensorImpl>>>(m.attr("Tensor"));
  cls.def_property_readonly("grad_fn", [](const Tensor& t) { return t.grad_fn(); });

  m.def(
      "_backward",
      [](const TensorList& tensors, const std::vector<std::optional<Tensor>>& grads,
         bool retain_graph, bool create_graph, std::optional<TensorList> inputs) {
        autograd::backward(tensors, optional_list(grads), retain_graph, create_graph, inputs);
      },
      py::arg("tensors"), py::arg("grads"), py::arg("retain_graph"), py::arg("create_graph"),
      py::arg("inputs") = py::none());
  m.def("_zero_grad", &autograd::zero_grad, py::arg("params"), py::arg("set_to_none") = true);
  m.def("_grad", [](const TensorList& outputs, const TensorList& inputs,
                    const std::vector<std::optional<Tensor>>& grad_outputs,
                    std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
    TensorList r = autograd::grad(outputs, inputs, optional_list(grad_outputs), retain_graph,
                                  create_graph, allow_unused);
    py::tuple out(r.size());
    for (size_t i = 0; i < r.size(); ++i) out[i] = py::cast(r[i]);
    return out;
  });
  m.def("is_grad_enabled", [] { return autograd::GradMode::is_enabled(); });
  m.def("_set_grad_enabled", [](bool on) { autograd::GradMode::set_enabled(on); });

  m.def("_register_hook", [](const Tensor& t, py::object fn) {
    PyCallable c(std::move(fn));
    return t.register_hook([c](const Tensor& g) -> Tensor {
      py::gil_scoped_acquire gil;
      py::object r = (*c.fn)(g);
      if (r.is_none()) return Tensor();
      return r.cast<Tensor>();
    });
  });
  m.def("_register_post_accumulate_grad_hook", [](const Tensor& t, py::object fn) {
    PyCallable c(std::move(fn));
    return t.register_post_accumulate_grad_hook([c](const Tensor& p) {
      py::gil_scoped_acquire gil;
      (*c.fn)(p);
    });
  });
  m.def("_remove_hook", [](const Tensor& t, int64_t id) { t.remove_hook(id); });

  // deepseek.autograd.Function.apply: links `outputs` to a node whose backward calls
  // backward_fn(grads: tuple, saved: tuple) -> one gradient (or None) per input. The Python
  // side (autograd/function.py) validates what the user's backward returned.
  m.def("_record_function",
        [](const std::string& name, const std::vector<std::optional<Tensor>>& inputs,
           const TensorList& outputs, const std::vector<std::optional<Tensor>>& to_save,
           py::object backward_fn, bool materialize_grads) {
          TensorList ins = optional_list(inputs);
          std::vector<autograd::ToSave> saved;
          for (const auto& s : to_save) {
            bool is_output = false;
            if (s) {
              for (const Tensor& o : outputs) is_output |= o.is_same(*s);
            }
            saved.push_back({s.value_or(Tensor()), is_output});
          }
          PyCallable c(std::move(backward_fn));
          const size_t n_inputs = ins.size();
          auto node = autograd::record(
              name, ins, outputs, std::move(saved),
              [c, n_inputs, name](const autograd::BackwardArgs& g) -> TensorList {
                py::gil_scoped_acquire gil;
                py::tuple grads(g.grads.size()), saved(g.saved.size());
                for (size_t i = 0; i < g.grads.size(); ++i) {
                  grads[i] = g.grads[i].defined() ? py::cast(g.grads[i]) : py::none();
                }
                for (size_t i = 0; i < g.saved.size(); ++i) {
                  saved[i] = g.saved[i].defined() ? py::cast(g.saved[i]) : py::none();
                }
                py::object r = (*c.fn)(grads, saved);
                TensorList out;
                for (py::handle h : r) out.push_back(h.is_none() ? Tensor() : h.cast<Tensor>());
                DS_CHECK(
                    out.size() == n_inputs, RuntimeError,
                    "function {} returned an incorrect number of gradients (expected {}, got {})",
                    name, n_inputs, out.size());
                return out;
              });
          node->set_materialize_grads(materialize_grads);
          // An output aliasing an input is linked to this node, not to the input as a plain view.
          for (const Tensor& o : outputs) {
            if (auto* meta = autograd::meta_of(o)) meta->view_version.reset();
          }
        });
}

}  // namespace deepseek::python
