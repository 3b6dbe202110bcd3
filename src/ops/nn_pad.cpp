// Padding, dim by dim from the last: constant padding concatenates filled blocks (after
// narrowing away negative amounts), the other modes gather along the dim with an index
// that maps each output position to its source (mirrored, clamped or wrapped). Both are
// differentiable ops (cat / index_select), so pad is twice differentiable on any backend.
#include "deepseek/ops/nn_pad.h"

#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/shape.h"

namespace deepseek {

namespace {

// Output position j in [-before, size + after) of a padded dim reads source position
// source(j) in [0, size).
int64_t source_position(const std::string& mode, int64_t j, int64_t size) {
  if (mode == "reflect") {
    if (j < 0) return -j;
    if (j >= size) return 2 * (size - 1) - j;
    return j;
  }
  if (mode == "replicate") return std::min(std::max<int64_t>(j, 0), size - 1);
  return ((j % size) + size) % size;  // circular
}

Tensor pad_dim_by_index(const Tensor& x, int64_t dim, int64_t before, int64_t after,
                        const std::string& mode) {
  const int64_t size = x.size(dim);
  std::vector<int64_t> index;
  for (int64_t j = -before; j < size + after; ++j) index.push_back(source_position(mode, j, size));
  Tensor idx = tensor_from(index, TensorOptions(DType::Int64));
  return index_select(x, dim, idx.to(x.device()));
}

Tensor pad_dim_constant(const Tensor& x_in, int64_t dim, int64_t before, int64_t after,
                        double value) {
  Tensor x = x_in;
  // Negative amounts crop.
  const int64_t crop_front = before < 0 ? -before : 0, crop_back = after < 0 ? -after : 0;
  if (crop_front || crop_back) {
    x = narrow(x, dim, crop_front, std::max<int64_t>(x.size(dim) - crop_front - crop_back, 0));
  }
  TensorList parts;
  const TensorOptions opts = TensorOptions(x.dtype()).set_device(x.device());
  auto block = [&](int64_t n) {
    Shape s = x.sizes();
    s[dim] = n;
    return is_floating(x.dtype()) ? full(s, value, opts)
                                  : full(s, static_cast<int64_t>(value), opts);
  };
  if (before > 0) parts.push_back(block(before));
  parts.push_back(x);
  if (after > 0) parts.push_back(block(after));
  return parts.size() == 1 ? x : cat(parts, dim);
}

}  // namespace

Tensor pad(const Tensor& input, const std::vector<int64_t>& amounts, const std::string& mode,
           std::optional<double> value) {
  DS_CHECK(mode == "constant" || mode == "reflect" || mode == "replicate" || mode == "circular",
           NotImplementedError,
           "pad: Unrecognised padding mode {} (expected constant, reflect, replicate or circular)",
           mode);
  DS_CHECK(amounts.size() % 2 == 0, RuntimeError, "Padding length must be divisible by 2");
  const int64_t dims = static_cast<int64_t>(amounts.size()) / 2;
  DS_CHECK(dims <= input.dim(), RuntimeError,
           "Padding length should be less than or equal to two times the input dimension but got "
           "padding length {} and input of dimension {}",
           amounts.size(), input.dim());
  DS_CHECK(mode == "constant" || !value || *value == 0, RuntimeError,
           "Padding mode \"{}\" doesn't take in value argument", mode);
  if (mode != "constant") {
    // PyTorch pads the trailing 1, 2 or 3 dims of a batched or unbatched input this way.
    DS_CHECK(dims >= 1 && dims <= 3 && (input.dim() == dims + 1 || input.dim() == dims + 2),
             NotImplementedError,
             "pad: {} padding of {} trailing dims is supported for {}D or {}D input, got input "
             "of size {}",
             mode, dims, dims + 1, dims + 2, shape_str(input.sizes()));
  }
  Tensor x = input;
  for (int64_t i = 0; i < dims; ++i) {
    const int64_t dim = input.dim() - 1 - i;
    const int64_t before = amounts[2 * i], after = amounts[2 * i + 1];
    if (mode == "constant") {
      x = pad_dim_constant(x, dim, before, after, value.value_or(0.0));
      continue;
    }
    const int64_t size = x.size(dim);
    if (mode == "reflect") {
      DS_CHECK(before < size && after < size, RuntimeError,
               "Argument #4: Padding size should be less than the corresponding input dimension, "
               "but got: padding ({}, {}) at dimension {} of input {}",
               before, after, dim, shape_str(input.sizes()));
    } else if (mode == "circular") {
      DS_CHECK(before <= size && after <= size, RuntimeError,
               "pad: Padding value causes wrapping around more than once (padding ({}, {}) at "
               "dimension {} of input {})",
               before, after, dim, shape_str(input.sizes()));
    }
    DS_CHECK(size > 0, RuntimeError, "pad: {} padding of an empty dimension {} of input {}", mode,
             dim, shape_str(input.sizes()));
    DS_CHECK(size + before + after >= 0, RuntimeError,
             "pad: padding ({}, {}) at dimension {} leaves a negative size", before, after, dim);
    x = pad_dim_by_index(x, dim, before, after, mode);
  }
  return x.is_same(input) ? clone(input) : x;  // a new tensor even when nothing was padded
}

}  // namespace deepseek
