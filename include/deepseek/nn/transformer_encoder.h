// nn::TransformerEncoder (torch.nn.TransformerEncoder): num_layers copies of an encoder
// layer (as "layers.0", "layers.1", ...; all start with the given layer's values) and an
// optional final norm.
//
//   nn::TransformerEncoder encoder(nn::TransformerEncoderLayer(64, 4, {.batch_first = true}), 2);
#pragma once

#include <memory>

#include "deepseek/nn/module_list.h"
#include "deepseek/nn/transformer_encoder_layer.h"

namespace deepseek::nn {

class TransformerEncoder : public UnaryModule {
 public:
  TransformerEncoder(const TransformerEncoderLayer& encoder_layer, int64_t num_layers,
                     std::shared_ptr<UnaryModule> norm = nullptr);

  Tensor forward(const Tensor& src, const Tensor& mask, const Tensor& src_key_padding_mask = {});
  Tensor forward(const Tensor& src) override { return forward(src, Tensor(), Tensor()); }
  // The i-th layer (negative counts from the end).
  std::shared_ptr<TransformerEncoderLayer> layer(int64_t index) const {
    return layers->at<TransformerEncoderLayer>(index);
  }

  int64_t num_layers;
  std::shared_ptr<ModuleList> layers;
  std::shared_ptr<UnaryModule> norm;  // may be null
};

}  // namespace deepseek::nn
