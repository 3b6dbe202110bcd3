// Elementwise math and conversions: module functions (deepseek.add, ...), Tensor methods
// and Python operators. Numbers on either side become wrapped scalars.
#include "deepseek/backend/kernel_ops.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/linalg.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/softmax.h"
#include "deepseek/ops/unary.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {

template <typename Fn>
void def_binary(py::module_& m, py::class_<TensorImpl, std::shared_ptr<TensorImpl>>& cls,
                const char* name, Fn fn) {
  m.def(name, [fn, name](py::handle a, py::handle b) {
    return fn(operand_or_throw(a, name), operand_or_throw(b, name));
  });
  cls.def(name, [fn, name](const Tensor& a, py::handle b) { return fn(a, operand_or_throw(b, name)); });
}

template <typename Fn>
void def_unary(py::module_& m, py::class_<TensorImpl, std::shared_ptr<TensorImpl>>& cls,
               const char* name, Fn fn) {
  m.def(name, [fn](const Tensor& x) { return fn(x); });
  cls.def(name, [fn](const Tensor& x) { return fn(x); });
}

}  // namespace

void bind_elementwise(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<TensorImpl, std::shared_ptr<TensorImpl>>>(m.attr("Tensor"));

  // ---- unary ----
  def_unary(m, cls, "neg", [](const Tensor& x) { return neg(x); });
  def_unary(m, cls, "negative", [](const Tensor& x) { return neg(x); });
  def_unary(m, cls, "abs", [](const Tensor& x) { return abs(x); });
  def_unary(m, cls, "exp", [](const Tensor& x) { return exp(x); });
  def_unary(m, cls, "log", [](const Tensor& x) { return log(x); });
  def_unary(m, cls, "log1p", [](const Tensor& x) { return log1p(x); });
  def_unary(m, cls, "expm1", [](const Tensor& x) { return expm1(x); });
  def_unary(m, cls, "sqrt", [](const Tensor& x) { return sqrt(x); });
  def_unary(m, cls, "rsqrt", [](const Tensor& x) { return rsqrt(x); });
  def_unary(m, cls, "sin", [](const Tensor& x) { return sin(x); });
  def_unary(m, cls, "cos", [](const Tensor& x) { return cos(x); });
  def_unary(m, cls, "tanh", [](const Tensor& x) { return tanh(x); });
  def_unary(m, cls, "sigmoid", [](const Tensor& x) { return sigmoid(x); });
  def_unary(m, cls, "relu", [](const Tensor& x) { return relu(x); });
  def_unary(m, cls, "silu", [](const Tensor& x) { return silu(x); });
  def_unary(m, cls, "sign", [](const Tensor& x) { return sign(x); });
  def_unary(m, cls, "floor", [](const Tensor& x) { return floor(x); });
  def_unary(m, cls, "ceil", [](const Tensor& x) { return ceil(x); });
  def_unary(m, cls, "round", [](const Tensor& x) { return round(x); });
  def_unary(m, cls, "reciprocal", [](const Tensor& x) { return reciprocal(x); });
  def_unary(m, cls, "erf", [](const Tensor& x) { return erf(x); });
  def_unary(m, cls, "square", [](const Tensor& x) { return square(x); });
  def_unary(m, cls, "logical_not", [](const Tensor& x) { return logical_not(x); });
  def_unary(m, cls, "isnan", [](const Tensor& x) { return isnan(x); });
  def_unary(m, cls, "isinf", [](const Tensor& x) { return isinf(x); });
  def_unary(m, cls, "neg_", [](const Tensor& x) { return neg_(x); });
  def_unary(m, cls, "exp_", [](const Tensor& x) { return exp_(x); });
  def_unary(m, cls, "sqrt_", [](const Tensor& x) { return sqrt_(x); });
  def_unary(m, cls, "relu_", [](const Tensor& x) { return relu_(x); });
  def_unary(m, cls, "sigmoid_", [](const Tensor& x) { return sigmoid_(x); });
  def_unary(m, cls, "tanh_", [](const Tensor& x) { return tanh_(x); });
  m.def("gelu", [](const Tensor& x, const std::string& approximate) { return gelu(x, approximate); },
        py::arg("input"), py::arg("approximate") = "none");
  cls.def("gelu", [](const Tensor& x, const std::string& approximate) { return gelu(x, approximate); },
          py::arg("approximate") = "none");
  auto clamp_fn = [](const Tensor& x, std::optional<Scalar> lo, std::optional<Scalar> hi) {
    return clamp(x, lo, hi);
  };
  m.def("clamp", clamp_fn, py::arg("input"), py::arg("min") = py::none(), py::arg("max") = py::none());
  m.def("clip", clamp_fn, py::arg("input"), py::arg("min") = py::none(), py::arg("max") = py::none());
  cls.def("clamp", clamp_fn, py::arg("min") = py::none(), py::arg("max") = py::none());
  cls.def("clip", clamp_fn, py::arg("min") = py::none(), py::arg("max") = py::none());
  cls.def("clamp_", [](const Tensor& x, std::optional<Scalar> lo, std::optional<Scalar> hi) {
    return clamp_(x, lo, hi);
  }, py::arg("min") = py::none(), py::arg("max") = py::none());

  // ---- binary ----
  m.def("add", [](py::handle a, py::handle b, const Scalar& alpha) {
    return add(operand_or_throw(a, "add"), operand_or_throw(b, "add"), alpha);
  }, py::arg("input"), py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  cls.def("add", [](const Tensor& a, py::handle b, const Scalar& alpha) {
    return add(a, operand_or_throw(b, "add"), alpha);
  }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  m.def("sub", [](py::handle a, py::handle b, const Scalar& alpha) {
    return sub(operand_or_throw(a, "sub"), operand_or_throw(b, "sub"), alpha);
  }, py::arg("input"), py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  cls.def("sub", [](const Tensor& a, py::handle b, const Scalar& alpha) {
    return sub(a, operand_or_throw(b, "sub"), alpha);
  }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  def_binary(m, cls, "mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); });
  def_binary(m, cls, "multiply", [](const Tensor& a, const Tensor& b) { return mul(a, b); });
  m.def("div", [](py::handle a, py::handle b, std::optional<std::string> mode) {
    return div(operand_or_throw(a, "div"), operand_or_throw(b, "div"), mode);
  }, py::arg("input"), py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());
  cls.def("div", [](const Tensor& a, py::handle b, std::optional<std::string> mode) {
    return div(a, operand_or_throw(b, "div"), mode);
  }, py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());
  def_binary(m, cls, "true_divide", [](const Tensor& a, const Tensor& b) { return div(a, b); });
  def_binary(m, cls, "floor_divide", [](const Tensor& a, const Tensor& b) { return floor_divide(a, b); });
  def_binary(m, cls, "remainder", [](const Tensor& a, const Tensor& b) { return remainder(a, b); });
  def_binary(m, cls, "pow", [](const Tensor& a, const Tensor& b) {
    if (b.impl()->wrapped_number) return pow(a, b.item());
    return pow(a, b);
  });
  def_binary(m, cls, "maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); });
  def_binary(m, cls, "minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); });
  def_binary(m, cls, "eq", [](const Tensor& a, const Tensor& b) { return eq(a, b); });
  def_binary(m, cls, "ne", [](const Tensor& a, const Tensor& b) { return ne(a, b); });
  def_binary(m, cls, "lt", [](const Tensor& a, const Tensor& b) { return lt(a, b); });
  def_binary(m, cls, "le", [](const Tensor& a, const Tensor& b) { return le(a, b); });
  def_binary(m, cls, "gt", [](const Tensor& a, const Tensor& b) { return gt(a, b); });
  def_binary(m, cls, "ge", [](const Tensor& a, const Tensor& b) { return ge(a, b); });
  def_binary(m, cls, "logical_and", [](const Tensor& a, const Tensor& b) { return logical_and(a, b); });
  def_binary(m, cls, "logical_or", [](const Tensor& a, const Tensor& b) { return logical_or(a, b); });
  def_binary(m, cls, "logical_xor", [](const Tensor& a, const Tensor& b) { return logical_xor(a, b); });
  m.def("where", [](const Tensor& cond, py::handle a, py::handle b) {
    return where(cond, operand_or_throw(a, "where"), operand_or_throw(b, "where"));
  }, py::arg("condition"), py::arg("input"), py::arg("other"));
  cls.def("where", [](const Tensor& self, const Tensor& cond, py::handle other) {
    return where(cond, self, operand_or_throw(other, "where"));
  }, py::arg("condition"), py::arg("other"));
  // in place
  cls.def("add_", [](const Tensor& a, py::handle b, const Scalar& alpha) {
    return add_(a, operand_or_throw(b, "add_"), alpha);
  }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  cls.def("sub_", [](const Tensor& a, py::handle b, const Scalar& alpha) {
    return sub_(a, operand_or_throw(b, "sub_"), alpha);
  }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  cls.def("mul_", [](const Tensor& a, py::handle b) { return mul_(a, operand_or_throw(b, "mul_")); });
  cls.def("div_", [](const Tensor& a, py::handle b) { return div_(a, operand_or_throw(b, "div_")); });

  // ---- operators ----
  auto binop = [&](const char* name, const char* rname, Tensor (*fn)(const Tensor&, const Tensor&)) {
    cls.def(name, [fn](const Tensor& a, py::handle b) -> py::object {
      auto o = to_operand(b);
      if (!o) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      return py::cast(fn(a, *o));
    }, py::is_operator());
    if (rname) {
      cls.def(rname, [fn](const Tensor& a, py::handle b) -> py::object {
        auto o = to_operand(b);
        if (!o) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        return py::cast(fn(*o, a));
      }, py::is_operator());
    }
  };
  binop("__add__", "__radd__", [](const Tensor& a, const Tensor& b) { return add(a, b); });
  binop("__sub__", "__rsub__", [](const Tensor& a, const Tensor& b) { return sub(a, b); });
  binop("__mul__", "__rmul__", [](const Tensor& a, const Tensor& b) { return mul(a, b); });
  binop("__truediv__", "__rtruediv__", [](const Tensor& a, const Tensor& b) { return div(a, b); });
  binop("__floordiv__", "__rfloordiv__", [](const Tensor& a, const Tensor& b) { return floor_divide(a, b); });
  binop("__mod__", "__rmod__", [](const Tensor& a, const Tensor& b) { return remainder(a, b); });
  binop("__pow__", "__rpow__", [](const Tensor& a, const Tensor& b) {
    if (b.impl()->wrapped_number) return pow(a, b.item());
    return pow(a, b);
  });
  binop("__matmul__", "__rmatmul__", [](const Tensor& a, const Tensor& b) { return matmul(a, b); });
  binop("__eq__", nullptr, [](const Tensor& a, const Tensor& b) { return eq(a, b); });
  binop("__ne__", nullptr, [](const Tensor& a, const Tensor& b) { return ne(a, b); });
  binop("__lt__", nullptr, [](const Tensor& a, const Tensor& b) { return lt(a, b); });
  binop("__le__", nullptr, [](const Tensor& a, const Tensor& b) { return le(a, b); });
  binop("__gt__", nullptr, [](const Tensor& a, const Tensor& b) { return gt(a, b); });
  binop("__ge__", nullptr, [](const Tensor& a, const Tensor& b) { return ge(a, b); });
  auto bitwise = [](BinaryOp logical, const char* name) {
    return [logical, name](const Tensor& a, const Tensor& b) {
      DS_CHECK(a.dtype() == DType::Bool && b.dtype() == DType::Bool, NotImplementedError,
               "{}: bitwise operators are implemented for bool tensors only (got {} and {})",
               name, dtype_name(a.dtype()), dtype_name(b.dtype()));
      switch (logical) {
        case BinaryOp::LogicalAnd: return logical_and(a, b);
        case BinaryOp::LogicalOr: return logical_or(a, b);
        default: return logical_xor(a, b);
      }
    };
  };
  for (auto [name, rname, op] : {std::tuple{"__and__", "__rand__", BinaryOp::LogicalAnd},
                                 std::tuple{"__or__", "__ror__", BinaryOp::LogicalOr},
                                 std::tuple{"__xor__", "__rxor__", BinaryOp::LogicalXor}}) {
    auto f = bitwise(op, name);
    cls.def(name, [f](const Tensor& a, py::handle b) -> py::object {
      auto o = to_operand(b);
      if (!o) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      return py::cast(f(a, *o));
    }, py::is_operator());
    cls.def(rname, [f](const Tensor& a, py::handle b) -> py::object {
      auto o = to_operand(b);
      if (!o) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      return py::cast(f(*o, a));
    }, py::is_operator());
  }
  cls.def("__neg__", [](const Tensor& a) { return neg(a); });
  cls.def("__pos__", [](const Tensor& a) { return a; });
  cls.def("__abs__", [](const Tensor& a) { return abs(a); });
  cls.def("__invert__", [](const Tensor& a) {
    DS_CHECK(a.dtype() == DType::Bool, NotImplementedError,
             "~ (bitwise_not) is implemented for bool tensors only (got {})", dtype_name(a.dtype()));
    return logical_not(a);
  });
  auto ibinop = [&](const char* name, const Tensor& (*fn)(const Tensor&, const Tensor&, const Scalar&)) {
    cls.def(name, [fn](const Tensor& a, py::handle b) -> py::object {
      auto o = to_operand(b);
      if (!o) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      fn(a, *o, 1);
      return py::cast(a);
    }, py::is_operator());
  };
  ibinop("__iadd__", &add_);
  ibinop("__isub__", &sub_);
  cls.def("__imul__", [](const Tensor& a, py::handle b) -> py::object {
    auto o = to_operand(b);
    if (!o) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
    mul_(a, *o);
    return py::cast(a);
  }, py::is_operator());
  cls.def("__itruediv__", [](const Tensor& a, py::handle b) -> py::object {
    auto o = to_operand(b);
    if (!o) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
    div_(a, *o);
    return py::cast(a);
  }, py::is_operator());

  // ---- conversions ----
  m.def("_to", [](const Tensor& x, std::optional<Device> device, std::optional<DType> dtype, bool copy) {
    return to(x, device.value_or(x.device()), dtype.value_or(x.dtype()), copy);
  });
  cls.def("clone", [](const Tensor& x) { return clone(x); });
  cls.def("contiguous", [](const Tensor& x) { return contiguous(x); });
  cls.def("copy_", [](const Tensor& x, const Tensor& src) { return copy_(x, src); }, py::arg("src"));
  cls.def("fill_", [](const Tensor& x, py::handle v) {
    if (py::isinstance<TensorImpl>(v)) return fill_(x, v.cast<Tensor>().item());
    return fill_(x, *to_scalar(v));
  });
  cls.def("zero_", [](const Tensor& x) { return zero_(x); });
}

}  // namespace deepseek::python
