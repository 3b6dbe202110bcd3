// Elementwise unary math. Transcendental ops promote integer inputs to the default float
// dtype, as PyTorch does.
#pragma once

#include <optional>
#include <string>

#include "deepseek/core/tensor.h"

namespace deepseek {

Tensor neg(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor expm1(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
// approximate: "none" (exact, erf-based) or "tanh".
Tensor gelu(const Tensor& x, const std::string& approximate = "none");
Tensor silu(const Tensor& x);
Tensor sign(const Tensor& x);
Tensor floor(const Tensor& x);
Tensor ceil(const Tensor& x);
Tensor round(const Tensor& x);
Tensor reciprocal(const Tensor& x);
Tensor erf(const Tensor& x);
Tensor square(const Tensor& x);
Tensor pow(const Tensor& x, const Scalar& exponent);
Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max);
Tensor logical_not(const Tensor& x);
Tensor isnan(const Tensor& x);
Tensor isinf(const Tensor& x);
Tensor tan(const Tensor& x);
Tensor asin(const Tensor& x);
Tensor acos(const Tensor& x);
Tensor atan(const Tensor& x);
Tensor sinh(const Tensor& x);
Tensor cosh(const Tensor& x);
Tensor log2(const Tensor& x);
Tensor log10(const Tensor& x);
Tensor exp2(const Tensor& x);
Tensor trunc(const Tensor& x);  // toward zero (PyTorch's fix)
Tensor frac(const Tensor& x);   // x - trunc(x)
Tensor isfinite(const Tensor& x);
Tensor signbit(const Tensor& x);  // bool: true for negative numbers, -0.0 and -NaN
// NaN -> nan, +inf -> posinf, -inf -> neginf; the bounds default to the dtype's largest and
// lowest finite values. Integer tensors come back unchanged.
Tensor nan_to_num(const Tensor& x, double nan = 0.0, std::optional<double> posinf = std::nullopt,
                  std::optional<double> neginf = std::nullopt);

// Bounds as tensors (broadcast against x; an undefined tensor means no bound).
Tensor clamp(const Tensor& x, const Tensor& min, const Tensor& max);

// In place (same math, written into x, version bumped). The result must cast to x's dtype:
// exp_ on an integer tensor is an error, as in PyTorch.
const Tensor& neg_(const Tensor& x);
const Tensor& abs_(const Tensor& x);
const Tensor& exp_(const Tensor& x);
const Tensor& log_(const Tensor& x);
const Tensor& log1p_(const Tensor& x);
const Tensor& expm1_(const Tensor& x);
const Tensor& sqrt_(const Tensor& x);
const Tensor& rsqrt_(const Tensor& x);
const Tensor& sin_(const Tensor& x);
const Tensor& cos_(const Tensor& x);
const Tensor& tanh_(const Tensor& x);
const Tensor& sigmoid_(const Tensor& x);
const Tensor& relu_(const Tensor& x);
const Tensor& silu_(const Tensor& x);
const Tensor& sign_(const Tensor& x);
const Tensor& floor_(const Tensor& x);
const Tensor& ceil_(const Tensor& x);
const Tensor& round_(const Tensor& x);
const Tensor& reciprocal_(const Tensor& x);
const Tensor& erf_(const Tensor& x);
const Tensor& square_(const Tensor& x);
const Tensor& logical_not_(const Tensor& x);
const Tensor& pow_(const Tensor& x, const Scalar& exponent);
const Tensor& clamp_(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max);
const Tensor& clamp_(const Tensor& x, const Tensor& min, const Tensor& max);
const Tensor& tan_(const Tensor& x);
const Tensor& asin_(const Tensor& x);
const Tensor& acos_(const Tensor& x);
const Tensor& atan_(const Tensor& x);
const Tensor& sinh_(const Tensor& x);
const Tensor& cosh_(const Tensor& x);
const Tensor& log2_(const Tensor& x);
const Tensor& log10_(const Tensor& x);
const Tensor& exp2_(const Tensor& x);
const Tensor& trunc_(const Tensor& x);
const Tensor& frac_(const Tensor& x);
const Tensor& nan_to_num_(const Tensor& x, double nan = 0.0,
                          std::optional<double> posinf = std::nullopt,
                          std::optional<double> neginf = std::nullopt);

}  // namespace deepseek
