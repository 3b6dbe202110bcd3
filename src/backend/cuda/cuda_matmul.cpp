// Batched matrix multiply on CUDA: cuBLAS for floating types, a plain kernel for integers.
//
// cuBLAS is column-major and deepseek row-major. A row-major matrix is the column-major
// storage of its transpose, so out = a @ b (all row-major) is computed as the column-major
// product out^T = b^T @ a^T: cuBLAS gets b as its first operand and a as its second, and
// writes out^T column-major, which is out row-major. Each operand that is row- or
// column-major with a valid leading dimension is read in place (a transposed view costs
// nothing: it only flips cuBLAS's op flag); anything else (expanded rows, every-other-column
// views) is copied to a contiguous buffer first. A batch stride of 0 (one matrix broadcast
// over the batch) is passed to cuBLAS as is.
//
// Precision: float32 runs in full float32 unless set_matmul_allow_tf32(true); float16 and
// bfloat16 multiply on tensor cores with float32 accumulation; float64 in float64.
#include <mutex>
#include <optional>
#include <vector>

#include "cuda_backend.h"
#include "cuda_check.h"
#include "deepseek/backend/cuda/cuda_device.h"
#include "launchers.h"

namespace deepseek::cuda {

namespace {

// One cuBLAS handle per device, created on first use and kept for the process (destroying
// it at exit would race the runtime's own teardown).
cublasHandle_t cublas_handle(int device) {
  static std::mutex mutex;
  static std::vector<cublasHandle_t> handles;
  std::lock_guard<std::mutex> lock(mutex);
  if (handles.empty()) handles.resize(static_cast<size_t>(cuda::device_count()), nullptr);
  cublasHandle_t& handle = handles.at(static_cast<size_t>(device));
  if (handle == nullptr) {
    DS_CUBLAS_CHECK(cublasCreate(&handle));
    DS_CUBLAS_CHECK(cublasSetStream(handle, current_stream()));
  }
  return handle;
}

// How cuBLAS reads one row-major [rows, cols] matrix with element strides (row_stride,
// col_stride) in the swapped product: `transposed` is its op flag, `ld` its leading
// dimension. Size-1 dims may carry any stride, so they never disqualify a layout.
struct GemmLayout {
  bool transposed;
  int64_t ld;
};

std::optional<GemmLayout> gemm_layout(int64_t rows, int64_t cols, int64_t row_stride,
                                      int64_t col_stride) {
  // Row-major: its memory is the column-major transpose, leading dimension row_stride.
  if ((col_stride == 1 || cols == 1) && (rows == 1 || row_stride >= cols)) {
    return GemmLayout{false, rows == 1 ? cols : row_stride};
  }
  // Column-major: its memory is itself column-major, leading dimension col_stride.
  if ((row_stride == 1 || rows == 1) && (cols == 1 || col_stride >= rows)) {
    return GemmLayout{true, cols == 1 ? rows : col_stride};
  }
  return std::nullopt;
}

struct CublasTypes {
  cudaDataType data;
  cublasComputeType_t compute;
};

CublasTypes cublas_types(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return {CUDA_R_32F, matmul_allow_tf32() ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F};
    case DType::Float64:
      return {CUDA_R_64F, CUBLAS_COMPUTE_64F};
    case DType::Float16:
      return {CUDA_R_16F, CUBLAS_COMPUTE_32F};
    case DType::BFloat16:
      return {CUDA_R_16BF, CUBLAS_COMPUTE_32F};
    default:
      throw_unsupported_dtype("matmul", dtype);
  }
}

// The operand as cuBLAS will read it: the tensor itself, or a contiguous copy.
struct GemmOperand {
  Tensor tensor;
  GemmLayout layout;
};

GemmOperand prepare_operand(Backend& backend, const Tensor& t) {
  const int64_t rows = t.size(1), cols = t.size(2);
  if (auto layout = gemm_layout(rows, cols, t.stride(1), t.stride(2))) return {t, *layout};
  Tensor dense = empty_tensor(t.sizes(), t.dtype(), t.device());
  backend.copy(t, dense);
  return {dense, *gemm_layout(rows, cols, cols, 1)};
}

// A single matrix's batch stride means nothing (it may be anything); cuBLAS gets 0.
int64_t batch_stride(const Tensor& t) { return t.size(0) == 1 ? 0 : t.stride(0); }

void cublas_matmul(Backend& backend, const Tensor& a_in, const Tensor& b_in, const Tensor& out) {
  const int64_t batch = out.size(0), m = out.size(1), n = out.size(2), k = a_in.size(2);
  const GemmOperand a = prepare_operand(backend, a_in);
  const GemmOperand b = prepare_operand(backend, b_in);
  const CublasTypes types = cublas_types(out.dtype());
  const float alpha_f = 1.0f, beta_f = 0.0f;
  const double alpha_d = 1.0, beta_d = 0.0;
  const bool f64 = out.dtype() == DType::Float64;
  const void* alpha = f64 ? static_cast<const void*>(&alpha_d) : &alpha_f;
  const void* beta = f64 ? static_cast<const void*>(&beta_d) : &beta_f;
  // out^T [n, m] = b^T [n, k] @ a^T [k, m], all column-major.
  DS_CUBLAS_CHECK(cublasGemmStridedBatchedEx_64(
      cublas_handle(out.device().index), b.layout.transposed ? CUBLAS_OP_T : CUBLAS_OP_N,
      a.layout.transposed ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, alpha, b.tensor.data_ptr(),
      types.data, b.layout.ld, batch_stride(b.tensor), a.tensor.data_ptr(), types.data, a.layout.ld,
      batch_stride(a.tensor), beta, out.data_ptr(), types.data, n, m * n, batch, types.compute,
      CUBLAS_GEMM_DEFAULT));
}

}  // namespace

void CudaBackend::matmul(const Tensor& a, const Tensor& b, const Tensor& out) {
  check_on_current_device("matmul", {&a, &b, &out});
  DS_CHECK(a.dtype() == b.dtype() && a.dtype() == out.dtype(), RuntimeError,
           "matmul: the cuda kernel expects one dtype, got {}, {} and {}", dtype_name(a.dtype()),
           dtype_name(b.dtype()), dtype_name(out.dtype()));
  DS_CHECK(out.is_contiguous(), RuntimeError, "matmul: the output must be contiguous");
  if (out.numel() == 0) return;
  if (a.size(2) == 0) {  // empty inner dim: the product is all zeros
    fill(out, 0);
    return;
  }
  const DType dt = out.dtype();
  if (is_floating(dt)) {
    cublas_matmul(*this, a, b, out);
    return;
  }
  if (dt == DType::Bool) throw_unsupported_dtype("matmul", dt);
  const MatmulOperand ao{a.data_ptr(), batch_stride(a), a.stride(1), a.stride(2)};
  const MatmulOperand bo{b.data_ptr(), batch_stride(b), b.stride(1), b.stride(2)};
  DS_CUDA_CHECK(launch_integer_matmul(dt, out.size(0), out.size(1), out.size(2), a.size(2), ao, bo,
                                      out.data_ptr(), current_stream()));
}

}  // namespace deepseek::cuda
