// Indexing ops. Advanced indexing is arranged from permute/reshape/index_select (reading) and
// the index_put kernel (writing): indexed dims are moved to the front and flattened, the
// index tensors combine into one linear index, and one gather or scatter does the work.
#include "deepseek/ops/indexing.h"

#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;

namespace {

Tensor as_long_index(const Tensor& index, const char* op) {
  DS_CHECK(index.dtype() == DType::Int64 || index.dtype() == DType::Int32, RuntimeError,
           "{}(): Expected dtype int32 or int64 for index, got {}", op, dtype_name(index.dtype()));
  return convert_raw(index, DType::Int64, index.device());
}

void check_gather_shapes(const Tensor& x, int64_t dim, const Tensor& index, const char* op,
                         const Tensor* src = nullptr) {
  DS_CHECK(index.dim() == x.dim() || (x.dim() == 0 && index.dim() <= 1), RuntimeError,
           "{}(): Index tensor must have the same number of dimensions as {} tensor ({} vs {})", op,
           src ? "self" : "input", index.dim(), x.dim());
  for (int64_t d = 0; d < index.dim() && x.dim() > 0; ++d) {
    if (d == dim) continue;
    DS_CHECK(index.size(d) <= x.size(d), RuntimeError,
             "{}(): Size does not match at dimension {} expected index {} to be smaller than "
             "self {} apart from dimension {}",
             op, d, shape_str(index.sizes()), shape_str(x.sizes()), dim);
    if (src) {
      DS_CHECK(index.size(d) <= src->size(d), RuntimeError,
               "{}(): Expected index {} to be smaller than src {} at dimension {}", op,
               shape_str(index.sizes()), shape_str(src->sizes()), d);
    }
  }
}

}  // namespace

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index_in) {
  check_same_device("index_select", {x, index_in});
  DS_CHECK(index_in.dim() <= 1, IndexError,
           "index_select(): Index is supposed to be a vector, got shape {}",
           shape_str(index_in.sizes()));
  Tensor index = as_long_index(index_in, "index_select").contiguous();
  const int64_t d = normalize_dim(dim, x.dim(), "index_select");
  // A 0-dim input gives a 0-dim result (same number of dims as the input, as documented).
  DS_CHECK(x.dim() > 0 || index.numel() == 1, IndexError,
           "index_select(): Index to scalar can have only 1 value, got {} value(s)", index.numel());
  Tensor xc = x.dim() == 0 ? reshape(x.detach(), {1}) : contiguous(x.detach());
  Shape shape = xc.sizes();
  shape[d] = index.numel();
  Tensor out = empty_tensor(shape, x.dtype(), x.device());
  backend_for(x.device()).index_select(xc, d, reshape(index, {-1}), out);
  if (x.dim() == 0) out = make_alias(out, {}, {}, 0);
  if (autograd::needs_grad({x})) {
    const Shape in_shape = x.sizes();
    autograd::record("IndexSelectBackward0", {x}, {out}, {save(index)},
                     [in_shape, d](const BackwardArgs& g) -> TensorList {
                       Tensor base =
                           zeros(in_shape.empty() ? Shape{1} : in_shape,
                                 TensorOptions(g.grad().dtype()).set_device(g.grad().device()));
                       Tensor gr = in_shape.empty() ? reshape(g.grad(), {-1}) : g.grad();
                       return {reshape(index_add(base, d, g.saved[0], gr), in_shape)};
                     });
  }
  return out;
}

Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index_in, const Tensor& src,
                 const Scalar& alpha) {
  check_same_device("index_add", {x, index_in, src});
  Tensor index = as_long_index(index_in, "index_add").contiguous();
  DS_CHECK(index.dim() <= 1, IndexError, "index_add_(): Index is supposed to be a vector");
  const int64_t d = normalize_dim(dim, x.dim(), "index_add");
  Shape expect = x.sizes();
  expect[d] = index.numel();
  DS_CHECK(src.sizes() == expect, RuntimeError,
           "index_add_(): Source/destination tensor shapes do not match: source {} expected {}",
           shape_str(src.sizes()), shape_str(expect));
  Tensor out = clone(x.detach());
  Tensor s = convert_raw(
      alpha.to_double() == 1.0 ? src.detach() : mul(src.detach(), wrapped_scalar(alpha)), x.dtype(),
      x.device());
  backend_for(x.device()).index_put(out, d, reshape(index, {-1}), contiguous(s), true);
  if (autograd::needs_grad({x, src})) {
    const double a = alpha.to_double();
    autograd::record("IndexAddBackward0", {x, src}, {out}, {save(index)},
                     [d, a](const BackwardArgs& g) -> TensorList {
                       TensorList r(2);
                       if (g.needs(0)) r[0] = g.grad();
                       if (g.needs(1)) {
                         r[1] = index_select(g.grad(), d, g.saved[0]);
                         if (a != 1.0) r[1] = mul(r[1], wrapped_scalar(a));
                       }
                       return r;
                     });
  }
  return out;
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index_in) {
  check_same_device("gather", {x, index_in});
  Tensor index = as_long_index(index_in, "gather");
  const int64_t d = normalize_dim(dim, x.dim(), "gather");
  check_gather_shapes(x, d, index, "gather");
  Tensor out = empty_tensor(index.sizes(), x.dtype(), x.device());
  backend_for(x.device()).gather(x, d, index, out);
  if (autograd::needs_grad({x})) {
    const Shape in_shape = x.sizes();
    autograd::record("GatherBackward0", {x}, {out}, {save(index)},
                     [in_shape, d](const BackwardArgs& g) -> TensorList {
                       Tensor base = zeros(
                           in_shape, TensorOptions(g.grad().dtype()).set_device(g.grad().device()));
                       return {scatter_add(base, d, g.saved[0], g.grad())};
                     });
  }
  return out;
}

