// Process-wide runtime settings: CPU thread count, library log level; CPU memory statistics.
#include "deepseek/core/allocator.h"
#include "deepseek/core/logging.h"
#include "deepseek/core/threading.h"
#include "pybind_common.h"

namespace deepseek::python {

void bind_runtime(py::module_& m) {
  m.def("get_num_threads", &get_num_threads);
  m.def("set_num_threads", &set_num_threads, py::arg("int"));
  m.def("_set_log_level", [](const std::string& level) { set_log_level(level); });
  // The CPU allocator's statistics (torch has no public CPU equivalent; tests use it to see
  // what activation checkpointing saves).
  m.def("_cpu_memory_stats", [] {
    const AllocatorStats s = get_allocator(DeviceType::CPU)->stats();
    py::dict d;
    d["allocated_bytes"] = s.allocated_bytes;
    d["peak_bytes"] = s.peak_bytes;
    d["num_allocations"] = s.num_allocations;
    return d;
  });
  m.def("_cpu_reset_peak_memory_stats", [] { get_allocator(DeviceType::CPU)->reset_peak_stats(); });
}

}  // namespace deepseek::python
