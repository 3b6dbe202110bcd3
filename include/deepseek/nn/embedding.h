// nn::Embedding (torch.nn.Embedding): a lookup table weight [num_embeddings, embedding_dim]
// initialised from N(0, 1); the padding_idx row starts at zero and receives no gradient.
#pragma once

#include <optional>

#include "deepseek/nn/module.h"

namespace deepseek::nn {

struct EmbeddingOptions {
  std::optional<int64_t> padding_idx = std::nullopt;  // negative counts from the end
  std::optional<double> max_norm = std::nullopt;      // renormalise looked-up rows above it
  double norm_type = 2.0;
  bool scale_grad_by_freq = false;
};

class Embedding : public UnaryModule {
 public:
  Embedding(int64_t num_embeddings, int64_t embedding_dim, const EmbeddingOptions& options = {});
  // A layer holding a copy of `embeddings` [num, dim]; freeze keeps it from training.
  static Embedding from_pretrained(const Tensor& embeddings, bool freeze = true,
                                   const EmbeddingOptions& options = {});

  Tensor forward(const Tensor& input) override;
  void reset_parameters();
  std::string extra_repr() const override;

  int64_t num_embeddings, embedding_dim;
  EmbeddingOptions options;  // padding_idx, if any, is stored non-negative
  Tensor weight;
};

}  // namespace deepseek::nn
