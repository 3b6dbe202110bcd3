// deepseek._C._amp: the autocast state and region guard behind deepseek.amp.autocast.
#include <memory>

#include "deepseek/amp/autocast.h"
#include "deepseek/core/error.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {

DeviceType autocast_device_type(const std::string& name) {
  if (name == "cpu") return DeviceType::CPU;
  if (name == "cuda") return DeviceType::CUDA;
  DS_THROW(RuntimeError, "autocast: unsupported device_type '{}'; expected 'cpu' or 'cuda'", name);
}

// One entered region: holds the C++ guard from __enter__ to __exit__.
class Region {
 public:
  Region(const std::string& device_type, bool enabled, std::optional<DType> dtype,
         std::optional<bool> cache_enabled)
      : type_(autocast_device_type(device_type)),
        enabled_(enabled),
        dtype_(dtype),
        cache_enabled_(cache_enabled) {}
  void enter() {
    DS_CHECK(!guard_, RuntimeError, "autocast: this region has already been entered");
    guard_ = std::make_unique<autocast::AutocastGuard>(type_, enabled_, dtype_, cache_enabled_);
  }
  void exit() { guard_.reset(); }

 private:
  DeviceType type_;
  bool enabled_;
  std::optional<DType> dtype_;
  std::optional<bool> cache_enabled_;
  std::unique_ptr<autocast::AutocastGuard> guard_;
};

}  // namespace

void bind_amp(py::module_& m) {
  py::module_ a = m.def_submodule("_amp", "autocast state (thread-local, per device type)");
  a.def(
      "is_enabled",
      [](const std::string& type) { return autocast::is_enabled(autocast_device_type(type)); },
      py::arg("device_type"));
  a.def(
      "set_enabled",
      [](const std::string& type, bool enabled) {
        autocast::set_enabled(autocast_device_type(type), enabled);
      },
      py::arg("device_type"), py::arg("enabled"));
  a.def(
      "get_dtype",
      [](const std::string& type) { return autocast::get_dtype(autocast_device_type(type)); },
      py::arg("device_type"));
  a.def(
      "set_dtype",
      [](const std::string& type, DType dtype) {
        autocast::set_dtype(autocast_device_type(type), dtype);
      },
      py::arg("device_type"), py::arg("dtype"));
  a.def("is_cache_enabled", &autocast::is_cache_enabled);
  a.def("set_cache_enabled", &autocast::set_cache_enabled, py::arg("enabled"));
  a.def("clear_cache", &autocast::clear_cache);
  a.def("increment_nesting", &autocast::increment_nesting);
  a.def("decrement_nesting", &autocast::decrement_nesting);
  py::class_<Region>(a, "Region")
      .def(py::init<const std::string&, bool, std::optional<DType>, std::optional<bool>>(),
           py::arg("device_type"), py::arg("enabled"), py::arg("dtype"), py::arg("cache_enabled"))
      .def("enter", &Region::enter)
      .def("exit", &Region::exit);
}

}  // namespace deepseek::python
