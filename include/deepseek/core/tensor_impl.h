// What a Tensor handle points at: storage + geometry + dtype + autograd metadata.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "deepseek/core/dtype.h"
#include "deepseek/core/shape.h"
#include "deepseek/core/storage.h"

namespace deepseek {

// Counts in-place writes. Shared by a tensor, its views and its detached aliases, so a
// backward pass can tell that a tensor it saved was overwritten.
struct VersionCounter {
  std::atomic<uint32_t> version{0};
};

// Opaque to the core: autograd/ derives from it. Keeps core free of gradient concepts.
struct AutogradMetaBase {
  virtual ~AutogradMetaBase() = default;
};

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape sizes;
  Strides strides;
  int64_t offset = 0;  // in elements
  DType dtype = DType::Float32;
  std::shared_ptr<VersionCounter> version = std::make_shared<VersionCounter>();
  std::unique_ptr<AutogradMetaBase> autograd_meta;
  // For views: the tensor that owns the geometry this view was cut from (never itself a view).
  std::shared_ptr<TensorImpl> view_base;
  // A 0-dim tensor made from a Python/C++ number: it ranks below real tensors in promotion.
  bool wrapped_number = false;

  int64_t numel() const;
  bool is_contiguous() const;
  Device device() const { return storage->device(); }
  void* data() const {
    return static_cast<char*>(storage->data()) + offset * static_cast<int64_t>(itemsize(dtype));
  }
};

}  // namespace deepseek
