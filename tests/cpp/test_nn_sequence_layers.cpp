// C++ nn sequence layers against reference formulas in basic tensor ops (float64):
// multi-head attention, transformer encoder layers and stacks, LSTM, GRU.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "deepseek/deepseek.h"
#include "tensor_testing.h"

using namespace deepseek;
using namespace tensor_testing;

namespace {
// softmax(Q K^T / sqrt(d) + mask) V per head, written out; masks as PyTorch's bool (true =
// blocked). Inputs [L, N, E]; returns output [L, N, E] and head-averaged weights [N, L, S].
std::pair<Tensor, Tensor> reference_mha(const nn::MultiheadAttention& m, const Tensor& q_in,
                                        const Tensor& k_in, const Tensor& v_in,
                                        const Tensor& blocked /* [N, 1 or H, L, S] bool */) {
  int64_t L = q_in.size(0), N = q_in.size(1), S = k_in.size(0), H = m.num_heads, d = m.head_dim;
  TensorList w = m.in_proj_weight.chunk(3), b = m.in_proj_bias.chunk(3);
  auto heads = [&](const Tensor& t, int64_t len) {
    return t.reshape({len, N, H, d}).permute({1, 2, 0, 3});
  };
  Tensor q = heads(matmul(q_in, w[0].t()) + b[0], L);
  Tensor k = heads(matmul(k_in, w[1].t()) + b[1], S);
  Tensor v = heads(matmul(v_in, w[2].t()) + b[2], S);
  Tensor scores = matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
  if (blocked.defined()) scores = scores.masked_fill(blocked, -1e300);
  Tensor e = exp(scores - scores.amax({-1}, true));
  Tensor weights = e / e.sum({-1}, true);
  Tensor out = matmul(weights, v).permute({2, 0, 1, 3}).reshape({L, N, H * d});
  return {matmul(out, m.out_proj->weight.t()) + m.out_proj->bias, weights.mean({1})};
}
}  // namespace

TEST(NNLayers, MultiheadAttentionMatchesExplicitSoftmaxAttention) {
  nn::MultiheadAttention mha(8, 2);
  mha.to(DType::Float64);
  nn::init::normal_(mha.in_proj_bias);  // zero by default; make the test see them
  nn::init::normal_(mha.out_proj->bias);
  Tensor q = randn64({4, 3, 8}), kv = randn64({5, 3, 8});
  auto [want, want_w] = reference_mha(mha, q, kv, kv, Tensor());
  auto [out, weights] = mha.forward(q, kv, kv);
  EXPECT_LT(max_abs_diff(out, want), 1e-10);
  EXPECT_LT(max_abs_diff(weights, want_w), 1e-12);
  auto fused = mha.forward(q, kv, kv, {.need_weights = false});
  EXPECT_FALSE(fused.weights.defined());
  EXPECT_LT(max_abs_diff(fused.output, want), 1e-10);

  // key_padding_mask [N, S] and a causal-style attn_mask [L, S], both true = blocked.
  Tensor padding = zeros({3, 5}, DType::Bool);
  padding.select(0, 1).narrow(0, 3, 2).fill_(true);
  Tensor attn = ones({4, 5}, DType::Bool).triu(2);
  Tensor blocked = logical_or(padding.view({3, 1, 1, 5}), attn.view({1, 1, 4, 5}));
  auto [masked_want, masked_w] = reference_mha(mha, q, kv, kv, blocked);
  for (bool need_weights : {true, false}) {
    auto r = mha.forward(
        q, kv, kv, {.key_padding_mask = padding, .need_weights = need_weights, .attn_mask = attn});
    EXPECT_LT(max_abs_diff(r.output, masked_want), 1e-10) << need_weights;
  }
  // A float mask is added to the scores: -inf blocks like true.
  Tensor additive = zeros({4, 5}, kF64).masked_fill(attn, -std::numeric_limits<double>::infinity());
  auto with_float = mha.forward(q, kv, kv, {.key_padding_mask = padding, .attn_mask = additive});
  EXPECT_LT(max_abs_diff(with_float.output, masked_want), 1e-10);
  EXPECT_LT(max_abs_diff(with_float.weights, masked_w), 1e-12);

  // batch_first and unbatched inputs are the same computation rearranged.
  nn::MultiheadAttention bf(8, 2, {.batch_first = true});
  bf.to(DType::Float64);
  bf.load_state_dict(mha.state_dict());
  EXPECT_LT(max_abs_diff(bf.forward(q.transpose(0, 1), kv.transpose(0, 1), kv.transpose(0, 1))
                             .output.transpose(0, 1),
                         want),
            1e-10);
  Tensor q0 = q.select(1, 0), kv0 = kv.select(1, 0);
  auto single = mha.forward(q0, kv0, kv0);
  EXPECT_LT(max_abs_diff(single.output, want.select(1, 0)), 1e-10);
  EXPECT_EQ(single.weights.sizes(), (Shape{4, 5}));
  EXPECT_THROW(mha.forward(randn64({4, 3, 6}), kv, kv), RuntimeError);
  EXPECT_THROW(mha.forward(q, kv, kv, {.attn_mask = zeros({4, 4}, DType::Bool)}), RuntimeError);
  EXPECT_THROW(nn::MultiheadAttention(8, 3), ValueError);
}

