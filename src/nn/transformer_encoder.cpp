#include "deepseek/nn/transformer_encoder.h"

namespace deepseek::nn {

TransformerEncoder::TransformerEncoder(const TransformerEncoderLayer& encoder_layer,
                                       int64_t num_layers, std::shared_ptr<UnaryModule> norm)
    : num_layers(num_layers), norm(std::move(norm)) {
  DS_CHECK(num_layers >= 0, ValueError, "TransformerEncoder: num_layers must be >= 0, got {}",
           num_layers);
  layers = register_module("layers", ModuleList());
  for (int64_t i = 0; i < num_layers; ++i) layers->push_back(encoder_layer.clone());
  if (this->norm) register_module("norm", this->norm);
}

Tensor TransformerEncoder::forward(const Tensor& src, const Tensor& mask,
                                   const Tensor& src_key_padding_mask) {
  Tensor output = src;
  for (int64_t i = 0; i < num_layers; ++i) {
    output = layer(i)->forward(output, mask, src_key_padding_mask);
  }
  return norm ? norm->forward(output) : output;
}

}  // namespace deepseek::nn
