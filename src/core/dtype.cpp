#include "deepseek/core/dtype.h"

#include <array>
#include <unordered_map>

#include "deepseek/core/error.h"

namespace deepseek {

size_t itemsize(DType dtype) {
  switch (dtype) {
    case DType::Bool:
    case DType::UInt8:
    case DType::Int8: return 1;
    case DType::Int16:
    case DType::Float16:
    case DType::BFloat16: return 2;
    case DType::Int32:
    case DType::Float32: return 4;
    case DType::Int64:
    case DType::Float64: return 8;
  }
  return 0;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Bool: return "bool";
    case DType::UInt8: return "uint8";
    case DType::Int8: return "int8";
    case DType::Int16: return "int16";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::Float16: return "float16";
    case DType::BFloat16: return "bfloat16";
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
  }
  return "unknown";
}

DType dtype_from_name(const std::string& name) {
  static const std::unordered_map<std::string, DType> names = {
      {"bool", DType::Bool},         {"uint8", DType::UInt8},     {"int8", DType::Int8},
      {"int16", DType::Int16},       {"short", DType::Int16},     {"int32", DType::Int32},
      {"int", DType::Int32},         {"int64", DType::Int64},     {"long", DType::Int64},
      {"float16", DType::Float16},   {"half", DType::Float16},    {"bfloat16", DType::BFloat16},
      {"float32", DType::Float32},   {"float", DType::Float32},   {"float64", DType::Float64},
      {"double", DType::Float64},
  };
  auto it = names.find(name);
  DS_CHECK(it != names.end(), ValueError, "unknown dtype '{}'", name);
  return it->second;
}

DType promote_types(DType a, DType b) {
  if (a == b) return a;
  // Same lattice as PyTorch's promoteTypes for these ten types.
  constexpr DType b1 = DType::Bool, u1 = DType::UInt8, i1 = DType::Int8, i2 = DType::Int16,
                  i4 = DType::Int32, i8 = DType::Int64, f2 = DType::Float16,
                  bf = DType::BFloat16, f4 = DType::Float32, f8 = DType::Float64;
  static constexpr DType table[kNumDTypes][kNumDTypes] = {
      /*        b1  u1  i1  i2  i4  i8  f2  bf  f4  f8 */
      /* b1 */ {b1, u1, i1, i2, i4, i8, f2, bf, f4, f8},
      /* u1 */ {u1, u1, i2, i2, i4, i8, f2, bf, f4, f8},
      /* i1 */ {i1, i2, i1, i2, i4, i8, f2, bf, f4, f8},
      /* i2 */ {i2, i2, i2, i2, i4, i8, f2, bf, f4, f8},
      /* i4 */ {i4, i4, i4, i4, i4, i8, f2, bf, f4, f8},
      /* i8 */ {i8, i8, i8, i8, i8, i8, f2, bf, f4, f8},
      /* f2 */ {f2, f2, f2, f2, f2, f2, f2, f4, f4, f8},
      /* bf */ {bf, bf, bf, bf, bf, bf, f4, bf, f4, f8},
      /* f4 */ {f4, f4, f4, f4, f4, f4, f4, f4, f4, f8},
      /* f8 */ {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
  };
  return table[static_cast<int>(a)][static_cast<int>(b)];
}

namespace {
DType g_default_float = DType::Float32;
}

DType default_float_dtype() { return g_default_float; }

void set_default_float_dtype(DType dtype) {
  DS_CHECK(is_floating(dtype), TypeError,
           "set_default_dtype: only floating point types are supported, got {}",
           dtype_name(dtype));
  g_default_float = dtype;
}

void throw_unsupported_dtype(const char* op, DType dtype) {
  DS_THROW(TypeError, "{}: not implemented for dtype {}", op, dtype_name(dtype));
}

}  // namespace deepseek
