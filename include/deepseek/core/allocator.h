// Per-device memory allocators with statistics. Allocators are pluggable per device type;
// each Storage remembers the allocator that made it, so swapping one never frees memory
// through the wrong allocator.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "deepseek/core/device.h"

namespace deepseek {

struct AllocatorStats {
  int64_t allocated_bytes = 0;  // live bytes handed out to tensors
  int64_t peak_bytes = 0;       // high-water mark of allocated_bytes since the last reset
  int64_t reserved_bytes = 0;   // bytes held from the system (>= allocated for caching ones)
  int64_t num_allocations = 0;  // live allocations
  int64_t total_allocations = 0;  // allocations since start
};

class Allocator {
 public:
  virtual ~Allocator() = default;
  // Returns memory for nbytes (nbytes may be 0); throws MemoryError when it cannot.
  virtual void* allocate(size_t nbytes) = 0;
  virtual void deallocate(void* ptr, size_t nbytes) = 0;
  virtual AllocatorStats stats() const = 0;
  virtual void reset_peak_stats() = 0;
  // Returns cached, unused memory to the system. A no-op for non-caching allocators.
  virtual void empty_cache() {}
};

// Thread-safe bookkeeping that allocators share.
class AllocationCounter {
 public:
  void on_allocate(size_t nbytes, size_t reserved_delta);
  void on_deallocate(size_t nbytes, size_t reserved_delta);
  void on_release(size_t reserved_delta);  // cached bytes returned to the system
  AllocatorStats snapshot() const;
  void reset_peak();

 private:
  std::atomic<int64_t> allocated_{0}, peak_{0}, reserved_{0}, live_{0}, total_{0};
};

// 64-byte aligned host memory (cache line and AVX-512 width).
class CpuAllocator final : public Allocator {
 public:
  static constexpr size_t kAlignment = 64;
  void* allocate(size_t nbytes) override;
  void deallocate(void* ptr, size_t nbytes) override;
  AllocatorStats stats() const override { return counter_.snapshot(); }
  void reset_peak_stats() override { counter_.reset_peak(); }

 private:
  AllocationCounter counter_;
};

// The allocator new storage on `type` devices gets. Backends install their default.
std::shared_ptr<Allocator> get_allocator(DeviceType type);
void set_allocator(DeviceType type, std::shared_ptr<Allocator> allocator);

}  // namespace deepseek
