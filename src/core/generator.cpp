#include "deepseek/core/generator.h"

#include <random>

namespace deepseek {

void Generator::manual_seed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(mutex_);
  seed_ = seed;
  offset_ = 0;
}

uint64_t Generator::seed() {
  std::random_device entropy;
  const uint64_t seed = (static_cast<uint64_t>(entropy()) << 32) ^ entropy();
  manual_seed(seed);
  return seed;
}

uint64_t Generator::initial_seed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return seed_;
}

std::pair<uint64_t, uint64_t> Generator::reserve(uint64_t counters) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t first = offset_;
  offset_ += counters;
  return {seed_, first};
}

uint64_t Generator::offset() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return offset_;
}

void Generator::set_state(uint64_t seed, uint64_t offset) {
  std::lock_guard<std::mutex> lock(mutex_);
  seed_ = seed;
  offset_ = offset;
}

Generator::State Generator::get_state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  State state{};
  for (size_t i = 0; i < 8; ++i) {
    state[i] = static_cast<uint8_t>(seed_ >> (8 * i));
    state[8 + i] = static_cast<uint8_t>(offset_ >> (8 * i));
  }
  return state;
}

void Generator::set_state(const State& state) {
  uint64_t seed = 0, offset = 0;
  for (size_t i = 0; i < 8; ++i) {
    seed |= static_cast<uint64_t>(state[i]) << (8 * i);
    offset |= static_cast<uint64_t>(state[8 + i]) << (8 * i);
  }
  set_state(seed, offset);
}

Generator& default_generator() {
  static Generator gen;
  return gen;
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace deepseek