namespace {
Tensor scatter_impl(const Tensor& x, int64_t dim, const Tensor& index_in, const Tensor& src,
                    bool accumulate, const char* name) {
  check_same_device(name, {x, index_in, src});
  Tensor index = as_long_index(index_in, name);
  const int64_t d = normalize_dim(dim, x.dim(), name);
  const bool src_is_value = src.dim() == 0 && index.dim() > 0;
  Tensor s = src_is_value ? broadcast_view(convert_raw(src, x.dtype(), x.device()), index.sizes())
                          : convert_raw(src.detach(), x.dtype(), x.device());
  if (!src_is_value) {
    DS_CHECK(src.dim() == index.dim(), RuntimeError,
             "{}(): Index tensor must have the same number of dimensions as src tensor", name);
    check_gather_shapes(x, d, index, name, &src);
    // The kernel walks the index's shape; src may be larger, so view its matching window.
    s = make_view(s, index.sizes(), s.strides(), s.storage_offset());
  } else {
    check_gather_shapes(x, d, index, name);
  }
  Tensor out = clone(x.detach());
  backend_for(x.device()).scatter(out, d, index, s, accumulate);
  if (autograd::needs_grad({x, src})) {
    const Shape src_shape = src.sizes();
    autograd::record(
        accumulate ? "ScatterAddBackward0" : "ScatterBackward0", {x, src}, {out}, {save(index)},
        [d, accumulate, src_shape, src_is_value](const BackwardArgs& g) -> TensorList {
          TensorList r(2);
          const Tensor& idx = g.saved[0];
          if (g.needs(0)) {
            r[0] = accumulate ? g.grad() : scatter(g.grad(), d, idx, Scalar(0.0));
          }
          if (g.needs(1)) {
            Tensor gs = gather(g.grad(), d, idx);
            if (src_is_value) {
              r[1] = sum(gs);
            } else if (gs.sizes() != src_shape) {
              // Elements of src outside the index window got no gradient.
              Tensor full = zeros(src_shape, TensorOptions(gs.dtype()).set_device(gs.device()));
              std::vector<TensorIndex> window;
              for (int64_t k = 0; k < gs.dim(); ++k)
                window.push_back(TensorIndex::Slice(0, gs.size(k)));
              index_put_(full, window, gs);
              r[1] = full;
            } else {
              r[1] = gs;
            }
          }
          return r;
        });
  }
  return out;
}
}  // namespace

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_impl(x, dim, index, src, false, "scatter");
}
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value) {
  return scatter_impl(x, dim, index, wrapped_scalar(value), false, "scatter");
}
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_impl(x, dim, index, src, true, "scatter_add");
}

