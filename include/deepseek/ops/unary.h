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

}  // namespace deepseek
