// A number that is not a tensor: a Python int/float/bool or a C++ literal. Its kind takes
// part in type promotion with PyTorch's "wrapped number" rules.
#pragma once

#include <cstdint>
#include <string>

#include "deepseek/core/dtype.h"

namespace deepseek {

class Scalar {
 public:
  enum class Kind : uint8_t { Bool, Int, Float };

  Scalar() : Scalar(int64_t{0}) {}
  Scalar(bool v) : kind_(Kind::Bool), i_(v), d_(v) {}  // NOLINT: literals convert implicitly
  Scalar(int v) : Scalar(Kind::Int, v, static_cast<double>(v)) {}        // NOLINT
  Scalar(long v) : Scalar(Kind::Int, v, static_cast<double>(v)) {}       // NOLINT
  Scalar(long long v) : Scalar(Kind::Int, v, static_cast<double>(v)) {}  // NOLINT
  Scalar(unsigned v) : Scalar(Kind::Int, v, static_cast<double>(v)) {}   // NOLINT
  Scalar(float v) : Scalar(static_cast<double>(v)) {}                    // NOLINT
  Scalar(double v) : kind_(Kind::Float), i_(0), d_(v) {}                 // NOLINT

  Kind kind() const { return kind_; }
  bool is_floating() const { return kind_ == Kind::Float; }
  bool is_integral() const { return kind_ == Kind::Int; }
  bool is_bool() const { return kind_ == Kind::Bool; }

  double to_double() const { return d_; }
  int64_t to_int() const { return kind_ == Kind::Float ? static_cast<int64_t>(d_) : i_; }
  bool to_bool() const { return kind_ == Kind::Float ? d_ != 0.0 : i_ != 0; }
  template <typename T>
  T to() const {
    if constexpr (std::is_same_v<T, bool>) {
      return to_bool();
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(to_int());
    } else if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
      return T(static_cast<float>(d_));
    } else {
      return static_cast<T>(d_);
    }
  }

  // The dtype a 0-dim tensor holding this value gets: bool, int64 or the default float.
  DType dtype() const;
  std::string to_string() const;

 private:
  Scalar(Kind k, int64_t i, double d) : kind_(k), i_(i), d_(d) {}
  Kind kind_;
  int64_t i_;
  double d_;
};

}  // namespace deepseek
