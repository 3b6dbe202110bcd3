// Factory functions. The Python layer (deepseek/_factories.py) parses PyTorch's flexible
// signatures (`zeros(2, 3)`, `zeros((2, 3))`, size=..., out=...) and calls these.
#include "deepseek/ops/creation.h"
#include "deepseek/ops/random.h"
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
  // Random factories and fills: `generator` None draws from the default generator.
  m.def(
      "_rand",
      [](const Shape& shape, std::optional<DType> dtype, std::optional<Device> device, bool rg,
         Generator* gen) { return rand(shape, options(dtype, device, rg), gen); },
      py::arg("size"), py::arg("dtype"), py::arg("device"), py::arg("requires_grad"),
      py::arg("generator") = py::none());
  m.def(
      "_randn",
      [](const Shape& shape, std::optional<DType> dtype, std::optional<Device> device, bool rg,
         Generator* gen) { return randn(shape, options(dtype, device, rg), gen); },
      py::arg("size"), py::arg("dtype"), py::arg("device"), py::arg("requires_grad"),
      py::arg("generator") = py::none());
  m.def(
      "_randint",
      [](int64_t low, int64_t high, const Shape& shape, std::optional<DType> dtype,
         std::optional<Device> device, bool rg,
         Generator* gen) { return randint(low, high, shape, options(dtype, device, rg), gen); },
      py::arg("low"), py::arg("high"), py::arg("size"), py::arg("dtype"), py::arg("device"),
      py::arg("requires_grad"), py::arg("generator") = py::none());
  m.def(
      "randperm",
      [](int64_t n, Generator* gen, std::optional<DType> dtype, std::optional<Device> device,
         bool rg) { return randperm(n, options(dtype, device, rg), gen); },
      py::arg("n"), py::kw_only(), py::arg("generator") = py::none(), py::arg("dtype") = py::none(),
      py::arg("device") = py::none(), py::arg("requires_grad") = false);
  m.def(
      "_uniform_",
      [](const Tensor& t, double a, double b, Generator* gen) { return uniform_(t, a, b, gen); },
      py::arg("self"), py::arg("from"), py::arg("to"), py::arg("generator") = py::none());
  m.def(
      "_normal_",
      [](const Tensor& t, double mean, double std, Generator* gen) {
        return normal_(t, mean, std, gen);
      },
      py::arg("self"), py::arg("mean"), py::arg("std"), py::arg("generator") = py::none());
  m.def(
      "_bernoulli_",
      [](const Tensor& t, py::handle p, Generator* gen) {
        if (py::isinstance<TensorImpl>(p)) return bernoulli_(t, p.cast<Tensor>(), gen);
        return bernoulli_(t, p.cast<double>(), gen);
      },
      py::arg("self"), py::arg("p"), py::arg("generator") = py::none());
  m.def(
      "_exponential_",
      [](const Tensor& t, double lambd, Generator* gen) { return exponential_(t, lambd, gen); },
      py::arg("self"), py::arg("lambd"), py::arg("generator") = py::none());
  m.def(
      "_random_",
      [](const Tensor& t, int64_t from, std::optional<int64_t> to, Generator* gen) {
        return random_(t, from, to, gen);
      },
      py::arg("self"), py::arg("from"), py::arg("to"), py::arg("generator") = py::none());
  m.def("_bernoulli_like", [](const Tensor& t, double p) { return bernoulli_like(t, p); });
  m.def(
      "multinomial",
      [](const Tensor& probs, int64_t n, bool replacement, Generator* gen) {
        return multinomial(probs, n, replacement, gen);
      },
      py::arg("input"), py::arg("num_samples"), py::arg("replacement") = false, py::kw_only(),
      py::arg("generator") = py::none());
  m.def(
      "bernoulli",
      [](const Tensor& p, py::object p_scalar, Generator* gen) {
        if (p_scalar.is_none()) return bernoulli(p, gen);
        return bernoulli_like(p, p_scalar.cast<double>(), gen);
      },
      py::arg("input"), py::arg("p") = py::none(), py::kw_only(),
      py::arg("generator") = py::none());
  m.def(
      "_normal",
      [](const Tensor& mean, const Tensor& std, Generator* gen) { return normal(mean, std, gen); },
      py::arg("mean"), py::arg("std"), py::arg("generator") = py::none());
  m.def("_wrapped_scalar", [](const Scalar& s) { return wrapped_scalar(s); });
}

}  // namespace deepseek::python
