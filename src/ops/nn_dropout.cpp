// Dropout as mask * input with the mask drawn by the Philox generator: the product's own
// backward (grad * mask) is the dropout gradient, and it is differentiable again.
#include "deepseek/ops/nn_dropout.h"

#include "deepseek/ops/binary.h"
#include "deepseek/ops/creation.h"

namespace deepseek {

namespace {

void check_probability(double p) {
  DS_CHECK(p >= 0 && p <= 1, ValueError,
           "dropout probability has to be between 0 and 1, but got {}", p);
}

// input * mask / (1 - p) with mask ~ Bernoulli(1 - p) of the given shape (broadcast).
Tensor masked(const Tensor& input, double p, const Shape& mask_shape, Generator* gen) {
  DS_CHECK(is_floating(input.dtype()), RuntimeError,
           "dropout: expected a floating point input, got {}", dtype_name(input.dtype()));
  if (p == 1.0) return mul(input, zeros_like(input));
  Tensor keep =
      bernoulli_like(empty_tensor(mask_shape, input.dtype(), input.device()), 1.0 - p, gen);
  return mul(input, mul(keep, wrapped_scalar(1.0 / (1.0 - p))));
}

}  // namespace

Tensor dropout(const Tensor& input, double p, bool training, Generator* gen) {
  check_probability(p);
  if (!training || p == 0.0) return input;
  return masked(input, p, input.sizes(), gen);
}

Tensor feature_dropout(const Tensor& input, double p, bool training, int64_t spatial_dims,
                       Generator* gen) {
  check_probability(p);
  const char* op = spatial_dims == 1 ? "dropout1d" : spatial_dims == 2 ? "dropout2d" : "dropout3d";
  DS_CHECK(input.dim() == spatial_dims + 1 || input.dim() == spatial_dims + 2, RuntimeError,
           "{}: Expected {}D or {}D input, but received a {}D input of size {}", op,
           spatial_dims + 1, spatial_dims + 2, input.dim(), shape_str(input.sizes()));
  if (!training || p == 0.0) return input;
  Shape mask_shape = input.sizes();
  for (int64_t d = input.dim() - spatial_dims; d < input.dim(); ++d) mask_shape[d] = 1;
  return masked(input, p, mask_shape, gen);
}

}  // namespace deepseek
