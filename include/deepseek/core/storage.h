// A block of device memory shared by a tensor and all its views.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "deepseek/core/allocator.h"
#include "deepseek/core/device.h"

namespace deepseek {

class Storage {
 public:
  // Fresh memory from the device's current allocator.
  static std::shared_ptr<Storage> allocate(size_t nbytes, Device device);
  // Memory owned by someone else (a numpy array); `release` runs when the last view dies.
  static std::shared_ptr<Storage> wrap(void* data, size_t nbytes, Device device,
                                       std::function<void()> release);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  // False for wrapped memory: someone outside deepseek can see it.
  bool owns_memory() const { return allocator_ != nullptr; }

 private:
  Storage() = default;
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
  std::shared_ptr<Allocator> allocator_;  // null for wrapped memory
  std::function<void()> release_;
};

}  // namespace deepseek
