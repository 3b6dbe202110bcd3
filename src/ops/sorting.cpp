// Sorting and selection: validate -> the sort kernel (the first k of each slice's sorted
// order) -> record. Selected values flow their gradient back to where they came from by a
// scatter-add of the saved indices.
#include "deepseek/ops/sorting.h"

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/scan.h"
#include "deepseek/ops/shape.h"
#include "deepseek/ops/unary.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;

namespace {

// The first k elements of x's sorted order along normalized dim d, without recording.
std::tuple<Tensor, Tensor> sorted_prefix(const Tensor& x, int64_t d, int64_t k, bool descending) {
  Shape shape = x.sizes();
  if (x.dim() > 0) shape[d] = k;
  Tensor values = empty_tensor(shape, x.dtype(), x.device());
  Tensor indices = empty_tensor(shape, DType::Int64, x.device());
  backend_for(x.device()).sort(x, d, k, descending, values, indices);
  return {values, indices};
}

// `values` were taken from x at `indices` along d: their gradient goes back there.
void record_selection(const char* name, const Tensor& x, const Tensor& values,
                      const Tensor& indices, int64_t d) {
  if (!autograd::needs_grad({x})) return;
  const Shape in_shape = x.sizes();
  autograd::record(
      name, {x}, {values}, {save(indices)}, [in_shape, d](const BackwardArgs& g) -> TensorList {
        if (in_shape.empty()) return {g.grad()};
        Tensor base =
            zeros(in_shape, TensorOptions(g.grad().dtype()).set_device(g.grad().device()));
        return {scatter_add(base, d, g.saved[0], g.grad())};
      });
}

int64_t dim_size(const Tensor& x, int64_t d) { return x.dim() == 0 ? 1 : x.size(d); }

// One element per slice (at `index`, keepdim layout along d) as values and indices, with the
// record; a 0-dim x is handled as [1].
std::tuple<Tensor, Tensor> pick(const char* node, const Tensor& x, int64_t d, const Tensor& index,
                                bool keepdim) {
  const Tensor xs = x.dim() == 0 ? reshape(x, {1}) : x;
  Tensor values = gather(xs.detach(), d, index);
  record_selection(node, xs, values, index, d);
  Tensor indices = index;
  if (x.dim() == 0) return {reshape(values, {}), reshape(indices, {})};
  if (!keepdim) return {squeeze(values, d), squeeze(indices, d)};
  return {values, indices};
}

}  // namespace

std::tuple<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending, bool /*stable*/) {
  const int64_t d = normalize_dim(dim, x.dim(), "sort");
  auto [values, indices] = sorted_prefix(x, d, dim_size(x, d), descending);
  record_selection("SortBackward0", x, values, indices, d);
  return {values, indices};
}

Tensor argsort(const Tensor& x, int64_t dim, bool descending, bool /*stable*/) {
  const int64_t d = normalize_dim(dim, x.dim(), "argsort");
  return std::get<1>(sorted_prefix(x.detach(), d, dim_size(x, d), descending));
}

std::tuple<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim, bool largest,
                                bool /*sorted*/) {
  const int64_t d = normalize_dim(dim, x.dim(), "topk");
  const int64_t n = dim_size(x, d);
  DS_CHECK(k >= 0 && k <= n, RuntimeError,
           "topk(): selected index k out of range (k = {}, but dim {} of {} has size {})", k, d,
           shape_str(x.sizes()), n);
  auto [values, indices] = sorted_prefix(x, d, k, largest);
  record_selection("TopkBackward0", x, values, indices, d);
  return {values, indices};
}

std::tuple<Tensor, Tensor> kthvalue(const Tensor& x, int64_t k, int64_t dim, bool keepdim) {
  const int64_t d = normalize_dim(dim, x.dim(), "kthvalue");
  const int64_t n = dim_size(x, d);
  DS_CHECK(k >= 1 && k <= n, IndexError,
           "kthvalue(): selected number k out of range for dimension {} (k = {}, size {})", d, k,
           n);
  const Tensor xs = x.dim() == 0 ? reshape(x.detach(), {1}) : x.detach();
  Tensor index = contiguous(narrow(std::get<1>(sorted_prefix(xs, d, k, false)), d, k - 1, 1));
  return pick("KthvalueBackward0", x, d, index, keepdim);
}

std::tuple<Tensor, Tensor> median(const Tensor& x, int64_t dim, bool keepdim) {
  const int64_t d = normalize_dim(dim, x.dim(), "median");
  const int64_t n = dim_size(x, d);
  DS_CHECK(n > 0, IndexError,
           "median(): Expected reduction dim {} to have non-zero size (input shape {}).", d,
           shape_str(x.sizes()));
  const Tensor xs = x.dim() == 0 ? reshape(x.detach(), {1}) : x.detach();
  const int64_t k = (n - 1) / 2 + 1;
  Tensor index = contiguous(narrow(std::get<1>(sorted_prefix(xs, d, k, false)), d, k - 1, 1));
  if (is_floating(x.dtype())) {
    // A slice holding NaN has median NaN, found at its first NaN (PyTorch's rule).
    Tensor nan_mask = convert_raw(isnan(xs), DType::UInt8, xs.device());
    Tensor has_nan = any(nan_mask, {d}, true);
    index = where(has_nan, argmax(nan_mask, d, true), index);
  }
  return pick("MedianBackward1", x, d, index, keepdim);
}

Tensor median(const Tensor& x) {
  DS_CHECK(x.numel() > 0, IndexError, "median(): input tensor cannot be empty (input shape {})",
           shape_str(x.sizes()));
  return std::get<0>(median(reshape(x, {-1}), 0, false));
}

