// Shared by every binding file: the type casters that let bound functions take and return
// deepseek::Tensor, DType, Device and Scalar directly, and small argument helpers.
//
// Tensors cross as the shared_ptr<TensorImpl> holder of the bound class "Tensor", so pybind11
// finds the existing Python object for a TensorImpl that already has one: `x.grad is x.grad`,
// attributes set on a tensor stick, and Python subclasses (nn.Parameter) survive a round trip.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <vector>

#include "deepseek/core/device.h"
#include "deepseek/core/dtype.h"
#include "deepseek/core/scalar.h"
#include "deepseek/core/tensor.h"

namespace py = pybind11;

namespace deepseek::python {

// The Python object standing for a dtype (deepseek.float32, ...): one singleton per DType.
struct PyDType {
  DType dtype;
};
py::object dtype_object(DType dtype);

// Python number (bool/int/float, numpy scalar) -> Scalar; nullopt if `h` is not a number.
std::optional<Scalar> to_scalar(py::handle h);
// A Tensor, or a number wrapped for type promotion (`x + 2`); nullopt otherwise.
std::optional<Tensor> to_operand(py::handle h);
// Like to_operand, but raises TypeError naming `op` for anything else.
Tensor operand_or_throw(py::handle h, const char* op);
// Nested lists / tuples / numpy arrays / scalars -> a new CPU tensor.
Tensor tensor_from_python(py::handle data, std::optional<DType> dtype);
// A CPU tensor as nested Python lists (or a number for 0-dim).
py::object tensor_to_list(const Tensor& t);

// Registration entry points, one per binding file.
void bind_dtype_device(py::module_& m);
void bind_tensor(py::module_& m);
void bind_creation(py::module_& m);
void bind_elementwise(py::module_& m);
void bind_reduce_linalg(py::module_& m);
void bind_shape(py::module_& m);
void bind_autograd(py::module_& m);
void bind_optim(py::module_& m);
void bind_runtime(py::module_& m);
void bind_cuda(py::module_& m);
void bind_io(py::module_& m);
void bind_nn_functional(py::module_& m);
void bind_amp(py::module_& m);

}  // namespace deepseek::python

namespace pybind11::detail {

template <>
struct type_caster<deepseek::Tensor> {
  using Holder = std::shared_ptr<deepseek::TensorImpl>;
  PYBIND11_TYPE_CASTER(deepseek::Tensor, const_name("Tensor"));

  bool load(handle src, bool convert) {
    if (src.is_none()) return false;
    copyable_holder_caster<deepseek::TensorImpl, Holder> holder;
    if (!holder.load(src, convert)) return false;
    value = deepseek::Tensor(static_cast<Holder&>(holder));
    return true;
  }
  static handle cast(const deepseek::Tensor& t, return_value_policy, handle parent) {
    if (!t.defined()) return none().release();
    return copyable_holder_caster<deepseek::TensorImpl, Holder>::cast(
        t.impl_ptr(), return_value_policy::take_ownership, parent);
  }
};

template <>
struct type_caster<deepseek::DType> {
  PYBIND11_TYPE_CASTER(deepseek::DType, const_name("dtype"));
  bool load(handle src, bool) {
    if (src.is_none()) return false;
    try {
      value = src.cast<deepseek::python::PyDType&>().dtype;
      return true;
    } catch (const cast_error&) {
      return false;
    }
  }
  static handle cast(deepseek::DType d, return_value_policy, handle) {
    return deepseek::python::dtype_object(d).release();
  }
};

template <>
struct type_caster<deepseek::Scalar> {
  PYBIND11_TYPE_CASTER(deepseek::Scalar, const_name("Number"));
  bool load(handle src, bool) {
    auto s = deepseek::python::to_scalar(src);
    if (!s) return false;
    value = *s;
    return true;
  }
  static handle cast(const deepseek::Scalar& s, return_value_policy, handle) {
    if (s.is_bool()) return pybind11::bool_(s.to_bool()).release();
    if (s.is_integral()) return pybind11::int_(s.to_int()).release();
    return pybind11::float_(s.to_double()).release();
  }
};

}  // namespace pybind11::detail
