#include "deepseek/nn/transformer_encoder_layer.h"

#include "deepseek/ops/unary.h"

namespace deepseek::nn {

TransformerEncoderLayer::TransformerEncoderLayer(int64_t d_model, int64_t nhead,
                                                 const TransformerEncoderLayerOptions& options)
    : d_model(d_model), nhead(nhead), options(options) {
  DS_CHECK(options.activation == "relu" || options.activation == "gelu", RuntimeError,
           "activation should be relu/gelu, not {}", options.activation);
  self_attn = register_module(
      "self_attn",
      MultiheadAttention(d_model, nhead,
                         {.dropout = options.dropout, .batch_first = options.batch_first}));
  linear1 = register_module("linear1", Linear(d_model, options.dim_feedforward));
  dropout = register_module("dropout", Dropout(options.dropout));
  linear2 = register_module("linear2", Linear(options.dim_feedforward, d_model));
  norm1 = register_module("norm1", LayerNorm(d_model, {.eps = options.layer_norm_eps}));
  norm2 = register_module("norm2", LayerNorm(d_model, {.eps = options.layer_norm_eps}));
  dropout1 = register_module("dropout1", Dropout(options.dropout));
  dropout2 = register_module("dropout2", Dropout(options.dropout));
}

Tensor TransformerEncoderLayer::self_attention_block(const Tensor& x, const Tensor& mask,
                                                     const Tensor& padding_mask) {
  Tensor attended =
      self_attn
          ->forward(x, x, x,
                    {.key_padding_mask = padding_mask, .need_weights = false, .attn_mask = mask})
          .output;
  return dropout1->forward(attended);
}

Tensor TransformerEncoderLayer::feed_forward_block(const Tensor& x) {
  Tensor hidden = linear1->forward(x);
  hidden = options.activation == "gelu" ? gelu(hidden) : relu(hidden);
  return dropout2->forward(linear2->forward(dropout->forward(hidden)));
}

Tensor TransformerEncoderLayer::forward(const Tensor& src, const Tensor& src_mask,
                                        const Tensor& src_key_padding_mask) {
  Tensor x = src;
  if (options.norm_first) {
    x = x + self_attention_block(norm1->forward(x), src_mask, src_key_padding_mask);
    return x + feed_forward_block(norm2->forward(x));
  }
  x = norm1->forward(x + self_attention_block(x, src_mask, src_key_padding_mask));
  return norm2->forward(x + feed_forward_block(x));
}

std::shared_ptr<TransformerEncoderLayer> TransformerEncoderLayer::clone() const {
  auto copy = std::make_shared<TransformerEncoderLayer>(d_model, nhead, options);
  const Tensor& reference = linear1->weight;
  copy->to(reference.device(), reference.dtype());
  copy->load_state_dict(state_dict());
  copy->train(is_training());
  return copy;
}

}  // namespace deepseek::nn
