// Elementwise kernels: copy with dtype cast, fill, and binary ops, over any strides.
//
// Work split: a grid-stride loop, one element per thread per step, 256 threads per block
// (device_types.cuh: grid_for). Each thread maps its linear index through a StridedIndexer
// to one offset per operand; after coalescing, contiguous operands are a single dim, so
// neighbouring threads touch neighbouring addresses and every access is coalesced.
// Bound: memory bandwidth. These kernels do a handful of flops per element; what matters
// is that each byte moves once and warps read contiguous runs. (Vectorised 16-byte accesses
// are the next step for the contiguous case; correctness first.)
#include "binary_op.h"
#include "device_types.cuh"
#include "launchers.h"

namespace deepseek::cuda {

namespace {

// ---- copy with cast ----
template <typename In, typename Out>
__global__ void copy_cast_kernel(StridedIndexer<2> ix, Out* dst, const In* src) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < ix.numel;
       i += stride) {
    int64_t off[2];
    ix.offsets(i, off);
    dst[off[0]] = store_from<Out>(load_as_compute(src[off[1]]));
  }
}

// ---- fill: every element gets the same bit pattern ----
template <typename Bits>
__global__ void fill_kernel(StridedIndexer<1> ix, Bits* dst, Bits value) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < ix.numel;
       i += stride) {
    int64_t off[1];
    ix.offsets(i, off);
    dst[off[0]] = value;
  }
}

// ---- binary ----
// One kernel per (input, output) type with the op chosen at run time: the switch is the
// same for every thread (no divergence) and keeps the number of instantiations, and so the
// build time, small.
template <typename T, typename Out>
__global__ void binary_kernel(BinaryOp op, bool writes_bool, StridedIndexer<3> ix, Out* out,
                              const T* a, const T* b) {
  using C = compute_t<T>;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < ix.numel;
       i += stride) {
    int64_t off[3];
    ix.offsets(i, off);
    const C x = load_as_compute(a[off[1]]);
    const C y = load_as_compute(b[off[2]]);
    if constexpr (std::is_same_v<Out, bool>) {
      if constexpr (std::is_same_v<T, bool>) {  // bool add/mul/max/min also write bool
        out[off[0]] = writes_bool ? binary_compare(op, x, y) : binary_arith(op, x, y);
      } else {
        out[off[0]] = binary_compare(op, x, y);
      }
    } else {
      out[off[0]] = store_from<Out>(binary_arith(op, x, y));
    }
  }
}

}  // namespace

cudaError_t launch_copy_cast(DType src_dtype, DType dst_dtype, const StridedIndexer<2>& ix,
                             void* dst, const void* src, cudaStream_t stream) {
  if (ix.numel == 0) return cudaSuccess;
  visit_device_dtype(src_dtype, [&](auto in_tag) {
    using In = typename decltype(in_tag)::type;
    visit_device_dtype(dst_dtype, [&](auto out_tag) {
      using Out = typename decltype(out_tag)::type;
      copy_cast_kernel<In, Out><<<grid_for(ix.numel), kBlockThreads, 0, stream>>>(
          ix, static_cast<Out*>(dst), static_cast<const In*>(src));
    });
  });
  return cudaGetLastError();
}

cudaError_t launch_fill(size_t element_size, uint64_t bits, const StridedIndexer<1>& ix, void* dst,
                        cudaStream_t stream) {
  if (ix.numel == 0) return cudaSuccess;
  const unsigned int grid = grid_for(ix.numel);
  switch (element_size) {
    case 1:
      fill_kernel<<<grid, kBlockThreads, 0, stream>>>(ix, static_cast<uint8_t*>(dst),
                                                      static_cast<uint8_t>(bits));
      break;
    case 2:
      fill_kernel<<<grid, kBlockThreads, 0, stream>>>(ix, static_cast<uint16_t*>(dst),
                                                      static_cast<uint16_t>(bits));
      break;
    case 4:
      fill_kernel<<<grid, kBlockThreads, 0, stream>>>(ix, static_cast<uint32_t*>(dst),
                                                      static_cast<uint32_t>(bits));
      break;
    default:
      fill_kernel<<<grid, kBlockThreads, 0, stream>>>(ix, static_cast<uint64_t*>(dst), bits);
      break;
  }
  return cudaGetLastError();
}

cudaError_t launch_binary(BinaryOp op, DType dtype, const StridedIndexer<3>& ix, void* out,
                          const void* a, const void* b, cudaStream_t stream) {
  if (ix.numel == 0) return cudaSuccess;
  visit_device_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pa = static_cast<const T*>(a);
    const T* pb = static_cast<const T*>(b);
    const bool writes_bool = binary_op_writes_bool(op);
    if (writes_bool) {
      binary_kernel<T, bool><<<grid_for(ix.numel), kBlockThreads, 0, stream>>>(
          op, writes_bool, ix, static_cast<bool*>(out), pa, pb);
    } else {
      binary_kernel<T, T><<<grid_for(ix.numel), kBlockThreads, 0, stream>>>(
          op, writes_bool, ix, static_cast<T*>(out), pa, pb);
    }
  });
  return cudaGetLastError();
}

}  // namespace deepseek::cuda
