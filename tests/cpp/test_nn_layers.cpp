// C++ nn layers without a time axis, each against a reference formula in basic tensor ops
// (float64): linear, convolution, normalisation, embedding, activations, pooling, losses;
// then default initialisation and a small MLP trained end to end.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "deepseek/deepseek.h"
#include "tensor_testing.h"

using namespace deepseek;
using namespace tensor_testing;

// ---------------------------------------------------------------- layers vs formulas (float64)

TEST(NNLayers, LinearIsXWTransposePlusBias) {
  nn::Linear fc(5, 3);
  fc.to(DType::Float64);
  Tensor x = randn64({2, 7, 5});
  EXPECT_LT(max_abs_diff(fc.forward(x), matmul(x, fc.weight.t()) + fc.bias), 1e-12);
  nn::Linear no_bias(5, 3, false);
  no_bias.to(DType::Float64);
  EXPECT_LT(max_abs_diff(no_bias.forward(x), matmul(x, no_bias.weight.t())), 1e-12);
}

namespace {
// Direct 2-D convolution from strided slices: out = sum over kernel taps of
// x_padded[.., tap::stride] contracted with weight[:, :, tap] (groups handled per group).
Tensor reference_conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                        int64_t pad_amount, int64_t dilation, int64_t groups) {
  Tensor xp = pad(x, {pad_amount, pad_amount, pad_amount, pad_amount});
  int64_t kh = w.size(2), kw = w.size(3);
  int64_t ho = (xp.size(2) - dilation * (kh - 1) - 1) / stride + 1;
  int64_t wo = (xp.size(3) - dilation * (kw - 1) - 1) / stride + 1;
  int64_t cin = w.size(1), cout = w.size(0) / groups;
  TensorList outs;
  for (int64_t g = 0; g < groups; ++g) {
    Tensor xg = xp.narrow(1, g * cin, cin), wg = w.narrow(0, g * cout, cout);
    Tensor acc;
    for (int64_t i = 0; i < kh; ++i) {
      for (int64_t j = 0; j < kw; ++j) {
        Tensor patch = xg.slice(2, i * dilation, i * dilation + stride * (ho - 1) + 1, stride)
                           .slice(3, j * dilation, j * dilation + stride * (wo - 1) + 1, stride);
        Tensor term = matmul(patch.permute({0, 2, 3, 1}), wg.select(3, j).select(2, i).t());
        acc = acc.defined() ? acc + term : term;
      }
    }
    outs.push_back(acc.permute({0, 3, 1, 2}));
  }
  Tensor out = cat(outs, 1);
  return b.defined() ? out + b.view({1, -1, 1, 1}) : out;
}
}  // namespace

TEST(NNLayers, Conv2dMatchesDirectConvolution) {
  Tensor x = randn64({2, 4, 9, 8});
  nn::Conv2d conv(4, 6, 3, {.stride = 2, .padding = 1});
  conv.to(DType::Float64);
  EXPECT_LT(max_abs_diff(conv.forward(x), reference_conv2d(x, conv.weight, conv.bias, 2, 1, 1, 1)),
            1e-10);
  nn::Conv2d grouped(4, 6, 3, {.padding = 2, .dilation = 2, .groups = 2, .bias = false});
  grouped.to(DType::Float64);
  EXPECT_LT(
      max_abs_diff(grouped.forward(x), reference_conv2d(x, grouped.weight, Tensor(), 1, 2, 2, 2)),
      1e-10);
  // A non-zero padding mode pads the input explicitly, then convolves without padding.
  nn::Conv2d reflect(4, 2, 3, {.padding = 1, .padding_mode = "reflect"});
  reflect.to(DType::Float64);
  EXPECT_LT(
      max_abs_diff(reflect.forward(x), reference_conv2d(pad(x, {1, 1, 1, 1}, "reflect"),
                                                        reflect.weight, reflect.bias, 1, 0, 1, 1)),
      1e-10);
  nn::Conv2d same(4, 2, {3, 5}, {.padding = "same"});
  EXPECT_EQ(same.forward(randn({1, 4, 7, 6})).sizes(), (Shape{1, 2, 7, 6}));
  EXPECT_THROW(nn::Conv2d(4, 2, 3, {.stride = 2, .padding = "same"}), ValueError);
  EXPECT_THROW(nn::Conv2d(3, 2, 3, {.groups = 2}), ValueError);
}

