#include "deepseek/core/allocator.h"

#include <cstdlib>
#include <mutex>

#include "deepseek/core/error.h"

namespace deepseek {

void AllocationCounter::on_allocate(size_t nbytes, size_t reserved_delta) {
  int64_t now = allocated_.fetch_add(static_cast<int64_t>(nbytes)) + static_cast<int64_t>(nbytes);
  int64_t peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
  reserved_.fetch_add(static_cast<int64_t>(reserved_delta));
  live_.fetch_add(1);
  total_.fetch_add(1);
}

void AllocationCounter::on_deallocate(size_t nbytes, size_t reserved_delta) {
  allocated_.fetch_sub(static_cast<int64_t>(nbytes));
  reserved_.fetch_sub(static_cast<int64_t>(reserved_delta));
  live_.fetch_sub(1);
}

void AllocationCounter::on_release(size_t reserved_delta) {
  reserved_.fetch_sub(static_cast<int64_t>(reserved_delta));
}

AllocatorStats AllocationCounter::snapshot() const {
  return {allocated_.load(), peak_.load(), reserved_.load(), live_.load(), total_.load()};
}

void AllocationCounter::reset_peak() { peak_.store(allocated_.load()); }

void* CpuAllocator::allocate(size_t nbytes) {
  // aligned_alloc needs a size that is a multiple of the alignment, and a non-zero one.
  size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded);
  DS_CHECK(p != nullptr, MemoryError,
           "CPU allocator: out of memory trying to allocate {} bytes ({:.2f} GiB)", nbytes,
           static_cast<double>(nbytes) / (1 << 30));
  counter_.on_allocate(nbytes, nbytes);
  return p;
}

void CpuAllocator::deallocate(void* ptr, size_t nbytes) {
  std::free(ptr);
  counter_.on_deallocate(nbytes, nbytes);
}

namespace {
std::mutex g_allocators_mutex;
std::shared_ptr<Allocator> g_allocators[kNumDeviceTypes];
}  // namespace

std::shared_ptr<Allocator> get_allocator(DeviceType type) {
  std::lock_guard<std::mutex> lock(g_allocators_mutex);
  auto& slot = g_allocators[static_cast<int>(type)];
  if (!slot && type == DeviceType::CPU) slot = std::make_shared<CpuAllocator>();
  DS_CHECK(slot != nullptr, RuntimeError,
           "no allocator for device type '{}': this build has no {} backend, or it found no "
           "device",
           device_type_name(type), device_type_name(type));
  return slot;
}

void set_allocator(DeviceType type, std::shared_ptr<Allocator> allocator) {
  DS_CHECK(allocator != nullptr, ValueError, "set_allocator: allocator must not be null");
  std::lock_guard<std::mutex> lock(g_allocators_mutex);
  g_allocators[static_cast<int>(type)] = std::move(allocator);
}

}  // namespace deepseek
