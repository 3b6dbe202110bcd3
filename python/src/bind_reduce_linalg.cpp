// Reductions, matrix products and softmax: module functions and Tensor methods.
#include "deepseek/ops/binary.h"
#include "deepseek/ops/linalg.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/softmax.h"
#include "deepseek/ops/unary.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {

using Dims = std::vector<int64_t>;

// dim=None | int | sequence of ints -> Dims (empty = all).
Dims to_dims(py::handle dim) {
  if (dim.is_none()) return {};
  if (PyLong_Check(dim.ptr())) return {dim.cast<int64_t>()};
  return dim.cast<Dims>();
}

template <typename Fn>
void def_binary(py::module_& m, py::class_<TensorImpl, std::shared_ptr<TensorImpl>>& cls,
                const char* name, Fn fn) {
  m.def(name, [fn, name](py::handle a, py::handle b) {
    return fn(operand_or_throw(a, name), operand_or_throw(b, name));
  });
  cls.def(name,
          [fn, name](const Tensor& a, py::handle b) { return fn(a, operand_or_throw(b, name)); });
}

}  // namespace

void bind_reduce_linalg(py::module_& m) {
  auto cls =
      py::reinterpret_borrow<py::class_<TensorImpl, std::shared_ptr<TensorImpl>>>(m.attr("Tensor"));

  // ---- reductions (dim: None | int | tuple) ----
  auto def_reduce = [&](const char* name, Tensor (*fn)(const Tensor&, const Dims&, bool)) {
    m.def(
        name,
        [fn](const Tensor& x, py::object dim, bool keepdim) {
          return fn(x, to_dims(dim), keepdim);
        },
        py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
    cls.def(
        name,
        [fn](const Tensor& x, py::object dim, bool keepdim) {
          return fn(x, to_dims(dim), keepdim);
        },
        py::arg("dim") = py::none(), py::arg("keepdim") = false);
  };
  def_reduce("mean", &mean);
  def_reduce("prod", &prod);
  def_reduce("amax", &amax);
  def_reduce("amin", &amin);
  def_reduce("all", &all);
  def_reduce("any", &any);
  def_reduce("logsumexp", &logsumexp);
  auto sum_fn = [](const Tensor& x, py::object dim, bool keepdim, std::optional<DType> dtype) {
    return sum(x, to_dims(dim), keepdim, dtype);
  };
  m.def("sum", sum_fn, py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false,
        py::kw_only(), py::arg("dtype") = py::none());
  cls.def("sum", sum_fn, py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
          py::arg("dtype") = py::none());
  auto var_fn = [](bool is_std) {
    return [is_std](const Tensor& x, py::object dim, py::object unbiased, bool keepdim,
                    py::object correction) {
      double c = 1;
      if (!correction.is_none())
        c = correction.cast<double>();
      else if (!unbiased.is_none())
        c = unbiased.cast<bool>() ? 1 : 0;
      return is_std ? deepseek::std(x, to_dims(dim), c, keepdim) : var(x, to_dims(dim), c, keepdim);
    };
  };
  for (bool is_std : {false, true}) {
    const char* name = is_std ? "std" : "var";
    m.def(name, var_fn(is_std), py::arg("input"), py::arg("dim") = py::none(),
          py::arg("unbiased") = py::none(), py::arg("keepdim") = false, py::kw_only(),
          py::arg("correction") = py::none());
    cls.def(name, var_fn(is_std), py::arg("dim") = py::none(), py::arg("unbiased") = py::none(),
            py::arg("keepdim") = false, py::kw_only(), py::arg("correction") = py::none());
  }
  auto norm_fn = [](const Tensor& x, py::object p, py::object dim, bool keepdim) {
    Scalar ps = 2;
    if (py::isinstance<py::str>(p)) {
      std::string s = p.cast<std::string>();
      DS_CHECK(s == "fro", ValueError, "norm: unsupported norm type '{}'", s);
    } else if (!p.is_none()) {
      ps = *to_scalar(p);
    }
    return norm(x, ps, to_dims(dim), keepdim);
  };
  m.def("norm", norm_fn, py::arg("input"), py::arg("p") = "fro", py::arg("dim") = py::none(),
        py::arg("keepdim") = false);
  cls.def("norm", norm_fn, py::arg("p") = "fro", py::arg("dim") = py::none(),
          py::arg("keepdim") = false);
  // max/min: no dim -> value; dim -> (values, indices); tensor -> maximum.
  auto extreme = [](bool is_max) {
    return [is_max](const Tensor& x, py::object dim, bool keepdim) -> py::object {
      if (dim.is_none()) return py::cast(is_max ? max(x) : min(x));
      if (py::isinstance<TensorImpl>(dim))
        return py::cast(is_max ? maximum(x, dim.cast<Tensor>()) : minimum(x, dim.cast<Tensor>()));
      auto [v, i] =
          is_max ? max(x, dim.cast<int64_t>(), keepdim) : min(x, dim.cast<int64_t>(), keepdim);
      py::object result = py::module_::import("deepseek.return_types").attr(is_max ? "max" : "min");
      return result(v, i);
    };
  };
  for (bool is_max : {true, false}) {
    const char* name = is_max ? "max" : "min";
    m.def(name, extreme(is_max), py::arg("input"), py::arg("dim") = py::none(),
          py::arg("keepdim") = false);
    cls.def(name, extreme(is_max), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  }
  auto argext = [](bool is_max) {
    return [is_max](const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
      return is_max ? argmax(x, dim, keepdim) : argmin(x, dim, keepdim);
    };
  };
  m.def("argmax", argext(true), py::arg("input"), py::arg("dim") = py::none(),
        py::arg("keepdim") = false);
  m.def("argmin", argext(false), py::arg("input"), py::arg("dim") = py::none(),
        py::arg("keepdim") = false);
  cls.def("argmax", argext(true), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  cls.def("argmin", argext(false), py::arg("dim") = py::none(), py::arg("keepdim") = false);

  // ---- linear algebra ----
  def_binary(m, cls, "matmul", [](const Tensor& a, const Tensor& b) { return matmul(a, b); });
  def_binary(m, cls, "mm", [](const Tensor& a, const Tensor& b) { return mm(a, b); });
  def_binary(m, cls, "bmm", [](const Tensor& a, const Tensor& b) { return bmm(a, b); });
  def_binary(m, cls, "dot", [](const Tensor& a, const Tensor& b) { return dot(a, b); });
  def_binary(m, cls, "outer", [](const Tensor& a, const Tensor& b) { return outer(a, b); });
  m.def(
      "addmm",
      [](const Tensor& input, const Tensor& m1, const Tensor& m2, const Scalar& beta,
         const Scalar& alpha) { return addmm(input, m1, m2, beta, alpha); },
      py::arg("input"), py::arg("mat1"), py::arg("mat2"), py::kw_only(), py::arg("beta") = 1,
      py::arg("alpha") = 1);
  m.def(
      "_linear",
      [](const Tensor& x, const Tensor& w, std::optional<Tensor> b) {
        return linear(x, w, b.value_or(Tensor()));
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none());

  // ---- softmax ----
  for (bool log : {false, true}) {
    auto fn = [log](const Tensor& x, int64_t dim, std::optional<DType> dtype) {
      return log ? log_softmax(x, dim, dtype) : softmax(x, dim, dtype);
    };
    const char* name = log ? "log_softmax" : "softmax";
    m.def(name, fn, py::arg("input"), py::arg("dim"), py::arg("dtype") = py::none());
    cls.def(name, fn, py::arg("dim"), py::arg("dtype") = py::none());
  }
}

}  // namespace deepseek::python
