// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"): a
// counter-based generator. Element i of a random tensor is a pure function of
// (seed, offset + i / 4), so every backend, thread split and launch shape produces the same
// numbers for the same seed. Usable from host and device code.
#pragma once

#include <cstdint>

#if defined(__CUDACC__) || defined(__HIPCC__)
#define DS_HOST_DEVICE __host__ __device__
#else
#define DS_HOST_DEVICE
#endif

namespace deepseek::philox {

struct Uint4 {
  uint32_t x, y, z, w;
};

DS_HOST_DEVICE inline uint32_t mulhilo(uint32_t a, uint32_t b, uint32_t* hi) {
  uint64_t p = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(p >> 32);
  return static_cast<uint32_t>(p);
}

// Four 32-bit random words for counter `ctr` under key `seed`.
DS_HOST_DEVICE inline Uint4 philox4x32(uint64_t seed, uint64_t ctr) {
  constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  Uint4 c{static_cast<uint32_t>(ctr), static_cast<uint32_t>(ctr >> 32), 0u, 0u};
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, hi1;
    uint32_t lo0 = mulhilo(kM0, c.x, &hi0);
    uint32_t lo1 = mulhilo(kM1, c.z, &hi1);
    c = Uint4{hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0};
    k0 += kW0;
    k1 += kW1;
  }
  return c;
}

// The 32-bit word for element i of a stream that starts at counter `offset`.
DS_HOST_DEVICE inline uint32_t philox_word(uint64_t seed, uint64_t offset, uint64_t i) {
  Uint4 r = philox4x32(seed, offset + i / 4);
  switch (i % 4) {
    case 0: return r.x;
    case 1: return r.y;
    case 2: return r.z;
    default: return r.w;
  }
}

// Uniform in [0, 1) with 24 random bits (exactly representable in float).
DS_HOST_DEVICE inline float to_unit_float(uint32_t w) {
  return static_cast<float>(w >> 8) * (1.0f / 16777216.0f);
}
// Uniform in [0, 1) with 53 random bits from two words.
DS_HOST_DEVICE inline double to_unit_double(uint32_t a, uint32_t b) {
  uint64_t bits = (static_cast<uint64_t>(a) << 21) ^ (b >> 11);
  return static_cast<double>(bits & ((1ull << 53) - 1)) * (1.0 / 9007199254740992.0);
}

}  // namespace deepseek::philox
