#include "deepseek/ops/type_promotion.h"

#include <cmath>
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

namespace deepseek {

bool can_cast(DType from, DType to) {
  if (is_floating(from) && !is_floating(to)) return false;
  if (from != DType::Bool && to == DType::Bool) return false;
  return true;
}

void check_can_cast(const char* op, DType result, DType out) {
  DS_CHECK(can_cast(result, out), RuntimeError,
           "{}: result type {} can't be cast to the desired output type {}", op,
           scalar_type_name(result), scalar_type_name(out));
}

void check_scalar_fits(const char* op, const Scalar& value, DType dtype) {
  if (is_floating(dtype) || dtype == DType::Bool || value.is_bool()) return;
  double lo = 0, hi = 0;
  switch (dtype) {
    case DType::UInt8:
      lo = -255, hi = 255;
      break;
    case DType::Int8:
      lo = -128, hi = 127;
      break;
    case DType::Int16:
      lo = -32768, hi = 32767;
      break;
    case DType::Int32:
      lo = -2147483648.0, hi = 2147483647.0;
      break;
    default:
      lo = -9223372036854775808.0, hi = 9223372036854775807.0;
      break;
  }
  bool fits;
  if (value.is_integral()) {
    const int64_t v = value.to_int();
    fits = dtype == DType::Int64 || (static_cast<double>(v) >= lo && static_cast<double>(v) <= hi);
  } else {
    const double v = value.to_double();
    if (dtype == DType::UInt8) lo = 0;  // only integers wrap
    // 2^63 itself does not fit int64: compare against the exclusive bound.
    fits = std::isfinite(v) && v >= lo &&
           (dtype == DType::Int64 ? v < 9223372036854775808.0 : v <= hi);
  }
  DS_CHECK(fits, RuntimeError, "{}: value cannot be converted to type {} without overflow", op,
           dtype_name(dtype));
}

const char* scalar_type_name(DType dtype) {
  switch (dtype) {
    case DType::Bool:
      return "Bool";
    case DType::UInt8:
      return "Byte";
    case DType::Int8:
      return "Char";
    case DType::Int16:
      return "Short";
    case DType::Int32:
      return "Int";
    case DType::Int64:
      return "Long";
    case DType::Float16:
      return "Half";
    case DType::BFloat16:
      return "BFloat16";
    case DType::Float32:
      return "Float";
    case DType::Float64:
      return "Double";
  }
  return "Unknown";
}

void throw_not_implemented_for(const char* kernel, DType dtype) {
  DS_THROW(RuntimeError, "\"{}\" not implemented for '{}'", kernel, scalar_type_name(dtype));
}

}  // namespace deepseek
