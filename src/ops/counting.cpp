// Counting ops from the index_put kernel (index_add into zeros) and reductions.
#include "deepseek/ops/counting.h"

#include <cmath>

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"
#include "deepseek/ops/type_promotion.h"
#include "deepseek/ops/unary.h"

namespace deepseek {

Tensor bincount(const Tensor& x, const Tensor& weights, int64_t minlength) {
  DS_CHECK(x.dim() == 1 && is_integral(x.dtype()), RuntimeError,
           "bincount only supports 1-d non-negative integral inputs (got {} of shape {})",
           dtype_name(x.dtype()), shape_str(x.sizes()));
  DS_CHECK(minlength >= 0, RuntimeError, "bincount: minlength should be >= 0, got {}", minlength);
  if (weights.defined()) {
    check_same_device("bincount", {x, weights});
    DS_CHECK(weights.dim() == 1 && weights.size(0) == x.size(0), RuntimeError,
             "bincount: weights should be 1-d and have the same length as input (got {} and {})",
             shape_str(weights.sizes()), shape_str(x.sizes()));
  }
  autograd::GradModeGuard off(false);
  const Tensor idx = convert_raw(x, DType::Int64, x.device());
  int64_t bins = minlength;
  if (x.numel() > 0) {
    DS_CHECK(amin(idx).item().to_int() >= 0, RuntimeError,
             "bincount only supports 1-d non-negative integral inputs.");
    bins = std::max(bins, amax(idx).item().to_int() + 1);
  }
  const DType out_dtype = !weights.defined()             ? DType::Int64
                          : is_floating(weights.dtype()) ? weights.dtype()
                                                         : DType::Float64;
  const TensorOptions opts = TensorOptions(out_dtype).set_device(x.device());
  const Tensor values = weights.defined() ? convert_raw(weights.detach(), out_dtype, x.device())
                                          : ones({x.numel()}, opts);
  return index_add(zeros({bins}, opts), 0, idx, values);
}

Tensor histc(const Tensor& x, int64_t bins, double min, double max) {
  if (!is_floating(x.dtype())) throw_not_implemented_for("histogram_cpu", x.dtype());
  DS_CHECK(bins > 0, RuntimeError, "torch.histc: bins must be > 0, but got {} for bins", bins);
  autograd::GradModeGuard off(false);
  const Tensor flat = reshape(x.detach(), {-1});
  if (min == max && flat.numel() > 0) {
    min = amin(flat).item().to_double();
    max = amax(flat).item().to_double();
  }
  if (min == max) {
    min -= 1;
    max += 1;
  }
  DS_CHECK(min < max, RuntimeError, "torch.histc: max must be larger than min (got {} and {})", min,
           max);
  DS_CHECK(std::isfinite(min) && std::isfinite(max), RuntimeError,
           "torch.histc: range of [{}, {}] is not finite", min, max);
  // Bin of v: floor((v - min) * bins / (max - min)), with v == max in the last bin.
  const Tensor v = convert_raw(flat, DType::Float64, x.device());
  const Tensor inside = logical_and(ge(v, wrapped_scalar(min)), le(v, wrapped_scalar(max)));
  Tensor pos = floor(mul(sub(masked_select(v, inside), wrapped_scalar(min)),
                         wrapped_scalar(static_cast<double>(bins) / (max - min))));
  pos = clamp(convert_raw(pos, DType::Int64, x.device()), Scalar(0), Scalar(bins - 1));
  return convert_raw(bincount(pos, {}, bins), x.dtype(), x.device());
}

Tensor count_nonzero(const Tensor& x, const std::vector<int64_t>& dims) {
  autograd::GradModeGuard off(false);
  return sum(ne(x.detach(), wrapped_scalar(0)), dims, false, DType::Int64);
}

}  // namespace deepseek
