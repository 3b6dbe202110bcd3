// Device-side counterparts of deepseek's dtypes, and the load/store rules every kernel
// shares: 16-bit floats are widened to float on load and rounded to nearest even once on
// store, exactly like the CPU backend's Half/BFloat16 (include/deepseek/core/half.h).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <type_traits>

#include "deepseek/core/dtype.h"

namespace deepseek::cuda {

// Arithmetic type of a storage type: float for the 16-bit floats, itself otherwise.
template <typename T>
struct ComputeType {
  using type = T;
};
template <>
struct ComputeType<__half> {
  using type = float;
};
template <>
struct ComputeType<__nv_bfloat16> {
  using type = float;
};
template <typename T>
using compute_t = typename ComputeType<T>::type;

template <typename T>
inline constexpr bool is_half_like_v =
    std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>;

template <typename T>
__device__ __forceinline__ compute_t<T> load_as_compute(T v) {
  if constexpr (std::is_same_v<T, __half>) {
    return __half2float(v);
  } else if constexpr (std::is_same_v<T, __nv_bfloat16>) {
    return __bfloat162float(v);
  } else {
    return v;
  }
}

// Converts a value of any arithmetic type to storage type Out the way the CPU backend's
// copy does: bool is "!= 0", 16-bit floats go through float, the rest is a static_cast.
template <typename Out, typename V>
__device__ __forceinline__ Out store_from(V v) {
  if constexpr (std::is_same_v<Out, bool>) {
    return v != V(0);
  } else if constexpr (std::is_same_v<Out, __half>) {
    return __float2half_rn(static_cast<float>(v));
  } else if constexpr (std::is_same_v<Out, __nv_bfloat16>) {
    return __float2bfloat16_rn(static_cast<float>(v));
  } else {
    return static_cast<Out>(v);
  }
}

template <typename T>
struct DeviceTag {
  using type = T;
};

// Calls fn(DeviceTag<T>{}) with T the device storage type of `dtype`. Every DType has one,
// so there is no failure path; the host side validated dtypes before launching.
template <typename Fn>
void visit_device_dtype(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Bool:
      return fn(DeviceTag<bool>{});
    case DType::UInt8:
      return fn(DeviceTag<uint8_t>{});
    case DType::Int8:
      return fn(DeviceTag<int8_t>{});
    case DType::Int16:
      return fn(DeviceTag<int16_t>{});
    case DType::Int32:
      return fn(DeviceTag<int32_t>{});
    case DType::Int64:
      return fn(DeviceTag<int64_t>{});
    case DType::Float16:
      return fn(DeviceTag<__half>{});
    case DType::BFloat16:
      return fn(DeviceTag<__nv_bfloat16>{});
    case DType::Float32:
      return fn(DeviceTag<float>{});
    case DType::Float64:
      return fn(DeviceTag<double>{});
  }
}

// Launch shape for grid-stride loops over n elements: 256 threads per block (8 warps, enough
// to hide memory latency on every SM generation), at most 64K blocks; each thread then
// strides by the whole grid, so any n is covered.
inline constexpr int kBlockThreads = 256;
inline unsigned int grid_for(int64_t n) {
  const int64_t blocks = (n + kBlockThreads - 1) / kBlockThreads;
  return static_cast<unsigned int>(blocks < 65536 ? blocks : 65536);
}

}  // namespace deepseek::cuda