TEST(NNLayers, MultiheadAttentionWithSeparateKeyValueDims) {
  nn::MultiheadAttention mha(8, 2, {.kdim = 4, .vdim = 6});
  mha.to(DType::Float64);
  Tensor q = randn64({3, 2, 8}), k = randn64({5, 2, 4}), v = randn64({5, 2, 6});
  auto [out, w] = mha.forward(q, k, v);
  EXPECT_EQ(out.sizes(), (Shape{3, 2, 8}));
  // Same as packed attention whose key/value inputs were pre-projected to embed_dim.
  nn::MultiheadAttention packed(8, 2);
  packed.to(DType::Float64);
  {
    autograd::NoGradGuard no_grad;
    packed.in_proj_weight.copy_(
        cat({mha.q_proj_weight, eye(8, std::nullopt, kF64), eye(8, std::nullopt, kF64)}));
    packed.in_proj_bias.copy_(mha.in_proj_bias);
    packed.out_proj->weight.copy_(mha.out_proj->weight);
    packed.out_proj->bias.copy_(mha.out_proj->bias);
  }
  auto [want, want_w] =
      packed.forward(q, matmul(k, mha.k_proj_weight.t()), matmul(v, mha.v_proj_weight.t()));
  EXPECT_LT(max_abs_diff(out, want), 1e-10);
}

TEST(NNLayers, TransformerEncoderLayerComposesAttentionAndFeedForward) {
  Tensor x = randn64({5, 2, 8});
  for (bool norm_first : {false, true}) {
    for (const char* activation : {"relu", "gelu"}) {
      nn::TransformerEncoderLayer layer(
          8, 2, {.dim_feedforward = 16, .activation = activation, .norm_first = norm_first});
      layer.to(DType::Float64);
      layer.eval();  // dropout off
      auto sa = [&](const Tensor& t) { return layer.self_attn->forward(t, t, t).output; };
      auto ff = [&](const Tensor& t) {
        Tensor h = layer.linear1->forward(t);
        h = std::string(activation) == "gelu" ? gelu(h) : relu(h);
        return layer.linear2->forward(h);
      };
      Tensor want;
      if (norm_first) {
        Tensor h = x + sa(layer.norm1->forward(x));
        want = h + ff(layer.norm2->forward(h));
      } else {
        Tensor h = layer.norm1->forward(x + sa(x));
        want = layer.norm2->forward(h + ff(h));
      }
      EXPECT_LT(max_abs_diff(layer.forward(x), want), 1e-10) << norm_first << activation;
    }
  }
  EXPECT_THROW(nn::TransformerEncoderLayer(8, 2, {.activation = "tanh"}), RuntimeError);
}

TEST(NNLayers, TransformerEncoderStacksEqualCopiesAndAFinalNorm) {
  nn::TransformerEncoderLayer proto(8, 2, {.dim_feedforward = 16, .batch_first = true});
  proto.to(DType::Float64);
  auto norm = std::make_shared<nn::LayerNorm>(8);
  norm->to(DType::Float64);
  nn::TransformerEncoder encoder(proto, 3, norm);
  encoder.eval();
  for (int64_t i = 0; i < 3; ++i) {
    for (const auto& [key, value] : proto.state_dict()) {
      EXPECT_EQ(max_abs_diff(encoder.layer(i)->state_dict()[key], value), 0.0) << key;
    }
  }
  // Copies, not aliases: training one layer leaves the others alone.
  EXPECT_FALSE(encoder.layer(0)->linear1->weight.is_same(encoder.layer(1)->linear1->weight));
  Tensor x = randn64({2, 5, 8});
  Tensor padding = zeros({2, 5}, DType::Bool);
  padding.select(0, 0).select(0, 4).fill_(true);
  Tensor want = x;
  for (int64_t i = 0; i < 3; ++i) want = encoder.layer(i)->forward(want, Tensor(), padding);
  EXPECT_LT(max_abs_diff(encoder.forward(x, Tensor(), padding), norm->forward(want)), 1e-12);
  // Training mode: gradients reach every parameter (through the fused attention too).
  encoder.train();
  encoder.forward(x, Tensor(), padding).square().sum().backward();
  for (const auto& [name, p] : encoder.named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;
    EXPECT_GT(p.grad().abs().sum().item<double>(), 0.0) << name;
  }
}

