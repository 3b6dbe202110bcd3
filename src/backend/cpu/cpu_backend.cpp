// Registration, copies, fills and random numbers for the CPU backend.
#include "cpu_backend.h"

#include <cmath>
#include <cstring>

#include "deepseek/core/philox.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {
CpuBackend g_cpu_backend;
struct Registrar {
  Registrar() { register_backend(DeviceType::CPU, &g_cpu_backend); }
} g_registrar;
}  // namespace

void CpuBackend::copy(const Tensor& src, const Tensor& dst) {
  if (src.dtype() == dst.dtype() && src.is_contiguous() && dst.is_contiguous()) {
    const size_t n = src.nbytes();
    const char* s = static_cast<const char*>(src.data_ptr());
    char* d = static_cast<char*>(dst.data_ptr());
    if (n < (1u << 20)) {
      std::memcpy(d, s, n);
    } else {
      const int64_t chunk = 1 << 18;
      const int64_t chunks = (static_cast<int64_t>(n) + chunk - 1) / chunk;
#pragma omp parallel for
      for (int64_t c = 0; c < chunks; ++c) {
        size_t off = static_cast<size_t>(c * chunk);
        std::memcpy(d + off, s + off, std::min<size_t>(chunk, n - off));
      }
    }
    return;
  }
  visit_dtype(src.dtype(), "copy", [&](auto in_tag) {
    using In = typename decltype(in_tag)::type;
    visit_dtype(dst.dtype(), "copy", [&](auto out_tag) {
      using Out = typename decltype(out_tag)::type;
      using C = compute_type_t<In>;
      if constexpr (std::is_same_v<Out, bool>) {
        map_unary<In, Out>(src, dst, [](C x) { return x != C(0); });
      } else if constexpr (std::is_same_v<Out, Half> || std::is_same_v<Out, BFloat16>) {
        map_unary<In, Out>(src, dst, [](C x) { return static_cast<float>(x); });
      } else {
        map_unary<In, Out>(src, dst, [](C x) { return static_cast<Out>(x); });
      }
    });
  });
}

void CpuBackend::copy_to_host(const Tensor& src, const Tensor& host_dst) { copy(src, host_dst); }
void CpuBackend::copy_from_host(const Tensor& host_src, const Tensor& dst) { copy(host_src, dst); }

void CpuBackend::fill(const Tensor& out, const Scalar& value) {
  visit_dtype(out.dtype(), "fill", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = value.to<T>();
    StridedLoop<1> loop({&out});
    loop.for_each([&](char* const* p, const int64_t* s, int64_t n) {
      if (s[0] == sizeof(T)) {
        T* o = reinterpret_cast<T*>(p[0]);
        for (int64_t i = 0; i < n; ++i) o[i] = v;
      } else {
        for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * s[0]) = v;
      }
    });
  });
}

void CpuBackend::arange(const Tensor& out, double start, double step) {
  visit_dtype(out.dtype(), "arange", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out.data_ptr());
    const int64_t n = out.numel();
#pragma omp parallel for if (n > kParallelGrain)
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
        o[i] = T(static_cast<float>(std::fma(static_cast<double>(i), step, start)));
      } else {
        o[i] = static_cast<T>(std::fma(static_cast<double>(i), step, start));
      }
    }
  });
}

namespace {
// Box-Muller on two uniforms: one normal per element, element i using counters of its own,
// so the result does not depend on how elements are split among threads. The multiply-adds
// here and in random() are explicit std::fma, as in kernels/cuda/random.cu, so both backends
// round identically whatever the compiler's contraction settings.
inline double normal_at(uint64_t seed, uint64_t offset, uint64_t i) {
  philox::Uint4 r = philox::philox4x32(seed, offset + i);
  double u1 = philox::to_unit_double(r.x, r.y);
  double u2 = philox::to_unit_double(r.z, r.w);
  return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * M_PI * u2);
}
}  // namespace

void CpuBackend::random(RandomKind kind, const Tensor& out, uint64_t seed, uint64_t offset,
                        double a, double b) {
  // The op passes a contiguous output; every element i draws from counter offset + i.
  visit_dtype(out.dtype(), "random", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out.data_ptr());
    const int64_t n = out.numel();
#pragma omp parallel for if (n > kParallelGrain)
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t u = static_cast<uint64_t>(i);
      double v = 0;
      switch (kind) {
        case RandomKind::Uniform: {
          philox::Uint4 r = philox::philox4x32(seed, offset + u);
          v = std::fma(b - a, philox::to_unit_double(r.x, r.y), a);
          break;
        }
        case RandomKind::Normal:
          v = a + b * normal_at(seed, offset, u);
          break;
        case RandomKind::RandInt: {
          philox::Uint4 r = philox::philox4x32(seed, offset + u);
          uint64_t range = static_cast<uint64_t>(b - a);
          uint64_t bits = (static_cast<uint64_t>(r.x) << 32) | r.y;
          v = a + static_cast<double>(bits % range);
          break;
        }
        case RandomKind::Bernoulli: {
          philox::Uint4 r = philox::philox4x32(seed, offset + u);
          v = philox::to_unit_double(r.x, r.y) < a ? 1.0 : 0.0;
          break;
        }
      }
      if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
        o[i] = T(static_cast<float>(v));
      } else {
        o[i] = static_cast<T>(v);
      }
    }
  });
}

}  // namespace deepseek::cpu
