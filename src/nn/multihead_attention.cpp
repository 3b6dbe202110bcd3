#include "deepseek/nn/multihead_attention.h"

#include <cmath>
#include <limits>

#include "deepseek/nn/init.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/linalg.h"
#include "deepseek/ops/nn_attention.h"
#include "deepseek/ops/nn_dropout.h"
#include "deepseek/ops/softmax.h"

namespace deepseek::nn {

MultiheadAttention::MultiheadAttention(int64_t embed_dim, int64_t num_heads,
                                       const MultiheadAttentionOptions& options)
    : embed_dim(embed_dim),
      kdim(options.kdim.value_or(embed_dim)),
      vdim(options.vdim.value_or(embed_dim)),
      num_heads(num_heads),
      head_dim(num_heads > 0 ? embed_dim / num_heads : 0),
      dropout(options.dropout),
      batch_first(options.batch_first) {
  DS_CHECK(embed_dim > 0 && num_heads > 0, ValueError,
           "embed_dim and num_heads must be greater than 0, got embed_dim={} and num_heads={} "
           "instead",
           embed_dim, num_heads);
  DS_CHECK(head_dim * num_heads == embed_dim, ValueError,
           "embed_dim must be divisible by num_heads");
  DS_CHECK(dropout >= 0.0 && dropout <= 1.0, ValueError,
           "dropout probability has to be between 0 and 1, but got {}", dropout);
  if (kdim == embed_dim && vdim == embed_dim) {
    in_proj_weight = register_parameter("in_proj_weight", empty({3 * embed_dim, embed_dim}));
    register_parameter("q_proj_weight", Tensor());
    register_parameter("k_proj_weight", Tensor());
    register_parameter("v_proj_weight", Tensor());
  } else {
    q_proj_weight = register_parameter("q_proj_weight", empty({embed_dim, embed_dim}));
    k_proj_weight = register_parameter("k_proj_weight", empty({embed_dim, kdim}));
    v_proj_weight = register_parameter("v_proj_weight", empty({embed_dim, vdim}));
    register_parameter("in_proj_weight", Tensor());
  }
  in_proj_bias =
      register_parameter("in_proj_bias", options.bias ? empty({3 * embed_dim}) : Tensor());
  out_proj = register_module("out_proj",
                             NonDynamicallyQuantizableLinear(embed_dim, embed_dim, options.bias));
  reset_parameters();
}

void MultiheadAttention::reset_parameters() {
  if (in_proj_weight.defined()) {
    init::xavier_uniform_(in_proj_weight);
  } else {
    init::xavier_uniform_(q_proj_weight);
    init::xavier_uniform_(k_proj_weight);
    init::xavier_uniform_(v_proj_weight);
  }
  if (in_proj_bias.defined()) {
    init::zeros_(in_proj_bias);
    init::zeros_(out_proj->bias);
  }
}

namespace {

// PyTorch's convention (bool true = masked out) as an additive float mask.
Tensor additive_mask(const Tensor& mask, DType dtype, const char* what) {
  if (mask.dtype() == DType::Bool) {
    return masked_fill(zeros_like(mask, TensorOptions(dtype)), mask,
                       -std::numeric_limits<double>::infinity());
  }
  DS_CHECK(is_floating(mask.dtype()), TypeError,
           "MultiheadAttention: only bool and floating types of {} are supported, got {}", what,
           dtype_name(mask.dtype()));
  return mask.to(dtype);
}

// [T, N, E] -> [N, H, T, head_dim]
Tensor split_heads(const Tensor& x, int64_t heads) {
  int64_t t = x.size(0), n = x.size(1);
  return x.reshape({t, n, heads, x.size(2) / heads}).permute({1, 2, 0, 3});
}

}  // namespace

Tensor MultiheadAttention::merged_mask(const Tensor& attn_mask, const Tensor& key_padding_mask,
                                       int64_t batch, int64_t target_len, int64_t source_len,
                                       DType dtype) const {
  Tensor merged;
  if (attn_mask.defined()) {
    Tensor mask = additive_mask(attn_mask, dtype, "attn_mask");
    if (mask.dim() == 2) {
      DS_CHECK(mask.sizes() == Shape({target_len, source_len}), RuntimeError,
               "The shape of the 2D attn_mask is {}, but should be {}.", shape_str(mask.sizes()),
               shape_str({target_len, source_len}));
      merged = mask.view({1, 1, target_len, source_len});
    } else {
      DS_CHECK(mask.dim() == 3, RuntimeError, "attn_mask's dimension {} is not supported",
               mask.dim());
      Shape expected{batch * num_heads, target_len, source_len};
      DS_CHECK(mask.sizes() == expected, RuntimeError,
               "The shape of the 3D attn_mask is {}, but should be {}.", shape_str(mask.sizes()),
               shape_str(expected));
      merged = mask.reshape({batch, num_heads, target_len, source_len});
    }
  }
  if (key_padding_mask.defined()) {
    DS_CHECK(key_padding_mask.sizes() == Shape({batch, source_len}), RuntimeError,
             "expected shape of key_padding_mask to be {}, but got {}",
             shape_str({batch, source_len}), shape_str(key_padding_mask.sizes()));
    Tensor mask =
        additive_mask(key_padding_mask, dtype, "key_padding_mask").view({batch, 1, 1, source_len});
    merged = merged.defined() ? merged + mask : mask;
  }
  return merged;
}

MultiheadAttentionOutput MultiheadAttention::forward(
    const Tensor& query, const Tensor& key, const Tensor& value,
    const MultiheadAttentionForwardOptions& options) {
  DS_CHECK(query.dim() == 3 || query.dim() == 2, RuntimeError,
           "MultiheadAttention: query should be unbatched 2D or batched 3D tensor but received "
           "{}-D query tensor",
           query.dim());
  DS_CHECK(key.dim() == query.dim() && value.dim() == query.dim(), RuntimeError,
           "MultiheadAttention: query, key and value must have the same number of dims, got {}, "
           "{} and {}",
           query.dim(), key.dim(), value.dim());
  const bool batched = query.dim() == 3;
  Tensor q = query, k = key, v = value, key_padding_mask = options.key_padding_mask;
  if (!batched) {
    q = q.unsqueeze(1), k = k.unsqueeze(1), v = v.unsqueeze(1);
    if (key_padding_mask.defined()) key_padding_mask = key_padding_mask.unsqueeze(0);
  } else if (batch_first) {
    q = q.transpose(0, 1), k = k.transpose(0, 1), v = v.transpose(0, 1);
  }
  const int64_t target_len = q.size(0), batch = q.size(1), source_len = k.size(0);
  DS_CHECK(q.size(2) == embed_dim, RuntimeError,
           "was expecting embedding dimension of {}, but got {}", embed_dim, q.size(2));
  DS_CHECK(k.size(0) == v.size(0) && k.size(1) == v.size(1) && k.size(1) == batch, RuntimeError,
           "key shape {} does not match value shape {} (or the query's batch {})",
           shape_str(k.sizes()), shape_str(v.sizes()), batch);

  Tensor b_q, b_k, b_v;
  if (in_proj_bias.defined()) {
    TensorList b = in_proj_bias.chunk(3);
    b_q = b[0], b_k = b[1], b_v = b[2];
  }
  if (in_proj_weight.defined()) {
    TensorList w = in_proj_weight.chunk(3);
    q = linear(q, w[0], b_q), k = linear(k, w[1], b_k), v = linear(v, w[2], b_v);
  } else {
    q = linear(q, q_proj_weight, b_q), k = linear(k, k_proj_weight, b_k);
    v = linear(v, v_proj_weight, b_v);
  }
  q = split_heads(q, num_heads), k = split_heads(k, num_heads), v = split_heads(v, num_heads);
  Tensor mask =
      merged_mask(options.attn_mask, key_padding_mask, batch, target_len, source_len, q.dtype());
  const double dropout_p = is_training() ? dropout : 0.0;

  Tensor attended, weights;  // [N, H, L, head_dim], [N, H, L, S]
  if (options.need_weights) {
    Tensor scores =
        matmul(q * (1.0 / std::sqrt(static_cast<double>(head_dim))), k.transpose(-2, -1));
    if (mask.defined()) scores = scores + mask;
    weights = softmax(scores, -1);
    if (dropout_p > 0.0) weights = deepseek::dropout(weights, dropout_p, true);
    attended = matmul(weights, v);
    if (options.average_attn_weights) weights = weights.mean({1});
    if (!batched) weights = weights.squeeze(0);
  } else {
    attended = scaled_dot_product_attention(q, k, v, mask, dropout_p);
  }
  Tensor out = attended.permute({2, 0, 1, 3}).reshape({target_len, batch, embed_dim});
  out = out_proj->forward(out);
  if (!batched) {
    out = out.squeeze(1);
  } else if (batch_first) {
    out = out.transpose(0, 1);
  }
  return {out, weights};
}

}  // namespace deepseek::nn
