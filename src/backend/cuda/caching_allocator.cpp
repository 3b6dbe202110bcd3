// The caching allocator's block bookkeeping (design in caching_allocator.h). Nothing here
// calls CUDA directly: segments come from a SegmentSource.
#include "deepseek/backend/cuda/caching_allocator.h"

#include <functional>
#include <limits>

#include "deepseek/core/error.h"

namespace deepseek::cuda {

// A run of bytes inside one segment. The blocks of a segment form a doubly linked list in
// address order; a block with neither neighbour is a whole segment.
struct CudaCachingAllocator::Block {
  int device;
  bool small;
  char* ptr;
  size_t size;
  bool allocated = false;
  Block* prev = nullptr;
  Block* next = nullptr;
};

bool CudaCachingAllocator::BySizeThenAddress::operator()(const Block* a, const Block* b) const {
  if (a->size != b->size) return a->size < b->size;
  return std::less<const char*>()(a->ptr, b->ptr);
}

namespace {

std::string format_bytes(size_t n) {
  const double b = static_cast<double>(n);
  if (n >= (size_t{1} << 30)) return fmt::format("{:.2f} GiB", b / (1 << 30));
  if (n >= (size_t{1} << 20)) return fmt::format("{:.2f} MiB", b / (1 << 20));
  if (n >= (size_t{1} << 10)) return fmt::format("{:.2f} KiB", b / (1 << 10));
  return fmt::format("{} bytes", n);
}

size_t round_up(size_t n, size_t multiple) { return (n + multiple - 1) / multiple * multiple; }

}  // namespace

CudaCachingAllocator::CudaCachingAllocator(std::unique_ptr<SegmentSource> source)
    : source_(std::move(source)) {
  DS_CHECK(source_ != nullptr, ValueError, "CudaCachingAllocator: the segment source is null");
}

CudaCachingAllocator::~CudaCachingAllocator() {
  // Blocks still in use cannot exist here (every Storage holds a reference to its
  // allocator); cached segments go back to the source, which ignores errors at exit.
  release_free_segments(-1);
}

size_t CudaCachingAllocator::round_request(size_t nbytes) {
  return round_up(nbytes, kMinBlockSize);
}

size_t CudaCachingAllocator::segment_size(size_t rounded) {
  if (rounded <= kSmallRequest) return kSmallSegment;
  if (rounded < kMinLargeAlloc) return kLargeSegment;
  return round_up(rounded, kLargeRounding);
}

CudaCachingAllocator::DevicePools& CudaCachingAllocator::pools_for(int device) {
  return pools_[device];
}

CudaCachingAllocator::Block* CudaCachingAllocator::take_free_block(Pool& pool, size_t size) {
  Block key{0, false, nullptr, size};
  auto it = pool.lower_bound(&key);  // smallest block with size >= request
  if (it == pool.end()) return nullptr;
  Block* block = *it;
  pool.erase(it);
  return block;
}

CudaCachingAllocator::Block* CudaCachingAllocator::new_segment(int device, bool small,
                                                               size_t size) {
  const size_t bytes = segment_size(size);
  void* ptr = source_->allocate(bytes, device);
  if (ptr == nullptr) {  // out of memory: give back what the cache holds, then try once more
    release_free_segments(device);
    ptr = source_->allocate(bytes, device);
  }
  if (ptr == nullptr) {
    const AllocatorStats s = counter_.snapshot();
    DS_THROW(MemoryError,
             "CUDA out of memory. Tried to allocate {} (GPU {}; {} allocated by tensors, {} "
             "reserved by deepseek's caching allocator)",
             format_bytes(size), device, format_bytes(static_cast<size_t>(s.allocated_bytes)),
             format_bytes(static_cast<size_t>(s.reserved_bytes)));
  }
  ++segments_;
  return new Block{device, small, static_cast<char*>(ptr), bytes};
}

void CudaCachingAllocator::split(Block* block, size_t size, Pool& pool) {
  const size_t rest = block->size - size;
  const bool worth_keeping = block->small ? rest >= kMinBlockSize : rest > kSmallRequest;
  if (!worth_keeping) return;
  Block* tail = new Block{block->device, block->small, block->ptr + size, rest};
  tail->prev = block;
  tail->next = block->next;
  if (block->next) block->next->prev = tail;
  block->next = tail;
  block->size = size;
  pool.insert(tail);
}

void* CudaCachingAllocator::allocate(size_t nbytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int device = source_->current_device();  // throws when there is no device
  if (nbytes == 0) return nullptr;
  DS_CHECK(nbytes <= std::numeric_limits<size_t>::max() / 2, MemoryError,
           "CUDA out of memory. Tried to allocate {} bytes", nbytes);
  const size_t size = round_request(nbytes);
  const bool small = size <= kSmallRequest;
  DevicePools& pools = pools_for(device);
  Pool& pool = small ? pools.small : pools.large;
  size_t reserved_delta = 0;
  Block* block = take_free_block(pool, size);
  if (block == nullptr) {
    block = new_segment(device, small, size);
    reserved_delta = block->size;
  }
  split(block, size, pool);
  block->allocated = true;
  active_.emplace(block->ptr, block);
  counter_.on_allocate(block->size, reserved_delta);
  return block->ptr;
}

void CudaCachingAllocator::deallocate(void* ptr, size_t) {
  if (ptr == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = active_.find(ptr);
  if (it == active_.end()) return;  // not ours; nothing safe to do from a destructor
  Block* block = it->second;
  active_.erase(it);
  block->allocated = false;
  counter_.on_deallocate(block->size, 0);
  DevicePools& pools = pools_for(block->device);
  Pool& pool = block->small ? pools.small : pools.large;
  if (block->prev != nullptr && !block->prev->allocated) {
    Block* prev = block->prev;
    pool.erase(prev);
    prev->size += block->size;
    prev->next = block->next;
    if (block->next) block->next->prev = prev;
    delete block;
    block = prev;
  }
  if (block->next != nullptr && !block->next->allocated) {
    Block* next = block->next;
    pool.erase(next);
    block->size += next->size;
    block->next = next->next;
    if (next->next) next->next->prev = block;
    delete next;
  }
  pool.insert(block);
}

void CudaCachingAllocator::release_free_segments(int device_or_all) {
  for (auto& [device, pools] : pools_) {
    if (device_or_all >= 0 && device != device_or_all) continue;
    for (Pool* pool : {&pools.small, &pools.large}) {
      for (auto it = pool->begin(); it != pool->end();) {
        Block* block = *it;
        if (block->prev == nullptr && block->next == nullptr) {
          source_->release(block->ptr, block->size, block->device);
          counter_.on_release(block->size);
          --segments_;
          delete block;
          it = pool->erase(it);
        } else {
          ++it;
        }
      }
    }
  }
}

void CudaCachingAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  release_free_segments(-1);
}

size_t CudaCachingAllocator::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t total = 0;
  for (const auto& [device, pools] : pools_) {
    for (const Pool* pool : {&pools.small, &pools.large}) {
      for (const Block* block : *pool) total += block->size;
    }
  }
  return total;
}

size_t CudaCachingAllocator::segment_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return segments_;
}

}  // namespace deepseek::cuda
