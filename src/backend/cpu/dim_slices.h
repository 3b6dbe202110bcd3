// The 1-D slices of a tensor along one dim, for kernels that work a slice at a time (sort,
// scans): slice s is the s-th combination, in row-major order, of the indices of every other
// dim. Outputs of these kernels are contiguous, so a slice's place there follows from s alone.
#pragma once

#include <cstdint>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek::cpu {

class DimSlices {
 public:
  DimSlices(const Tensor& in, int64_t dim) {
    length_ = in.dim() == 0 ? 1 : in.size(dim);
    stride_ = in.dim() == 0 ? 1 : in.stride(dim);
    for (int64_t d = 0; d < in.dim(); ++d) {
      if (d == dim) continue;
      sizes_.push_back(in.size(d));
      strides_.push_back(in.stride(d));
      count_ *= in.size(d);
      if (d > dim) inner_ *= in.size(d);
    }
  }

  int64_t count() const { return count_; }    // number of slices
  int64_t length() const { return length_; }  // elements per slice
  int64_t stride() const { return stride_; }  // between neighbours of a slice in the input
  int64_t inner() const { return inner_; }    // slice stride in a contiguous output

  // Offset (elements) of slice s's first element in the input.
  int64_t in_offset(int64_t s) const {
    int64_t off = 0;
    for (size_t d = sizes_.size(); d-- > 0;) {
      off += (s % sizes_[d]) * strides_[d];
      s /= sizes_[d];
    }
    return off;
  }
  // Offset of slice s's first element in a contiguous tensor of the input's shape with size
  // `len` along the dim; neighbours are inner() apart.
  int64_t out_offset(int64_t s, int64_t len) const {
    return (s / inner_) * len * inner_ + s % inner_;
  }

 private:
  std::vector<int64_t> sizes_, strides_;  // the other dims, outermost first
  int64_t count_ = 1, length_ = 1, stride_ = 1, inner_ = 1;
};

}  // namespace deepseek::cpu
