// Integer batched matrix product (floating types go to cuBLAS: src/backend/cuda/cuda_matmul.cpp).
//
// Work split: one thread per output element c[b, i, j], j fastest across threads, so a warp
// writes a contiguous run of c and, when bm is row-major, reads a contiguous run of each bm
// row; every thread walks the K dim on its own with int64 accumulation (what the CPU backend
// accumulates integers in, so overflow wraps the same way).
// Bound: neither, honestly: this is a straightforward loop for exactness (indices, counts,
// tests), not a tiled GEMM. Integer matmuls are rare in training; when one matters it
// should get shared-memory tiles like any GEMM.
#include "device_types.cuh"
#include "launchers.h"

namespace deepseek::cuda {

namespace {

template <typename T>
__global__ void integer_matmul_kernel(int64_t batch, int64_t m, int64_t n, int64_t k,
                                      MatmulOperand a, MatmulOperand bm, T* c) {
  const T* pa = static_cast<const T*>(a.data);
  const T* pb = static_cast<const T*>(bm.data);
  const int64_t total = batch * m * n;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t idx = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
       idx += stride) {
    const int64_t j = idx % n;
    const int64_t i = (idx / n) % m;
    const int64_t bi = idx / (n * m);
    const T* arow = pa + bi * a.batch_stride + i * a.row_stride;
    const T* bcol = pb + bi * bm.batch_stride + j * bm.col_stride;
    int64_t acc = 0;
    for (int64_t kk = 0; kk < k; ++kk) {
      acc += static_cast<int64_t>(arow[kk * a.col_stride]) *
             static_cast<int64_t>(bcol[kk * bm.row_stride]);
    }
    c[idx] = static_cast<T>(acc);
  }
}

}  // namespace

cudaError_t launch_integer_matmul(DType dtype, int64_t batch, int64_t m, int64_t n, int64_t k,
                                  MatmulOperand a, MatmulOperand bm, void* c, cudaStream_t stream) {
  const int64_t total = batch * m * n;
  if (total == 0) return cudaSuccess;
  const unsigned int grid = grid_for(total);
  switch (dtype) {
    case DType::UInt8:
      integer_matmul_kernel<<<grid, kBlockThreads, 0, stream>>>(batch, m, n, k, a, bm,
                                                                static_cast<uint8_t*>(c));
      break;
    case DType::Int8:
      integer_matmul_kernel<<<grid, kBlockThreads, 0, stream>>>(batch, m, n, k, a, bm,
                                                                static_cast<int8_t*>(c));
      break;
    case DType::Int16:
      integer_matmul_kernel<<<grid, kBlockThreads, 0, stream>>>(batch, m, n, k, a, bm,
                                                                static_cast<int16_t*>(c));
      break;
    case DType::Int32:
      integer_matmul_kernel<<<grid, kBlockThreads, 0, stream>>>(batch, m, n, k, a, bm,
                                                                static_cast<int32_t*>(c));
      break;
    case DType::Int64:
      integer_matmul_kernel<<<grid, kBlockThreads, 0, stream>>>(batch, m, n, k, a, bm,
                                                                static_cast<int64_t*>(c));
      break;
    default:
      return cudaErrorInvalidValue;  // the backend sends only integer dtypes here
  }
  return cudaGetLastError();
}

}  // namespace deepseek::cuda
