#include "deepseek/ops/type_promotion.h"

#include <optional>

namespace deepseek {

namespace {

std::optional<DType> promote(std::optional<DType> a, DType b) {
  return a ? promote_types(*a, b) : b;
}

// PyTorch's combine_categories: keep `higher` unless `lower` brings a higher category.
std::optional<DType> combine(std::optional<DType> higher, std::optional<DType> lower) {
  if (!higher) return lower;
  if (!lower) return higher;
  if (is_floating(*higher)) return higher;
  if (*higher == DType::Bool || is_floating(*lower)) return promote_types(*higher, *lower);
  return higher;
}

template <typename Range>
DType result_type_of(const Range& tensors) {
  std::optional<DType> dim_result, zero_result, wrapped_result;
  for (const Tensor& t : tensors) {
    if (!t.defined()) continue;
    if (t.impl()->wrapped_number) {
      // A Python float counts as the default float dtype, not float64.
      DType d = is_floating(t.dtype()) ? default_float_dtype() : t.dtype();
      wrapped_result = promote(wrapped_result, d);
    } else if (t.dim() == 0) {
      zero_result = promote(zero_result, t.dtype());
    } else {
      dim_result = promote(dim_result, t.dtype());
    }
  }
  auto r = combine(dim_result, combine(zero_result, wrapped_result));
  return r.value_or(default_float_dtype());
}

}  // namespace

DType result_type(std::initializer_list<Tensor> tensors) { return result_type_of(tensors); }
DType result_type(const TensorList& tensors) { return result_type_of(tensors); }

}  // namespace deepseek
