// IntOrTuple: a layer argument given as one int (for every spatial dim) or one per dim, as
// PyTorch's `kernel_size=3` / `kernel_size=(3, 2)`. Remembers which, because pooling reprs
// print the form the user wrote.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "deepseek/core/error.h"

namespace deepseek::nn {

class IntOrTuple {
 public:
  IntOrTuple(int64_t value) : values_{value}, single_(true) {}        // NOLINT: `3` reads well
  IntOrTuple(int value) : IntOrTuple(static_cast<int64_t>(value)) {}  // NOLINT
  IntOrTuple(std::initializer_list<int64_t> values) : values_(values) {}
  IntOrTuple(std::vector<int64_t> values) : values_(std::move(values)) {}  // NOLINT

  bool is_single() const { return single_; }
  const std::vector<int64_t>& values() const { return values_; }
  // One value per dim: a single int repeated `dims` times; a tuple must have `dims` values
  // (ValueError naming `what` otherwise).
  std::vector<int64_t> expand(size_t dims, const char* what) const {
    if (values_.size() == 1) return std::vector<int64_t>(dims, values_[0]);
    DS_CHECK(values_.size() == dims, ValueError, "{} must be an int or a tuple of {} ints, got {}",
             what, dims, values_.size());
    return values_;
  }

 private:
  std::vector<int64_t> values_;
  bool single_ = false;
};

}  // namespace deepseek::nn