TEST(NNLayers, Conv1dMatchesDirectConvolution) {
  Tensor x = randn64({2, 3, 11});
  nn::Conv1d conv(3, 4, 3, {.stride = 2, .padding = 1});
  conv.to(DType::Float64);
  // A 1-D convolution is a 2-D one over a height-1 image.
  Tensor want =
      reference_conv2d(pad(x, {1, 1}).unsqueeze(2), conv.weight.unsqueeze(2), conv.bias, 2, 0, 1, 1)
          .squeeze(2);
  EXPECT_LT(max_abs_diff(conv.forward(x), want), 1e-10);
}

TEST(NNLayers, BatchNormTrainsOnBatchStatisticsAndEvaluatesOnRunningOnes) {
  nn::BatchNorm2d bn(3);
  bn.to(DType::Float64);
  nn::init::normal_(bn.weight);  // non-trivial affine
  nn::init::normal_(bn.bias);
  Tensor x = randn64({4, 3, 5, 5}) * 2.0 + 1.0;
  Tensor mean = x.mean({0, 2, 3}, true), var = x.var({0, 2, 3}, 0, true);
  Tensor w = bn.weight.view({1, 3, 1, 1}), b = bn.bias.view({1, 3, 1, 1});
  Tensor want = (x - mean) / (var + 1e-5).sqrt() * w + b;
  EXPECT_LT(max_abs_diff(bn.forward(x), want), 1e-10);
  EXPECT_LT(max_abs_diff(bn.running_mean, mean.flatten() * 0.1), 1e-12);
  Tensor unbiased = x.var({0, 2, 3}, 1);
  EXPECT_LT(max_abs_diff(bn.running_var, unbiased * 0.1 + 0.9), 1e-12);
  EXPECT_EQ(bn.num_batches_tracked.item<int64_t>(), 1);
  bn.eval();
  Tensor rm = bn.running_mean.view({1, 3, 1, 1}), rv = bn.running_var.view({1, 3, 1, 1});
  EXPECT_LT(max_abs_diff(bn.forward(x), (x - rm) / (rv + 1e-5).sqrt() * w + b), 1e-10);
  EXPECT_EQ(bn.num_batches_tracked.item<int64_t>(), 1);  // eval does not count batches
  EXPECT_THROW(bn.forward(randn64({2, 3, 4})), ValueError);

  // momentum=None: a cumulative average of the batch means.
  nn::BatchNorm1d avg(2, {.momentum = std::nullopt});
  avg.to(DType::Float64);
  Tensor a = randn64({6, 2}), c = randn64({6, 2});
  avg.forward(a);
  avg.forward(c);
  EXPECT_LT(max_abs_diff(avg.running_mean, (a.mean({0}) + c.mean({0})) / 2.0), 1e-12);
  // Without running statistics, eval mode still normalises with the batch's.
  nn::BatchNorm1d stateless(2, {.affine = false, .track_running_stats = false});
  stateless.eval();
  Tensor y = stateless.forward(randn({8, 2}));
  EXPECT_LT(y.mean({0}).abs().max().item<double>(), 1e-5);
}

