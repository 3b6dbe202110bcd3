#include "deepseek/nn/embedding.h"

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/nn/init.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/nn_embedding.h"
#include "python_repr.h"

namespace deepseek::nn {

Embedding::Embedding(int64_t num_embeddings, int64_t embedding_dim, const EmbeddingOptions& options)
    : num_embeddings(num_embeddings), embedding_dim(embedding_dim), options(options) {
  DS_CHECK(num_embeddings >= 0 && embedding_dim >= 0, ValueError,
           "Embedding: num_embeddings and embedding_dim must be non-negative, got {} and {}",
           num_embeddings, embedding_dim);
  if (std::optional<int64_t>& idx = this->options.padding_idx) {
    DS_CHECK(*idx < num_embeddings && *idx >= -num_embeddings, ValueError,
             "Padding_idx must be within num_embeddings (got padding_idx={} for {} embeddings)",
             *idx, num_embeddings);
    if (*idx < 0) *idx += num_embeddings;
  }
  weight = register_parameter("weight", empty({num_embeddings, embedding_dim}));
  reset_parameters();
}

Embedding Embedding::from_pretrained(const Tensor& embeddings, bool freeze,
                                     const EmbeddingOptions& options) {
  DS_CHECK(embeddings.dim() == 2, ValueError,
           "Embeddings parameter is expected to be 2-dimensional, got {}-D", embeddings.dim());
  Embedding layer(embeddings.size(0), embeddings.size(1), options);
  if (is_floating(embeddings.dtype())) layer.to(embeddings.device(), embeddings.dtype());
  {
    autograd::NoGradGuard no_grad;
    layer.weight.copy_(embeddings);
  }
  layer.weight.requires_grad_(!freeze);
  return layer;
}

void Embedding::reset_parameters() {
  init::normal_(weight);
  if (options.padding_idx) {
    autograd::NoGradGuard no_grad;
    weight.select(0, *options.padding_idx).zero_();
  }
}

Tensor Embedding::forward(const Tensor& input) {
  return embedding(input, weight, options.padding_idx, options.max_norm, options.norm_type,
                   options.scale_grad_by_freq);
}

std::string Embedding::extra_repr() const {
  std::string s = fmt::format("{}, {}", num_embeddings, embedding_dim);
  if (options.padding_idx) s += fmt::format(", padding_idx={}", *options.padding_idx);
  if (options.max_norm) s += ", max_norm=" + detail::py_float(*options.max_norm);
  if (options.norm_type != 2.0) s += ", norm_type=" + detail::py_float(options.norm_type);
  if (options.scale_grad_by_freq) s += ", scale_grad_by_freq=True";
  return s;
}

}  // namespace deepseek::nn
