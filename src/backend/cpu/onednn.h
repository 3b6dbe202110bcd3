// oneDNN plumbing shared by the CPU kernels that use it (matmul now, conv and pooling
// later): one engine and stream, dtype mapping, and a cache of ready primitives, because
// building a primitive descriptor costs tens of microseconds and shapes repeat every step.
#pragma once

#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "deepseek/core/dtype.h"

namespace deepseek::cpu::onednn {

dnnl::engine& engine();
dnnl::stream& stream();

// oneDNN splits a primitive across every OpenMP thread however small the problem; on a
// loaded machine a tiny GEMM then waits at barriers for threads the OS has descheduled
// (milliseconds instead of microseconds). Problems below kSerialFlops run on one thread.
// oneDNN plans its split when a primitive is created, so a ThreadScope covers creation and
// execution, and the thread count is part of every primitive cache key.
inline constexpr double kSerialFlops = 1 << 22;

inline int threads_for(double flops) { return flops < kSerialFlops ? 1 : omp_get_max_threads(); }

class ThreadScope {
 public:
  explicit ThreadScope(int threads) : prev_(omp_get_max_threads()), threads_(threads) {
    if (threads_ != prev_) omp_set_num_threads(threads_);
  }
  ~ThreadScope() {
    if (threads_ != prev_) omp_set_num_threads(prev_);
  }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;
  int threads() const { return threads_; }

 private:
  int prev_, threads_;
};

// oneDNN's type for `dtype`, or undef when oneDNN has none (float64, int64, ...).
dnnl::memory::data_type to_dnnl(DType dtype);

// A small LRU of primitives keyed by a string that encodes everything that shaped them.
template <typename Primitive>
class PrimitiveCache {
 public:
  explicit PrimitiveCache(size_t capacity = 512) : capacity_(capacity) {}

  template <typename Make>
  Primitive get(const std::string& key, Make&& make) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return it->second->second;
    }
    order_.emplace_front(key, make());
    index_[key] = order_.begin();
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    return order_.front().second;
  }

 private:
  size_t capacity_;
  std::mutex mutex_;
  std::list<std::pair<std::string, Primitive>> order_;
  std::unordered_map<std::string, typename std::list<std::pair<std::string, Primitive>>::iterator>
      index_;
};

}  // namespace deepseek::cpu::onednn
