// The CUDA backend: own kernels (kernels/cuda) for data movement, random numbers and
// elementwise ops, cuBLAS for matmul. Kernels it does not provide yet fall through to
// Backend's NotImplementedError naming the kernel and "cuda".
//
// Streams: all work goes to the legacy default stream of the current device, so it runs in
// the order it was queued and host<->device copies (cudaMemcpy) wait for it. This is what
// lets the caching allocator reuse a freed block immediately (caching_allocator.h).
#pragma once

#include <cuda_runtime_api.h>

#include <initializer_list>

#include "deepseek/backend/backend.h"

namespace deepseek::cuda {

class CudaBackend final : public Backend {
 public:
  DeviceType device_type() const override { return DeviceType::CUDA; }
  const char* name() const override { return "cuda"; }
  int device_count() const override;

  void copy(const Tensor& src, const Tensor& dst) override;
  void copy_to_host(const Tensor& src, const Tensor& host_dst) override;
  void copy_from_host(const Tensor& host_src, const Tensor& dst) override;
  void fill(const Tensor& out, const Scalar& value) override;
  void arange(const Tensor& out, double start, double step) override;
  void random(RandomKind kind, const Tensor& out, uint64_t seed, uint64_t offset, double a,
              double b) override;

  void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) override;

  void matmul(const Tensor& a, const Tensor& b, const Tensor& out) override;  // cuda_matmul.cpp
};

// The stream kernels are queued on (the legacy default stream for now).
inline cudaStream_t current_stream() { return nullptr; }

// Throws RuntimeError unless every tensor is a CUDA tensor of the current device (memory is
// allocated on the current device; see include/deepseek/backend/cuda/cuda_device.h).
void check_on_current_device(const char* kernel, std::initializer_list<const Tensor*> tensors);

}  // namespace deepseek::cuda
