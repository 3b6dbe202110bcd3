#include "deepseek/core/scalar.h"

#include <fmt/format.h>

namespace deepseek {

DType Scalar::dtype() const {
  switch (kind_) {
    case Kind::Bool: return DType::Bool;
    case Kind::Int: return DType::Int64;
    case Kind::Float: return default_float_dtype();
  }
  return DType::Float32;
}

std::string Scalar::to_string() const {
  switch (kind_) {
    case Kind::Bool: return i_ ? "True" : "False";
    case Kind::Int: return std::to_string(i_);
    case Kind::Float: return fmt::format("{}", d_);
  }
  return "";
}

}  // namespace deepseek
