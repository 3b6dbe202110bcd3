// Index writes: validate -> the index_put kernel on a copy -> record. take/put/masked_scatter
// are arranged from index_select/index_copy/index_add on the flattened tensor.
#include "deepseek/ops/index_update.h"

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"
#include "deepseek/ops/type_promotion.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;

namespace {

// A 1-D int64 index into a dim of size n, bounds checked, negatives wrapped.
Tensor checked_index(const Tensor& index, int64_t n, const char* op) {
  DS_CHECK(index.dtype() == DType::Int64 || index.dtype() == DType::Int32, IndexError,
           "{}(): Expected a long tensor for index, but got {}", op, dtype_name(index.dtype()));
  DS_CHECK(index.dim() <= 1, IndexError, "{}(): Index is supposed to be a vector, got shape {}", op,
           shape_str(index.sizes()));
  autograd::GradModeGuard off(false);
  Tensor idx = contiguous(reshape(convert_raw(index, DType::Int64, index.device()), {-1}));
  if (idx.numel() == 0) return idx;
  const int64_t lo = amin(idx).item().to_int(), hi = amax(idx).item().to_int();
  DS_CHECK(lo >= -n && hi < n, IndexError,
           "{}(): index out of range: indices span [{}, {}] for a dim of size {}", op, lo, hi, n);
  return where(lt(idx, wrapped_scalar(0)), add(idx, wrapped_scalar(n)), idx);
}

}  // namespace

Tensor index_fill(const Tensor& x, int64_t dim, const Tensor& index_in, const Scalar& value) {
  check_same_device("index_fill", {x, index_in});
  const int64_t d = normalize_dim(dim, x.dim(), "index_fill");
  const Tensor xs = x.dim() == 0 ? reshape(x, {1}) : x;
  Tensor index = checked_index(index_in, xs.size(d), "index_fill");
  check_scalar_fits("index_fill", value, x.dtype());
  Tensor out = clone(xs.detach());
  Shape fill_shape = xs.sizes();
  fill_shape[d] = index.numel();
  Tensor fill = full(fill_shape, value, TensorOptions(x.dtype()).set_device(x.device()));
  backend_for(x.device()).index_put(out, d, index, fill, false);
  if (autograd::needs_grad({xs})) {
    autograd::record("IndexFillBackward0", {xs}, {out}, {save(index)},
                     [d](const BackwardArgs& g) -> TensorList {
                       return {index_fill(g.grad(), d, g.saved[0], 0)};
                     });
  }
  return x.dim() == 0 ? reshape(out, {}) : out;
}

Tensor index_copy(const Tensor& x, int64_t dim, const Tensor& index_in, const Tensor& source) {
  check_same_device("index_copy", {x, index_in, source});
  const int64_t d = normalize_dim(dim, x.dim(), "index_copy");
  const Tensor xs = x.dim() == 0 ? reshape(x, {1}) : x;
  const Tensor src = source.dim() == 0 ? reshape(source, {1}) : source;
  Tensor index = checked_index(index_in, xs.size(d), "index_copy");
  Shape expect = xs.sizes();
  expect[d] = index.numel();
  DS_CHECK(src.sizes() == expect, RuntimeError,
           "index_copy_(): Source/destination tensor must have same slice shapes. Destination "
           "slice shape: {}, source {} (expected {})",
           shape_str(xs.sizes()), shape_str(source.sizes()), shape_str(expect));
  DS_CHECK(source.dtype() == x.dtype(), RuntimeError,
           "index_copy_(): self and source expected to have the same dtype, but got (self) {} "
           "and (source) {}",
           scalar_type_name(x.dtype()), scalar_type_name(source.dtype()));
  Tensor out = clone(xs.detach());
  backend_for(x.device()).index_put(out, d, index, contiguous(src.detach()), false);
  if (autograd::needs_grad({xs, src})) {
    autograd::record("IndexCopyBackward0", {xs, src}, {out}, {save(index)},
                     [d](const BackwardArgs& g) -> TensorList {
                       TensorList r(2);
                       if (g.needs(0)) r[0] = index_fill(g.grad(), d, g.saved[0], 0);
                       if (g.needs(1)) r[1] = index_select(g.grad(), d, g.saved[0]);
                       return r;
                     });
  }
  return x.dim() == 0 ? reshape(out, {}) : out;
}

