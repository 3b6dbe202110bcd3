// Views (share storage, record a backward that undoes the geometry) and shape copies.
#include "deepseek/ops/shape.h"

#include <numeric>

#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/type_promotion.h"

namespace deepseek {

using autograd::BackwardArgs;

namespace {

// Creates the view and records `backward` (gradient of the view -> gradient of x).
Tensor view_op(const Tensor& x, Shape sizes, Strides strides, int64_t offset, const char* name,
               std::function<Tensor(const Tensor&)> backward) {
  Tensor out = make_view(x, std::move(sizes), std::move(strides), offset);
  if (autograd::needs_grad({x})) {
    autograd::record(name, {x}, {out}, {},
                     [backward = std::move(backward)](const BackwardArgs& g) -> TensorList {
                       return {backward(g.grad())};
                     });
  }
  return out;
}

// Strides for viewing (sizes, strides) as `shape` without copying, if possible
// (PyTorch's computeStride: dims merge only within contiguous chunks).
std::optional<Strides> view_strides(const Shape& old_sizes, const Strides& old_strides,
                                    const Shape& shape) {
  const int64_t numel = shape_numel(old_sizes);
  if (old_sizes.empty() || numel == 0) return contiguous_strides(shape);
  Strides out(shape.size());
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t tensor_d = static_cast<int64_t>(old_sizes.size()) - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= old_sizes[tensor_d];
    if (tensor_d == 0 || (old_sizes[tensor_d - 1] != 1 &&
                          old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

// True unless the window (sizes, strides) provably never maps two elements to one location.
bool window_may_overlap(const Shape& sizes, const Strides& strides) {
  std::vector<std::pair<int64_t, int64_t>> dims;  // (stride, size) of the dims that move
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] > 1) dims.emplace_back(strides[d], sizes[d]);
  }
  std::sort(dims.begin(), dims.end());
  int64_t reach = 0;  // largest offset the smaller-stride dims reach
  for (auto [stride, size] : dims) {
    if (stride <= reach) return true;
    reach += stride * (size - 1);
  }
  return false;
}

// Zeros of `base_shape` (contiguous) with `g` written at the given view geometry of it: the
// adjoint of taking that view. Differentiable: its backward takes the same view again.
Tensor embed_in_zeros(const Tensor& g, const Shape& base_shape, const Shape& sizes,
                      const Strides& strides, int64_t offset) {
  Tensor out = zeros(base_shape, TensorOptions(g.dtype()).set_device(g.device()));
  if (window_may_overlap(sizes, strides)) {
    // Elements of an overlapping window (as_strided) share locations: their gradients add.
    autograd::NoGradGuard no_grad;
    TensorOptions idx(DType::Int64);
    idx.set_device(g.device());
    Tensor pos = full({}, offset, idx);
    for (size_t d = 0; d < sizes.size(); ++d) {
      Shape along(sizes.size(), 1);
      along[d] = sizes[d];
      pos = add(pos, mul(arange(sizes[d], idx), wrapped_scalar(strides[d])).view(along));
    }
    out =
        index_add(out.view({-1}), 0, pos.reshape({-1}), g.detach().reshape({-1})).view(base_shape);
  } else {
    backend_for(g.device()).copy(g, make_view(out, sizes, strides, offset));
  }
  if (autograd::needs_grad({g})) {
    autograd::record("SliceBackwardBackward0", {g}, {out}, {},
                     [sizes, strides, offset](const BackwardArgs& a) -> TensorList {
                       // The window is relative to the gradient's own first element.
                       Tensor c = contiguous(a.grad());
                       return {as_strided(c, sizes, strides, offset + c.storage_offset())};
                     });
  }
  return out;
}

// Product of sizes for a view's shape; RuntimeError (PyTorch's wording) on int64 overflow,
// which a view could otherwise carry without ever allocating.
int64_t checked_numel(const Shape& shape, const char* op) {
  int64_t n = 1;
  for (int64_t s : shape) {
    DS_CHECK(!__builtin_mul_overflow(n, s, &n), RuntimeError,
             "{}: numel: integer multiplication overflow for sizes {}", op, shape_str(shape));
  }
  return n;
}

// Geometry of x.slice(...) in the contiguous layout of x's shape (where gradients live).
struct SliceGeometry {
  Shape sizes;
  Strides strides;
  int64_t offset;
};

}  // namespace

Shape infer_size(const Shape& shape, int64_t numel, const char* op) {
  Shape out = shape;
  int64_t infer = -1, known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      DS_CHECK(infer < 0, RuntimeError, "{}: only one dimension can be inferred", op);
      infer = static_cast<int64_t>(i);
    } else {
      DS_CHECK(shape[i] >= 0, RuntimeError, "{}: invalid shape dimension {}", op, shape[i]);
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    DS_CHECK(known != 0 || numel != 0, RuntimeError,
             "{}: cannot reshape tensor of 0 elements into shape {} because the unspecified "
             "dimension size -1 can be any value and is ambiguous",
             op, shape_str(shape));
    DS_CHECK(known != 0 && numel % known == 0, RuntimeError,
             "{}: shape '{}' is invalid for input of size {}", op, shape_str(shape), numel);
    out[infer] = numel / known;
  }
  DS_CHECK(shape_numel(out) == numel, RuntimeError,
           "{}: shape '{}' is invalid for input of size {}", op, shape_str(shape), numel);
  return out;
}

