// deepseek.dtype singletons (deepseek.float32, ...), deepseek.device and deepseek.Generator.
#include <array>
#include <memory>

#include "deepseek/backend/backend.h"
#include "deepseek/core/generator.h"
#include "deepseek/ops/random.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {
std::array<py::object, kNumDTypes>& dtype_objects() {
  static auto* objects = new std::array<py::object, kNumDTypes>();  // never destroyed: lives
  return *objects;                                                  // as long as the module
}
// A Python int as a 64-bit seed: negative seeds wrap (as PyTorch's), larger ones are refused.
uint64_t seed_from(py::handle h) {
  py::int_ value(py::reinterpret_borrow<py::object>(h));
  int overflow = 0;
  const long long s = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow == 0) return static_cast<uint64_t>(s);
  const unsigned long long u = PyLong_AsUnsignedLongLong(value.ptr());
  if (PyErr_Occurred()) {
    PyErr_Clear();
    DS_THROW(RuntimeError, "Overflow when unpacking long: seed {} does not fit in 64 bits",
             py::str(value).cast<std::string>());
  }
  return u;
}

// The default generator as a shared_ptr that does not own it, so Python holds the very
// object C++ draws from (`deepseek.manual_seed(0) is deepseek.default_generator`).
std::shared_ptr<Generator> default_generator_handle() {
  return std::shared_ptr<Generator>(&default_generator(), [](Generator*) {});
}

// deepseek.Generator (one Philox stream per object; see core/generator.h), the default one,
// and the module-level seeding and state functions.
void bind_generator(py::module_& m) {
  py::class_<Generator, std::shared_ptr<Generator>>(m, "Generator")
      .def(py::init([](const Device& device) {
             return std::make_shared<Generator>(Generator::kDefaultSeed, device);
           }),
           py::arg("device") = Device(DeviceType::CPU))
      .def(
          "manual_seed",
          [](py::object self, py::handle seed) {
            self.cast<Generator&>().manual_seed(seed_from(seed));
            return self;
          },
          py::arg("seed"))
      .def("seed", [](Generator& g) { return g.seed(); })
      .def("initial_seed", [](const Generator& g) { return g.initial_seed(); })
      .def("get_state", [](const Generator& g) { return generator_state(g); })
      .def(
          "set_state",
          [](py::object self, const Tensor& state) {
            set_generator_state(self.cast<Generator&>(), state);
            return self;
          },
          py::arg("new_state"))
      .def_property_readonly("device", [](const Generator& g) { return g.device(); })
      .def("__repr__", [](const Generator& g) {
        return fmt::format("<deepseek.Generator object at {}>", static_cast<const void*>(&g));
      });
  m.attr("default_generator") = default_generator_handle();
  m.def(
      "manual_seed",
      [](py::handle seed) {
        manual_seed(seed_from(seed));
        return default_generator_handle();
      },
      py::arg("seed"));
  m.def("seed", [] { return default_generator().seed(); });
  m.def("initial_seed", [] { return default_generator().initial_seed(); });
  m.def("get_rng_state", [] { return get_rng_state(); });
  m.def(
      "set_rng_state", [](const Tensor& state) { set_rng_state(state); }, py::arg("new_state"));
}

}  // namespace

py::object dtype_object(DType dtype) { return dtype_objects()[static_cast<int>(dtype)]; }

void bind_dtype_device(py::module_& m) {
  py::class_<PyDType>(m, "dtype")
      .def_property_readonly("is_floating_point",
                             [](const PyDType& d) { return is_floating(d.dtype); })
      .def_property_readonly(
          "is_signed",
          [](const PyDType& d) { return d.dtype != DType::Bool && d.dtype != DType::UInt8; })
      .def_property_readonly("itemsize", [](const PyDType& d) { return itemsize(d.dtype); })
      .def("__repr__",
           [](const PyDType& d) { return std::string("deepseek.") + dtype_name(d.dtype); })
      .def("__reduce__", [](const PyDType& d) { return std::string(dtype_name(d.dtype)); });
  const DType all[] = {DType::Bool,    DType::UInt8,  DType::Int8,    DType::Int16,
                       DType::Int32,   DType::Int64,  DType::Float16, DType::BFloat16,
                       DType::Float32, DType::Float64};
  for (DType d : all) {
    py::object obj = py::cast(PyDType{d}, py::return_value_policy::move);
    dtype_objects()[static_cast<int>(d)] = obj;
    m.attr(dtype_name(d)) = obj;
  }
  // PyTorch's aliases.
  m.attr("float") = dtype_object(DType::Float32);
  m.attr("double") = dtype_object(DType::Float64);
  m.attr("half") = dtype_object(DType::Float16);
  m.attr("long") = dtype_object(DType::Int64);
  m.attr("int") = dtype_object(DType::Int32);
  m.attr("short") = dtype_object(DType::Int16);
  m.attr("bool") = dtype_object(DType::Bool);
  m.def("get_default_dtype", [] { return default_float_dtype(); });
  m.def("set_default_dtype", [](DType d) { set_default_float_dtype(d); });
  m.def("promote_types", [](DType a, DType b) { return promote_types(a, b); });

  py::class_<Device>(m, "device")
      .def(py::init<const std::string&>(), py::arg("type"))
      .def(py::init([](const std::string& type, int index) {
             Device d(type);
             DS_CHECK(d.is_cuda() || index == 0, ValueError, "cpu device has only index 0");
             return Device(d.type, index);
           }),
           py::arg("type"), py::arg("index"))
      .def(py::init([](const Device& d) { return d; }))
      .def_property_readonly("type",
                             [](const Device& d) { return std::string(device_type_name(d.type)); })
      .def_property_readonly("index",
                             [](const Device& d) -> py::object {
                               if (d.is_cpu()) return py::none();
                               return py::int_(d.index);
                             })
      .def("__eq__",
           [](const Device& a, py::object b) {
             if (py::isinstance<Device>(b)) return a == b.cast<Device>();
             if (py::isinstance<py::str>(b)) return a == Device(b.cast<std::string>());
             return false;
           })
      .def("__hash__", [](const Device& d) { return std::hash<Device>()(d); })
      .def("__str__", [](const Device& d) { return d.str(); })
      .def("__repr__", [](const Device& d) {
        return d.is_cpu() ? std::string("device(type='cpu')")
                          : fmt::format("device(type='cuda', index={})", d.index);
      });
  py::implicitly_convertible<py::str, Device>();

  bind_generator(m);
  m.def("_cuda_device_count", [] {
    return has_backend(DeviceType::CUDA) ? backend_for(DeviceType::CUDA).device_count() : 0;
  });
}

}  // namespace deepseek::python
