// The neural-network functional ops through the C++ API: each fast path against a slow,
// obviously right one (oneDNN float32 convolution vs the float64 direct loops, the tiled
// attention kernel vs softmax(q k^T) v composed of plain ops, fused norm backward kernels
// vs the differentiable formula), plus errors and seeded randomness.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "deepseek/deepseek.h"

using namespace deepseek;

namespace {

double max_abs_diff(const Tensor& a, const Tensor& b) {
  return amax(abs(sub(a.to(DType::Float64), b.to(DType::Float64)))).item<double>();
}

Tensor rand_f64(const Shape& shape, bool grad = true) {
  Tensor t = sub(mul(rand(shape, DType::Float64), wrapped_scalar(2.0)), wrapped_scalar(1.0));
  if (grad) t.requires_grad_(true);
  return t;
}

TensorList grads_of(const Tensor& out, const TensorList& inputs, const Tensor& seed) {
  return autograd::grad({out}, inputs, {seed});
}

struct ConvCase {
  Shape x, w;
  std::vector<int64_t> stride;
  ConvPadding padding;
  std::vector<int64_t> dilation;
  int64_t groups;
};

}  // namespace

TEST(NnConv, OneDnnFloat32MatchesFloat64DirectLoops) {
  manual_seed(1);
  const std::vector<ConvCase> cases = {
      {{2, 3, 9, 9}, {4, 3, 3, 3}, {1}, {0}, {1}, 1},
      {{2, 3, 9, 8}, {4, 3, 3, 3}, {2}, {1}, {2}, 1},
      {{2, 3, 9, 8}, {4, 3, 2, 4}, {1}, ConvPadding("same"), {1, 2}, 1},  // asymmetric padding
      {{2, 6, 7, 7}, {4, 3, 3, 3}, {1, 2}, {1, 0}, {1}, 2},
      {{1, 8, 6, 6}, {8, 1, 3, 3}, {1}, {1}, {1}, 8},
  };
  for (const ConvCase& c : cases) {
    Tensor x = rand_f64(c.x), w = rand_f64(c.w), b = rand_f64({c.w[0]});
    Tensor y = conv2d(x, w, b, c.stride, c.padding, c.dilation, c.groups);
    Tensor seed = rand_f64(y.sizes(), false);
    TensorList g64 = grads_of(y, {x, w, b}, seed);

    Tensor x32 = x.detach().to(DType::Float32).requires_grad_(true);
    Tensor w32 = w.detach().to(DType::Float32).requires_grad_(true);
    Tensor b32 = b.detach().to(DType::Float32).requires_grad_(true);
    Tensor y32 = conv2d(x32, w32, b32, c.stride, c.padding, c.dilation, c.groups);
    TensorList g32 = grads_of(y32, {x32, w32, b32}, seed.to(DType::Float32));
    ASSERT_EQ(y32.sizes(), y.sizes());
    EXPECT_LT(max_abs_diff(y32, y), 1e-5);
    for (size_t i = 0; i < 3; ++i) EXPECT_LT(max_abs_diff(g32[i], g64[i]), 1e-4) << i;
  }
}

TEST(NnConv, Conv1dIsConv2dOverAUnitHeight) {
  manual_seed(2);
  Tensor x = rand_f64({2, 4, 11}), w = rand_f64({6, 2, 3});
  Tensor y1 = conv1d(x, w, {}, {2}, {1}, {2}, 2);
  Tensor y2 = squeeze(conv2d(unsqueeze(x, 2), unsqueeze(w, 2), {}, {1, 2}, {0, 1}, {1, 2}, 2), 2);
  EXPECT_EQ(y1.sizes(), (Shape{2, 6, 5}));
  EXPECT_LT(max_abs_diff(y1, y2), 1e-12);
}

// A transposed convolution is the adjoint of the convolution with the same weight:
// <conv2d(z, w), x> = <z, conv_transpose2d(x, w)> for every z of the transposed output's
// shape (output_padding only widens that shape).
TEST(NnConv, TransposedConvolutionIsTheAdjoint) {
  for (DType dt : {DType::Float64, DType::Float32}) {
    Tensor x = randn({2, 4, 3, 4}, dt), w = randn({4, 3, 3, 2}, dt);
    Tensor y = conv_transpose2d(x, w, {}, {2, 3}, {1, 0}, {1, 2}, 2, {1});
    ASSERT_EQ(y.sizes(), (Shape{2, 6, 6, 13}));  // (3-1)*2-2+2+1+1, (4-1)*3+1+2+1
    Tensor z = randn(y.sizes(), dt);
    const double lhs = sum(mul(conv2d(z, w, {}, {2, 3}, {1, 0}, {1}, 2), x)).item<double>();
    const double rhs = sum(mul(z, y)).item<double>();
    EXPECT_NEAR(lhs, rhs, (dt == DType::Float64 ? 1e-10 : 1e-3) * (1 + std::abs(rhs)));
  }
  Tensor y1 = conv_transpose1d(randn({4, 5}), randn({4, 2, 3}), randn({2}), {2});
  EXPECT_EQ(y1.sizes(), (Shape{2, 11}));
  EXPECT_THROW(conv_transpose2d(randn({1, 3, 3, 3}), randn({4, 2, 3, 3})), RuntimeError);
}