Tensor view(const Tensor& x, const Shape& shape_in) {
  const Shape shape = infer_size(shape_in, x.numel(), "view");
  auto st = view_strides(x.sizes(), x.strides(), shape);
  DS_CHECK(st.has_value(), RuntimeError,
           "view size is not compatible with input tensor's size and stride (at least one "
           "dimension spans across two contiguous subspaces). Use .reshape(...) instead. "
           "(input {} with strides {}, requested {})",
           shape_str(x.sizes()), shape_str(x.strides()), shape_str(shape));
  const Shape in_shape = x.sizes();
  return view_op(x, shape, *st, x.storage_offset(), "ViewBackward0",
                 [in_shape](const Tensor& g) { return reshape(g, in_shape); });
}

Tensor reshape(const Tensor& x, const Shape& shape_in) {
  const Shape shape = infer_size(shape_in, x.numel(), "reshape");
  if (view_strides(x.sizes(), x.strides(), shape)) return view(x, shape);
  return view(clone(x), shape);
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims_in) {
  const int64_t nd = x.dim();
  DS_CHECK(static_cast<int64_t>(dims_in.size()) == nd, RuntimeError,
           "permute(sparse_coo): number of dimensions in the tensor input does not match the "
           "length of the desired ordering of dimensions i.e. input.dim() = {} is not equal to "
           "len(dims) = {}",
           nd, dims_in.size());
  std::vector<int64_t> dims(nd), inverse(nd);
  std::vector<bool> used(nd, false);
  Shape sizes(nd);
  Strides strides(nd);
  for (int64_t i = 0; i < nd; ++i) {
    int64_t d = normalize_dim(dims_in[i], nd, "permute");
    DS_CHECK(!used[d], RuntimeError, "permute: repeated dim {} in {}", d, shape_str(dims_in));
    used[d] = true;
    dims[i] = d;
    inverse[d] = i;
    sizes[i] = x.size(d);
    strides[i] = x.stride(d);
  }
  return view_op(x, sizes, strides, x.storage_offset(), "PermuteBackward0",
                 [inverse](const Tensor& g) { return permute(g, inverse); });
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  const int64_t nd = x.dim();
  if (nd == 0)
    return view_op(x, {}, {}, x.storage_offset(), "TransposeBackward0",
                   [](const Tensor& g) { return g; });
  int64_t a = normalize_dim(dim0, nd, "transpose"), b = normalize_dim(dim1, nd, "transpose");
  Shape sizes = x.sizes();
  Strides strides = x.strides();
  std::swap(sizes[a], sizes[b]);
  std::swap(strides[a], strides[b]);
  return view_op(x, sizes, strides, x.storage_offset(), "TransposeBackward0",
                 [a, b](const Tensor& g) { return transpose(g, a, b); });
}

