// Diagonal views and their adjoints: diagonal() is a strided view whose backward writes the
// gradient onto the diagonal of zeros; that write (diagonal_scatter) is itself recorded with
// diagonal() as its backward, so both are differentiable to any order.
#include "deepseek/ops/diagonal.h"

#include <algorithm>

#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"

namespace deepseek {

using autograd::BackwardArgs;

namespace {

struct DiagonalGeometry {
  Shape sizes;
  Strides strides;
  int64_t offset;
};

DiagonalGeometry diagonal_geometry(const Shape& shape, const Strides& strides,
                                   int64_t storage_offset, int64_t offset, int64_t d1, int64_t d2) {
  const int64_t len = offset >= 0 ? std::max<int64_t>(std::min(shape[d1], shape[d2] - offset), 0)
                                  : std::max<int64_t>(std::min(shape[d1] + offset, shape[d2]), 0);
  DiagonalGeometry g;
  g.offset = storage_offset;
  if (len > 0) g.offset += offset >= 0 ? offset * strides[d2] : -offset * strides[d1];
  for (size_t d = 0; d < shape.size(); ++d) {
    if (static_cast<int64_t>(d) == d1 || static_cast<int64_t>(d) == d2) continue;
    g.sizes.push_back(shape[d]);
    g.strides.push_back(strides[d]);
  }
  g.sizes.push_back(len);
  g.strides.push_back(strides[d1] + strides[d2]);
  return g;
}

std::pair<int64_t, int64_t> diagonal_dims(int64_t dim1, int64_t dim2, int64_t ndim,
                                          const char* op) {
  const int64_t d1 = normalize_dim(dim1, ndim, op), d2 = normalize_dim(dim2, ndim, op);
  DS_CHECK(d1 != d2, RuntimeError, "{}: diagonal dimensions cannot be identical {}, {}", op, dim1,
           dim2);
  return {d1, d2};
}

// zeros of `shape` with g written on the (offset, d1, d2) diagonal.
Tensor diagonal_scatter_into_zeros(const Tensor& g, const Shape& shape, int64_t offset, int64_t d1,
                                   int64_t d2) {
  Tensor out = zeros(shape, TensorOptions(g.dtype()).set_device(g.device()));
  DiagonalGeometry geo =
      diagonal_geometry(shape, out.strides(), out.storage_offset(), offset, d1, d2);
  Tensor window = make_alias(out, geo.sizes, geo.strides, geo.offset);
  if (window.numel() > 0) backend_for(g.device()).copy(broadcast_view(g, window.sizes()), window);
  if (autograd::needs_grad({g})) {
    autograd::record("DiagonalScatterBackward0", {g}, {out}, {},
                     [offset, d1, d2](const BackwardArgs& a) -> TensorList {
                       return {diagonal(a.grad(), offset, d1, d2)};
                     });
  }
  return out;
}

}  // namespace

Tensor diagonal(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2) {
  DS_CHECK(x.dim() >= 2, RuntimeError, "diagonal: expected a tensor with at least 2 dims, got {}",
           shape_str(x.sizes()));
  auto [d1, d2] = diagonal_dims(dim1, dim2, x.dim(), "diagonal");
  DiagonalGeometry geo =
      diagonal_geometry(x.sizes(), x.strides(), x.storage_offset(), offset, d1, d2);
  Tensor out = make_view(x, geo.sizes, geo.strides, geo.offset);
  if (autograd::needs_grad({x})) {
    const Shape in_shape = x.sizes();
    autograd::record("DiagonalBackward0", {x}, {out}, {},
                     [in_shape, offset, d1, d2](const BackwardArgs& g) -> TensorList {
                       return {diagonal_scatter_into_zeros(g.grad(), in_shape, offset, d1, d2)};
                     });
  }
  return out;
}

Tensor diag_embed(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2) {
  DS_CHECK(x.dim() >= 1, RuntimeError, "diag_embed: expected a tensor with at least 1 dim");
  auto [d1, d2] = diagonal_dims(dim1, dim2, x.dim() + 1, "diag_embed");
  const int64_t n = x.size(-1) + (offset >= 0 ? offset : -offset);
  Shape shape(x.sizes().begin(), x.sizes().end() - 1);
  const int64_t lo = std::min(d1, d2), hi = std::max(d1, d2);
  shape.insert(shape.begin() + lo, n);
  shape.insert(shape.begin() + hi, n);
  return diagonal_scatter_into_zeros(x, shape, offset, d1, d2);
}

Tensor diag(const Tensor& x, int64_t k) {
  DS_CHECK(x.dim() == 1 || x.dim() == 2, RuntimeError, "diag(): Supports 1D or 2D tensors. Got {}D",
           x.dim());
  if (x.dim() == 1) return diag_embed(x, k, 0, 1);
  return clone(diagonal(x, k, 0, 1));
}

Tensor trace(const Tensor& x) {
  DS_CHECK(x.dim() == 2, RuntimeError, "trace: expected a matrix, but got tensor with dim {}",
           x.dim());
  return sum(diagonal(x, 0, 0, 1));
}

}  // namespace deepseek