namespace {
void check_mask(const Tensor& mask, const char* op) {
  DS_CHECK(mask.dtype() == DType::Bool, RuntimeError,
           "{} only supports boolean masks, but got mask with dtype {}", op,
           dtype_name(mask.dtype()));
}
}  // namespace

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value) {
  check_mask(mask, "masked_fill_");
  Tensor v = scalar_tensor(value, TensorOptions(x.dtype()));
  return where(mask, v, x);
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
  check_mask(mask, "masked_fill_");
  DS_CHECK(value.dim() == 0, RuntimeError,
           "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {} "
           "dimension(s).",
           value.dim());
  return where(mask, value.to(x.dtype()), x);
}

const Tensor& masked_fill_(const Tensor& x, const Tensor& mask, const Scalar& value) {
  check_mask(mask, "masked_fill_");
  autograd::check_inplace(x, "masked_fill_");
  check_same_device("masked_fill_", {x, mask});
  Shape shape = broadcast_shapes(x.sizes(), mask.sizes(), "masked_fill_");
  DS_CHECK(shape == x.sizes(), RuntimeError,
           "masked_fill_: mask of shape {} is not broadcastable to the tensor's shape {}",
           shape_str(mask.sizes()), shape_str(x.sizes()));
  Tensor v = broadcast_view(convert_raw(wrapped_scalar(value), x.dtype(), x.device()), shape);
  backend_for(x.device()).where(broadcast_view(mask, shape), v, x, x);
  x.bump_version();
  if (autograd::needs_grad({x})) {
    autograd::record_inplace("MaskedFillBackward0", x, {x}, {save(mask)},
                             [](const BackwardArgs& g) -> TensorList {
                               return {where(g.saved[0], zeros_like(g.grad()), g.grad())};
                             });
  }
  return x;
}

Tensor masked_select(const Tensor& x, const Tensor& mask) {
  check_mask(mask, "masked_select");
  Shape shape = broadcast_shapes(x.sizes(), mask.sizes(), "masked_select");
  return index_tensors(expand(x, shape), {expand(mask, shape)});
}

Tensor nonzero(const Tensor& x) {
  return backend_for(x.device())
      .nonzero(convert_raw(contiguous(x.detach()), x.dtype(), x.device()));
}

namespace {

// `value` with leading size-1 dims beyond `shape`'s rank dropped, as PyTorch's copy_to does
// for x[...] = value.
Tensor strip_leading_ones(const Tensor& value, const Shape& shape) {
  Tensor v = value;
  while (v.dim() > static_cast<int64_t>(shape.size()) && v.size(0) == 1) v = squeeze(v, 0);
  return v;
}

// True when `from` broadcasts to exactly `to` (numpy rules, `to` fixed).
bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  const size_t lead = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i) {
    if (from[i] != 1 && from[i] != to[lead + i]) return false;
  }
  return true;
}

// Bool tensors, and uint8 ones (deprecated in PyTorch but still masks there), select by mask.
bool is_mask(const Tensor& t) { return t.dtype() == DType::Bool || t.dtype() == DType::UInt8; }

// Integer index tensors, one per indexed dim (bool masks expanded into their coordinates).
struct Expanded {
  std::vector<std::optional<Tensor>> per_dim;
};

