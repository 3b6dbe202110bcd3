// StridedIndexer: how a CUDA elementwise kernel finds element i of N same-shaped operands
// with arbitrary strides (stride 0 = broadcast).
//
// The host builds it once per launch, the same way src/backend/cpu/strided_loop.h walks
// tensors: dims of size 1 are dropped and neighbouring dims that are laid out back to back
// in every operand are merged, so a contiguous tensor of any shape becomes one dim and a
// kernel's index arithmetic costs nothing in the common case. The result is passed to the
// kernel by value (a few hundred bytes of kernel parameters). Each thread turns its linear
// index (row-major over the output's shape) into one element offset per operand.
#pragma once

#include <cstdint>

#include "deepseek/core/philox.h"  // DS_HOST_DEVICE

namespace deepseek::cuda {

// Dims left after coalescing; tensors with more non-mergeable dims are rejected clearly.
inline constexpr int kMaxIndexerDims = 10;

template <int N>
struct StridedIndexer {
  int ndim = 0;  // after coalescing, >= 1
  int64_t numel = 0;
  int64_t sizes[kMaxIndexerDims] = {};       // innermost first
  int64_t strides[N][kMaxIndexerDims] = {};  // in elements, innermost first

  // Element offsets of the linear index `i` in each operand. The last (outermost) dim needs
  // no modulo, so a coalesced contiguous operand costs one multiply.
  DS_HOST_DEVICE void offsets(int64_t i, int64_t (&out)[N]) const {
    for (int k = 0; k < N; ++k) out[k] = 0;
    for (int d = 0; d < ndim - 1; ++d) {
      const int64_t idx = i % sizes[d];
      i /= sizes[d];
      for (int k = 0; k < N; ++k) out[k] += idx * strides[k][d];
    }
    for (int k = 0; k < N; ++k) out[k] += i * strides[k][ndim - 1];
  }
};

}  // namespace deepseek::cuda

// The host-side builder needs Tensor (and fmt for its errors), which device code must not
// include; nvcc defines __CUDACC__ for both of its passes over a .cu file.
#if !defined(__CUDACC__)
#include <array>

#include "deepseek/core/tensor.h"

namespace deepseek::cuda {

// operands[0] is conventionally the output; all must have operands[0]'s shape.
template <int N>
StridedIndexer<N> make_strided_indexer(const std::array<const Tensor*, N>& operands) {
  StridedIndexer<N> ix;
  const Shape& shape = operands[0]->sizes();
  ix.numel = operands[0]->numel();
  int nd = 0;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] == 1) continue;
    int64_t st[N];
    for (int k = 0; k < N; ++k) st[k] = operands[k]->strides()[d];
    if (nd > 0) {
      bool mergeable = true;
      for (int k = 0; k < N; ++k) {
        if (st[k] != ix.strides[k][nd - 1] * ix.sizes[nd - 1]) mergeable = false;
      }
      if (mergeable) {
        ix.sizes[nd - 1] *= shape[d];
        continue;
      }
    }
    DS_CHECK(nd < kMaxIndexerDims, NotImplementedError,
             "CUDA elementwise kernels support at most {} non-contiguous dims after merging, got "
             "a tensor of shape {}; call .contiguous() first",
             kMaxIndexerDims, shape_str(shape));
    ix.sizes[nd] = shape[d];
    for (int k = 0; k < N; ++k) ix.strides[k][nd] = st[k];
    ++nd;
  }
  if (nd == 0) {  // a scalar, or all dims of size 1
    ix.sizes[0] = 1;
    for (int k = 0; k < N; ++k) ix.strides[k][0] = 1;
    nd = 1;
  }
  ix.ndim = nd;
  return ix;
}

}  // namespace deepseek::cuda
#endif
