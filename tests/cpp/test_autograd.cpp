// Autograd from C++: backward/grad, higher-order gradients, hooks, in-place rules, and the
// custom Function<T> API.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "deepseek/deepseek.h"
#include "tensor_testing.h"

using namespace deepseek;
using namespace tensor_testing;
using autograd::AutogradContext;

namespace {

Tensor leaf(std::vector<double> values) {
  Tensor t = tensor_from(values, TensorOptions(DType::Float64));
  t.requires_grad_(true);
  return t;
}

void expect_values(const Tensor& t, const std::vector<double>& expected, double tol = 1e-12) {
  ASSERT_TRUE(t.defined());
  std::vector<double> got = values(t);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], tol) << "at " << i;
}

}  // namespace

TEST(Autograd, BackwardAccumulatesIntoLeaves) {
  Tensor x = leaf({1, 2, 3});
  (x * x).sum().backward();
  expect_values(x.grad(), {2, 4, 6});
  (x * 3).sum().backward();
  expect_values(x.grad(), {5, 7, 9});
  EXPECT_TRUE(x.is_leaf());
  EXPECT_EQ((x * 2).grad_fn()->name(), "MulBackward0");
}

TEST(Autograd, GradDoesNotTouchDotGradAndHonoursAllowUnused) {
  Tensor x = leaf({1, 2}), unused = leaf({5});
  Tensor y = (x * x).sum();
  TensorList g = autograd::grad({y}, {x, unused}, {}, true, false, /*allow_unused=*/true);
  expect_values(g[0], {2, 4});
  EXPECT_FALSE(g[1].defined());
  EXPECT_FALSE(x.grad().defined());
  EXPECT_THROW(autograd::grad({y}, {unused}), RuntimeError);
}

TEST(Autograd, SecondDerivativeThroughCreateGraph) {
  Tensor x = leaf({0.5, -1.0, 2.0});
  Tensor y = (x * x * x).sum();
  Tensor dy = autograd::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  expect_values(dy, {0.75, 3.0, 12.0});
  Tensor d2y = autograd::grad({dy.sum()}, {x})[0];
  expect_values(d2y, {3.0, -6.0, 12.0});
}

TEST(Autograd, SecondBackwardWithoutRetainGraphRaises) {
  Tensor x = leaf({1, 2});
  Tensor y = (x.exp()).sum();
  y.backward();
  EXPECT_THROW(y.backward(), RuntimeError);
}

TEST(Autograd, InPlaceChangeOfSavedTensorRaises) {
  Tensor x = leaf({1, 2});
  Tensor a = x * 1;
  Tensor y = (a * a).sum();
  a.mul_(full({2}, 2.0, DType::Float64));
  try {
    y.backward();
    FAIL() << "expected an error";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("modified by an inplace operation"), std::string::npos);
  }
}

TEST(Autograd, InPlaceOnLeafRaisesButNotUnderNoGrad) {
  Tensor x = leaf({1, 2});
  EXPECT_THROW(x.add_(ones({2}, DType::Float64)), RuntimeError);
  {
    autograd::NoGradGuard no_grad;
    x.add_(ones({2}, DType::Float64));
  }
  expect_values(x, {2, 3});
}

TEST(Autograd, WriteThroughViewOfNonLeafRoutesGradient) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = x * 2;
  y.select(0, 0).fill_(0);                                 // y[0] = 0
  y.narrow(0, 1, 1).mul_(full({1}, 3.0, DType::Float64));  // y[1] *= 3
  (y * y).sum().backward();
  // y = [0, 6 x1, 2 x2]: d/dx sum(y^2) = [0, 72 x1, 8 x2]
  expect_values(x.grad(), {0, 144, 24});
}

TEST(Autograd, StaleViewFollowsInPlaceWriteToBase) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = x * 2;
  Tensor head = y.narrow(0, 0, 2);
  y.select(0, 1).fill_(0);  // also overwrites head[1]
  head.sum().backward();
  expect_values(x.grad(), {2, 0, 0});
}