Expanded expand_masks(const Tensor& x, const std::vector<std::optional<Tensor>>& indices) {
  Expanded e;
  int64_t dim = 0;
  for (size_t i = 0; i < indices.size(); ++i) {
    const auto& idx = indices[i];
    if (idx && is_mask(*idx)) {
      const Tensor& m = *idx;
      for (int64_t k = 0; k < m.dim(); ++k) {
        DS_CHECK(dim + k < x.dim(), IndexError,
                 "too many indices for tensor of dimension {} (got {})", x.dim(), dim + m.dim());
        DS_CHECK(m.size(k) == x.size(dim + k), IndexError,
                 "The shape of the mask {} at index {} does not match the shape of the indexed "
                 "tensor {} at index {}",
                 shape_str(m.sizes()), k, shape_str(x.sizes()), dim + k);
      }
      DS_CHECK(m.dim() > 0, IndexError,
               "index: a 0-dim mask must be given as a subscript, not to index_put_");
      Tensor nz = nonzero(m);  // [n, m.dim()]
      for (int64_t k = 0; k < m.dim(); ++k) e.per_dim.push_back(select(nz, 1, k));
      dim += m.dim();
    } else {
      if (idx) {
        DS_CHECK(idx->dtype() == DType::Int64 || idx->dtype() == DType::Int32, IndexError,
                 "tensors used as indices must be long, int, byte or bool tensors (got {})",
                 dtype_name(idx->dtype()));
      }
      e.per_dim.push_back(
          idx ? std::optional<Tensor>(convert_raw(*idx, DType::Int64, idx->device()))
              : std::nullopt);
      dim += 1;
    }
  }
  DS_CHECK(dim <= x.dim(), IndexError, "too many indices for tensor of dimension {} (got {})",
           x.dim(), dim);
  return e;
}

// The broadcast shape of the index tensors, with numpy's IndexError when they do not broadcast.
Shape broadcast_indices(const std::vector<Tensor>& idx) {
  Shape out;
  for (const Tensor& t : idx) {
    const Shape& s = t.sizes();
    const size_t n = std::max(out.size(), s.size());
    Shape r(n);
    bool ok = true;
    for (size_t i = 0; i < n; ++i) {
      const int64_t a = i < n - out.size() ? 1 : out[i - (n - out.size())];
      const int64_t b = i < n - s.size() ? 1 : s[i - (n - s.size())];
      ok &= a == b || a == 1 || b == 1;
      r[i] = a == 1 ? b : a;
    }
    if (!ok) {
      std::vector<std::string> shapes;
      for (const Tensor& u : idx) shapes.push_back(shape_str(u.sizes()));
      DS_THROW(IndexError,
               "shape mismatch: indexing tensors could not be broadcast together with shapes {}",
               fmt::join(shapes, ", "));
    }
    out = r;
  }
  return out;
}

// Everything both reading and writing need: the permutation that brings indexed dims first,
// the flattened linear index, and where the index dims land in the result.
struct Plan {
  std::vector<int64_t> perm;  // indexed dims first, then the rest in order
  Shape index_shape;          // broadcast shape of the index tensors
  Shape rest_shape;           // sizes of the non-indexed dims
  Tensor linear;              // flat int64 index into the merged indexed dims
  int64_t insert_at = 0;      // where index dims go in the result (numpy rule)
  int64_t merged = 1;         // product of the indexed dims' sizes
};