Tensor take(const Tensor& x, const Tensor& index) {
  check_same_device("take", {x, index});
  Tensor flat_index = checked_index(reshape(index, {-1}), x.numel(), "take");
  return reshape(index_select(reshape(x, {-1}), 0, flat_index), index.sizes());
}

Tensor put(const Tensor& x, const Tensor& index, const Tensor& source, bool accumulate) {
  check_same_device("put", {x, index, source});
  DS_CHECK(index.numel() == source.numel(), RuntimeError,
           "put_(): Expected source and index to have the same number of elements, but got "
           "source.numel() = {}, index.numel() = {}",
           source.numel(), index.numel());
  DS_CHECK(source.dtype() == x.dtype(), RuntimeError,
           "put_(): self and source expected to have the same dtype, but got self.dtype = {} and "
           "source.dtype = {}",
           scalar_type_name(x.dtype()), scalar_type_name(source.dtype()));
  Tensor flat_index = checked_index(reshape(index, {-1}), x.numel(), "put_");
  Tensor flat = reshape(x, {-1}), src = reshape(source, {-1});
  Tensor out =
      accumulate ? index_add(flat, 0, flat_index, src) : index_copy(flat, 0, flat_index, src);
  return reshape(out, x.sizes());
}

Tensor masked_scatter(const Tensor& x, const Tensor& mask, const Tensor& source) {
  check_same_device("masked_scatter", {x, mask, source});
  DS_CHECK(mask.dtype() == DType::Bool, RuntimeError,
           "masked_scatter_ only supports boolean masks, but got mask with dtype {}",
           dtype_name(mask.dtype()));
  DS_CHECK(source.dtype() == x.dtype(), RuntimeError,
           "masked_scatter: expected self and source to have same dtypes but got {} and {}",
           scalar_type_name(x.dtype()), scalar_type_name(source.dtype()));
  const Shape shape = broadcast_shapes(x.sizes(), mask.sizes(), "masked_scatter");
  DS_CHECK(shape == x.sizes(), RuntimeError,
           "masked_scatter: mask of shape {} does not broadcast to self's shape {}",
           shape_str(mask.sizes()), shape_str(x.sizes()));
  Tensor positions;
  {
    autograd::GradModeGuard off(false);
    positions = reshape(nonzero(reshape(contiguous(expand(mask, shape)), {-1})), {-1});
  }
  const int64_t count = positions.numel();
  DS_CHECK(source.numel() >= count, RuntimeError,
           "masked_scatter: Number of elements of source < number of ones in mask ({} < {})",
           source.numel(), count);
  Tensor values = narrow(reshape(source, {-1}), 0, 0, count);
  return reshape(index_copy(reshape(x, {-1}), 0, positions, values), x.sizes());
}

const Tensor& index_fill_(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value) {
  return assign_inplace(x, {}, "index_fill_",
                        [=](const TensorList& a) { return index_fill(a[0], dim, index, value); });
}
const Tensor& index_copy_(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source) {
  return assign_inplace(x, {source}, "index_copy_",
                        [=](const TensorList& a) { return index_copy(a[0], dim, index, a[1]); });
}
const Tensor& put_(const Tensor& x, const Tensor& index, const Tensor& source, bool accumulate) {
  return assign_inplace(x, {source}, "put_",
                        [=](const TensorList& a) { return put(a[0], index, a[1], accumulate); });
}
const Tensor& masked_scatter_(const Tensor& x, const Tensor& mask, const Tensor& source) {
  return assign_inplace(x, {source}, "masked_scatter_",
                        [=](const TensorList& a) { return masked_scatter(a[0], mask, a[1]); });
}

}  // namespace deepseek