Tensor t(const Tensor& x) {
  DS_CHECK(x.dim() <= 2, RuntimeError, "t() expects a tensor with <= 2 dimensions, but self is {}D",
           x.dim());
  return x.dim() < 2 ? transpose(x, 0, 0) : transpose(x, 0, 1);
}

Tensor squeeze(const Tensor& x, std::optional<int64_t> dim) {
  Shape sizes;
  Strides strides;
  std::optional<int64_t> d;
  if (dim) d = normalize_dim(*dim, x.dim(), "squeeze");
  for (int64_t i = 0; i < x.dim(); ++i) {
    const bool drop = x.size(i) == 1 && (!d || *d == i);
    if (drop) continue;
    sizes.push_back(x.size(i));
    strides.push_back(x.stride(i));
  }
  const Shape in_shape = x.sizes();
  return view_op(x, sizes, strides, x.storage_offset(), "SqueezeBackward0",
                 [in_shape](const Tensor& g) { return reshape(g, in_shape); });
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  const int64_t d = normalize_dim(dim, x.dim() + 1, "unsqueeze");
  Shape sizes = x.sizes();
  Strides strides = x.strides();
  const int64_t st = d < x.dim() ? x.stride(d) * x.size(d) : 1;
  sizes.insert(sizes.begin() + d, 1);
  strides.insert(strides.begin() + d, st);
  return view_op(x, sizes, strides, x.storage_offset(), "UnsqueezeBackward0",
                 [d](const Tensor& g) { return squeeze(g, d); });
}

Tensor expand(const Tensor& x, const Shape& shape_in) {
  const int64_t nd = static_cast<int64_t>(shape_in.size()), xd = x.dim();
  DS_CHECK(nd >= xd, RuntimeError,
           "expand: the number of sizes provided ({}) must be greater or equal to the number of "
           "dimensions in the tensor ({})",
           nd, xd);
  Shape shape(nd);
  Strides strides(nd);
  for (int64_t i = nd - 1; i >= 0; --i) {
    const int64_t xi = i - (nd - xd);
    const int64_t want = shape_in[i];
    if (xi < 0) {
      DS_CHECK(want >= 0, RuntimeError,
               "expand: The expanded size of the tensor ({}) isn't allowed in a leading, "
               "non-existing dimension {}",
               want, i);
      shape[i] = want;
      strides[i] = 0;
      continue;
    }
    const int64_t have = x.size(xi);
    DS_CHECK(want >= -1, RuntimeError,
             "expand: the expanded size of the tensor ({}) must be non-negative (dimension {})",
             want, i);
    if (want == -1 || want == have) {
      shape[i] = have;
      strides[i] = x.stride(xi);
    } else {
      DS_CHECK(have == 1, RuntimeError,
               "The expanded size of the tensor ({}) must match the existing size ({}) at "
               "non-singleton dimension {}.  Target sizes: {}.  Tensor sizes: {}",
               want, have, i, shape_str(shape_in), shape_str(x.sizes()));
      shape[i] = want;
      strides[i] = 0;
    }
  }
  checked_numel(shape, "expand");
  const Shape in_shape = x.sizes();
  return view_op(x, shape, strides, x.storage_offset(), "ExpandBackward0",
                 [in_shape](const Tensor& g) { return sum_to(g, in_shape); });
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  const int64_t s = normalize_dim(start_dim, x.dim(), "flatten");
  const int64_t e = normalize_dim(end_dim, x.dim(), "flatten");
  DS_CHECK(s <= e, RuntimeError, "flatten() has invalid args: start_dim cannot come after end_dim");
  Shape shape(x.sizes().begin(), x.sizes().begin() + s);
  int64_t merged = 1;
  for (int64_t i = s; i <= e; ++i) merged *= x.size(i);
  shape.push_back(merged);
  shape.insert(shape.end(), x.sizes().begin() + e + 1, x.sizes().end());
  return reshape(x, shape);
}

