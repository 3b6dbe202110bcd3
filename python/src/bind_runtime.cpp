// Process-wide runtime settings: CPU thread count.
#include "deepseek/core/threading.h"
#include "pybind_common.h"

namespace deepseek::python {

void bind_runtime(py::module_& m) {
  m.def("get_num_threads", &get_num_threads);
  m.def("set_num_threads", &set_num_threads, py::arg("int"));
}

}  // namespace deepseek::python
