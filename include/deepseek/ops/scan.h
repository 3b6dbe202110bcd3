// Cumulative ops along one dim: running sums, products, maxima and minima.
#pragma once

#include <optional>
#include <tuple>

#include "deepseek/core/tensor.h"

namespace deepseek {

// Integer and bool inputs accumulate as int64 unless `dtype` says otherwise; the input is
// converted to `dtype` first, as in PyTorch.
Tensor cumsum(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
Tensor cumprod(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
// Running extreme and the index where it was found (the later one on ties; NaN wins).
std::tuple<Tensor, Tensor> cummax(const Tensor& x, int64_t dim);
std::tuple<Tensor, Tensor> cummin(const Tensor& x, int64_t dim);

// In place: x = cumsum(x, dim) / cumprod(x, dim), keeping x's dtype.
const Tensor& cumsum_(const Tensor& x, int64_t dim);
const Tensor& cumprod_(const Tensor& x, int64_t dim);

}  // namespace deepseek
