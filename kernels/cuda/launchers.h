// The launchers of kernels/cuda/*.cu: plain C++ entry points the CUDA backend
// (src/backend/cuda) calls. They take raw pointers and POD descriptions only, launch
// asynchronously on `stream`, and return the launch's status (cudaGetLastError) for the
// caller's DS_CUDA_CHECK; nothing here throws or synchronises.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "deepseek/backend/kernel_ops.h"
#include "deepseek/core/dtype.h"
#include "strided_indexer.h"

namespace deepseek::cuda {

// ---- kernels/cuda/elementwise.cu ----
// dst = src converted to dst's dtype through both operands' strides (ix: {dst, src}).
cudaError_t launch_copy_cast(DType src_dtype, DType dst_dtype, const StridedIndexer<2>& ix,
                             void* dst, const void* src, cudaStream_t stream);
// Writes the element_size-byte pattern `bits` to every element of dst (ix: {dst}).
cudaError_t launch_fill(size_t element_size, uint64_t bits, const StridedIndexer<1>& ix, void* dst,
                        cudaStream_t stream);
// out = op(a, b) computed in `dtype` (a and b share it); out is `dtype`, or bool for
// comparisons and logic (ix: {out, a, b}). The caller checked binary_op_supported.
cudaError_t launch_binary(BinaryOp op, DType dtype, const StridedIndexer<3>& ix, void* out,
                          const void* a, const void* b, cudaStream_t stream);

// ---- kernels/cuda/random.cu ----
// out[i] = start + i * step for a contiguous out of n elements.
cudaError_t launch_arange(DType dtype, void* out, int64_t n, double start, double step,
                          cudaStream_t stream);
// out[i] drawn from Philox counter offset + i, bit-for-bit the CPU backend's numbers.
cudaError_t launch_random(RandomKind kind, DType dtype, void* out, int64_t n, uint64_t seed,
                          uint64_t offset, double a, double b, cudaStream_t stream);

// ---- kernels/cuda/matmul.cu ----
// Integer batched product c[b] = a[b] @ bm[b] with int64 accumulation (cuBLAS has no
// integer GEMM for these types). a: [B, M, K], bm: [B, K, N] with element strides,
// c: contiguous [B, M, N]. dtype is one of uint8, int8, int16, int32, int64.
struct MatmulOperand {
  const void* data;
  int64_t batch_stride, row_stride, col_stride;
};
cudaError_t launch_integer_matmul(DType dtype, int64_t batch, int64_t m, int64_t n, int64_t k,
                                  MatmulOperand a, MatmulOperand bm, void* c, cudaStream_t stream);

}  // namespace deepseek::cuda