TEST(Autograd, HooksRetainGradAndPostAccumulate) {
  Tensor x = leaf({1, 2});
  Tensor y = x * 3;
  y.retain_grad();
  int64_t h = y.register_hook([](const Tensor& g) { return g * 10; });
  int calls = 0;
  x.register_post_accumulate_grad_hook([&calls](const Tensor& p) {
    ++calls;
    EXPECT_TRUE(p.grad().defined());
  });
  y.sum().backward();
  expect_values(y.grad(), {1, 1});  // retain_grad came before the hook (PyTorch 1.13 order)
  expect_values(x.grad(), {30, 30});
  EXPECT_EQ(calls, 1);
  y.remove_hook(h);
  x.set_grad(Tensor());
  Tensor z = x * 3;
  z.sum().backward();
  expect_values(x.grad(), {3, 3});
}

TEST(Autograd, NoGradGuardStopsRecording) {
  Tensor x = leaf({1});
  {
    autograd::NoGradGuard no_grad;
    EXPECT_FALSE((x * 2).requires_grad());
    autograd::EnableGradGuard enable;
    EXPECT_TRUE((x * 2).requires_grad());
  }
  EXPECT_TRUE(autograd::GradMode::is_enabled());
}

TEST(Autograd, ZeroGradDropsOrZeroesAndDetachesGradients) {
  Tensor x = leaf({1, 2});
  Tensor unused = leaf({3});
  // create_graph leaves x.grad = 3x^2 attached to a graph.
  (x * x * x).sum().backward({}, false, /*create_graph=*/true);
  ASSERT_TRUE(x.grad().requires_grad());
  const Tensor grad = x.grad();
  autograd::zero_grad({x, unused}, /*set_to_none=*/false);
  EXPECT_TRUE(x.grad().is_same(grad));  // zeroed in place, not replaced
  expect_values(x.grad(), {0, 0});
  EXPECT_FALSE(x.grad().requires_grad());
  EXPECT_EQ(x.grad().grad_fn(), nullptr);
  EXPECT_FALSE(unused.grad().defined());
  autograd::zero_grad({x});
  EXPECT_FALSE(x.grad().defined());
}

TEST(Autograd, SetDataSwapsContentsButKeepsIdentity) {
  Tensor p = leaf({1, 2, 3});
  const uint32_t version = p.version();
  const Tensor other = ones({2, 2}, TensorOptions(DType::Float32));
  p.set_data(other);
  EXPECT_EQ(p.sizes(), (Shape{2, 2}));
  EXPECT_EQ(p.dtype(), DType::Float32);
  EXPECT_EQ(p.data_ptr(), other.data_ptr());  // shares the storage, no copy
  EXPECT_TRUE(p.requires_grad());
  EXPECT_EQ(p.version(), version);
  p.set_data(p);  // a no-op
  EXPECT_EQ(p.sizes(), (Shape{2, 2}));
  expect_error_with([&] { p.set_data(zeros({2}, TensorOptions(DType::Int64))); },
                    "data set to a tensor that requires gradients must be floating point");
}

// ---- custom Function<T>

namespace {

struct ScaledExp : autograd::Function<ScaledExp> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double scale) {
    Tensor y = x.exp() * scale;
    ctx->save_for_backward({y});
    ctx->saved_data["scale"] = scale;
    return y;
  }
  static TensorList backward(AutogradContext* ctx, TensorList grads) {
    Tensor y = ctx->get_saved_variables()[0];
    EXPECT_DOUBLE_EQ(ctx->saved_data["scale"].to_double(), 2.0);
    return {grads[0] * y, Tensor()};
  }
};

// Two outputs, one of them an integer index that is not differentiable.
struct MaxWithIndex : autograd::Function<MaxWithIndex> {
  static TensorList forward(AutogradContext* ctx, const Tensor& x) {
    Tensor index = x.argmax(0, true);
    Tensor value = x.gather(0, index);
    ctx->save_for_backward({index});
    ctx->saved_data["n"] = x.size(0);
    ctx->mark_non_differentiable({index});
    return {value, index};
  }
  static TensorList backward(AutogradContext* ctx, TensorList grads) {
    Tensor index = ctx->get_saved_variables()[0];
    Tensor g = zeros({ctx->saved_data["n"].to_int()}, grads[0].dtype());
    return {g.scatter(0, index, grads[0])};
  }
};