Tensor unflatten(const Tensor& x, int64_t dim, const Shape& sizes) {
  const int64_t d = normalize_dim(dim, x.dim(), "unflatten");
  DS_CHECK(!sizes.empty(), RuntimeError, "unflatten: sizes must be non-empty");
  Shape inner = infer_size(sizes, x.size(d), "unflatten");
  Shape shape(x.sizes().begin(), x.sizes().begin() + d);
  shape.insert(shape.end(), inner.begin(), inner.end());
  shape.insert(shape.end(), x.sizes().begin() + d + 1, x.sizes().end());
  return view(x, shape);
}

Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start_in,
             std::optional<int64_t> end_in, int64_t step) {
  DS_CHECK(x.dim() > 0, IndexError, "slice() cannot be applied to a 0-dim tensor.");
  DS_CHECK(step > 0, ValueError, "slice: step must be greater than zero, got {}", step);
  const int64_t d = normalize_dim(dim, x.dim(), "slice");
  const int64_t n = x.size(d);
  auto clamp_index = [n](int64_t i) {
    if (i < 0) i += n;
    return std::clamp<int64_t>(i, 0, n);
  };
  const int64_t start = start_in ? clamp_index(*start_in) : 0;
  const int64_t end = std::max(start, end_in ? clamp_index(*end_in) : n);
  const int64_t len = (end - start + step - 1) / step;
  Shape sizes = x.sizes();
  Strides strides = x.strides();
  sizes[d] = len;
  strides[d] *= step;
  const Shape in_shape = x.sizes();
  Strides cs = contiguous_strides(in_shape);
  const int64_t goff = start * cs[d];
  cs[d] *= step;
  return view_op(x, sizes, strides, x.storage_offset() + start * x.stride(d), "SliceBackward0",
                 [in_shape, sizes, cs, goff](const Tensor& g) {
                   return embed_in_zeros(g, in_shape, sizes, cs, goff);
                 });
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  DS_CHECK(x.dim() > 0, RuntimeError, "narrow() cannot be applied to a 0-dim tensor.");
  const int64_t d = normalize_dim(dim, x.dim(), "narrow");
  const int64_t n = x.size(d);
  // start == size is allowed (an empty slice at the end); otherwise start wraps like a dim
  // index, as in PyTorch (so a size-0 dim accepts -1 and 0).
  if (start != n) {
    const int64_t lo = n > 0 ? -n : -1, hi = n > 0 ? n - 1 : 0;
    DS_CHECK(start >= lo && start <= hi, IndexError,
             "narrow(): start out of range (expected to be in range of [{}, {}], but got {})", lo,
             hi, start);
    if (start < 0) start += std::max<int64_t>(n, 1);
  }
  DS_CHECK(length >= 0 && start + length <= n, RuntimeError,
           "narrow(): start ({}) + length ({}) exceeds dimension size ({}).", start, length, n);
  return slice(x, d, start, start + length, 1);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  DS_CHECK(x.dim() > 0, IndexError, "select() cannot be applied to a 0-dim tensor.");
  const int64_t d = normalize_dim(dim, x.dim(), "select");
  const int64_t n = x.size(d);
  DS_CHECK(index >= -n && index < n, IndexError,
           "select(): index {} out of range for tensor of size {} at dimension {}", index,
           shape_str(x.sizes()), d);
  if (index < 0) index += n;
  Shape sizes = x.sizes();
  Strides strides = x.strides();
  sizes.erase(sizes.begin() + d);
  strides.erase(strides.begin() + d);
  const Shape in_shape = x.sizes();
  Strides cs = contiguous_strides(in_shape);
  const int64_t goff = index * cs[d];
  cs.erase(cs.begin() + d);
  return view_op(x, sizes, strides, x.storage_offset() + index * x.stride(d), "SelectBackward0",
                 [in_shape, sizes, cs, goff](const Tensor& g) {
                   return embed_in_zeros(g, in_shape, sizes, cs, goff);
                 });
}

