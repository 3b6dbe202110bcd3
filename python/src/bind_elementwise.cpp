// Elementwise math and conversions: module functions (deepseek.add, ...), Tensor methods
// and Python operators. Numbers on either side become wrapped scalars.
#include <cmath>

#include "deepseek/backend/kernel_ops.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/bitwise.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/linalg.h"
#include "deepseek/ops/ternary.h"
#include "deepseek/ops/type_promotion.h"
#include "deepseek/ops/unary.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {

using TensorClass = py::class_<TensorImpl, std::shared_ptr<TensorImpl>>;
using BinaryFn = Tensor (*)(const Tensor&, const Tensor&);
using InplaceFn = const Tensor& (*)(const Tensor&, const Tensor&);

template <typename Fn>
void def_binary(py::module_& m, TensorClass& cls, const char* name, Fn fn) {
  m.def(name, [fn, name](py::handle a, py::handle b) {
    return fn(operand_or_throw(a, name), operand_or_throw(b, name));
  });
  cls.def(name,
          [fn, name](const Tensor& a, py::handle b) { return fn(a, operand_or_throw(b, name)); });
}

template <typename Fn>
void def_unary(py::module_& m, TensorClass& cls, const char* name, Fn fn) {
  m.def(
      name, [fn](const Tensor& x) { return fn(x); }, py::arg("input"));
  cls.def(name, [fn](const Tensor& x) { return fn(x); });
}

// `a op b` for a Python operator: NotImplemented for operands that are neither tensors nor
// numbers, so Python raises its usual TypeError (or tries the reflected operator).
template <typename Fn>
py::object apply_operator(Fn fn, const Tensor& self, py::handle other, bool reflected) {
  auto o = to_operand(other);
  if (!o) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  return py::cast(reflected ? fn(*o, self) : fn(self, *o));
}

// x ** number goes through pow(Tensor, Scalar): the exact integer kernel and PyTorch's
// "Integers to negative integer powers are not allowed." check.
Tensor pow_operands(const Tensor& a, const Tensor& b) {
  if (b.impl()->wrapped_number) return pow(a, b.item());
  return pow(a, b);
}

// clamp's bounds: None, a number, or a tensor.
struct ClampBound {
  std::optional<Scalar> number;
  Tensor tensor;
};
ClampBound clamp_bound(py::handle h) {
  if (h.is_none()) return {};
  if (py::isinstance<TensorImpl>(h)) return {std::nullopt, h.cast<Tensor>()};
  if (auto s = to_scalar(h)) return {s, Tensor()};
  DS_THROW(TypeError, "clamp(): min and max must be numbers, tensors or None, got {}",
           py::str(py::type::of(h).attr("__name__")).cast<std::string>());
}
Tensor clamp_any(const Tensor& x, py::handle lo_h, py::handle hi_h, bool inplace) {
  ClampBound lo = clamp_bound(lo_h), hi = clamp_bound(hi_h);
  if (lo.tensor.defined() || hi.tensor.defined()) {
    Tensor lo_t = lo.number ? wrapped_scalar(*lo.number) : lo.tensor;
    Tensor hi_t = hi.number ? wrapped_scalar(*hi.number) : hi.tensor;
    return inplace ? clamp_(x, lo_t, hi_t) : clamp(x, lo_t, hi_t);
  }
  return inplace ? clamp_(x, lo.number, hi.number) : clamp(x, lo.number, hi.number);
}

// torch.round(x, decimals=d): round(x * 10^d) / 10^d (d < 0 rounds to tens, hundreds...).
Tensor round_decimals(const Tensor& x, int64_t decimals) {
  if (decimals == 0) return round(x);
  DS_CHECK(is_floating(x.dtype()), RuntimeError,
           "round_mode_kernel: decimals is only supported for floating point tensors, got {}",
           scalar_type_name(x.dtype()));
  const double scale = std::pow(10.0, static_cast<double>(std::abs(decimals)));
  if (decimals > 0) return div(round(mul(x, wrapped_scalar(scale))), wrapped_scalar(scale));
  return mul(round(div(x, wrapped_scalar(scale))), wrapped_scalar(scale));
}