TEST(NNLayers, LayerRmsAndGroupNormMatchFormulas) {
  Tensor x = randn64({2, 4, 6});
  nn::LayerNorm ln({4, 6});
  ln.to(DType::Float64);
  nn::init::normal_(ln.weight);
  nn::init::normal_(ln.bias);
  Tensor mean = x.mean({1, 2}, true), var = x.var({1, 2}, 0, true);
  EXPECT_LT(max_abs_diff(ln.forward(x), (x - mean) / (var + 1e-5).sqrt() * ln.weight + ln.bias),
            1e-10);

  nn::RMSNorm rms(6, {.eps = 1e-6});
  rms.to(DType::Float64);
  nn::init::normal_(rms.weight);
  Tensor want = x / (x.square().mean({-1}, true) + 1e-6).sqrt() * rms.weight;
  EXPECT_LT(max_abs_diff(rms.forward(x), want), 1e-10);

  nn::GroupNorm gn(2, 4);
  gn.to(DType::Float64);
  nn::init::normal_(gn.weight);
  nn::init::normal_(gn.bias);
  Tensor grouped = x.reshape({2, 2, 12});
  Tensor normed = ((grouped - grouped.mean({2}, true)) / (grouped.var({2}, 0, true) + 1e-5).sqrt())
                      .reshape({2, 4, 6});
  EXPECT_LT(
      max_abs_diff(gn.forward(x), normed * gn.weight.view({1, 4, 1}) + gn.bias.view({1, 4, 1})),
      1e-10);
  EXPECT_THROW(nn::GroupNorm(3, 4), ValueError);
}

TEST(NNLayers, EmbeddingLooksUpRowsAndKeepsPaddingRowOutOfTraining) {
  nn::Embedding emb(10, 4, {.padding_idx = -1});
  EXPECT_EQ(*emb.options.padding_idx, 9);
  EXPECT_EQ(emb.weight.select(0, 9).abs().sum().item<double>(), 0.0);
  Tensor idx = tensor_from<int64_t>({1, 9, 3, 1}, {2, 2});
  Tensor y = emb.forward(idx);
  EXPECT_EQ(y.sizes(), (Shape{2, 2, 4}));
  EXPECT_EQ(max_abs_diff(y.reshape({4, 4}), emb.weight.index_select(0, idx.flatten())), 0.0);
  y.sum().backward();
  EXPECT_EQ(emb.weight.grad().select(0, 9).abs().sum().item<double>(), 0.0);
  EXPECT_EQ(emb.weight.grad().select(0, 1).sum().item<double>(), 8.0);  // row 1 used twice

  nn::Embedding frozen = nn::Embedding::from_pretrained(randn64({3, 2}));
  EXPECT_FALSE(frozen.weight.requires_grad());
  EXPECT_EQ(frozen.weight.dtype(), DType::Float64);
  EXPECT_EQ(frozen.parameters().size(), 1u);
}

TEST(NNLayers, ActivationsMatchFormulas) {
  Tensor x = randn64({3, 5});
  EXPECT_LT(max_abs_diff(nn::ReLU().forward(x), maximum(x, zeros_like(x))), 1e-15);
  EXPECT_LT(max_abs_diff(nn::GELU().forward(x), x * 0.5 * (1.0 + erf(x / std::sqrt(2.0)))), 1e-12);
  Tensor inner = (x + x.pow(3) * 0.044715) * std::sqrt(2.0 / M_PI);
  EXPECT_LT(max_abs_diff(nn::GELU("tanh").forward(x), x * 0.5 * (1.0 + tanh(inner))), 1e-12);
  Tensor sig = 1.0 / (1.0 + exp(-x));
  EXPECT_LT(max_abs_diff(nn::Sigmoid().forward(x), sig), 1e-12);
  EXPECT_LT(max_abs_diff(nn::SiLU().forward(x), x * sig), 1e-12);
  EXPECT_LT(max_abs_diff(nn::Tanh().forward(x), (exp(x * 2.0) - 1.0) / (exp(x * 2.0) + 1.0)),
            1e-12);
  Tensor e = exp(x);
  EXPECT_LT(max_abs_diff(nn::Softmax(1).forward(x), e / e.sum({1}, true)), 1e-12);
  EXPECT_LT(max_abs_diff(nn::Softmax().forward(x), e / e.sum({1}, true)), 1e-12);  // 2-D: dim 1
  EXPECT_LT(max_abs_diff(nn::LogSoftmax(0).forward(x), log(e / e.sum({0}, true))), 1e-12);
  EXPECT_THROW(nn::GELU("fast"), ValueError);
}