Tensor as_strided(const Tensor& x, const Shape& sizes, const Strides& strides,
                  std::optional<int64_t> storage_offset) {
  DS_CHECK(sizes.size() == strides.size(), RuntimeError,
           "as_strided: mismatch in length of strides and shape ({} vs {})", strides.size(),
           sizes.size());
  const int64_t offset = storage_offset.value_or(x.storage_offset());
  DS_CHECK(offset >= 0, RuntimeError, "as_strided: negative storage offset {}", offset);
  int64_t max_index = offset;
  for (size_t i = 0; i < sizes.size(); ++i) {
    DS_CHECK(sizes[i] >= 0 && strides[i] >= 0, RuntimeError,
             "as_strided: negative size or stride in {} / {}", shape_str(sizes),
             shape_str(strides));
    if (sizes[i] == 0) max_index = -1;
    int64_t reach = 0;
    DS_CHECK(max_index < 0 || (!__builtin_mul_overflow(sizes[i] - 1, strides[i], &reach) &&
                               !__builtin_add_overflow(max_index, reach, &max_index)),
             RuntimeError, "as_strided: sizes {} with strides {} overflow int64", shape_str(sizes),
             shape_str(strides));
  }
  checked_numel(sizes, "as_strided");
  const int64_t storage_numel =
      static_cast<int64_t>(x.impl()->storage->nbytes() / x.element_size());
  DS_CHECK(max_index < storage_numel, RuntimeError,
           "as_strided: setStorage: sizes {}, strides {}, storage offset {} require {} elements, "
           "but the storage has only {}",
           shape_str(sizes), shape_str(strides), offset, max_index + 1, storage_numel);
  const Shape in_shape = x.sizes();
  const Strides in_strides = x.strides();
  const int64_t in_offset = x.storage_offset();
  if (x.is_contiguous() && offset >= in_offset && max_index < in_offset + x.numel()) {
    // The window lies inside x: the gradient is x's contiguous layout with g added in.
    const int64_t rel = offset - in_offset;
    return view_op(x, sizes, strides, offset, "AsStridedBackward0",
                   [in_shape, sizes, strides, rel](const Tensor& g) {
                     return embed_in_zeros(g, in_shape, sizes, strides, rel);
                   });
  }
  // Otherwise go through the storage span both x and the window cover: add g into it, then
  // read it back with x's own geometry.
  int64_t x_max = in_offset;
  for (int64_t d = 0; d < x.dim(); ++d) x_max += (x.size(d) - 1) * x.stride(d);
  const int64_t lo = std::min(offset, in_offset);
  const int64_t span = std::max(max_index, x_max) - lo + 1;
  return view_op(x, sizes, strides, offset, "AsStridedBackward0", [=](const Tensor& g) {
    Tensor storage_grad = embed_in_zeros(g, {span}, sizes, strides, offset - lo);
    return contiguous(as_strided(storage_grad, in_shape, in_strides, in_offset - lo));
  });
}

Tensor movedim(const Tensor& x, int64_t source, int64_t destination) {
  const int64_t nd = x.dim();
  const int64_t s = normalize_dim(source, nd, "movedim"),
                d = normalize_dim(destination, nd, "movedim");
  if (nd == 0) return permute(x, {});
  std::vector<int64_t> order;
  for (int64_t i = 0; i < nd; ++i) {
    if (i != s) order.push_back(i);
  }
  order.insert(order.begin() + d, s);
  return permute(x, order);
}

