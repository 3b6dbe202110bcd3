// Registration, copies, fills, random numbers and elementwise binary ops for the CUDA
// backend: validation and the host-side geometry live here, the kernels in kernels/cuda.
#include "cuda_backend.h"

#include <cstring>
#include <memory>

#include "binary_op.h"
#include "cuda_check.h"
#include "deepseek/backend/cuda/caching_allocator.h"
#include "deepseek/backend/cuda/cuda_device.h"
#include "launchers.h"
#include "strided_indexer.h"

namespace deepseek::cuda {

namespace {

CudaBackend g_cuda_backend;

// The backend and its allocator are installed even without a device: then device_count() is
// 0 and the first allocation raises RuntimeError with CUDA's reason, instead of "no backend".
struct Registrar {
  Registrar() {
    register_backend(DeviceType::CUDA, &g_cuda_backend);
    set_allocator(DeviceType::CUDA,
                  std::make_shared<CudaCachingAllocator>(make_cuda_segment_source()));
  }
} g_registrar;

void check_same_layout(const char* kernel, const Tensor& device_t, const Tensor& host_t) {
  DS_CHECK(host_t.device().is_cpu(), RuntimeError, "{}: expected a cpu tensor, got one on {}",
           kernel, host_t.device().str());
  DS_CHECK(device_t.dtype() == host_t.dtype() && device_t.numel() == host_t.numel(), RuntimeError,
           "{}: tensors differ: {} {} on {} and {} {} on cpu", kernel, dtype_name(device_t.dtype()),
           shape_str(device_t.sizes()), device_t.device().str(), dtype_name(host_t.dtype()),
           shape_str(host_t.sizes()));
  DS_CHECK(device_t.is_contiguous() && host_t.is_contiguous(), RuntimeError,
           "{}: both tensors must be contiguous", kernel);
}

}  // namespace

void check_on_current_device(const char* kernel, std::initializer_list<const Tensor*> tensors) {
  const int current = current_device();  // throws when CUDA is unavailable
  for (const Tensor* t : tensors) {
    const Device d = t->device();
    DS_CHECK(d.is_cuda(), RuntimeError,
             "{}: Expected all tensors to be on the same device, but found a tensor on {} in a "
             "cuda kernel",
             kernel, d.str());
    DS_CHECK(d.index < cuda::device_count(), RuntimeError,
             "{}: CUDA error: invalid device ordinal: tensor on {} but this machine has {} CUDA "
             "device(s)",
             kernel, d.str(), cuda::device_count());
    DS_CHECK(d.index == current, RuntimeError,
             "{}: tensor is on {} but the current CUDA device is cuda:{}; deepseek allocates CUDA "
             "memory on the current device, so call deepseek.cuda.set_device({}) before creating "
             "tensors there",
             kernel, d.str(), current, d.index);
  }
}

int CudaBackend::device_count() const { return cuda::device_count(); }

void CudaBackend::copy(const Tensor& src, const Tensor& dst) {
  check_on_current_device("copy", {&src, &dst});
  if (dst.numel() == 0) return;
  if (src.dtype() == dst.dtype() && src.is_contiguous() && dst.is_contiguous()) {
    DS_CUDA_CHECK(cudaMemcpyAsync(dst.data_ptr(), src.data_ptr(), dst.nbytes(),
                                  cudaMemcpyDeviceToDevice, current_stream()));
    return;
  }
  const StridedIndexer<2> ix = make_strided_indexer<2>({&dst, &src});
  DS_CUDA_CHECK(launch_copy_cast(src.dtype(), dst.dtype(), ix, dst.data_ptr(), src.data_ptr(),
                                 current_stream()));
}

// cudaMemcpy runs in order with the default stream's queued work and returns when the host
// side is done (the result is in host memory; a pageable source may be reused), so these
// two need no further synchronisation.
void CudaBackend::copy_to_host(const Tensor& src, const Tensor& host_dst) {
  check_on_current_device("copy_to_host", {&src});
  check_same_layout("copy_to_host", src, host_dst);
  if (src.nbytes() == 0) return;
  DS_CUDA_CHECK(
      cudaMemcpy(host_dst.data_ptr(), src.data_ptr(), src.nbytes(), cudaMemcpyDeviceToHost));
}

void CudaBackend::copy_from_host(const Tensor& host_src, const Tensor& dst) {
  check_on_current_device("copy_from_host", {&dst});
  check_same_layout("copy_from_host", dst, host_src);
  if (dst.nbytes() == 0) return;
  DS_CUDA_CHECK(
      cudaMemcpy(dst.data_ptr(), host_src.data_ptr(), dst.nbytes(), cudaMemcpyHostToDevice));
}

void CudaBackend::fill(const Tensor& out, const Scalar& value) {
  check_on_current_device("fill", {&out});
  if (out.numel() == 0) return;
  // The value's bytes in out's dtype, converted once on the host by the same Scalar rules
  // the CPU backend uses; the kernel only replicates a bit pattern.
  uint64_t bits = 0;
  visit_dtype(out.dtype(), "fill", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = value.to<T>();
    static_assert(sizeof(T) <= sizeof(bits));
    std::memcpy(&bits, &v, sizeof(T));
  });
  if (bits == 0 && out.is_contiguous()) {
    DS_CUDA_CHECK(cudaMemsetAsync(out.data_ptr(), 0, out.nbytes(), current_stream()));
    return;
  }
  const StridedIndexer<1> ix = make_strided_indexer<1>({&out});
  DS_CUDA_CHECK(launch_fill(out.element_size(), bits, ix, out.data_ptr(), current_stream()));
}

