// nn::MultiheadAttention (torch.nn.MultiheadAttention): softmax(Q K^T / sqrt(head_dim)) V per
// head over projected query/key/value, then an output projection. Parameter names follow
// PyTorch: in_proj_weight [3E, E] and in_proj_bias [3E] (or q/k/v_proj_weight when kdim or
// vdim differ from embed_dim), out_proj.weight / out_proj.bias.
//
//   nn::MultiheadAttention mha(64, 8, {.batch_first = true});
//   auto [y, weights] = mha.forward(x, x, x, {.key_padding_mask = pad, .need_weights = false});
//
// Masks use PyTorch's meaning: a bool attn_mask / key_padding_mask is true where attention
// is NOT allowed; a floating one is added to the scores. need_weights=false runs the fused
// scaled_dot_product_attention (a query row that may see no key then gives zeros, where the
// explicit path gives NaN as PyTorch does).
#pragma once

#include <memory>
#include <optional>

#include "deepseek/nn/linear.h"
#include "deepseek/nn/module.h"

namespace deepseek::nn {

struct MultiheadAttentionOptions {
  double dropout = 0.0;  // on the attention weights, while training
  bool bias = true;
  std::optional<int64_t> kdim = std::nullopt;  // default: embed_dim
  std::optional<int64_t> vdim = std::nullopt;
  bool batch_first = false;  // inputs [N, L, E] instead of [L, N, E]
};

struct MultiheadAttentionForwardOptions {
  Tensor key_padding_mask = {};      // [N, S] (or [S] unbatched): keys to ignore
  bool need_weights = true;          // also return the attention weights
  Tensor attn_mask = {};             // [L, S] or [N * num_heads, L, S]
  bool average_attn_weights = true;  // weights averaged over heads: [N, L, S]
};

struct MultiheadAttentionOutput {
  Tensor output;   // [L, N, E] ([N, L, E] if batch_first, [L, E] unbatched)
  Tensor weights;  // undefined unless need_weights
};

// PyTorch's class name for the output projection (a plain Linear), kept for identical reprs.
class NonDynamicallyQuantizableLinear : public Linear {
 public:
  using Linear::Linear;
};

class MultiheadAttention : public Module {
 public:
  MultiheadAttention(int64_t embed_dim, int64_t num_heads,
                     const MultiheadAttentionOptions& options = {});

  MultiheadAttentionOutput forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                   const MultiheadAttentionForwardOptions& options = {});
  // in_proj (or q/k/v_proj) weights xavier-uniform, biases zero; out_proj.weight as Linear.
  void reset_parameters();

  int64_t embed_dim, kdim, vdim, num_heads, head_dim;
  double dropout;
  bool batch_first;
  // Either in_proj_weight or q/k/v_proj_weight is defined; in_proj_bias unless bias=false.
  Tensor in_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight, in_proj_bias;
  std::shared_ptr<NonDynamicallyQuantizableLinear> out_proj;

 private:
  // Additive float mask broadcastable to [N, H, L, S] from attn_mask and key_padding_mask
  // (undefined when neither is given).
  Tensor merged_mask(const Tensor& attn_mask, const Tensor& key_padding_mask, int64_t batch,
                     int64_t target_len, int64_t source_len, DType dtype) const;
};

}  // namespace deepseek::nn
