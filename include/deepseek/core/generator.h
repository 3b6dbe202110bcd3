// The random state: a seed and a counter offset into the Philox stream. Each random op
// reserves a block of counters, so consecutive calls never reuse numbers.
#pragma once

#include <cstdint>
#include <mutex>
#include <utility>

namespace deepseek {

class Generator {
 public:
  explicit Generator(uint64_t seed = 67280421310721ull) : seed_(seed) {}

  void manual_seed(uint64_t seed);
  uint64_t initial_seed() const;
  // Reserves `counters` Philox counters; returns (seed, first counter).
  std::pair<uint64_t, uint64_t> reserve(uint64_t counters);
  uint64_t offset() const;
  void set_state(uint64_t seed, uint64_t offset);

 private:
  mutable std::mutex mutex_;
  uint64_t seed_;
  uint64_t offset_ = 0;
};

// The process-wide generator used when no generator is passed.
Generator& default_generator();
// Seeds the default generator (every backend draws from it).
void manual_seed(uint64_t seed);

}  // namespace deepseek