Tensor cat(const TensorList& tensors, int64_t dim) {
  DS_CHECK(!tensors.empty(), RuntimeError, "torch.cat(): expected a non-empty list of Tensors");
  // Legacy: 1-D empty tensors are skipped, as in PyTorch.
  const Tensor* ref = nullptr;
  for (const Tensor& t : tensors) {
    if (!(t.dim() == 1 && t.numel() == 0)) {
      ref = &t;
      break;
    }
  }
  const DType dt = result_type(tensors);
  if (!ref && tensors[0].dim() == 1) {
    // Only legacy empty tensors: nothing to check against, the result is empty too.
    return empty_tensor({0}, dt, tensors[0].device());
  }
  if (!ref) ref = &tensors[0];
  DS_CHECK(ref->dim() > 0, RuntimeError,
           "torch.cat(): zero-dimensional tensor (at position 0) cannot be concatenated");
  const int64_t d = normalize_dim(dim, ref->dim(), "cat");
  Shape shape = ref->sizes();
  int64_t total = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (t.dim() == 1 && t.numel() == 0) continue;
    DS_CHECK(t.dim() == ref->dim(), RuntimeError,
             "torch.cat(): Tensors must have same number of dimensions: got {} and {}", ref->dim(),
             t.dim());
    DS_CHECK(t.device() == ref->device(), RuntimeError,
             "torch.cat(): Expected all tensors to be on the same device, but found at least two "
             "devices, {} and {}!",
             ref->device().str(), t.device().str());
    for (int64_t k = 0; k < t.dim(); ++k) {
      DS_CHECK(k == d || t.size(k) == shape[k], RuntimeError,
               "torch.cat(): Sizes of tensors must match except in dimension {}. Expected size "
               "{} but got size {} for tensor number {} in the list.",
               d, shape[k], t.size(k), i);
    }
    total += t.size(d);
  }
  shape[d] = total;
  Tensor out = empty_tensor(shape, dt, ref->device());
  int64_t offset = 0;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (const Tensor& t : tensors) {
    if (t.dim() == 1 && t.numel() == 0) {
      ranges.emplace_back(offset, 0);
      continue;
    }
    const int64_t n = t.size(d);
    Shape vs = shape;
    vs[d] = n;
    Tensor dst = make_view(out, vs, out.strides(), offset * out.stride(d));
    backend_for(out.device()).copy(convert_raw(t, dt, out.device()), dst);
    ranges.emplace_back(offset, n);
    offset += n;
  }
  if (autograd::needs_grad(tensors)) {
    std::vector<Shape> shapes;
    for (const Tensor& t : tensors) shapes.push_back(t.sizes());
    autograd::record(
        "CatBackward0", tensors, {out}, {},
        [ranges, shapes, d](const BackwardArgs& g) -> TensorList {
          TensorList r(ranges.size());
          for (size_t i = 0; i < ranges.size(); ++i) {
            if (!g.needs(i)) continue;
            r[i] = ranges[i].second == 0 && shapes[i].size() == 1
                       ? zeros(shapes[i],
                               TensorOptions(g.grad().dtype()).set_device(g.grad().device()))
                       : narrow(g.grad(), d, ranges[i].first, ranges[i].second);
          }
          return r;
        });
  }
  return out;
}

Tensor stack(const TensorList& tensors, int64_t dim) {
  DS_CHECK(!tensors.empty(), RuntimeError, "stack expects a non-empty TensorList");
  const int64_t d = normalize_dim(dim, tensors[0].dim() + 1, "stack");
  TensorList parts;
  for (size_t i = 0; i < tensors.size(); ++i) {
    DS_CHECK(tensors[i].sizes() == tensors[0].sizes(), RuntimeError,
             "stack expects each tensor to be equal size, but got {} at entry 0 and {} at entry "
             "{}",
             shape_str(tensors[0].sizes()), shape_str(tensors[i].sizes()), i);
    parts.push_back(unsqueeze(tensors[i], d));
  }
  return cat(parts, d);
}

TensorList split(const Tensor& x, int64_t split_size, int64_t dim) {
  DS_CHECK(x.dim() > 0, RuntimeError, "split expects at least a 1-dimensional tensor");
  DS_CHECK(split_size >= 0, RuntimeError,
           "split expects split_size be non-negative, but got split_size={}", split_size);
  const int64_t d = normalize_dim(dim, x.dim(), "split");
  const int64_t n = x.size(d);
  DS_CHECK(split_size > 0 || n == 0, RuntimeError,
           "split_size can only be 0 if dimension size is 0, but got dimension size of {}", n);
  TensorList out;
  if (n == 0) return {x};
  for (int64_t s = 0; s < n; s += split_size)
    out.push_back(narrow(x, d, s, std::min(split_size, n - s)));
  return out;
}

