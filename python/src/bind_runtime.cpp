// Process-wide runtime settings: CPU thread count, library log level.
#include "deepseek/core/logging.h"
#include "deepseek/core/threading.h"
#include "pybind_common.h"

namespace deepseek::python {

void bind_runtime(py::module_& m) {
  m.def("get_num_threads", &get_num_threads);
  m.def("set_num_threads", &set_num_threads, py::arg("int"));
  m.def("_set_log_level", [](const std::string& level) { set_log_level(level); });
}

}  // namespace deepseek::python