Plan make_plan(const Tensor& x, const std::vector<std::optional<Tensor>>& per_dim) {
  Plan p;
  std::vector<int64_t> idx_dims;
  for (size_t d = 0; d < per_dim.size(); ++d) {
    if (per_dim[d]) idx_dims.push_back(static_cast<int64_t>(d));
  }
  DS_CHECK(!idx_dims.empty(), RuntimeError, "index: no tensor indices given");
  bool adjacent = true;
  for (size_t i = 1; i < idx_dims.size(); ++i) adjacent &= idx_dims[i] == idx_dims[i - 1] + 1;
  p.insert_at = adjacent ? idx_dims[0] : 0;
  std::vector<bool> is_idx(x.dim(), false);
  for (int64_t d : idx_dims) {
    is_idx[d] = true;
    p.perm.push_back(d);
  }
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (!is_idx[d]) {
      p.perm.push_back(d);
      p.rest_shape.push_back(x.size(d));
    }
  }
  std::vector<Tensor> idx_tensors;
  for (int64_t d : idx_dims) idx_tensors.push_back(*per_dim[d]);
  p.index_shape = broadcast_indices(idx_tensors);
  // linear = sum_k wrap(idx_k) * stride_k over the merged indexed dims.
  Tensor linear;
  int64_t stride = 1;
  for (size_t k = idx_dims.size(); k-- > 0;) {
    const int64_t d = idx_dims[k], n = x.size(d);
    Tensor idx = *per_dim[d];
    if (idx.numel() > 0) {
      const int64_t lo = amin(idx).item().to_int(), hi = amax(idx).item().to_int();
      DS_CHECK(lo >= -n && hi < n, IndexError,
               "index {} is out of bounds for dimension {} with size {}", lo < -n ? lo : hi, d, n);
    }
    Tensor wrapped = where(lt(idx, wrapped_scalar(0)), add(idx, wrapped_scalar(n)), idx);
    Tensor term = stride == 1 ? wrapped : mul(wrapped, wrapped_scalar(stride));
    linear = linear.defined() ? add(linear, term) : term;
    stride *= n;
  }
  p.merged = stride;
  p.linear = reshape(contiguous(expand(linear, p.index_shape)), {-1});
  return p;
}

// Result layout [index..., rest...] -> numpy layout (index dims at insert_at).
std::vector<int64_t> result_perm(const Plan& p) {
  const int64_t ni = static_cast<int64_t>(p.index_shape.size());
  const int64_t nr = static_cast<int64_t>(p.rest_shape.size());
  std::vector<int64_t> perm;
  for (int64_t r = 0; r < p.insert_at; ++r) perm.push_back(ni + r);
  for (int64_t i = 0; i < ni; ++i) perm.push_back(i);
  for (int64_t r = p.insert_at; r < nr; ++r) perm.push_back(ni + r);
  return perm;
}

std::vector<int64_t> inverse(const std::vector<int64_t>& perm) {
  std::vector<int64_t> inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[perm[i]] = static_cast<int64_t>(i);
  return inv;
}

}  // namespace

Tensor index_tensors(const Tensor& x, const std::vector<std::optional<Tensor>>& indices) {
  Expanded e = expand_masks(x, indices);
  Plan p = make_plan(x, e.per_dim);
  Shape merged_shape{p.merged};
  merged_shape.insert(merged_shape.end(), p.rest_shape.begin(), p.rest_shape.end());
  Tensor flat = reshape(permute(x, p.perm), merged_shape);
  Tensor picked = index_select(flat, 0, p.linear);
  Shape out_shape = p.index_shape;
  out_shape.insert(out_shape.end(), p.rest_shape.begin(), p.rest_shape.end());
  Tensor out = reshape(picked, out_shape);
  return p.insert_at == 0 ? out : permute(out, result_perm(p));
}