TensorList split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  const int64_t d = normalize_dim(dim, x.dim(), "split_with_sizes");
  const int64_t total = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  DS_CHECK(total == x.size(d), RuntimeError,
           "split_with_sizes expects split_sizes to sum exactly to {} (input tensor's size at "
           "dimension {}), but got split_sizes={}",
           x.size(d), d, shape_str(sizes));
  TensorList out;
  int64_t s = 0;
  for (int64_t len : sizes) {
    out.push_back(narrow(x, d, s, len));
    s += len;
  }
  return out;
}

TensorList chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  DS_CHECK(x.dim() > 0, RuntimeError, "chunk expects at least a 1-dimensional tensor");
  DS_CHECK(chunks > 0, RuntimeError, "chunk expects `chunks` to be greater than 0, got: {}",
           chunks);
  const int64_t d = normalize_dim(dim, x.dim(), "chunk");
  const int64_t size = (x.size(d) + chunks - 1) / chunks;
  return split(x, std::max<int64_t>(size, 1), d);
}

TensorList unbind(const Tensor& x, int64_t dim) {
  const int64_t d = normalize_dim(dim, x.dim(), "unbind");
  TensorList out;
  for (int64_t i = 0; i < x.size(d); ++i) out.push_back(select(x, d, i));
  return out;
}

Tensor repeat(const Tensor& x, const Shape& repeats) {
  const int64_t nd = static_cast<int64_t>(repeats.size());
  DS_CHECK(nd >= x.dim(), RuntimeError,
           "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
           "tensor");
  // [s0, s1] repeated [r0, r1] = view [1, s0, 1, s1] -> expand [r0, s0, r1, s1] -> reshape.
  Shape padded(nd - x.dim(), 1);
  padded.insert(padded.end(), x.sizes().begin(), x.sizes().end());
  Shape unsq, expd, final_shape;
  for (int64_t i = 0; i < nd; ++i) {
    DS_CHECK(repeats[i] >= 0, RuntimeError, "repeat: repeats must be non-negative, got {}",
             shape_str(repeats));
    unsq.push_back(1);
    unsq.push_back(padded[i]);
    expd.push_back(repeats[i]);
    expd.push_back(padded[i]);
    int64_t n = 0;
    DS_CHECK(!__builtin_mul_overflow(repeats[i], padded[i], &n), RuntimeError,
             "repeat: numel: integer multiplication overflow for repeats {}", shape_str(repeats));
    final_shape.push_back(n);
  }
  checked_numel(final_shape, "repeat");
  return reshape(expand(reshape(x, unsq), expd), final_shape);
}

namespace {
Tensor triangle(const Tensor& x, int64_t diagonal, bool lower, const char* name) {
  DS_CHECK(x.dim() >= 2, RuntimeError, "{}: input tensor must have at least 2 dimensions", name);
  const int64_t rows = x.size(-2), cols = x.size(-1);
  TensorOptions opt = TensorOptions(DType::Int64).set_device(x.device());
  Tensor r = view(arange(0, rows, 1, opt), {rows, 1});
  Tensor c = view(arange(0, cols, 1, opt), {1, cols});
  Tensor diff = sub(c, r);  // column - row
  Tensor keep = lower ? le(diff, wrapped_scalar(diagonal)) : ge(diff, wrapped_scalar(diagonal));
  return where(keep, x, zeros({}, TensorOptions(x.dtype()).set_device(x.device())));
}
}  // namespace

Tensor tril(const Tensor& x, int64_t diagonal) { return triangle(x, diagonal, true, "tril"); }
Tensor triu(const Tensor& x, int64_t diagonal) { return triangle(x, diagonal, false, "triu"); }

