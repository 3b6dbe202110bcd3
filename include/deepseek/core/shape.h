// Sizes and strides, and the arithmetic on them that every layer shares.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace deepseek {

using Shape = std::vector<int64_t>;
using Strides = std::vector<int64_t>;

// Product of sizes; throws ValueError on a negative size or int64 overflow.
int64_t shape_numel(const Shape& shape);
// Row-major strides in elements.
Strides contiguous_strides(const Shape& shape);
// numpy/PyTorch broadcasting; throws RuntimeError naming `op` when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op = "broadcast");
// Wraps a possibly negative dim into [0, ndim); throws IndexError naming `op`.
int64_t normalize_dim(int64_t dim, int64_t ndim, const char* op);
// "[2, 3]" as PyTorch prints sizes in messages.
std::string shape_str(const Shape& shape);

}  // namespace deepseek
