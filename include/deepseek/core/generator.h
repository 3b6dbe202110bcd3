// The random state: a seed and a counter offset into the Philox stream. Each random op
// reserves a block of counters, so consecutive calls never reuse numbers. One stream serves
// every backend (Philox is a pure function of seed and counter), so a generator's device is
// only a label that PyTorch code reads back.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <utility>

#include "deepseek/core/device.h"

namespace deepseek {

class Generator {
 public:
  static constexpr uint64_t kDefaultSeed = 67280421310721ull;  // PyTorch's default seed
  // get_state()/set_state() bytes: seed then offset, each 8 bytes little-endian.
  static constexpr size_t kStateBytes = 16;
  using State = std::array<uint8_t, kStateBytes>;

  explicit Generator(uint64_t seed = kDefaultSeed, Device device = Device(DeviceType::CPU))
      : seed_(seed), device_(device) {}

  void manual_seed(uint64_t seed);
  // Seeds from the operating system's entropy source and returns the new seed.
  uint64_t seed();
  uint64_t initial_seed() const;
  // Reserves `counters` Philox counters; returns (seed, first counter).
  std::pair<uint64_t, uint64_t> reserve(uint64_t counters);
  uint64_t offset() const;
  void set_state(uint64_t seed, uint64_t offset);
  State get_state() const;
  void set_state(const State& state);
  Device device() const { return device_; }

 private:
  mutable std::mutex mutex_;
  uint64_t seed_;
  uint64_t offset_ = 0;
  Device device_;
};

// The process-wide generator used when no generator is passed.
Generator& default_generator();
// Seeds the default generator (every backend draws from it).
void manual_seed(uint64_t seed);

}  // namespace deepseek
