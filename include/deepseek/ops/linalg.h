// Matrix products (CPU: oneDNN; CUDA: cuBLAS).
#pragma once

#include <optional>

#include "deepseek/core/tensor.h"

namespace deepseek {

// numpy/PyTorch matmul: 1-D operands get a dim added and removed; batch dims broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor mm(const Tensor& a, const Tensor& b);    // [M, K] @ [K, N]
Tensor bmm(const Tensor& a, const Tensor& b);   // [B, M, K] @ [B, K, N]
Tensor dot(const Tensor& a, const Tensor& b);   // 1-D . 1-D -> 0-dim
// beta * input + alpha * (m1 @ m2)
Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, const Scalar& beta = 1,
             const Scalar& alpha = 1);
// beta * input + alpha * (b1 @ b2), batched: b1 [B, M, K], b2 [B, K, N].
Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, const Scalar& beta = 1,
               const Scalar& alpha = 1);
// beta * input + alpha * sum over b of (b1[b] @ b2[b]).
Tensor addbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, const Scalar& beta = 1,
              const Scalar& alpha = 1);
// Cross product of 3-vectors along dim (broadcasting a and b); no dim: the first of size 3.
Tensor cross(const Tensor& a, const Tensor& b, std::optional<int64_t> dim = std::nullopt);
// x @ weight^T + bias, weight [out_features, in_features].
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});
Tensor outer(const Tensor& a, const Tensor& b);

}  // namespace deepseek
