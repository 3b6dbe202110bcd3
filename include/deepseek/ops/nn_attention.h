// Scaled dot-product attention (torch.nn.functional.scaled_dot_product_attention) on a
// memory-efficient kernel: the Tq x Tk score matrix is never materialised.
#pragma once

#include <optional>

#include "deepseek/core/generator.h"
#include "deepseek/core/tensor.h"

namespace deepseek {

// softmax(q k^T * scale + mask) v over q [..., Tq, D], k [..., Tk, D], v [..., Tk, Dv] (the
// leading dims broadcast). attn_mask: bool (true = attend) or additive floating, of q's
// dtype, broadcastable to [..., Tq, Tk]; gradients flow into a floating mask. is_causal:
// query i sees keys j <= i (top-left aligned when Tq != Tk). window_size > 0 (an
// extension): query i sees only keys i - window_size < j <= i (a causal sliding window,
// implying is_causal). scale defaults to 1 / sqrt(D). dropout_p drops attention weights
// with the Philox generator. Rows that see no key give zeros.
// The backward pass is not differentiable again (double backward raises).
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    const Tensor& attn_mask = {}, double dropout_p = 0.0,
                                    bool is_causal = false,
                                    std::optional<double> scale = std::nullopt,
                                    int64_t window_size = 0, Generator* gen = nullptr);

}  // namespace deepseek
