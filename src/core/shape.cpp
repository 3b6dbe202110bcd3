#include "deepseek/core/shape.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "deepseek/core/error.h"

namespace deepseek {

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) {
    DS_CHECK(s >= 0, ValueError, "negative dimension {} in shape {}", s, shape_str(shape));
    DS_CHECK(!__builtin_mul_overflow(n, s, &n), ValueError,
             "shape {} has more elements than fit in int64", shape_str(shape));
  }
  return n;
}

Strides contiguous_strides(const Shape& shape) {
  Strides strides(shape.size());
  int64_t s = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(shape[i], 1);
  }
  return strides;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    DS_CHECK(da == db || da == 1 || db == 1, RuntimeError,
             "{}: The size of tensor a ({}) must match the size of tensor b ({}) at "
             "non-singleton dimension {} (shapes {} and {})",
             op, da, db, i, shape_str(a), shape_str(b));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t normalize_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t lo = ndim > 0 ? -ndim : -1, hi = ndim > 0 ? ndim - 1 : 0;
  DS_CHECK(dim >= lo && dim <= hi, IndexError,
           "{}: Dimension out of range (expected to be in range of [{}, {}], but got {})", op,
           lo, hi, dim);
  return dim < 0 ? dim + std::max<int64_t>(ndim, 1) : dim;
}

std::string shape_str(const Shape& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

}  // namespace deepseek
