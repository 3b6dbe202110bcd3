// CudaCachingAllocator: device memory for CUDA tensors, kept in cached blocks so that the
// training loop's steady allocate/free churn never reaches cudaMalloc/cudaFree (both
// synchronise the device and cost tens of microseconds).
//
// How it works:
//  - Requests are rounded up to 512 bytes. Those up to 1 MiB come from the small pool,
//    whose segments (cudaMalloc'd regions) are 2 MiB; larger ones from the large pool, whose
//    segments are 20 MiB for requests under 10 MiB and the request rounded up to 2 MiB
//    otherwise. Separate pools keep small, short-lived tensors from fragmenting the large
//    segments that activations and weights need.
//  - A request takes the smallest free block of its pool that fits (best fit) and splits
//    off the rest when the rest is worth keeping (>= 512 bytes small, > 1 MiB large).
//  - A freed block merges with free neighbours of the same segment, so a segment whose
//    tensors are all gone is one free block again.
//  - empty_cache() returns every segment that is entirely free to the driver.
//  - When the device is out of memory, the cache is emptied and the request retried once;
//    if it still fails, MemoryError says how much was asked and how much is held.
//
// Single stream: deepseek queues all CUDA work on one stream per device, so a freed block
// can be handed out again at once; work already queued that uses it runs before any work
// queued by its next owner. Multi-stream use will need per-stream pools and events.
//
// Memory comes from the current device (see cuda_device.h); pools are kept per device.
// Statistics (allocated/peak/reserved/count) count block sizes, i.e. rounded requests,
// summed over devices.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <vector>

#include "deepseek/core/allocator.h"

namespace deepseek::cuda {

// Where segments come from: the CUDA driver by default; tests use host memory to check the
// block logic on machines without a GPU.
class SegmentSource {
 public:
  virtual ~SegmentSource() = default;
  // The device new memory goes to; throws RuntimeError when there is none.
  virtual int current_device() = 0;
  // nbytes on `device`, or nullptr when the device is out of memory (other errors throw).
  virtual void* allocate(size_t nbytes, int device) = 0;
  // Must not throw: it runs from destructors.
  virtual void release(void* ptr, size_t nbytes, int device) noexcept = 0;
};

// cudaMalloc / cudaFree on the current device (src/backend/cuda/cuda_device.cpp).
std::unique_ptr<SegmentSource> make_cuda_segment_source();

class CudaCachingAllocator final : public Allocator {
 public:
  static constexpr size_t kMinBlockSize = 512;
  static constexpr size_t kSmallRequest = size_t{1} << 20;  // <= this: small pool
  static constexpr size_t kSmallSegment = size_t{2} << 20;
  static constexpr size_t kLargeSegment = size_t{20} << 20;  // for requests < kMinLargeAlloc
  static constexpr size_t kMinLargeAlloc = size_t{10} << 20;
  static constexpr size_t kLargeRounding = size_t{2} << 20;

  explicit CudaCachingAllocator(std::unique_ptr<SegmentSource> source);
  ~CudaCachingAllocator() override;

  void* allocate(size_t nbytes) override;
  void deallocate(void* ptr, size_t nbytes) override;
  AllocatorStats stats() const override { return counter_.snapshot(); }
  void reset_peak_stats() override { counter_.reset_peak(); }
  void empty_cache() override;

  // Bytes in free cached blocks (reserved - allocated), for tests and diagnostics.
  size_t cached_bytes() const;
  // Number of segments currently held from the source.
  size_t segment_count() const;

 private:
  struct Block;
  struct BySizeThenAddress {
    bool operator()(const Block* a, const Block* b) const;
  };
  using Pool = std::set<Block*, BySizeThenAddress>;
  struct DevicePools {
    Pool small, large;
  };

  DevicePools& pools_for(int device);
  Block* take_free_block(Pool& pool, size_t size);
  Block* new_segment(int device, bool small, size_t size);
  void split(Block* block, size_t size, Pool& pool);
  void release_free_segments(int device_or_all);
  static size_t round_request(size_t nbytes);
  static size_t segment_size(size_t rounded);

  mutable std::mutex mutex_;
  std::unique_ptr<SegmentSource> source_;
  std::map<int, DevicePools> pools_;
  std::unordered_map<void*, Block*> active_;
  size_t segments_ = 0;
  AllocationCounter counter_;
};

}  // namespace deepseek::cuda