TEST(NNLayers, LstmStepMatchesHandComputation) {
  nn::LSTM lstm(3, 4);
  lstm.to(DType::Float64);
  Tensor x = randn64({2, 5, 3}), h0 = randn64({1, 5, 4}), c0 = randn64({1, 5, 4});
  auto [out, h_n, c_n] = lstm.forward(x, h0, c0);
  Tensor w_ih = lstm.get_parameter("weight_ih_l0"), w_hh = lstm.get_parameter("weight_hh_l0");
  Tensor b = lstm.get_parameter("bias_ih_l0") + lstm.get_parameter("bias_hh_l0");
  Tensor h = h0.select(0, 0), c = c0.select(0, 0);
  for (int64_t t = 0; t < 2; ++t) {
    Tensor g = matmul(x.select(0, t), w_ih.t()) + matmul(h, w_hh.t()) + b;
    Tensor i = sigmoid(g.narrow(1, 0, 4)), f = sigmoid(g.narrow(1, 4, 4));
    Tensor gg = tanh(g.narrow(1, 8, 4)), o = sigmoid(g.narrow(1, 12, 4));
    c = f * c + i * gg;
    h = o * tanh(c);
    EXPECT_LT(max_abs_diff(out.select(0, t), h), 1e-12) << t;
  }
  EXPECT_LT(max_abs_diff(h_n.select(0, 0), h), 1e-12);
  EXPECT_LT(max_abs_diff(c_n.select(0, 0), c), 1e-12);
  EXPECT_THROW(lstm.forward(x, h0), RuntimeError);  // h0 without c0
  EXPECT_THROW(lstm.forward(x, randn64({2, 5, 4}), c0), RuntimeError);
  EXPECT_THROW(lstm.forward(randn64({2, 5, 6})), RuntimeError);
}

TEST(NNLayers, GruStepMatchesHandComputation) {
  nn::GRU gru(3, 4);
  gru.to(DType::Float64);
  Tensor x = randn64({1, 2, 3}), h0 = randn64({1, 2, 4});
  auto [out, h_n] = gru.forward(x, h0);
  Tensor gi = matmul(x.select(0, 0), gru.get_parameter("weight_ih_l0").t()) +
              gru.get_parameter("bias_ih_l0");
  Tensor gh = matmul(h0.select(0, 0), gru.get_parameter("weight_hh_l0").t()) +
              gru.get_parameter("bias_hh_l0");
  Tensor r = sigmoid(gi.narrow(1, 0, 4) + gh.narrow(1, 0, 4));
  Tensor z = sigmoid(gi.narrow(1, 4, 4) + gh.narrow(1, 4, 4));
  Tensor n = tanh(gi.narrow(1, 8, 4) + r * gh.narrow(1, 8, 4));
  Tensor want = (1.0 - z) * n + z * h0.select(0, 0);
  EXPECT_LT(max_abs_diff(out.select(0, 0), want), 1e-12);
  EXPECT_LT(max_abs_diff(h_n.select(0, 0), want), 1e-12);
}

TEST(NNLayers, RecurrentLayersStackBidirectionalAndBatchFirst) {
  nn::GRU gru(3, 4, {.num_layers = 2, .bidirectional = true});
  gru.to(DType::Float64);
  Tensor x = randn64({6, 2, 3});
  auto [out, h_n] = gru.forward(x);
  EXPECT_EQ(out.sizes(), (Shape{6, 2, 8}));
  EXPECT_EQ(h_n.sizes(), (Shape{4, 2, 4}));
  // The reverse direction of layer 0 is a forward GRU over the reversed sequence.
  nn::GRU reverse(3, 4);
  reverse.to(DType::Float64);
  reverse.load_state_dict({{"weight_ih_l0", gru.get_parameter("weight_ih_l0_reverse")},
                           {"weight_hh_l0", gru.get_parameter("weight_hh_l0_reverse")},
                           {"bias_ih_l0", gru.get_parameter("bias_ih_l0_reverse")},
                           {"bias_hh_l0", gru.get_parameter("bias_hh_l0_reverse")}});
  nn::GRU first(3, 4, {.bidirectional = true});
  first.to(DType::Float64);
  nn::StateDict layer0;
  for (const auto& [k, v] : gru.state_dict()) {
    if (k.find("_l0") != std::string::npos) layer0.insert(k, v);
  }
  first.load_state_dict(layer0);
  auto [first_out, first_h] = first.forward(x);
  auto [rev_out, rev_h] = reverse.forward(flip(x, {0}));
  EXPECT_LT(max_abs_diff(first_out.narrow(2, 4, 4), flip(rev_out, {0})), 1e-12);
  EXPECT_LT(max_abs_diff(h_n.select(0, 1), rev_h.select(0, 0)), 1e-12);

  nn::LSTM tm(3, 4, {.num_layers = 2});
  nn::LSTM bf(3, 4, {.num_layers = 2, .batch_first = true});
  tm.to(DType::Float64);
  bf.to(DType::Float64);
  bf.load_state_dict(tm.state_dict());
  auto a = tm.forward(x);
  auto b = bf.forward(x.transpose(0, 1));
  EXPECT_LT(max_abs_diff(b.output.transpose(0, 1), a.output), 1e-12);
  EXPECT_LT(max_abs_diff(b.h_n, a.h_n), 1e-12);
  auto unbatched = tm.forward(x.select(1, 0));
  EXPECT_LT(max_abs_diff(unbatched.output, a.output.select(1, 0)), 1e-12);
  EXPECT_EQ(unbatched.c_n.sizes(), (Shape{2, 4}));
  // Gradients reach every weight through the time loop.
  a.output.sum().backward();
  for (const auto& [name, p] : tm.named_parameters()) {
    EXPECT_TRUE(p.grad().defined()) << name;
  }
}
