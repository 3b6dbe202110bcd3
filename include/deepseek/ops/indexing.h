// Indexing: index_select/gather/scatter/masked_fill, and Python-style x[...] / x[...] = v
// (ints, slices, None, Ellipsis, integer and boolean tensors), shared by Python and C++.
#pragma once

#include <optional>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek {

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
// out = x with src rows added (accumulate) or copied at `index` along dim.
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src,
                 const Scalar& alpha = 1);
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value);
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value);
const Tensor& masked_fill_(const Tensor& x, const Tensor& mask, const Scalar& value);
Tensor masked_select(const Tensor& x, const Tensor& mask);
// Coordinates of non-zero elements: [n, ndim] int64.
Tensor nonzero(const Tensor& x);

// One entry of a Python subscript.
struct TensorIndex {
  enum class Kind { Integer, Slice, None, Ellipsis, Boolean, Tensor };
  Kind kind = Kind::None;
  int64_t integer = 0;
  std::optional<int64_t> start, stop;
  int64_t step = 1;
  bool boolean = false;
  Tensor tensor;

  static TensorIndex Int(int64_t i) { TensorIndex t; t.kind = Kind::Integer; t.integer = i; return t; }
  static TensorIndex Slice(std::optional<int64_t> start = {}, std::optional<int64_t> stop = {},
                           int64_t step = 1) {
    TensorIndex t; t.kind = Kind::Slice; t.start = start; t.stop = stop; t.step = step; return t;
  }
  static TensorIndex NewAxis() { return TensorIndex(); }
  static TensorIndex Dots() { TensorIndex t; t.kind = Kind::Ellipsis; return t; }
  static TensorIndex Bool(bool b) { TensorIndex t; t.kind = Kind::Boolean; t.boolean = b; return t; }
  static TensorIndex Of(const Tensor& x) { TensorIndex t; t.kind = Kind::Tensor; t.tensor = x; return t; }
};

// x[indices] with numpy/PyTorch semantics: basic indexing gives a view, tensor indices copy.
Tensor index(const Tensor& x, const std::vector<TensorIndex>& indices);
// x[indices] = value (value broadcast; accumulate adds instead, like index_put_).
const Tensor& index_put_(const Tensor& x, const std::vector<TensorIndex>& indices,
                         const Tensor& value, bool accumulate = false);

// Advanced indexing on leading tensor positions: indices[i] (or nullopt = whole dim) applies
// to dim i. Integer tensors broadcast together; negative indices count from the end.
Tensor index_tensors(const Tensor& x, const std::vector<std::optional<Tensor>>& indices);
const Tensor& index_put_tensors_(const Tensor& x, const std::vector<std::optional<Tensor>>& indices,
                                 const Tensor& value, bool accumulate);

}  // namespace deepseek
