// Error checks for every CUDA runtime and cuBLAS call: a failure throws deepseek::Error
// (MemoryError for out-of-memory) naming the call, its file:line and CUDA's own message,
// e.g. "CUDA error: an illegal memory access was encountered (cudaErrorIllegalAddress) in
// cudaMemcpy(...) at src/backend/cuda/cuda_backend.cpp:120". Nothing aborts.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

namespace deepseek::cuda {

[[noreturn]] void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line);
[[noreturn]] void throw_cublas_error(cublasStatus_t status, const char* call, const char* file,
                                     int line);

}  // namespace deepseek::cuda

#define DS_CUDA_CHECK(call)                                                        \
  do {                                                                             \
    const cudaError_t ds_cuda_err_ = (call);                                       \
    if (ds_cuda_err_ != cudaSuccess) [[unlikely]] {                                \
      ::deepseek::cuda::throw_cuda_error(ds_cuda_err_, #call, __FILE__, __LINE__); \
    }                                                                              \
  } while (0)

#define DS_CUBLAS_CHECK(call)                                                             \
  do {                                                                                    \
    const cublasStatus_t ds_cublas_status_ = (call);                                      \
    if (ds_cublas_status_ != CUBLAS_STATUS_SUCCESS) [[unlikely]] {                        \
      ::deepseek::cuda::throw_cublas_error(ds_cublas_status_, #call, __FILE__, __LINE__); \
    }                                                                                     \
  } while (0)