const Tensor& index_put_tensors_(const Tensor& x, const std::vector<std::optional<Tensor>>& indices,
                                 const Tensor& value, bool accumulate) {
  autograd::check_inplace(x, "index_put_");
  check_same_device("index_put_", {x, value});
  Expanded e = expand_masks(x, indices);
  Plan p = make_plan(x, e.per_dim);
  // Values arrive in numpy layout; bring them to [index..., rest...].
  Shape target = p.index_shape;
  target.insert(target.end(), p.rest_shape.begin(), p.rest_shape.end());
  std::vector<int64_t> rp = result_perm(p);
  Shape numpy_shape(rp.size());
  for (size_t i = 0; i < rp.size(); ++i) numpy_shape[i] = target[rp[i]];
  Tensor stripped = strip_leading_ones(value, numpy_shape);
  DS_CHECK(broadcasts_to(stripped.sizes(), numpy_shape), RuntimeError,
           "shape mismatch: value tensor of shape {} cannot be broadcast to indexing result of "
           "shape {}",
           shape_str(value.sizes()), shape_str(numpy_shape));
  Tensor v = expand(stripped.to(x.dtype()), numpy_shape);
  if (p.insert_at != 0) v = permute(v, inverse(rp));
  Shape merged_shape{p.merged};
  merged_shape.insert(merged_shape.end(), p.rest_shape.begin(), p.rest_shape.end());
  Shape rows_shape{p.linear.numel()};
  rows_shape.insert(rows_shape.end(), p.rest_shape.begin(), p.rest_shape.end());
  Tensor rows = contiguous(reshape(v.detach(), rows_shape));

  const bool track = autograd::needs_grad({x, value});
  {
    autograd::GradModeGuard off(false);
    Tensor permuted = permute(x, p.perm);
    Tensor flat = reshape(permuted, merged_shape);
    const bool is_view = flat.impl()->storage == x.impl()->storage;
    backend_for(x.device()).index_put(flat, 0, p.linear, rows, accumulate);
    if (!is_view) backend_for(x.device()).copy(reshape(flat, permuted.sizes()), permuted);
  }
  x.bump_version();
  if (track) {
    const Shape value_shape = value.sizes();
    const DType value_dtype = value.dtype();
    autograd::record_inplace(
        "IndexPutBackward0", x, {x, value}, {},
        [indices, accumulate, value_shape, value_dtype](const BackwardArgs& g) -> TensorList {
          TensorList r(2);
          if (g.needs(0)) {
            r[0] = g.grad();
            if (!accumulate) {
              // Recorded when the backward is (create_graph): the zeroed positions must
              // not pass second-order gradients either.
              r[0] = clone(g.grad());
              index_put_tensors_(
                  r[0], indices,
                  zeros({}, TensorOptions(g.grad().dtype()).set_device(g.grad().device())), false);
            }
          }
          if (g.needs(1))
            r[1] = sum_to(index_tensors(g.grad(), indices), value_shape).to(value_dtype);
          return r;
        });
  }
  return x;
}