void CudaBackend::arange(const Tensor& out, double start, double step) {
  check_on_current_device("arange", {&out});
  DS_CHECK(out.is_contiguous(), RuntimeError, "arange: the output must be contiguous");
  DS_CUDA_CHECK(
      launch_arange(out.dtype(), out.data_ptr(), out.numel(), start, step, current_stream()));
}

void CudaBackend::random(RandomKind kind, const Tensor& out, uint64_t seed, uint64_t offset,
                         double a, double b) {
  check_on_current_device("random", {&out});
  // Element i of the result draws counter offset + i in row-major order, whatever out's
  // strides: a strided out gets its numbers through a contiguous buffer.
  Tensor target = out.is_contiguous() ? out : empty_tensor(out.sizes(), out.dtype(), out.device());
  DS_CUDA_CHECK(launch_random(kind, target.dtype(), target.data_ptr(), target.numel(), seed, offset,
                              a, b, current_stream()));
  if (!target.is_same(out)) copy(target, out);
}

void CudaBackend::binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  check_on_current_device(binary_op_name(op), {&a, &b, &out});
  DS_CHECK(a.dtype() == b.dtype(), RuntimeError,
           "{}: the cuda kernel expects operands of one dtype, got {} and {}", binary_op_name(op),
           dtype_name(a.dtype()), dtype_name(b.dtype()));
  if (!binary_op_implemented(op)) not_implemented(binary_op_name(op));
  if (!binary_op_supported(op, a.dtype())) throw_unsupported_dtype(binary_op_name(op), a.dtype());
  const DType out_dtype = binary_op_writes_bool(op) ? DType::Bool : a.dtype();
  DS_CHECK(out.dtype() == out_dtype, RuntimeError, "{}: expected a {} output, got {}",
           binary_op_name(op), dtype_name(out_dtype), dtype_name(out.dtype()));
  if (out.numel() == 0) return;
  const StridedIndexer<3> ix = make_strided_indexer<3>({&out, &a, &b});
  DS_CUDA_CHECK(launch_binary(op, a.dtype(), ix, out.data_ptr(), a.data_ptr(), b.data_ptr(),
                              current_stream()));
}

}  // namespace deepseek::cuda
