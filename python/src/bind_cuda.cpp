// deepseek._C._cuda: device queries and caching-allocator statistics behind deepseek.cuda.
// Built in every configuration: without the CUDA backend (or without a device) the queries
// answer "nothing here" (False, 0) so that scripts can probe for a GPU anywhere.
#include "deepseek/backend/backend.h"
#include "deepseek/core/allocator.h"
#include "pybind_common.h"

#ifdef DEEPSEEK_WITH_CUDA
#include "deepseek/backend/cuda/cuda_device.h"
#endif

namespace deepseek::python {

namespace {

// The CUDA allocator, or null in a build without the backend.
std::shared_ptr<Allocator> cuda_allocator() {
  if (!has_backend(DeviceType::CUDA)) return nullptr;
  return get_allocator(DeviceType::CUDA);
}

AllocatorStats cuda_stats() {
  auto allocator = cuda_allocator();
  return allocator ? allocator->stats() : AllocatorStats{};
}

}  // namespace

void bind_cuda(py::module_& m) {
  py::module_ c = m.def_submodule("_cuda", "CUDA device queries and allocator statistics");
#ifdef DEEPSEEK_WITH_CUDA
  c.attr("built") = true;
  c.def("device_count", [] { return cuda::device_count(); });
  c.def("unavailable_reason", [] { return cuda::unavailable_reason(); });
  c.def("current_device", [] { return cuda::current_device(); });
  c.def(
      "set_device", [](int index) { cuda::set_device(index); }, py::arg("device"));
  c.def("synchronize", [] { cuda::synchronize(); });
  c.def(
      "device_name", [](int index) { return cuda::device_name(index); }, py::arg("device"));
  c.def(
      "device_properties",
      [](int index) {
        const cuda::DeviceProperties p = cuda::device_properties(index);
        return py::make_tuple(p.name, p.major, p.minor, p.total_memory, p.multi_processor_count);
      },
      py::arg("device"));
  c.def("set_matmul_allow_tf32", [](bool allow) { cuda::set_matmul_allow_tf32(allow); });
  c.def("matmul_allow_tf32", [] { return cuda::matmul_allow_tf32(); });
#else
  c.attr("built") = false;
  c.def("device_count", [] { return 0; });
  c.def("unavailable_reason", [] {
    return std::string("deepseek was built without the CUDA backend (DEEPSEEK_CUDA=OFF)");
  });
#endif
  c.def("memory_stats", [] {
    const AllocatorStats s = cuda_stats();
    py::dict d;
    d["allocated_bytes"] = s.allocated_bytes;
    d["peak_bytes"] = s.peak_bytes;
    d["reserved_bytes"] = s.reserved_bytes;
    d["num_allocations"] = s.num_allocations;
    d["total_allocations"] = s.total_allocations;
    return d;
  });
  c.def("empty_cache", [] {
    if (auto allocator = cuda_allocator()) allocator->empty_cache();
  });
  c.def("reset_peak_memory_stats", [] {
    if (auto allocator = cuda_allocator()) allocator->reset_peak_stats();
  });
}

}  // namespace deepseek::python