TEST(NnConv, TwiceDifferentiable) {
  // d/dw of sum(d(sum y^2)/dx) through create_graph: conv's backward ops record their own
  // backward. Compared against central differences in w.
  manual_seed(3);
  Tensor x = rand_f64({1, 2, 5, 5}), w = rand_f64({3, 2, 3, 3});
  auto penalty = [&](const Tensor& wv) {
    Tensor y = conv2d(x, wv, {}, {2}, {1});
    Tensor gx = autograd::grad({sum(mul(y, y))}, {x}, {}, std::nullopt, true)[0];
    return sum(mul(gx, gx));
  };
  Tensor gw = autograd::grad({penalty(w)}, {w})[0];
  const double eps = 1e-6;
  Tensor flat = reshape(w.detach(), {-1});
  for (int64_t i : {0, 7, 20, 53}) {
    Tensor plus = clone(flat), minus = clone(flat);
    plus.select(0, i).add_(wrapped_scalar(eps));
    minus.select(0, i).sub_(wrapped_scalar(eps));
    const double numeric = (penalty(reshape(plus, w.sizes())).item<double>() -
                            penalty(reshape(minus, w.sizes())).item<double>()) /
                           (2 * eps);
    EXPECT_NEAR(reshape(gw, {-1}).select(0, i).item<double>(), numeric, 1e-6) << i;
  }
}