void bind_unary(py::module_& m, TensorClass& cls) {
#define DS_BIND_UNARY(name, fn)                                   \
  def_unary(m, cls, name, [](const Tensor& x) { return fn(x); }); \
  cls.def(name "_", [](const Tensor& x) { return fn##_(x); })
  DS_BIND_UNARY("neg", neg);
  DS_BIND_UNARY("negative", neg);
  DS_BIND_UNARY("abs", abs);
  DS_BIND_UNARY("absolute", abs);
  DS_BIND_UNARY("exp", exp);
  DS_BIND_UNARY("log", log);
  DS_BIND_UNARY("log1p", log1p);
  DS_BIND_UNARY("expm1", expm1);
  DS_BIND_UNARY("sqrt", sqrt);
  DS_BIND_UNARY("rsqrt", rsqrt);
  DS_BIND_UNARY("sin", sin);
  DS_BIND_UNARY("cos", cos);
  DS_BIND_UNARY("tanh", tanh);
  DS_BIND_UNARY("sigmoid", sigmoid);
  DS_BIND_UNARY("relu", relu);
  DS_BIND_UNARY("silu", silu);
  DS_BIND_UNARY("sign", sign);
  DS_BIND_UNARY("floor", floor);
  DS_BIND_UNARY("ceil", ceil);
  DS_BIND_UNARY("reciprocal", reciprocal);
  DS_BIND_UNARY("erf", erf);
  DS_BIND_UNARY("square", square);
  DS_BIND_UNARY("logical_not", logical_not);
  DS_BIND_UNARY("tan", tan);
  DS_BIND_UNARY("asin", asin);
  DS_BIND_UNARY("arcsin", asin);
  DS_BIND_UNARY("acos", acos);
  DS_BIND_UNARY("arccos", acos);
  DS_BIND_UNARY("atan", atan);
  DS_BIND_UNARY("arctan", atan);
  DS_BIND_UNARY("sinh", sinh);
  DS_BIND_UNARY("cosh", cosh);
  DS_BIND_UNARY("log2", log2);
  DS_BIND_UNARY("log10", log10);
  DS_BIND_UNARY("exp2", exp2);
  DS_BIND_UNARY("trunc", trunc);
  DS_BIND_UNARY("fix", trunc);
  DS_BIND_UNARY("frac", frac);
  DS_BIND_UNARY("bitwise_not", bitwise_not);
#undef DS_BIND_UNARY
  def_unary(m, cls, "isnan", [](const Tensor& x) { return isnan(x); });
  def_unary(m, cls, "isinf", [](const Tensor& x) { return isinf(x); });
  def_unary(m, cls, "isfinite", [](const Tensor& x) { return isfinite(x); });
  def_unary(m, cls, "signbit", [](const Tensor& x) { return signbit(x); });
  auto nan_to_num_fn = [](bool inplace) {
    return [inplace](const Tensor& x, std::optional<double> nan, std::optional<double> posinf,
                     std::optional<double> neginf) {
      return inplace ? nan_to_num_(x, nan.value_or(0.0), posinf, neginf)
                     : nan_to_num(x, nan.value_or(0.0), posinf, neginf);
    };
  };
  m.def("nan_to_num", nan_to_num_fn(false), py::arg("input"), py::arg("nan") = 0.0,
        py::arg("posinf") = py::none(), py::arg("neginf") = py::none());
  cls.def("nan_to_num", nan_to_num_fn(false), py::arg("nan") = 0.0, py::arg("posinf") = py::none(),
          py::arg("neginf") = py::none());
  cls.def("nan_to_num_", nan_to_num_fn(true), py::arg("nan") = 0.0, py::arg("posinf") = py::none(),
          py::arg("neginf") = py::none());
  m.def(
      "round", [](const Tensor& x, int64_t decimals) { return round_decimals(x, decimals); },
      py::arg("input"), py::kw_only(), py::arg("decimals") = 0);
  cls.def(
      "round", [](const Tensor& x, int64_t decimals) { return round_decimals(x, decimals); },
      py::kw_only(), py::arg("decimals") = 0);
  cls.def(
      "round_",
      [](const Tensor& x, int64_t decimals) {
        if (decimals == 0) return round_(x);
        return assign_inplace(x, {}, "round_", [decimals](const TensorList& a) {
          return round_decimals(a[0], decimals);
        });
      },
      py::kw_only(), py::arg("decimals") = 0);
  m.def(
      "gelu", [](const Tensor& x, const std::string& approximate) { return gelu(x, approximate); },
      py::arg("input"), py::arg("approximate") = "none");
  cls.def(
      "gelu", [](const Tensor& x, const std::string& approximate) { return gelu(x, approximate); },
      py::arg("approximate") = "none");
  for (const char* name : {"clamp", "clip"}) {
    m.def(
        name,
        [](const Tensor& x, py::handle lo, py::handle hi) { return clamp_any(x, lo, hi, false); },
        py::arg("input"), py::arg("min") = py::none(), py::arg("max") = py::none());
    cls.def(
        name,
        [](const Tensor& x, py::handle lo, py::handle hi) { return clamp_any(x, lo, hi, false); },
        py::arg("min") = py::none(), py::arg("max") = py::none());
  }
  // clamp_min(x, min) / clamp_max(x, max): one-sided clamps.
  for (bool is_min : {true, false}) {
    auto fn = [is_min](bool inplace) {
      return [is_min, inplace](const Tensor& x, py::handle bound) {
        py::handle none = py::none();
        return clamp_any(x, is_min ? bound : none, is_min ? none : bound, inplace);
      };
    };
    const char* name = is_min ? "clamp_min" : "clamp_max";
    m.def(name, fn(false), py::arg("input"), py::arg(is_min ? "min" : "max"));
    cls.def(name, fn(false), py::arg(is_min ? "min" : "max"));
    cls.def(is_min ? "clamp_min_" : "clamp_max_", fn(true), py::arg(is_min ? "min" : "max"));
  }
  for (const char* name : {"clamp_", "clip_"}) {
    cls.def(
        name,
        [](const Tensor& x, py::handle lo, py::handle hi) { return clamp_any(x, lo, hi, true); },
        py::arg("min") = py::none(), py::arg("max") = py::none());
  }
}

void bind_binary(py::module_& m, TensorClass& cls) {
  for (const char* name : {"add", "sub", "subtract"}) {
    const bool is_add = name[0] == 'a';
    m.def(
        name,
        [is_add, name](py::handle a, py::handle b, const Scalar& alpha) {
          Tensor x = operand_or_throw(a, name), y = operand_or_throw(b, name);
          return is_add ? add(x, y, alpha) : sub(x, y, alpha);
        },
        py::arg("input"), py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
    cls.def(
        name,
        [is_add, name](const Tensor& x, py::handle b, const Scalar& alpha) {
          Tensor y = operand_or_throw(b, name);
          return is_add ? add(x, y, alpha) : sub(x, y, alpha);
        },
        py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  }
  def_binary(m, cls, "mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); });
  def_binary(m, cls, "multiply", [](const Tensor& a, const Tensor& b) { return mul(a, b); });
  for (const char* name : {"div", "divide"}) {
    m.def(
        name,
        [name](py::handle a, py::handle b, std::optional<std::string> mode) {
          return div(operand_or_throw(a, name), operand_or_throw(b, name), mode);
        },
        py::arg("input"), py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());
    cls.def(
        name,
        [name](const Tensor& a, py::handle b, std::optional<std::string> mode) {
          return div(a, operand_or_throw(b, name), mode);
        },
        py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());
  }
  def_binary(m, cls, "true_divide", [](const Tensor& a, const Tensor& b) { return div(a, b); });
  def_binary(m, cls, "floor_divide",
             [](const Tensor& a, const Tensor& b) { return floor_divide(a, b); });
  def_binary(m, cls, "remainder", [](const Tensor& a, const Tensor& b) { return remainder(a, b); });
  def_binary(m, cls, "pow", &pow_operands);
  def_binary(m, cls, "maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); });
  def_binary(m, cls, "minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); });
  def_binary(m, cls, "eq", [](const Tensor& a, const Tensor& b) { return eq(a, b); });
  def_binary(m, cls, "ne", [](const Tensor& a, const Tensor& b) { return ne(a, b); });
  def_binary(m, cls, "lt", [](const Tensor& a, const Tensor& b) { return lt(a, b); });
  def_binary(m, cls, "le", [](const Tensor& a, const Tensor& b) { return le(a, b); });
  def_binary(m, cls, "gt", [](const Tensor& a, const Tensor& b) { return gt(a, b); });
  def_binary(m, cls, "ge", [](const Tensor& a, const Tensor& b) { return ge(a, b); });
  def_binary(m, cls, "greater", [](const Tensor& a, const Tensor& b) { return gt(a, b); });
  def_binary(m, cls, "less", [](const Tensor& a, const Tensor& b) { return lt(a, b); });
  def_binary(m, cls, "logical_and",
             [](const Tensor& a, const Tensor& b) { return logical_and(a, b); });
  def_binary(m, cls, "logical_or",
             [](const Tensor& a, const Tensor& b) { return logical_or(a, b); });
  def_binary(m, cls, "logical_xor",
             [](const Tensor& a, const Tensor& b) { return logical_xor(a, b); });
  def_binary(m, cls, "bitwise_and",
             [](const Tensor& a, const Tensor& b) { return bitwise_and(a, b); });
  def_binary(m, cls, "bitwise_or",
             [](const Tensor& a, const Tensor& b) { return bitwise_or(a, b); });
  def_binary(m, cls, "bitwise_xor",
             [](const Tensor& a, const Tensor& b) { return bitwise_xor(a, b); });
  def_binary(m, cls, "bitwise_left_shift",
             [](const Tensor& a, const Tensor& b) { return bitwise_left_shift(a, b); });
  def_binary(m, cls, "bitwise_right_shift",
             [](const Tensor& a, const Tensor& b) { return bitwise_right_shift(a, b); });
  def_binary(m, cls, "atan2", [](const Tensor& a, const Tensor& b) { return atan2(a, b); });
  def_binary(m, cls, "arctan2", [](const Tensor& a, const Tensor& b) { return atan2(a, b); });
  def_binary(m, cls, "hypot", [](const Tensor& a, const Tensor& b) { return hypot(a, b); });
  def_binary(m, cls, "fmod", [](const Tensor& a, const Tensor& b) { return fmod(a, b); });
  for (bool is_all : {false, true}) {
    const char* name = is_all ? "allclose" : "isclose";
    auto fn = [is_all](const Tensor& a, const Tensor& b, double rtol, double atol,
                       bool equal_nan) -> py::object {
      if (is_all) return py::bool_(allclose(a, b, rtol, atol, equal_nan));
      return py::cast(isclose(a, b, rtol, atol, equal_nan));
    };
    m.def(name, fn, py::arg("input"), py::arg("other"), py::arg("rtol") = 1e-5,
          py::arg("atol") = 1e-8, py::arg("equal_nan") = false);
    cls.def(name, fn, py::arg("other"), py::arg("rtol") = 1e-5, py::arg("atol") = 1e-8,
            py::arg("equal_nan") = false);
  }
  m.def(
      "equal", [](const Tensor& a, const Tensor& b) { return equal(a, b); }, py::arg("input"),
      py::arg("other"));
  cls.def(
      "equal", [](const Tensor& a, const Tensor& b) { return equal(a, b); }, py::arg("other"));
  // Three operands: lerp(start, end, weight), addcmul/addcdiv(input, t1, t2, value=).
  auto lerp_fn = [](bool inplace) {
    return [inplace](const Tensor& start, const Tensor& end, py::handle weight) {
      Tensor w = operand_or_throw(weight, "lerp");
      return inplace ? lerp_(start, end, w) : lerp(start, end, w);
    };
  };
  m.def("lerp", lerp_fn(false), py::arg("input"), py::arg("end"), py::arg("weight"));
  cls.def("lerp", lerp_fn(false), py::arg("end"), py::arg("weight"));
  cls.def("lerp_", lerp_fn(true), py::arg("end"), py::arg("weight"));
  for (bool is_mul : {true, false}) {
    auto fn = [is_mul](bool inplace) {
      return [is_mul, inplace](const Tensor& x, const Tensor& t1, const Tensor& t2,
                               const Scalar& value) {
        if (inplace) return is_mul ? addcmul_(x, t1, t2, value) : addcdiv_(x, t1, t2, value);
        return is_mul ? addcmul(x, t1, t2, value) : addcdiv(x, t1, t2, value);
      };
    };
    const char* name = is_mul ? "addcmul" : "addcdiv";
    m.def(name, fn(false), py::arg("input"), py::arg("tensor1"), py::arg("tensor2"), py::kw_only(),
          py::arg("value") = 1);
    cls.def(name, fn(false), py::arg("tensor1"), py::arg("tensor2"), py::kw_only(),
            py::arg("value") = 1);
    cls.def(is_mul ? "addcmul_" : "addcdiv_", fn(true), py::arg("tensor1"), py::arg("tensor2"),
            py::kw_only(), py::arg("value") = 1);
  }
  m.def(
      "where",
      [](const Tensor& cond, py::handle a, py::handle b) {
        return where(cond, operand_or_throw(a, "where"), operand_or_throw(b, "where"));
      },
      py::arg("condition"), py::arg("input"), py::arg("other"));
  cls.def(
      "where",
      [](const Tensor& self, const Tensor& cond, py::handle other) {
        return where(cond, self, operand_or_throw(other, "where"));
      },
      py::arg("condition"), py::arg("other"));
  m.def(
      "result_type",
      [](py::handle a, py::handle b) {
        return result_type(
            {operand_or_throw(a, "result_type"), operand_or_throw(b, "result_type")});
      },
      py::arg("tensor1"), py::arg("tensor2"));
  m.def(
      "can_cast", [](DType from, DType to) { return can_cast(from, to); }, py::arg("from_"),
      py::arg("to"));

  // in place
  for (const char* name : {"add_", "sub_", "subtract_"}) {
    const bool is_add = name[0] == 'a';
    cls.def(
        name,
        [is_add, name](const Tensor& x, py::handle b, const Scalar& alpha) {
          Tensor y = operand_or_throw(b, name);
          return is_add ? add_(x, y, alpha) : sub_(x, y, alpha);
        },
        py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  }
  cls.def(
      "div_",
      [](const Tensor& a, py::handle b, std::optional<std::string> mode) {
        return div_(a, operand_or_throw(b, "div_"), mode);
      },
      py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());
  auto def_inplace = [&](const char* name, InplaceFn fn) {
    cls.def(name,
            [fn, name](const Tensor& a, py::handle b) { return fn(a, operand_or_throw(b, name)); });
  };
  def_inplace("mul_", [](const Tensor& a, const Tensor& b) -> const Tensor& { return mul_(a, b); });
  def_inplace("true_divide_",
              [](const Tensor& a, const Tensor& b) -> const Tensor& { return div_(a, b); });
  def_inplace("floor_divide_", &floor_divide_);
  def_inplace("remainder_", &remainder_);
  def_inplace("logical_and_", &logical_and_);
  def_inplace("logical_or_", &logical_or_);
  def_inplace("logical_xor_", &logical_xor_);
  def_inplace("bitwise_and_", &bitwise_and_);
  def_inplace("bitwise_or_", &bitwise_or_);
  def_inplace("bitwise_xor_", &bitwise_xor_);
  def_inplace("bitwise_left_shift_", &bitwise_left_shift_);
  def_inplace("bitwise_right_shift_", &bitwise_right_shift_);
  def_inplace("atan2_", &atan2_);
  def_inplace("arctan2_", &atan2_);
  def_inplace("hypot_", &hypot_);
  def_inplace("fmod_", &fmod_);
  cls.def("pow_", [](const Tensor& a, py::handle b) -> const Tensor& {
    Tensor e = operand_or_throw(b, "pow_");
    if (e.impl()->wrapped_number) return pow_(a, e.item());
    return pow_(a, e);
  });
}

void bind_operators(TensorClass& cls) {
  auto binop = [&](const char* name, const char* rname, BinaryFn fn) {
    cls.def(
        name, [fn](const Tensor& a, py::handle b) { return apply_operator(fn, a, b, false); },
        py::is_operator());
    if (rname) {
      cls.def(
          rname, [fn](const Tensor& a, py::handle b) { return apply_operator(fn, a, b, true); },
          py::is_operator());
    }
  };
  binop("__add__", "__radd__", [](const Tensor& a, const Tensor& b) { return add(a, b); });
  binop("__sub__", "__rsub__", [](const Tensor& a, const Tensor& b) { return sub(a, b); });
  binop("__mul__", "__rmul__", [](const Tensor& a, const Tensor& b) { return mul(a, b); });
  binop("__truediv__", "__rtruediv__", [](const Tensor& a, const Tensor& b) { return div(a, b); });
  binop("__floordiv__", "__rfloordiv__",
        [](const Tensor& a, const Tensor& b) { return floor_divide(a, b); });
  binop("__mod__", "__rmod__", [](const Tensor& a, const Tensor& b) { return remainder(a, b); });
  binop("__pow__", "__rpow__", &pow_operands);
  binop("__matmul__", "__rmatmul__", [](const Tensor& a, const Tensor& b) { return matmul(a, b); });
  binop("__eq__", nullptr, [](const Tensor& a, const Tensor& b) { return eq(a, b); });
  binop("__ne__", nullptr, [](const Tensor& a, const Tensor& b) { return ne(a, b); });
  binop("__lt__", nullptr, [](const Tensor& a, const Tensor& b) { return lt(a, b); });
  binop("__le__", nullptr, [](const Tensor& a, const Tensor& b) { return le(a, b); });
  binop("__gt__", nullptr, [](const Tensor& a, const Tensor& b) { return gt(a, b); });
  binop("__ge__", nullptr, [](const Tensor& a, const Tensor& b) { return ge(a, b); });
  binop("__and__", "__rand__", [](const Tensor& a, const Tensor& b) { return bitwise_and(a, b); });
  binop("__or__", "__ror__", [](const Tensor& a, const Tensor& b) { return bitwise_or(a, b); });
  binop("__xor__", "__rxor__", [](const Tensor& a, const Tensor& b) { return bitwise_xor(a, b); });
  binop("__lshift__", "__rlshift__",
        [](const Tensor& a, const Tensor& b) { return bitwise_left_shift(a, b); });
  binop("__rshift__", "__rrshift__",
        [](const Tensor& a, const Tensor& b) { return bitwise_right_shift(a, b); });
  cls.def("__neg__", [](const Tensor& a) { return neg(a); });
  cls.def("__pos__", [](const Tensor& a) { return a; });
  cls.def("__abs__", [](const Tensor& a) { return abs(a); });
  cls.def("__invert__", [](const Tensor& a) { return bitwise_not(a); });

  // x op= y writes into x (its dtype must hold the result) and returns x itself.
  auto iop = [&](const char* name, BinaryFn inplace) {
    cls.def(
        name,
        [inplace](const Tensor& a, py::handle b) -> py::object {
          auto o = to_operand(b);
          if (!o) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
          inplace(a, *o);
          return py::cast(a);
        },
        py::is_operator());
  };
  iop("__iadd__", [](const Tensor& a, const Tensor& b) { return add_(a, b); });
  iop("__isub__", [](const Tensor& a, const Tensor& b) { return sub_(a, b); });
  iop("__imul__", [](const Tensor& a, const Tensor& b) { return mul_(a, b); });
  iop("__itruediv__", [](const Tensor& a, const Tensor& b) { return div_(a, b); });
  iop("__ifloordiv__", [](const Tensor& a, const Tensor& b) { return floor_divide_(a, b); });
  iop("__imod__", [](const Tensor& a, const Tensor& b) { return remainder_(a, b); });
  iop("__ipow__", [](const Tensor& a, const Tensor& b) {
    return b.impl()->wrapped_number ? pow_(a, b.item()) : pow_(a, b);
  });
  iop("__iand__", [](const Tensor& a, const Tensor& b) { return bitwise_and_(a, b); });
  iop("__ior__", [](const Tensor& a, const Tensor& b) { return bitwise_or_(a, b); });
  iop("__ixor__", [](const Tensor& a, const Tensor& b) { return bitwise_xor_(a, b); });
  iop("__ilshift__", [](const Tensor& a, const Tensor& b) { return bitwise_left_shift_(a, b); });
  iop("__irshift__", [](const Tensor& a, const Tensor& b) { return bitwise_right_shift_(a, b); });
}

void bind_conversions(py::module_& m, TensorClass& cls) {
  m.def("_to",
        [](const Tensor& x, std::optional<Device> device, std::optional<DType> dtype, bool copy) {
          return to(x, device.value_or(x.device()), dtype.value_or(x.dtype()), copy);
        });
  cls.def(
      "clone", [](const Tensor& x, py::handle /*memory_format*/) { return clone(x); },
      py::kw_only(), py::arg("memory_format") = py::none());
  m.def(
      "clone", [](const Tensor& x, py::handle /*memory_format*/) { return clone(x); },
      py::arg("input"), py::kw_only(), py::arg("memory_format") = py::none());
  cls.def(
      "contiguous", [](const Tensor& x, py::handle /*memory_format*/) { return contiguous(x); },
      py::arg("memory_format") = py::none());
  cls.def(
      "copy_",
      [](const Tensor& x, const Tensor& src, bool /*non_blocking*/) { return copy_(x, src); },
      py::arg("src"), py::arg("non_blocking") = false);
  cls.def(
      "fill_",
      [](const Tensor& x, py::handle v) {
        if (py::isinstance<TensorImpl>(v)) {
          Tensor t = v.cast<Tensor>();
          DS_CHECK(
              t.dim() == 0, RuntimeError,
              "fill_ only supports 0-dimension value tensor but got tensor with {} dimensions.",
              t.dim());
          return fill_(x, t.item());
        }
        auto s = to_scalar(v);
        DS_CHECK(s.has_value(), TypeError, "fill_(): argument 'value' must be Number, not {}",
                 py::str(py::type::of(v).attr("__name__")).cast<std::string>());
        return fill_(x, *s);
      },
      py::arg("value"));
  cls.def("zero_", [](const Tensor& x) { return zero_(x); });
}

}  // namespace

void bind_elementwise(py::module_& m) {
  auto cls = py::reinterpret_borrow<TensorClass>(m.attr("Tensor"));
  bind_unary(m, cls);
  bind_binary(m, cls);
  bind_operators(cls);
  bind_conversions(m, cls);
}

}  // namespace deepseek::python