namespace {

// Applies the basic (view) part of a subscript; returns the view and the tensor indices
// aligned to the view's dims (a mask of rank r is one entry covering r dims, as
// expand_masks expects).
std::pair<Tensor, std::vector<std::optional<Tensor>>> apply_basic(
    const Tensor& x, const std::vector<TensorIndex>& indices_in) {
  using K = TensorIndex::Kind;
  std::vector<TensorIndex> indices = indices_in;
  int64_t consumed = 0, ellipses = 0;
  for (auto& i : indices) {
    if (i.kind == K::Tensor && i.tensor.dtype() == DType::UInt8) {
      i.tensor = ne(i.tensor, wrapped_scalar(0));  // a byte mask is a bool mask
    }
    switch (i.kind) {
      case K::Integer:
      case K::Slice:
        consumed += 1;
        break;
      case K::Tensor:
        consumed += i.tensor.dtype() == DType::Bool ? i.tensor.dim() : 1;
        break;
      case K::Ellipsis:
        ++ellipses;
        break;
      default:
        break;
    }
  }
  DS_CHECK(ellipses <= 1, IndexError, "an index can only have a single ellipsis ('...')");
  DS_CHECK(consumed <= x.dim(), IndexError, "too many indices for tensor of dimension {} (got {})",
           x.dim(), consumed);
  Tensor v = x;
  int64_t dim = 0;      // next dim of v to index
  int64_t covered = 0;  // dims of v that `tensors` accounts for
  std::vector<std::optional<Tensor>> tensors;
  auto add_tensor = [&](const Tensor& t, int64_t span) {
    for (; covered < dim; ++covered) tensors.push_back(std::nullopt);
    tensors.push_back(t);
    covered += span;
    dim += span;
  };
  // PyTorch's rule for True/False (Python or 0-dim tensor): a new dim of size 1, indexed by
  // the advanced index [0] (True) or [] (False), so it broadcasts with other tensor indices.
  auto add_bool = [&](bool b) {
    v = unsqueeze(v, dim);
    TensorOptions opt = TensorOptions(DType::Int64).set_device(x.device());
    add_tensor(b ? zeros({1}, opt) : empty_tensor({0}, DType::Int64, x.device()), 1);
  };
  for (const auto& i : indices) {
    switch (i.kind) {
      case K::Integer: {
        const int64_t n = v.size(dim);
        DS_CHECK(i.integer >= -n && i.integer < n, IndexError,
                 "index {} is out of bounds for dimension {} with size {}", i.integer, dim, n);
        v = select(v, dim, i.integer);
        break;
      }
      case K::Slice:
        DS_CHECK(i.step != 0, ValueError, "slice step cannot be zero");
        DS_CHECK(i.step > 0, ValueError, "step must be greater than zero");
        v = slice(v, dim, i.start, i.stop, i.step);
        ++dim;
        break;
      case K::None:
        v = unsqueeze(v, dim);
        ++dim;
        break;
      case K::Boolean:
        add_bool(i.boolean);
        break;
      case K::Ellipsis:
        dim += x.dim() - consumed;
        break;
      case K::Tensor:
        if (i.tensor.dtype() == DType::Bool && i.tensor.dim() == 0) {
          add_bool(i.tensor.item().to_bool());
        } else {
          add_tensor(i.tensor, i.tensor.dtype() == DType::Bool ? i.tensor.dim() : 1);
        }
        break;
    }
  }
  return {v, tensors};
}

bool has_tensor(const std::vector<std::optional<Tensor>>& t) {
  for (const auto& x : t) {
    if (x) return true;
  }
  return false;
}

}  // namespace

Tensor index(const Tensor& x, const std::vector<TensorIndex>& indices) {
  auto [v, tensors] = apply_basic(x, indices);
  if (!has_tensor(tensors)) return v;
  return index_tensors(v, tensors);
}

const Tensor& index_put_(const Tensor& x, const std::vector<TensorIndex>& indices,
                         const Tensor& value, bool accumulate) {
  auto [v, tensors] = apply_basic(x, indices);
  if (!has_tensor(tensors)) {
    Tensor src = expand(strip_leading_ones(value, v.sizes()), v.sizes());
    if (accumulate) {
      add_(v, src);
    } else {
      copy_(v, src);
    }
    return x;
  }
  index_put_tensors_(v, tensors, value, accumulate);
  return x;
}

// Tensor methods of this family.
Tensor Tensor::index_select(int64_t d, const Tensor& i) const {
  return deepseek::index_select(*this, d, i);
}
Tensor Tensor::gather(int64_t d, const Tensor& i) const { return deepseek::gather(*this, d, i); }
Tensor Tensor::scatter(int64_t d, const Tensor& i, const Tensor& s) const {
  return deepseek::scatter(*this, d, i, s);
}
Tensor Tensor::scatter_add(int64_t d, const Tensor& i, const Tensor& s) const {
  return deepseek::scatter_add(*this, d, i, s);
}
Tensor Tensor::masked_fill(const Tensor& m, const Scalar& v) const {
  return deepseek::masked_fill(*this, m, v);
}
const Tensor& Tensor::masked_fill_(const Tensor& m, const Scalar& v) const {
  return deepseek::masked_fill_(*this, m, v);
}

}  // namespace deepseek