// Weighted sum of a list of tensors; needs_input_grad tells which ones get a gradient.
struct WeightedSum : autograd::Function<WeightedSum> {
  static Tensor forward(AutogradContext* ctx, const TensorList& xs, std::vector<int64_t> w) {
    Tensor out = xs[0] * static_cast<double>(w[0]);
    for (size_t i = 1; i < xs.size(); ++i) out = out + xs[i] * static_cast<double>(w[i]);
    ctx->saved_data["w"] = w;
    std::vector<int64_t> needs;
    for (size_t i = 0; i < xs.size(); ++i) needs.push_back(ctx->needs_input_grad(i));
    ctx->saved_data["needs"] = needs;
    return out;
  }
  static TensorList backward(AutogradContext* ctx, TensorList grads) {
    const auto& w = ctx->saved_data["w"].to_int_list();
    const auto& needs = ctx->saved_data["needs"].to_int_list();
    TensorList out;
    for (size_t i = 0; i < w.size(); ++i) {
      out.push_back(needs[i] ? grads[0] * static_cast<double>(w[i]) : Tensor());
    }
    out.emplace_back();  // for the weights argument
    return out;
  }
};

struct WrongGradCount : autograd::Function<WrongGradCount> {
  static Tensor forward(AutogradContext*, const Tensor& x, const Tensor& y) { return x * y; }
  static TensorList backward(AutogradContext*, TensorList grads) { return {grads[0]}; }
};

struct GradForNonTensor : autograd::Function<GradForNonTensor> {
  static Tensor forward(AutogradContext*, const Tensor& x, double) { return x * 2; }
  static TensorList backward(AutogradContext*, TensorList grads) {
    return {grads[0] * 2, grads[0]};
  }
};

// Cube written with a differentiable backward: second derivatives work through it.
struct Cube : autograd::Function<Cube> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return x * x * x;
  }
  static TensorList backward(AutogradContext* ctx, TensorList grads) {
    Tensor x = ctx->get_saved_variables()[0];
    return {grads[0] * 3.0 * x * x};
  }
};

struct AddOneInPlace : autograd::Function<AddOneInPlace> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    x.add_(ones(x.sizes(), x.dtype()));
    ctx->mark_dirty({x});
    return x;
  }
  static TensorList backward(AutogradContext*, TensorList grads) { return {grads[0]}; }
};

struct IdentityUnmaterialized : autograd::Function<IdentityUnmaterialized> {
  static TensorList forward(AutogradContext* ctx, const Tensor& x) {
    ctx->set_materialize_grads(false);
    return {x * 1, x * 2};
  }
  static TensorList backward(AutogradContext*, TensorList grads) {
    EXPECT_TRUE(grads[0].defined());
    EXPECT_FALSE(grads[1].defined());
    return {grads[0]};
  }
};

}  // namespace

TEST(CustomFunction, SavesTensorsAndDataAndNamesItsNode) {
  Tensor x = leaf({0.0, 1.0});
  Tensor y = ScaledExp::apply(x, 2.0);
  EXPECT_EQ(y.grad_fn()->name(), "ScaledExpBackward");
  expect_values(y, {2.0, 2.0 * std::exp(1.0)});
  y.sum().backward();
  expect_values(x.grad(), {2.0, 2.0 * std::exp(1.0)});
}

TEST(CustomFunction, NonDifferentiableOutputAndIntegerSavedData) {
  Tensor x = leaf({0.5, 3.0, -1.0});
  TensorList out = MaxWithIndex::apply(x);
  EXPECT_TRUE(out[0].requires_grad());
  EXPECT_FALSE(out[1].requires_grad());
  EXPECT_EQ(out[1].item<int64_t>(), 1);
  (out[0] * 5).sum().backward();
  expect_values(x.grad(), {0, 5, 0});
}

