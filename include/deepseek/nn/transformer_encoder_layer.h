// nn::TransformerEncoderLayer (torch.nn.TransformerEncoderLayer): self-attention and a
// feed-forward block, each with dropout, a residual connection and LayerNorm (after the
// residual by default, before the block with norm_first). Children and parameter names
// match PyTorch's: self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2.
#pragma once

#include <memory>
#include <string>

#include "deepseek/nn/dropout.h"
#include "deepseek/nn/layer_norm.h"
#include "deepseek/nn/linear.h"
#include "deepseek/nn/multihead_attention.h"

namespace deepseek::nn {

struct TransformerEncoderLayerOptions {
  int64_t dim_feedforward = 2048;
  double dropout = 0.1;
  std::string activation = "relu";  // or "gelu"
  double layer_norm_eps = 1e-5;
  bool batch_first = false;
  bool norm_first = false;
};

class TransformerEncoderLayer : public UnaryModule {
 public:
  TransformerEncoderLayer(int64_t d_model, int64_t nhead,
                          const TransformerEncoderLayerOptions& options = {});

  // src [S, N, E] ([N, S, E] if batch_first); masks as MultiheadAttention takes them.
  Tensor forward(const Tensor& src, const Tensor& src_mask,
                 const Tensor& src_key_padding_mask = {});
  Tensor forward(const Tensor& src) override { return forward(src, Tensor(), Tensor()); }
  // A new layer with the same settings, values, dtype, device and mode (TransformerEncoder
  // stacks copies, so every layer starts equal, as PyTorch's deep copies do).
  std::shared_ptr<TransformerEncoderLayer> clone() const;

  int64_t d_model, nhead;
  TransformerEncoderLayerOptions options;
  std::shared_ptr<MultiheadAttention> self_attn;
  std::shared_ptr<Linear> linear1;
  std::shared_ptr<Dropout> dropout;
  std::shared_ptr<Linear> linear2;
  std::shared_ptr<LayerNorm> norm1, norm2;
  std::shared_ptr<Dropout> dropout1, dropout2;

 private:
  Tensor self_attention_block(const Tensor& x, const Tensor& mask, const Tensor& padding_mask);
  Tensor feed_forward_block(const Tensor& x);
};

}  // namespace deepseek::nn