TEST(NNLayers, PoolingAndFlattenMatchFormulas) {
  Tensor x = randn64({2, 3, 6, 8});
  auto tap = [&](int64_t i, int64_t j) { return x.slice(2, i, 6, 2).slice(3, j, 8, 2); };
  Tensor max_want = maximum(maximum(tap(0, 0), tap(0, 1)), maximum(tap(1, 0), tap(1, 1)));
  EXPECT_EQ(max_abs_diff(nn::MaxPool2d(2).forward(x), max_want), 0.0);
  Tensor avg_want = (tap(0, 0) + tap(0, 1) + tap(1, 0) + tap(1, 1)) / 4.0;
  EXPECT_LT(max_abs_diff(nn::AvgPool2d(2).forward(x), avg_want), 1e-14);
  EXPECT_LT(max_abs_diff(nn::AdaptiveAvgPool2d(1).forward(x), x.mean({2, 3}, true)), 1e-14);
  EXPECT_LT(max_abs_diff(nn::AdaptiveAvgPool2d({3, 4}).forward(x), avg_want), 1e-14);
  EXPECT_EQ(nn::MaxPool2d(3, {.stride = 2, .padding = 1}).forward(x).sizes(), (Shape{2, 3, 3, 4}));
  EXPECT_EQ(nn::Flatten().forward(x).sizes(), (Shape{2, 144}));
  EXPECT_EQ(nn::Flatten(0, 1).forward(x).sizes(), (Shape{6, 6, 8}));
  EXPECT_TRUE(nn::Identity().forward(x).is_same(x));
}

TEST(NNLayers, LossesMatchFormulas) {
  Tensor logits = randn64({6, 4});
  Tensor target = tensor_from<int64_t>({0, 3, 1, 2, 3, -100});
  Tensor logp = logits.log_softmax(1);
  Tensor picked = logp.gather(1, target.clamp(0, std::nullopt).unsqueeze(1)).squeeze(1);
  Tensor valid = target.ne(full({6}, -100)).to(DType::Float64);
  Tensor nll_want = -(picked * valid).sum() / valid.sum();
  EXPECT_LT(max_abs_diff(nn::CrossEntropyLoss()(logits, target), nll_want), 1e-12);
  EXPECT_LT(max_abs_diff(nn::NLLLoss()(logp, target), nll_want), 1e-12);
  // Label smoothing eps: (1 - eps) * nll + eps * mean over classes of -log p.
  double eps = 0.2;
  Tensor smooth = -(logp.mean({1}) * valid).sum() / valid.sum();
  EXPECT_LT(max_abs_diff(nn::CrossEntropyLoss({.label_smoothing = eps})(logits, target),
                         nll_want * (1 - eps) + smooth * eps),
            1e-12);
  Tensor per_sample = nn::CrossEntropyLoss({.reduction = "none"})(logits, target);
  EXPECT_LT(max_abs_diff(per_sample, -picked * valid), 1e-12);
  Tensor cw = tensor_from<double>({1.0, 2.0, 0.5, 3.0});
  Tensor w_t = cw.index_select(0, target.clamp(0, std::nullopt)) * valid;
  EXPECT_LT(max_abs_diff(nn::CrossEntropyLoss({.weight = cw})(logits, target),
                         -(picked * w_t).sum() / w_t.sum()),
            1e-12);

  Tensor a = randn64({3, 5}), b = randn64({3, 5});
  EXPECT_LT(max_abs_diff(nn::MSELoss()(a, b), (a - b).square().mean()), 1e-14);
  EXPECT_LT(max_abs_diff(nn::MSELoss("sum")(a, b), (a - b).square().sum()), 1e-12);
  EXPECT_LT(max_abs_diff(nn::L1Loss()(a, b), (a - b).abs().mean()), 1e-14);
  Tensor y = rand({3, 5}, kF64), pw = tensor_from<double>({1.0, 2.0, 3.0, 0.5, 1.5});
  Tensor s = sigmoid(a);
  Tensor bce = -(pw * y * log(s) + (1.0 - y) * log(1.0 - s));
  EXPECT_LT(max_abs_diff(nn::BCEWithLogitsLoss({.pos_weight = pw})(a, y), bce.mean()), 1e-12);
  EXPECT_THROW(nn::MSELoss("average"), ValueError);
}

// ---------------------------------------------------------------- default initialisation

