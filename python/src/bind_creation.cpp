// Factory functions. The Python layer (deepseek/_factories.py) parses PyTorch's flexible
// signatures (`zeros(2, 3)`, `zeros((2, 3))`, size=..., out=...) and calls these.
#include "deepseek/ops/creation.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {
TensorOptions options(std::optional<DType> dtype, std::optional<Device> device,
                      bool requires_grad) {
  TensorOptions o;
  o.dtype = dtype;
  if (device) o.device = *device;
  o.requires_grad = requires_grad;
  return o;
}
}  // namespace

void bind_creation(py::module_& m) {
  auto def_shape_factory = [&](const char* name, Tensor (*fn)(const Shape&, TensorOptions)) {
    m.def(
        name,
        [fn](const Shape& shape, std::optional<DType> dtype, std::optional<Device> device,
             bool requires_grad) { return fn(shape, options(dtype, device, requires_grad)); },
        py::arg("size"), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
        py::arg("requires_grad") = false);
  };
  def_shape_factory("_empty", &empty);
  def_shape_factory("_zeros", &zeros);
  def_shape_factory("_ones", &ones);
  m.def(
      "_full",
      [](const Shape& shape, const Scalar& v, std::optional<DType> dtype,
         std::optional<Device> device,
         bool rg) { return full(shape, v, options(dtype, device, rg)); },
      py::arg("size"), py::arg("fill_value"), py::arg("dtype") = py::none(),
      py::arg("device") = py::none(), py::arg("requires_grad") = false);
  m.def("_arange", [](const Scalar& start, const Scalar& end, const Scalar& step,
                      std::optional<DType> dtype, std::optional<Device> device,
                      bool rg) { return arange(start, end, step, options(dtype, device, rg)); });
  m.def(
      "linspace",
      [](double start, double end, int64_t steps, std::optional<DType> dtype,
         std::optional<Device> device,
         bool rg) { return linspace(start, end, steps, options(dtype, device, rg)); },
      py::arg("start"), py::arg("end"), py::arg("steps"), py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("device") = py::none(),
      py::arg("requires_grad") = false);
  m.def(
      "eye",
      [](int64_t n, std::optional<int64_t> mm, std::optional<DType> dtype,
         std::optional<Device> device, bool rg) { return eye(n, mm, options(dtype, device, rg)); },
      py::arg("n"), py::arg("m") = py::none(), py::kw_only(), py::arg("dtype") = py::none(),
      py::arg("device") = py::none(), py::arg("requires_grad") = false);
  m.def("_rand", [](const Shape& shape, std::optional<DType> dtype, std::optional<Device> device,
                    bool rg) { return rand(shape, options(dtype, device, rg)); });
  m.def("_randn", [](const Shape& shape, std::optional<DType> dtype, std::optional<Device> device,
                     bool rg) { return randn(shape, options(dtype, device, rg)); });
  m.def("_randint", [](int64_t low, int64_t high, const Shape& shape, std::optional<DType> dtype,
                       std::optional<Device> device,
                       bool rg) { return randint(low, high, shape, options(dtype, device, rg)); });
  m.def(
      "randperm",
      [](int64_t n, std::optional<DType> dtype, std::optional<Device> device, bool rg) {
        return randperm(n, options(dtype, device, rg));
      },
      py::arg("n"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
      py::arg("requires_grad") = false);
  m.def("_uniform_", [](const Tensor& t, double a, double b) { return uniform_(t, a, b); });
  m.def("_normal_", [](const Tensor& t, double mean, double std) { return normal_(t, mean, std); });
  m.def("_bernoulli_like", [](const Tensor& t, double p) { return bernoulli_like(t, p); });
  m.def("_wrapped_scalar", [](const Scalar& s) { return wrapped_scalar(s); });
}

}  // namespace deepseek::python
