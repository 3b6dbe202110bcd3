// CUDA device management, error reporting, and the cudaMalloc segment source of the caching
// allocator. The CUDA runtime is first touched lazily (device_count()), never at load time,
// so importing deepseek on a machine without a driver costs nothing and fails nowhere.
#include "deepseek/backend/cuda/cuda_device.h"

#include <atomic>
#include <cstring>
#include <string>

#include "cuda_check.h"
#include "deepseek/backend/cuda/caching_allocator.h"
#include "deepseek/core/error.h"
#include "deepseek/core/logging.h"

namespace deepseek::cuda {

namespace {

// "…/src/backend/cuda/x.cpp" -> "src/backend/cuda/x.cpp": messages name the file in the repo.
const char* repo_relative(const char* file) {
  const char* p = std::strstr(file, "/src/");
  return p ? p + 1 : file;
}

struct DeviceState {
  int count = 0;
  cudaError_t init_error = cudaSuccess;
};

// Asked once: the answer cannot change while the process runs (the driver is loaded once).
const DeviceState& device_state() {
  static const DeviceState state = [] {
    DeviceState s;
    const cudaError_t err = cudaGetDeviceCount(&s.count);
    if (err != cudaSuccess) {  // no driver, no device, driver too old, ...
      cudaGetLastError();
      s.count = 0;
      s.init_error = err;
    } else if (s.count == 0) {
      s.init_error = cudaErrorNoDevice;
    }
    if (s.init_error != cudaSuccess) {
      DS_LOG(Info, "CUDA backend: no usable device ({})", cudaGetErrorString(s.init_error));
    } else {
      DS_LOG(Info, "CUDA backend: {} device(s)", s.count);
    }
    return s;
  }();
  return state;
}

std::atomic<bool> g_allow_tf32{false};

}  // namespace

void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  cudaGetLastError();  // clear a non-sticky error so that later calls start clean
  std::string message = fmt::format("CUDA error: {} ({}) in {} at {}:{}", cudaGetErrorString(err),
                                    cudaGetErrorName(err), call, repo_relative(file), line);
  if (err == cudaErrorMemoryAllocation) throw MemoryError(message);
  throw Error(message);
}

void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line) {
  DS_THROW(RuntimeError, "cuBLAS error: {} ({}) in {} at {}:{}", cublasGetStatusString(status),
           cublasGetStatusName(status), call, repo_relative(file), line);
}

int device_count() { return device_state().count; }

bool is_available() { return device_count() > 0; }

std::string unavailable_reason() {
  const DeviceState& s = device_state();
  return s.count > 0 ? std::string() : std::string(cudaGetErrorString(s.init_error));
}

void check_available() {
  const DeviceState& s = device_state();
  DS_CHECK(s.count > 0, RuntimeError,
           "CUDA error: {} ({}); deepseek.cuda.is_available() is False, so nothing can run on a "
           "cuda device",
           cudaGetErrorString(s.init_error), cudaGetErrorName(s.init_error));
}

int current_device() {
  check_available();
  int device = 0;
  DS_CUDA_CHECK(cudaGetDevice(&device));
  return device;
}

void set_device(int index) {
  check_available();
  DS_CHECK(index >= 0 && index < device_count(), RuntimeError,
           "CUDA error: invalid device ordinal: set_device({}) on a machine with {} CUDA "
           "device(s)",
           index, device_count());
  DS_CUDA_CHECK(cudaSetDevice(index));
}

void synchronize() {
  check_available();
  DS_CUDA_CHECK(cudaDeviceSynchronize());
}

DeviceProperties device_properties(int index) {
  check_available();
  DS_CHECK(index >= 0 && index < device_count(), RuntimeError,
           "CUDA error: invalid device ordinal: device {} on a machine with {} CUDA device(s)",
           index, device_count());
  cudaDeviceProp props{};
  DS_CUDA_CHECK(cudaGetDeviceProperties(&props, index));
  return {props.name, props.major, props.minor, props.totalGlobalMem, props.multiProcessorCount};
}

std::string device_name(int index) { return device_properties(index).name; }

void set_matmul_allow_tf32(bool allow) { g_allow_tf32.store(allow); }
bool matmul_allow_tf32() { return g_allow_tf32.load(); }

namespace {

class CudaSegmentSource final : public SegmentSource {
 public:
  int current_device() override { return cuda::current_device(); }

  void* allocate(size_t nbytes, int device) override {
    void* ptr = nullptr;
    const cudaError_t err = cudaMalloc(&ptr, nbytes);
    if (err == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      return nullptr;  // the allocator frees its cache and retries, then reports
    }
    DS_CUDA_CHECK(err);
    return ptr;
  }

  void release(void* ptr, size_t, int device) noexcept override {
    // cudaFree on the segment's own device. Errors are ignored: this also runs at process
    // exit, when the runtime may already be unloading (cudaErrorCudartUnloading).
    int previous = -1;
    if (cudaGetDevice(&previous) != cudaSuccess) previous = -1;
    if (previous != device) cudaSetDevice(device);
    cudaFree(ptr);
    if (previous >= 0 && previous != device) cudaSetDevice(previous);
    cudaGetLastError();
  }
};

}  // namespace

std::unique_ptr<SegmentSource> make_cuda_segment_source() {
  return std::make_unique<CudaSegmentSource>();
}

}  // namespace deepseek::cuda
