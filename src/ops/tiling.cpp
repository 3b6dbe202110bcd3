// Tiling and grids from views and index_select: their gradients come from those ops.
#include "deepseek/ops/tiling.h"

#include <utility>

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/scan.h"
#include "deepseek/ops/shape.h"

namespace deepseek {

Tensor tile(const Tensor& x, const std::vector<int64_t>& reps_in) {
  std::vector<int64_t> reps = reps_in;
  // Fewer reps than dims: the leading dims repeat once (numpy's tile).
  while (static_cast<int64_t>(reps.size()) < x.dim()) reps.insert(reps.begin(), 1);
  return repeat(x, reps);
}

Tensor repeat_interleave(const Tensor& x, int64_t repeats, std::optional<int64_t> dim) {
  DS_CHECK(repeats >= 0, RuntimeError, "repeat_interleave: repeats can not be negative, got {}",
           repeats);
  const Tensor in = dim ? x : reshape(x, {-1});
  const int64_t d = normalize_dim(dim.value_or(0), in.dim(), "repeat_interleave");
  if (in.dim() == 0) return expand(reshape(in, {1}), {repeats});
  // [.., n, ..] -> [.., n, repeats, ..] -> [.., n * repeats, ..]
  Shape expanded = in.sizes();
  expanded.insert(expanded.begin() + d + 1, repeats);
  Shape merged = in.sizes();
  merged[d] *= repeats;
  return reshape(expand(unsqueeze(in, d + 1), expanded), merged);
}

Tensor repeat_interleave(const Tensor& repeats_in) {
  DS_CHECK(repeats_in.dim() <= 1, RuntimeError,
           "repeat_interleave: repeats must be 0-dim or 1-dim");
  DS_CHECK(repeats_in.dtype() == DType::Int64 || repeats_in.dtype() == DType::Int32, RuntimeError,
           "repeat_interleave: repeats has to be Long or Int tensor, got {}",
           dtype_name(repeats_in.dtype()));
  autograd::GradModeGuard off(false);
  const Tensor repeats = reshape(repeats_in.to(DType::Int64), {-1});
  const TensorOptions long_opts = TensorOptions(DType::Int64).set_device(repeats.device());
  DS_CHECK(!any(lt(repeats, wrapped_scalar(0))).item().to_bool(), RuntimeError,
           "repeat_interleave: repeats can not be negative");
  const int64_t total = repeats.numel() == 0 ? 0 : sum(repeats).item().to_int();
  if (total == 0) return empty({0}, long_opts);
  // Entry i starts at the sum of the counts before it; writing i there and carrying the
  // running maximum forward fills each run (entries with count 0 are never written).
  Tensor ends = cumsum(repeats, 0);
  Tensor positive = gt(repeats, wrapped_scalar(0));
  Tensor starts = masked_select(sub(ends, repeats), positive);
  Tensor ids = masked_select(arange(0, repeats.numel(), 1, long_opts), positive);
  Tensor marks = index_add(zeros({total}, long_opts), 0, starts, ids);
  return std::get<0>(cummax(marks, 0));
}

Tensor repeat_interleave(const Tensor& x, const Tensor& repeats, std::optional<int64_t> dim) {
  const Tensor in = dim ? x : reshape(x, {-1});
  const int64_t d = normalize_dim(dim.value_or(0), in.dim(), "repeat_interleave");
  const int64_t n = in.dim() == 0 ? 1 : in.size(d);
  if (repeats.numel() == 1 && repeats.dim() <= 1) {
    return repeat_interleave(x, repeats.item().to_int(), dim);
  }
  DS_CHECK(repeats.dim() == 1 && repeats.size(0) == n, RuntimeError,
           "repeat_interleave: repeats must have the same size as input along dim, but got "
           "repeats.size(0) = {} and input.size({}) = {}",
           repeats.dim() == 1 ? repeats.size(0) : repeats.numel(), d, n);
  return index_select(in, d, repeat_interleave(repeats));
}

TensorList meshgrid(const TensorList& tensors, const std::string& indexing) {
  DS_CHECK(indexing == "ij" || indexing == "xy", ValueError,
           "torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {}", indexing);
  DS_CHECK(!tensors.empty(), RuntimeError, "meshgrid expects a non-empty TensorList");
  Shape grid;
  for (const Tensor& t : tensors) {
    DS_CHECK(t.dim() <= 1, RuntimeError,
             "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {}",
             shape_str(t.sizes()));
    grid.push_back(t.numel());
  }
  // "xy" swaps the roles of the first two inputs' dims.
  const bool swap = indexing == "xy" && tensors.size() >= 2;
  if (swap) std::swap(grid[0], grid[1]);
  TensorList out;
  for (size_t i = 0; i < tensors.size(); ++i) {
    size_t axis = i;
    if (swap && i < 2) axis = 1 - i;
    Shape shape(tensors.size(), 1);
    shape[axis] = tensors[i].numel();
    out.push_back(expand(reshape(tensors[i], shape), grid));
  }
  return out;
}

Tensor cartesian_prod(const TensorList& tensors) {
  for (const Tensor& t : tensors) {
    DS_CHECK(t.dim() == 1, RuntimeError, "cartesian_prod: expect a 1D vector, but got shape {}",
             shape_str(t.sizes()));
  }
  if (tensors.size() == 1) return tensors[0];
  TensorList columns;
  for (const Tensor& g : meshgrid(tensors, "ij")) columns.push_back(reshape(g, {-1}));
  return stack(columns, 1);
}

}  // namespace deepseek
