// Factory functions: empty/zeros/ones/full, ranges, eye, random tensors, *_like.
#pragma once

#include <optional>
#include <vector>

#include "deepseek/core/generator.h"
#include "deepseek/core/tensor.h"

namespace deepseek {

Tensor empty(const Shape& shape, TensorOptions options = {});
Tensor zeros(const Shape& shape, TensorOptions options = {});
Tensor ones(const Shape& shape, TensorOptions options = {});
// dtype defaults to the value's kind: bool, int64 or the default float dtype.
Tensor full(const Shape& shape, const Scalar& value, TensorOptions options = {});
// A 0-dim tensor holding `value`.
Tensor scalar_tensor(const Scalar& value, TensorOptions options = {});
// A 0-dim tensor standing for a number in an expression (`x + 2`): it ranks below real
// tensors in type promotion and may meet tensors of any device.
Tensor wrapped_scalar(const Scalar& value);

// [start, end) by step; dtype int64 if all of start/end/step are integers, else default float.
Tensor arange(const Scalar& end, TensorOptions options = {});
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step = 1,
              TensorOptions options = {});
Tensor linspace(double start, double end, int64_t steps, TensorOptions options = {});
Tensor eye(int64_t n, std::optional<int64_t> m = std::nullopt, TensorOptions options = {});

// Random factories draw from `gen` (default: the global generator).
Tensor rand(const Shape& shape, TensorOptions options = {}, Generator* gen = nullptr);
Tensor randn(const Shape& shape, TensorOptions options = {}, Generator* gen = nullptr);
Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions options = {},
               Generator* gen = nullptr);
Tensor randperm(int64_t n, TensorOptions options = {}, Generator* gen = nullptr);
// Elementwise Bernoulli(p) with p a scalar: 1 with probability p, shape and dtype of `like`.
Tensor bernoulli_like(const Tensor& like, double p, Generator* gen = nullptr);
// In place: fill with uniform [from, to) / normal(mean, std) numbers.
const Tensor& uniform_(const Tensor& self, double from = 0, double to = 1,
                       Generator* gen = nullptr);
const Tensor& normal_(const Tensor& self, double mean = 0, double std = 1,
                      Generator* gen = nullptr);

// *_like: shape, dtype and device of `like` unless options override them.
Tensor empty_like(const Tensor& like, TensorOptions options = {});
Tensor zeros_like(const Tensor& like, TensorOptions options = {});
Tensor ones_like(const Tensor& like, TensorOptions options = {});
Tensor full_like(const Tensor& like, const Scalar& value, TensorOptions options = {});
Tensor rand_like(const Tensor& like, TensorOptions options = {}, Generator* gen = nullptr);
Tensor randn_like(const Tensor& like, TensorOptions options = {}, Generator* gen = nullptr);

// A tensor holding a copy of `values` with the given shape (numel must match).
template <typename T>
Tensor tensor_from(const std::vector<T>& values, const Shape& shape, TensorOptions options = {});
// A 1-D tensor of `values`.
template <typename T>
Tensor tensor_from(const std::vector<T>& values, TensorOptions options = {}) {
  return tensor_from(values, Shape{static_cast<int64_t>(values.size())}, options);
}

}  // namespace deepseek