TEST(NNInit, DefaultsFollowPyTorch) {
  manual_seed(0);
  auto within = [](const Tensor& t, double bound) { return t.abs().max().item<double>() <= bound; };
  auto spread = [](const Tensor& t, double bound) {
    return t.abs().max().item<double>() > 0.9 * bound;  // fills the range, not a corner
  };
  nn::Linear fc(100, 50);
  double k = 1.0 / std::sqrt(100.0);
  EXPECT_TRUE(within(fc.weight, k) && spread(fc.weight, k));
  EXPECT_TRUE(within(fc.bias, k) && spread(fc.bias, k));
  // U(-k, k) has variance k^2 / 3.
  EXPECT_NEAR(fc.weight.var().item<double>(), k * k / 3, 0.1 * k * k / 3);
  nn::Conv2d conv(4, 8, 3, {.groups = 2});
  double kc = 1.0 / std::sqrt(2.0 * 9.0);  // fan_in = in_channels / groups * kernel area
  EXPECT_TRUE(within(conv.weight, kc) && spread(conv.weight, kc));
  EXPECT_TRUE(within(conv.bias, kc));
  nn::Embedding emb(1000, 20);
  EXPECT_NEAR(emb.weight.mean().item<double>(), 0.0, 0.02);
  EXPECT_NEAR(emb.weight.std().item<double>(), 1.0, 0.02);
  nn::MultiheadAttention mha(16, 4);
  double xavier = std::sqrt(6.0 / (16 + 48));
  EXPECT_TRUE(within(mha.in_proj_weight, xavier) && spread(mha.in_proj_weight, xavier));
  EXPECT_EQ(mha.in_proj_bias.abs().sum().item<double>(), 0.0);
  EXPECT_EQ(mha.out_proj->bias.abs().sum().item<double>(), 0.0);
  EXPECT_TRUE(within(mha.out_proj->weight, 0.25));  // Linear's own init, 1 / sqrt(16)
  nn::LSTM lstm(10, 25);
  for (const Tensor& p : lstm.parameters()) EXPECT_TRUE(within(p, 0.2) && spread(p, 0.2));
  nn::BatchNorm2d bn(4);
  EXPECT_EQ(max_abs_diff(bn.weight, ones({4})), 0.0);
  EXPECT_EQ(max_abs_diff(bn.bias, zeros({4})), 0.0);
  EXPECT_EQ(max_abs_diff(bn.running_var, ones({4})), 0.0);
  nn::LayerNorm ln(6);
  EXPECT_EQ(max_abs_diff(ln.weight, ones({6})), 0.0);
  EXPECT_EQ(nn::init::calculate_gain("relu"), std::sqrt(2.0));
  EXPECT_THROW(nn::init::calculate_gain("swish"), ValueError);
  EXPECT_THROW(nn::init::kaiming_uniform_(zeros({3})), ValueError);
}

// ---------------------------------------------------------------- training end to end

TEST(NNTraining, MlpLearnsTwoMoonsLikeProblemWithAdam) {
  manual_seed(1);
  // Points in [-1, 1]^2 labelled by which side of a circle they fall on: not linearly
  // separable, easy for a small MLP.
  Tensor x = rand({256, 2}) * 2.0 - 1.0;
  Tensor y = x.square().sum({1}).lt(full({256}, 0.5)).to(DType::Int64);
  auto model = std::make_shared<nn::Sequential>(nn::Linear(2, 32), nn::Tanh(), nn::Linear(32, 32),
                                                nn::ReLU(), nn::Linear(32, 2));
  optim::Adam opt(model->parameters(), {.lr = 0.01});
  nn::CrossEntropyLoss criterion;
  double first = 0, last = 0;
  for (int step = 0; step < 300; ++step) {
    opt.zero_grad();
    Tensor loss = criterion(model->forward(x), y);
    loss.backward();
    opt.step();
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
  }
  EXPECT_GT(first, 0.5);
  EXPECT_LT(last, 0.1);
  model->eval();
  Tensor accuracy = model->forward(x).argmax(1).eq(y).to(DType::Float64).mean();
  EXPECT_GT(accuracy.item<double>(), 0.97);
}