TEST(CustomFunction, TensorListArgumentsAndNeedsInputGrad) {
  Tensor a = leaf({1, 2}), b = tensor_from(std::vector<double>{3, 4}), c = leaf({5, 6});
  Tensor y = WeightedSum::apply(TensorList{a, b, c}, std::vector<int64_t>{2, 3, 4});
  expect_values(y, {2 + 9 + 20, 4 + 12 + 24});
  y.sum().backward();
  expect_values(a.grad(), {2, 2});
  expect_values(c.grad(), {4, 4});
  EXPECT_FALSE(b.grad().defined());
}

TEST(CustomFunction, BadBackwardResultsRaise) {
  Tensor x = leaf({1}), y = leaf({2});
  Tensor z = WrongGradCount::apply(x, y);
  try {
    z.backward();
    FAIL() << "expected an error";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("incorrect number of gradients (expected 2, got 1)"),
              std::string::npos)
        << e.what();
  }
  Tensor w = GradForNonTensor::apply(x, 1.0);
  EXPECT_THROW(w.backward(), RuntimeError);
}

TEST(CustomFunction, SecondDerivativeThroughCustomBackward) {
  Tensor x = leaf({1.0, -2.0});
  Tensor y = Cube::apply(x).sum();
  Tensor dy = autograd::grad({y}, {x}, {}, std::nullopt, true)[0];
  expect_values(dy, {3.0, 12.0});
  expect_values(autograd::grad({dy.sum()}, {x})[0], {6.0, -12.0});
}

TEST(CustomFunction, SavedInputModifiedInPlaceRaises) {
  Tensor x = leaf({1.0, 2.0});
  Tensor a = x * 1;
  Tensor y = Cube::apply(a).sum();
  a.add_(ones({2}, DType::Float64));
  EXPECT_THROW(y.backward(), RuntimeError);
}

TEST(CustomFunction, MarkDirtyRelinksTheModifiedInput) {
  Tensor x = leaf({1.0, 2.0});
  Tensor a = x * 3;
  Tensor b = AddOneInPlace::apply(a);
  EXPECT_TRUE(b.is_same(a));
  EXPECT_EQ(a.grad_fn()->name(), "AddOneInPlaceBackward");
  expect_values(a, {4, 7});
  (a * a).sum().backward();
  expect_values(x.grad(), {24, 42});
  EXPECT_THROW(AddOneInPlace::apply(leaf({1.0})), RuntimeError);  // leaf modified in place
}

TEST(CustomFunction, UnmaterializedGradsArriveUndefined) {
  Tensor x = leaf({1.0});
  TensorList out = IdentityUnmaterialized::apply(x);
  out[0].sum().backward();
  expect_values(x.grad(), {1.0});
}

TEST(CustomFunction, NoGraphWithoutGradMode) {
  Tensor x = leaf({1.0});
  autograd::NoGradGuard no_grad;
  Tensor y = ScaledExp::apply(x, 2.0);
  EXPECT_FALSE(y.requires_grad());
  EXPECT_EQ(y.grad_fn(), nullptr);
}

TEST(CustomFunction, SavedDataTypeMismatchRaises) {
  autograd::SavedValue v = 3.5;
  EXPECT_DOUBLE_EQ(v.to_double(), 3.5);
  EXPECT_THROW(v.to_int(), TypeError);
  autograd::SavedValue n = int64_t{4};
  EXPECT_DOUBLE_EQ(n.to_double(), 4.0);
  EXPECT_TRUE(autograd::SavedValue().is_none());
}

// Graphs must not keep themselves alive: once the last tensor goes, every buffer is freed
// (saved outputs, CopySlices, stale-view re-links, custom function contexts).
TEST(Autograd, GraphsFreeTheirMemory) {
  auto live = [] { return get_allocator(DeviceType::CPU)->stats().allocated_bytes; };
  const int64_t before = live();
  {
    Tensor x = leaf({1, 2, 3, 4});
    Tensor y = x * 2;
    Tensor head = y.narrow(0, 0, 2);
    y.select(0, 1).mul_(full({}, 3.0, DType::Float64));  // CopySlices on y
    Tensor z = ScaledExp::apply(head, 2.0).tanh();       // head re-linked, saved outputs
    Tensor dz = autograd::grad({z.sum()}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
    dz.sum().backward();
    EXPECT_GT(live(), before);
  }
  EXPECT_EQ(live(), before);
}