Tensor flip(const Tensor& x, const std::vector<int64_t>& dims) {
  Tensor out = x;
  std::vector<bool> seen(std::max<int64_t>(x.dim(), 1), false);
  for (int64_t dim : dims) {
    const int64_t d = normalize_dim(dim, x.dim(), "flip");
    DS_CHECK(!seen[d], RuntimeError, "flip: dim {} appears multiple times in the list of dims", d);
    seen[d] = true;
    if (x.dim() == 0) continue;
    const int64_t n = x.size(d);
    Tensor idx = arange(n - 1, -1, -1, TensorOptions(DType::Int64).set_device(x.device()));
    out = index_select(out, d, idx);
  }
  return out.is_same(x) ? clone(x) : out;  // a flip always returns new memory
}

Tensor roll(const Tensor& x, const std::vector<int64_t>& shifts, const std::vector<int64_t>& dims) {
  DS_CHECK(!shifts.empty(), RuntimeError, "roll: `shifts` required");
  if (dims.empty()) {
    // No dims: roll the flattened tensor, then restore the shape.
    DS_CHECK(shifts.size() == 1, RuntimeError,
             "roll: shifts and dimensions must align. shifts: {}, dims: 0", shifts.size());
    return view(roll(reshape(x, {-1}), shifts, {0}), x.sizes());
  }
  DS_CHECK(shifts.size() == dims.size(), RuntimeError,
           "roll: shifts and dimensions must align. shifts: {}, dims: {}", shifts.size(),
           dims.size());
  Tensor out = x;
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = normalize_dim(dims[i], x.dim(), "roll");
    const int64_t n = x.size(d);
    if (n == 0) continue;
    const int64_t s = ((shifts[i] % n) + n) % n;  // elements that wrap to the front
    if (s == 0) continue;
    out = cat({narrow(out, d, n - s, s), narrow(out, d, 0, n - s)}, d);
  }
  return out.is_same(x) ? clone(x) : out;  // a roll always returns new memory
}

// Tensor methods of this family.
Tensor Tensor::view(const Shape& s) const { return deepseek::view(*this, s); }
Tensor Tensor::reshape(const Shape& s) const { return deepseek::reshape(*this, s); }
Tensor Tensor::permute(const std::vector<int64_t>& d) const { return deepseek::permute(*this, d); }
Tensor Tensor::transpose(int64_t a, int64_t b) const { return deepseek::transpose(*this, a, b); }
Tensor Tensor::t() const { return deepseek::t(*this); }
Tensor Tensor::squeeze() const { return deepseek::squeeze(*this); }
Tensor Tensor::squeeze(int64_t d) const { return deepseek::squeeze(*this, d); }
Tensor Tensor::unsqueeze(int64_t d) const { return deepseek::unsqueeze(*this, d); }
Tensor Tensor::expand(const Shape& s) const { return deepseek::expand(*this, s); }
Tensor Tensor::flatten(int64_t s, int64_t e) const { return deepseek::flatten(*this, s, e); }
Tensor Tensor::unflatten(int64_t d, const Shape& s) const {
  return deepseek::unflatten(*this, d, s);
}
Tensor Tensor::narrow(int64_t d, int64_t s, int64_t l) const {
  return deepseek::narrow(*this, d, s, l);
}
Tensor Tensor::select(int64_t d, int64_t i) const { return deepseek::select(*this, d, i); }
Tensor Tensor::slice(int64_t d, std::optional<int64_t> s, std::optional<int64_t> e,
                     int64_t st) const {
  return deepseek::slice(*this, d, s, e, st);
}
Tensor Tensor::as_strided(const Shape& sz, const Strides& st, std::optional<int64_t> off) const {
  return deepseek::as_strided(*this, sz, st, off);
}
Tensor Tensor::repeat(const Shape& r) const { return deepseek::repeat(*this, r); }
Tensor Tensor::tril(int64_t d) const { return deepseek::tril(*this, d); }
Tensor Tensor::triu(int64_t d) const { return deepseek::triu(*this, d); }
TensorList Tensor::split(int64_t s, int64_t d) const { return deepseek::split(*this, s, d); }
TensorList Tensor::split(const std::vector<int64_t>& s, int64_t d) const {
  return deepseek::split(*this, s, d);
}
TensorList Tensor::chunk(int64_t c, int64_t d) const { return deepseek::chunk(*this, c, d); }

}  // namespace deepseek
