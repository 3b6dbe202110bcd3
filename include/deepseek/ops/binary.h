// Elementwise binary ops with broadcasting and PyTorch type promotion, plus where().
#pragma once

#include <optional>
#include <string>

#include "deepseek/core/tensor.h"

namespace deepseek {

Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
Tensor mul(const Tensor& a, const Tensor& b);
// True division (integers give floats); rounding_mode "trunc" or "floor" rounds the quotient.
Tensor div(const Tensor& a, const Tensor& b, const std::optional<std::string>& rounding_mode = {});
Tensor floor_divide(const Tensor& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& base, const Tensor& exponent);
Tensor pow(const Scalar& base, const Tensor& exponent);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);
// cond ? a : b, broadcasting all three.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
// Floating results (integers compute in the default float dtype).
Tensor atan2(const Tensor& a, const Tensor& b);
Tensor hypot(const Tensor& a, const Tensor& b);
// C's fmod: the remainder of truncated division, with the sign of a.
Tensor fmod(const Tensor& a, const Tensor& b);
// |a - b| <= atol + rtol * |b| elementwise (equal values, infinities included, are close;
// NaNs only with equal_nan). a and b must share a dtype.
Tensor isclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8,
               bool equal_nan = false);
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8,
              bool equal_nan = false);
// Same shape and equal elements.
bool equal(const Tensor& a, const Tensor& b);

// In place: self op= other (other broadcast to self's shape; result cast to self's dtype,
// which must be able to hold it: int_tensor += 0.5 is an error, as in PyTorch).
const Tensor& add_(const Tensor& self, const Tensor& other, const Scalar& alpha = 1);
const Tensor& sub_(const Tensor& self, const Tensor& other, const Scalar& alpha = 1);
const Tensor& mul_(const Tensor& self, const Tensor& other);
const Tensor& div_(const Tensor& self, const Tensor& other);
const Tensor& div_(const Tensor& self, const Tensor& other,
                   const std::optional<std::string>& rounding_mode);
const Tensor& floor_divide_(const Tensor& self, const Tensor& other);
const Tensor& remainder_(const Tensor& self, const Tensor& other);
const Tensor& pow_(const Tensor& self, const Tensor& exponent);
const Tensor& maximum_(const Tensor& self, const Tensor& other);
const Tensor& minimum_(const Tensor& self, const Tensor& other);
const Tensor& logical_and_(const Tensor& self, const Tensor& other);
const Tensor& logical_or_(const Tensor& self, const Tensor& other);
const Tensor& logical_xor_(const Tensor& self, const Tensor& other);
const Tensor& atan2_(const Tensor& self, const Tensor& other);
const Tensor& hypot_(const Tensor& self, const Tensor& other);
const Tensor& fmod_(const Tensor& self, const Tensor& other);

// Operators beyond core/tensor.h's + - * /: compound assignment (in place, with the same
// castability rule as add_) and ordering comparisons (bool tensors). == and != are not
// overloaded, so Tensor stays usable where identity comparison is expected; use eq()/ne().
const Tensor& operator+=(const Tensor& a, const Tensor& b);
const Tensor& operator-=(const Tensor& a, const Tensor& b);
const Tensor& operator*=(const Tensor& a, const Tensor& b);
const Tensor& operator/=(const Tensor& a, const Tensor& b);
const Tensor& operator+=(const Tensor& a, const Scalar& b);
const Tensor& operator-=(const Tensor& a, const Scalar& b);
const Tensor& operator*=(const Tensor& a, const Scalar& b);
const Tensor& operator/=(const Tensor& a, const Scalar& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Scalar& b);
Tensor operator<=(const Tensor& a, const Scalar& b);
Tensor operator>(const Tensor& a, const Scalar& b);
Tensor operator>=(const Tensor& a, const Scalar& b);

}  // namespace deepseek
