// Element types, their C++ counterparts, and PyTorch's type-promotion lattice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "deepseek/core/half.h"

namespace deepseek {

enum class DType : uint8_t {
  Bool,
  UInt8,
  Int8,
  Int16,
  Int32,
  Int64,
  Float16,
  BFloat16,
  Float32,
  Float64,
};
inline constexpr int kNumDTypes = 10;

size_t itemsize(DType dtype);
// PyTorch's spelling without the module: "float32", "int64", "bool", ...
const char* dtype_name(DType dtype);
// Parses "float32", "float", "half", "bfloat16", "long", ...; throws ValueError otherwise.
DType dtype_from_name(const std::string& name);

constexpr bool is_floating(DType d) {
  return d == DType::Float16 || d == DType::BFloat16 || d == DType::Float32 ||
         d == DType::Float64;
}
constexpr bool is_integral(DType d, bool include_bool = false) {
  return (d != DType::Bool || include_bool) && !is_floating(d);
}
// Reduced-precision floats that kernels widen to float32 for arithmetic.
constexpr bool is_reduced_float(DType d) { return d == DType::Float16 || d == DType::BFloat16; }

// The smallest type both a and b convert to without losing their category (PyTorch rules:
// bool < integers < floats; uint8 with int8 gives int16; float16 with bfloat16 gives float32).
DType promote_types(DType a, DType b);

// The dtype float factories and Python floats use (float32 unless changed).
DType default_float_dtype();
void set_default_float_dtype(DType dtype);

// C++ type <-> DType.
template <typename T>
struct dtype_of;
#define DS_DTYPE_OF(T, D) \
  template <>             \
  struct dtype_of<T> {    \
    static constexpr DType value = DType::D; \
  };
DS_DTYPE_OF(bool, Bool)
DS_DTYPE_OF(uint8_t, UInt8)
DS_DTYPE_OF(int8_t, Int8)
DS_DTYPE_OF(int16_t, Int16)
DS_DTYPE_OF(int32_t, Int32)
DS_DTYPE_OF(int64_t, Int64)
DS_DTYPE_OF(Half, Float16)
DS_DTYPE_OF(BFloat16, BFloat16)
DS_DTYPE_OF(float, Float32)
DS_DTYPE_OF(double, Float64)
#undef DS_DTYPE_OF

// The type arithmetic on T happens in: float for 16-bit floats, T otherwise.
template <typename T>
using compute_type_t =
    std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float, T>;

template <typename T>
struct TypeTag {
  using type = T;
};

[[noreturn]] void throw_unsupported_dtype(const char* op, DType dtype);

// Calls fn(TypeTag<T>{}) with T the C++ type of `dtype`. `op` names the caller in errors.
template <typename Fn>
decltype(auto) visit_dtype(DType dtype, const char* op, Fn&& fn) {
  switch (dtype) {
    case DType::Bool: return fn(TypeTag<bool>{});
    case DType::UInt8: return fn(TypeTag<uint8_t>{});
    case DType::Int8: return fn(TypeTag<int8_t>{});
    case DType::Int16: return fn(TypeTag<int16_t>{});
    case DType::Int32: return fn(TypeTag<int32_t>{});
    case DType::Int64: return fn(TypeTag<int64_t>{});
    case DType::Float16: return fn(TypeTag<Half>{});
    case DType::BFloat16: return fn(TypeTag<BFloat16>{});
    case DType::Float32: return fn(TypeTag<float>{});
    case DType::Float64: return fn(TypeTag<double>{});
  }
  throw_unsupported_dtype(op, dtype);
}

// Same, restricted to floating types; others throw TypeError naming `op`.
template <typename Fn>
decltype(auto) visit_floating_dtype(DType dtype, const char* op, Fn&& fn) {
  switch (dtype) {
    case DType::Float16: return fn(TypeTag<Half>{});
    case DType::BFloat16: return fn(TypeTag<BFloat16>{});
    case DType::Float32: return fn(TypeTag<float>{});
    case DType::Float64: return fn(TypeTag<double>{});
    default: throw_unsupported_dtype(op, dtype);
  }
}

}  // namespace deepseek