UniqueResult unique(const Tensor& x, bool return_inverse, bool return_counts) {
  autograd::GradModeGuard off(false);
  const TensorOptions long_opts = TensorOptions(DType::Int64).set_device(x.device());
  const Tensor flat = reshape(x.detach(), {-1});
  const int64_t n = flat.numel();
  UniqueResult r;
  if (n == 0) {
    r.values = empty({0}, TensorOptions(x.dtype()).set_device(x.device()));
    if (return_inverse) r.inverse = empty(x.sizes(), long_opts);
    if (return_counts) r.counts = empty({0}, long_opts);
    return r;
  }
  auto [sorted, order] = sorted_prefix(flat, 0, n, false);
  // A value starts a new group where it differs from its predecessor (NaN never equals NaN,
  // so every NaN is its own group, as in PyTorch).
  Tensor first = ones({1}, TensorOptions(DType::Bool).set_device(x.device()));
  Tensor is_new =
      n == 1 ? first
             : cat({first, ne(slice(sorted, 0, 1, std::nullopt), slice(sorted, 0, 0, n - 1))}, 0);
  r.values = masked_select(sorted, is_new);
  if (!return_inverse && !return_counts) return r;
  Tensor group = sub(cumsum(is_new, 0), wrapped_scalar(1));  // group of each sorted element
  if (return_inverse) {
    r.inverse = reshape(scatter(zeros({n}, long_opts), 0, order, group), x.sizes());
  }
  if (return_counts) {
    r.counts = index_add(zeros({r.values.numel()}, long_opts), 0, group, ones({n}, long_opts));
  }
  return r;
}

UniqueResult unique_dim(const Tensor& x, int64_t dim, bool return_inverse, bool return_counts) {
  autograd::GradModeGuard off(false);
  DS_CHECK(x.dim() > 0, RuntimeError, "unique_dim: a 0-dim tensor has no dim {}", dim);
  const int64_t d = normalize_dim(dim, x.dim(), "unique_dim");
  const TensorOptions long_opts = TensorOptions(DType::Int64).set_device(x.device());
  const Tensor moved = movedim(x.detach(), {d}, {0});  // slices along dim become rows
  const int64_t n = moved.size(0);
  Shape rest(moved.sizes().begin() + 1, moved.sizes().end());
  const Tensor rows = reshape(contiguous(moved), {n, -1});
  const int64_t m = rows.size(1);
  // Lexicographic order of the rows: stable sorts by each column, last column first.
  Tensor order = arange(Scalar(int64_t{0}), Scalar(n), Scalar(int64_t{1}), long_opts);
  for (int64_t col = m - 1; col >= 0; --col) {
    Tensor keys = index_select(select(rows, 1, col), 0, order);
    order = index_select(order, 0, std::get<1>(sort(keys, 0, false, true)));
  }
  const Tensor sorted = index_select(rows, 0, order);
  // A row starts a new group where any element differs from the row before it.
  Tensor is_new = ones({n}, TensorOptions(DType::Bool).set_device(x.device()));
  if (n > 1 && m > 0) {
    Tensor differs = any(ne(slice(sorted, 0, 1, std::nullopt), slice(sorted, 0, 0, n - 1)), {1});
    is_new = cat({ones({1}, TensorOptions(DType::Bool).set_device(x.device())), differs}, 0);
  } else if (n > 1) {
    is_new = cat({ones({1}, TensorOptions(DType::Bool).set_device(x.device())),
                  zeros({n - 1}, TensorOptions(DType::Bool).set_device(x.device()))},
                 0);
  }
  const Tensor firsts =
      masked_select(arange(Scalar(int64_t{0}), Scalar(n), Scalar(int64_t{1}), long_opts), is_new);
  Shape values_shape{firsts.numel()};
  values_shape.insert(values_shape.end(), rest.begin(), rest.end());
  UniqueResult r;
  r.values = movedim(reshape(index_select(sorted, 0, firsts), values_shape), {0}, {d});
  if (!return_inverse && !return_counts) return r;
  Tensor group = sub(cumsum(is_new, 0), wrapped_scalar(1));
  if (return_inverse) r.inverse = scatter(zeros({n}, long_opts), 0, order, group);
  if (return_counts) {
    r.counts = index_add(zeros({firsts.numel()}, long_opts), 0, group, ones({n}, long_opts));
  }
  return r;
}

Tensor searchsorted(const Tensor& seq, const Tensor& values, bool out_int32, bool right) {
  check_same_device("searchsorted", {seq, values});
  DS_CHECK(seq.dim() >= 1, RuntimeError,
           "searchsorted(): boundaries tensor should have positive dimension, but got 0 "
           "dimension");
  if (seq.dim() > 1) {
    Shape seq_lead(seq.sizes().begin(), seq.sizes().end() - 1);
    Shape val_lead =
        values.dim() > 0 ? Shape(values.sizes().begin(), values.sizes().end() - 1) : Shape{};
    DS_CHECK(values.dim() == seq.dim() && seq_lead == val_lead, RuntimeError,
             "searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
             "dimensions of boundaries tensor and input value tensor must match, but we got "
             "boundaries tensor {} and input value tensor {}",
             shape_str(seq.sizes()), shape_str(values.sizes()));
  }
  autograd::GradModeGuard off(false);
  // The insertion point is the number of boundaries below the value (at or below for right).
  Tensor v = unsqueeze(values.detach(), -1);                               // [..., k, 1]
  Tensor b = seq.dim() == 1 ? seq.detach() : unsqueeze(seq.detach(), -2);  // [..., 1, m]
  Tensor below = right ? le(b, v) : lt(b, v);
  Tensor count = sum(below, {-1});
  return out_int32 ? convert_raw(count, DType::Int32, count.device()) : count;
}

}  // namespace deepseek