TEST(NnConv, ShapeErrorsNameTheOpAndShapes) {
  try {
    conv2d(zeros({2, 4, 5, 5}), zeros({4, 3, 3, 3}));
    FAIL() << "no error";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("Given groups=1, weight of size [4, 3, 3, 3], expected "
                                         "input[2, 4, 5, 5] to have 3 channels, but got 4 "
                                         "channels instead"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(conv2d(zeros({2, 3}), zeros({4, 3, 3, 3})), RuntimeError);
  EXPECT_THROW(conv2d(zeros({1, 3, 5, 5}), zeros({4, 3, 3, 3}), {}, {1}, ConvPadding("full")),
               ValueError);
}

TEST(NnPool, MaxAndAvgOnAKnownInput) {
  // 0..15 in a 4x4 plane.
  Tensor x = reshape(arange(16, TensorOptions(DType::Float32)), {1, 1, 4, 4});
  auto [mx, idx] = max_pool2d_with_indices(x, {2});
  EXPECT_EQ(max_abs_diff(mx, tensor_from<float>({5, 7, 13, 15}, {1, 1, 2, 2})), 0);
  EXPECT_EQ(max_abs_diff(idx, tensor_from<int64_t>({5, 7, 13, 15}, {1, 1, 2, 2})), 0);
  // 3x3 windows, stride 2, padding 1, padding excluded from the count.
  Tensor avg = avg_pool2d(x, {3}, {2}, {1}, false, false);
  EXPECT_EQ(max_abs_diff(avg, tensor_from<float>({2.5f, 4, 8.5f, 10}, {1, 1, 2, 2})), 0);
  Tensor ada = adaptive_avg_pool2d(x, {1});
  EXPECT_FLOAT_EQ(ada.item<float>(), 7.5f);
}

TEST(NnPool, MaxPoolGradientRoutesThroughIndices) {
  Tensor x = reshape(arange(16, TensorOptions(DType::Float64)), {1, 1, 4, 4}).requires_grad_(true);
  sum(max_pool2d(x, {2})).backward();
  Tensor expect = zeros({16}, DType::Float64);
  for (int64_t i : {5, 7, 13, 15}) expect.select(0, i).fill_(1);
  EXPECT_EQ(max_abs_diff(reshape(x.grad(), {16}), expect), 0);
}

TEST(NnNorm, FusedBackwardMatchesTheDifferentiableFormula) {
  // First-order gradients come from the fused kernel; under create_graph the formula runs
  // in ops. Both must agree, for every kind.
  manual_seed(4);
  Tensor x = rand_f64({3, 4, 5}), w = rand_f64({4}), b = rand_f64({4});
  Tensor wl = rand_f64({5}), bl = rand_f64({5});
  std::vector<std::pair<std::string, std::function<Tensor()>>> ops = {
      {"layer", [&] { return layer_norm(x, {5}, wl, bl); }},
      {"rms", [&] { return rms_norm(x, {5}, wl, 1e-5); }},
      {"group", [&] { return group_norm(x, 2, w, b); }},
      {"batch", [&] { return batch_norm(x, {}, {}, w, b, true); }},
      {"batch_eval",
       [&] {
         return batch_norm(x, tensor_from<double>({0.1, 0.2, -0.3, 0.0}),
                           tensor_from<double>({1.0, 0.5, 2.0, 1.5}), w, b, false);
       }},
  };
  for (auto& [name, op] : ops) {
    Tensor y = op();
    Tensor seed = rand_f64(y.sizes(), false);
    TensorList inputs = name == "layer" ? TensorList{x, wl, bl}
                        : name == "rms" ? TensorList{x, wl}
                                        : TensorList{x, w, b};
    TensorList fused = autograd::grad({y}, inputs, {seed});
    TensorList formula = autograd::grad({op()}, inputs, {seed}, std::nullopt, true);
    for (size_t i = 0; i < inputs.size(); ++i) {
      EXPECT_LT(max_abs_diff(fused[i], formula[i]), 1e-12) << name << " input " << i;
    }
    EXPECT_TRUE(formula[0].requires_grad()) << name;  // d(input) is a graph again
  }
}

TEST(NnNorm, LayerNormNormalisesEachRow) {
  manual_seed(5);
  Tensor x = add(mul(randn({6, 32}), wrapped_scalar(3.0)), wrapped_scalar(2.0));
  Tensor y = layer_norm(x, {32});
  EXPECT_LT(amax(abs(mean(y, {1}))).item<float>(), 1e-5);
  EXPECT_LT(amax(abs(sub(var(y, {1}, 0), wrapped_scalar(1.0)))).item<float>(), 1e-3);
}

TEST(NnAttention, TiledKernelMatchesComposedSoftmax) {
  // Sizes cross the 64-row tiles; Tq != Tk; masks, causal and the sliding window.
  manual_seed(6);
  const int64_t B = 2, Tq = 70, Tk = 130, D = 8;
  Tensor q = rand_f64({B, Tq, D}), k = rand_f64({B, Tk, D}), v = rand_f64({B, Tk, 5});
  Tensor add_mask = rand_f64({Tq, Tk}, false);
  Tensor keep_causal = tril(ones({Tq, Tk}, DType::Bool));
  Tensor keep_window = logical_and(keep_causal, logical_not(tril(ones({Tq, Tk}, DType::Bool), -9)));
  struct Case {
    Tensor mask;
    bool causal;
    int64_t window;
    Tensor reference_keep;
  };
  const std::vector<Case> cases = {{{}, false, 0, {}},
                                   {add_mask, false, 0, {}},
                                   {{}, true, 0, keep_causal},
                                   {{}, true, 9, keep_window}};
  for (const Case& c : cases) {
    Tensor out = scaled_dot_product_attention(q, k, v, c.mask, 0.0, c.causal, 0.3, c.window);
    Tensor s = mul(matmul(q, transpose(k, 1, 2)), wrapped_scalar(0.3));
    if (c.mask.defined()) s = add(s, c.mask);
    if (c.reference_keep.defined()) {
      s = masked_fill(s, logical_not(c.reference_keep), -std::numeric_limits<double>::infinity());
    }
    Tensor ref = matmul(softmax(s, -1), v);
    EXPECT_LT(max_abs_diff(out, ref), 1e-12);
    Tensor seed = rand_f64(out.sizes(), false);
    TensorList g = autograd::grad({out}, {q, k, v}, {seed});
    TensorList g_ref = autograd::grad({ref}, {q, k, v}, {seed});
    for (size_t i = 0; i < 3; ++i) EXPECT_LT(max_abs_diff(g[i], g_ref[i]), 1e-12) << i;
  }
}

TEST(NnAttention, NeverMaterialisesTheScoreMatrix) {
  // T = 2048: the scores would take T * T * 4 = 16 MiB; q, k, v, out and their gradients
  // take 128 KiB each.
  const int64_t T = 2048;
  Tensor q = randn({1, T, 16}).requires_grad_(true), k = randn({1, T, 16}).requires_grad_(true);
  Tensor v = randn({1, T, 16}).requires_grad_(true);
  auto allocator = get_allocator(DeviceType::CPU);
  allocator->reset_peak_stats();
  const int64_t before = allocator->stats().allocated_bytes;
  Tensor out = scaled_dot_product_attention(q, k, v, {}, 0.0, true);
  out.backward(ones_like(out));
  const int64_t peak = allocator->stats().peak_bytes - before;
  EXPECT_LT(peak, 2 * 1024 * 1024) << peak;
  EXPECT_TRUE(q.grad().defined() && k.grad().defined() && v.grad().defined());
}

TEST(NnAttention, Float32AndBFloat16CloseToFloat64) {
  manual_seed(7);
  Tensor q = rand_f64({4, 100, 32}, false), k = rand_f64({4, 100, 32}, false);
  Tensor v = rand_f64({4, 100, 32}, false);
  Tensor ref = scaled_dot_product_attention(q, k, v, {}, 0.0, true);
  for (DType dt : {DType::Float32, DType::BFloat16}) {
    Tensor out = scaled_dot_product_attention(q.to(dt), k.to(dt), v.to(dt), {}, 0.0, true);
    EXPECT_EQ(out.dtype(), dt);
    EXPECT_LT(max_abs_diff(out, ref), dt == DType::Float32 ? 1e-5 : 2e-2) << dtype_name(dt);
  }
}

TEST(NnLoss, CrossEntropyRejectsBadTargetsWithoutCrashing) {
  Tensor logits = zeros({3, 10});
  try {
    cross_entropy(logits, tensor_from<int64_t>({1, 10, 2}));
    FAIL() << "no error";
  } catch (const IndexError& e) {
    EXPECT_STREQ(e.what(), "Target 10 is out of bounds.");
  }
  EXPECT_THROW(nll_loss(logits, tensor_from<int64_t>({1, -3, 2})), IndexError);
  // ignore_index may lie outside [0, C).
  EXPECT_NO_THROW(cross_entropy(logits, tensor_from<int64_t>({1, -100, 2})));
}

TEST(NnLoss, CrossEntropyOfHugeLogitsIsFinite) {
  Tensor logits = tensor_from<float>({1000, -1000, 0, -5e4f, 5e4f, 5e4f}, {2, 3});
  const float loss = cross_entropy(logits, tensor_from<int64_t>({0, 2})).item<float>();
  EXPECT_NEAR(loss, std::log(2.0f) / 2, 1e-6);
}

TEST(NnDropout, GeneratorMakesMasksReproducible) {
  Tensor x = ones({1000});
  Generator a(42), b(42);
  Tensor da = dropout(x, 0.3, true, &a), db = dropout(x, 0.3, true, &b);
  EXPECT_EQ(max_abs_diff(da, db), 0);
  EXPECT_GT(max_abs_diff(dropout(x, 0.3, true, &a), da), 0);  // the stream moved on
  EXPECT_TRUE(dropout(x, 0.3, false).is_same(x));
}

TEST(NnEmbedding, PaddingRowGetsNoGradient) {
  Tensor w = ones({4, 3}, DType::Float64).requires_grad_(true);
  Tensor idx = tensor_from<int64_t>({0, 2, 2, 3});
  sum(embedding(idx, w, 2)).backward();
  EXPECT_EQ(max_abs_diff(sum(w.grad(), {1}), tensor_from<double>({3, 0, 0, 3})), 0);
  EXPECT_THROW(embedding(tensor_from<int64_t>({4}), w), IndexError);
}

TEST(NnPad, ModesAgreeOnAKnownRow) {
  Tensor x = reshape(arange(1, 4, 1, TensorOptions(DType::Float32)), {1, 1, 3});  // 1 2 3
  auto row = [](const Tensor& t) { return reshape(t, {-1}); };
  EXPECT_EQ(max_abs_diff(row(pad(x, {2, 1}, "reflect")), tensor_from<float>({3, 2, 1, 2, 3, 2})),
            0);
  EXPECT_EQ(max_abs_diff(row(pad(x, {2, 1}, "replicate")), tensor_from<float>({1, 1, 1, 2, 3, 3})),
            0);
  EXPECT_EQ(max_abs_diff(row(pad(x, {2, 1}, "circular")), tensor_from<float>({2, 3, 1, 2, 3, 1})),
            0);
  EXPECT_EQ(max_abs_diff(row(pad(x, {1, -1}, "constant", 9.0)), tensor_from<float>({9, 1, 2})), 0);
}
