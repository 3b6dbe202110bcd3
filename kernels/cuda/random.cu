// arange and random number kernels.
//
// Work split: a grid-stride loop, one output element per thread per step; element i is a
// pure function of i (arange) or of the Philox counter offset + i (random), so the launch
// shape never changes the numbers.
// Bound: arange is memory bound; random is compute bound (ten Philox rounds and, for
// normals, a log and a cos in double per element) but still cheap next to the ops that
// consume it.
//
// Bit-for-bit agreement with the CPU backend (src/backend/cpu/cpu_backend.cpp): the same
// counters, the same 53-bit uniforms, the same double arithmetic: both sides write the
// multiply-adds as explicit fma() and leave no other step for the compiler to contract. Uniform, randint and bernoulli values are therefore
// identical; normals go through log1p and cos, whose last bit can differ between glibc and
// CUDA's libdevice, so float64 normals agree to about 1e-15 relative and narrower dtypes
// almost always exactly.
#include "device_types.cuh"
#include "launchers.h"

namespace deepseek::cuda {

namespace {

// 2 * M_PI, spelled out so it does not depend on <cmath> defining M_PI; the CPU backend's
// `2.0 * M_PI` folds to this same double.
constexpr double kTwoPi = 2.0 * 3.14159265358979323846;

template <typename T>
__global__ void arange_kernel(T* out, int64_t n, double start, double step) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    out[i] = store_from<T>(fma(static_cast<double>(i), step, start));
  }
}

__device__ __forceinline__ double standard_normal(uint64_t seed, uint64_t counter) {
  const philox::Uint4 r = philox::philox4x32(seed, counter);
  const double u1 = philox::to_unit_double(r.x, r.y);
  const double u2 = philox::to_unit_double(r.z, r.w);
  const double radius = sqrt(__dmul_rn(-2.0, log1p(-u1)));
  const double angle = __dmul_rn(kTwoPi, u2);
  return __dmul_rn(radius, cos(angle));
}

template <typename T>
__global__ void random_kernel(RandomKind kind, T* out, int64_t n, uint64_t seed, uint64_t offset,
                              double a, double b) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    const uint64_t counter = offset + static_cast<uint64_t>(i);
    double v = 0;
    switch (kind) {
      case RandomKind::Uniform: {
        const philox::Uint4 r = philox::philox4x32(seed, counter);
        v = fma(__dsub_rn(b, a), philox::to_unit_double(r.x, r.y), a);
        break;
      }
      case RandomKind::Normal:
        v = fma(b, standard_normal(seed, counter), a);
        break;
      case RandomKind::RandInt: {
        const philox::Uint4 r = philox::philox4x32(seed, counter);
        const uint64_t range = static_cast<uint64_t>(__dsub_rn(b, a));
        const uint64_t bits = (static_cast<uint64_t>(r.x) << 32) | r.y;
        v = __dadd_rn(a, static_cast<double>(bits % range));
        break;
      }
      case RandomKind::Bernoulli: {
        const philox::Uint4 r = philox::philox4x32(seed, counter);
        v = philox::to_unit_double(r.x, r.y) < a ? 1.0 : 0.0;
        break;
      }
    }
    out[i] = store_from<T>(v);
  }
}

}  // namespace

cudaError_t launch_arange(DType dtype, void* out, int64_t n, double start, double step,
                          cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  visit_device_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    arange_kernel<T>
        <<<grid_for(n), kBlockThreads, 0, stream>>>(static_cast<T*>(out), n, start, step);
  });
  return cudaGetLastError();
}

cudaError_t launch_random(RandomKind kind, DType dtype, void* out, int64_t n, uint64_t seed,
                          uint64_t offset, double a, double b, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  visit_device_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    random_kernel<T><<<grid_for(n), kBlockThreads, 0, stream>>>(kind, static_cast<T*>(out), n, seed,
                                                                offset, a, b);
  });
  return cudaGetLastError();
}

}  // namespace deepseek::cuda
