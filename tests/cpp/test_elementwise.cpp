// The elementwise, creation, cast and printing ops from C++: the same behaviour the Python
// tests check, written the way a C++ user writes it.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "deepseek/deepseek.h"
#include "tensor_testing.h"

using namespace deepseek;
using namespace tensor_testing;

namespace {

void expect_near_all(const Tensor& t, const std::vector<double>& expect, double rtol) {
  std::vector<double> got = values(t);
  ASSERT_EQ(got.size(), expect.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expect[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "at " << i;
    } else {
      EXPECT_NEAR(got[i], expect[i], rtol * std::max(1.0, std::fabs(expect[i]))) << "at " << i;
    }
  }
}

}  // namespace

TEST(Elementwise, UnaryOpsMatchStdMath) {
  const std::vector<double> in = {-2.5, -0.75, 0.0, 0.5, 1.25, 3.0};
  Tensor x = tensor_from(in, TensorOptions(DType::Float64));
  auto ref = [&](double (*f)(double)) {
    std::vector<double> out;
    for (double v : in) out.push_back(f(v));
    return out;
  };
  expect_near_all(exp(x), ref([](double v) { return std::exp(v); }), 1e-12);
  expect_near_all(sin(x), ref([](double v) { return std::sin(v); }), 1e-12);
  expect_near_all(tanh(x), ref([](double v) { return std::tanh(v); }), 1e-12);
  expect_near_all(sigmoid(x), ref([](double v) { return 1 / (1 + std::exp(-v)); }), 1e-12);
  expect_near_all(
      gelu(x), ref([](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }), 1e-12);
  expect_near_all(x.abs(), ref([](double v) { return std::fabs(v); }), 0);
  expect_near_all(x.floor(), ref([](double v) { return std::floor(v); }), 0);
  expect_near_all(x.round(), ref([](double v) { return std::nearbyint(v); }), 0);
  expect_near_all(x.clamp(-1, 1), {-1, -0.75, 0, 0.5, 1, 1}, 0);
  expect_near_all(x.pow(2), ref([](double v) { return v * v; }), 1e-12);
  expect_near_all(-x, ref([](double v) { return -v; }), 0);
}

TEST(Elementwise, Float32AndReducedFloatsStayWithinTolerance) {
  std::vector<float> in;
  for (int i = 0; i < 1037; ++i) in.push_back(-8.0f + 16.0f * static_cast<float>(i) / 1036);
  Tensor x = tensor_from(in);
  for (DType dt : {DType::Float32, DType::BFloat16, DType::Float16}) {
    Tensor xd = x.to(dt);
    std::vector<double> rounded = values(xd), expect;
    for (double v : rounded) expect.push_back(std::tanh(v));
    const double tol = dt == DType::Float32 ? 1e-5 : 1e-2;
    expect_near_all(tanh(xd), expect, tol);
    EXPECT_EQ(tanh(xd).dtype(), dt);
    expect.clear();
    for (double v : rounded) expect.push_back(v / (1 + std::exp(-v)));
    expect_near_all(silu(xd), expect, tol);
  }
}

TEST(Elementwise, BinaryOpsBroadcastAndPromote) {
  Tensor a = arange(0, 6, 1).view({2, 3});                       // int64
  Tensor b = tensor_from(std::vector<float>{0.5f, 1.0f, 2.0f});  // float32
  Tensor c = a * b;
  EXPECT_EQ(c.dtype(), DType::Float32);
  EXPECT_EQ(c.sizes(), (Shape{2, 3}));
  expect_near_all(c, {0, 1, 4, 1.5, 4, 10}, 0);
  expect_near_all(a / 2, {0, 0.5, 1, 1.5, 2, 2.5}, 0);
  EXPECT_EQ((a / 2).dtype(), DType::Float32);
  EXPECT_EQ((a + 1).dtype(), DType::Int64);
  EXPECT_EQ((2.5 * a).dtype(), DType::Float32);
  expect_near_all(10 - a, {10, 9, 8, 7, 6, 5}, 0);
  expect_near_all(floor_divide(a, wrapped_scalar(-4)), {0, -1, -1, -1, -1, -2}, 0);
  expect_near_all(remainder(a, wrapped_scalar(-4)), {0, -3, -2, -1, 0, -3}, 0);
  expect_near_all(maximum(a, b), {0.5, 1, 2, 3, 4, 5}, 0);
  expect_near_all(where(a > 2, a, b), {0.5, 1, 2, 3, 4, 5}, 0);
  Tensor mask = a >= 3;
  EXPECT_EQ(mask.dtype(), DType::Bool);
  expect_near_all(mask, {0, 0, 0, 1, 1, 1}, 0);
  expect_near_all(logical_and(a > 0, a < 4), {0, 1, 1, 1, 0, 0}, 0);
  EXPECT_EQ(result_type({zeros({2}, DType::Int8), wrapped_scalar(1000)}), DType::Int8);
  // A 0-dim tensor brings its category with its own dtype; a number only its category.
  EXPECT_EQ(result_type({zeros({2}, DType::Int32), zeros({}, DType::Float64)}), DType::Float64);
  EXPECT_EQ(result_type({zeros({2}, DType::Int32), wrapped_scalar(2.5)}), DType::Float32);
  EXPECT_EQ(result_type({zeros({2}, DType::Float16), zeros({}, DType::Float64)}), DType::Float16);
}

TEST(Elementwise, InPlaceOpsBumpTheVersionAndCheckCasts) {
  Tensor x = zeros({3});
  const uint32_t v0 = x.version();
  x += 2;
  x *= tensor_from(std::vector<float>{1, 2, 3});
  x -= 1;
  x /= 2;
  expect_near_all(x, {0.5, 1.5, 2.5}, 0);
  EXPECT_EQ(x.version(), v0 + 4);
  exp_(x);
  expect_near_all(x, {std::exp(0.5), std::exp(1.5), std::exp(2.5)}, 1e-6);
  x.clamp_(0, 5);
  expect_near_all(x, {std::exp(0.5), std::exp(1.5), 5}, 1e-6);

  Tensor i = arange(0, 3, 1);
  EXPECT_THROW(i += 0.5, RuntimeError);
  EXPECT_THROW(exp_(i), RuntimeError);
  EXPECT_THROW(i.add_(zeros({2, 3}, DType::Int64)), RuntimeError);
  try {
    i.mul_(wrapped_scalar(1.5));
    FAIL() << "expected a cast error";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("result type Float can't be cast to the desired output "
                                         "type Long"),
              std::string::npos);
  }
  expect_near_all(i, {0, 1, 2}, 0);
}

TEST(Elementwise, IntegerEdgeCasesDoNotCrash) {
  Tensor big = tensor_from(std::vector<int64_t>{INT64_MIN, 7});
  expect_near_all(floor_divide(big, wrapped_scalar(-1)), {static_cast<double>(INT64_MIN), -7}, 0);
  expect_near_all(remainder(big, wrapped_scalar(-1)), {0, 0}, 0);
  EXPECT_THROW(floor_divide(big, wrapped_scalar(0)), RuntimeError);
  EXPECT_THROW(pow(big, Scalar(-1)), RuntimeError);
  Tensor small = full({2}, 100, DType::Int8);
  expect_near_all(small + small, {-56, -56}, 0);  // wraps like PyTorch
}

TEST(Elementwise, ErrorsHaveTheirTypes) {
  EXPECT_THROW(ones({3}) + ones({4}), RuntimeError);
  EXPECT_THROW(neg(ones({2}, DType::Bool)), RuntimeError);
  EXPECT_THROW(ones({2}, DType::Bool) - ones({2}, DType::Bool), RuntimeError);
  EXPECT_THROW(gelu(ones({2}), "fast"), ValueError);
  EXPECT_THROW(clamp(ones({2}), std::nullopt, std::nullopt), RuntimeError);
  EXPECT_THROW(zeros({-1}), RuntimeError);
  EXPECT_THROW(arange(0, 1, 0), RuntimeError);
  EXPECT_THROW(rand({2}, DType::Int64), RuntimeError);
  EXPECT_THROW(ones({2}).item(), RuntimeError);
  EXPECT_THROW(full({1}, 300, DType::UInt8), RuntimeError);
}

TEST(Creation, FactoriesAndRanges) {
  EXPECT_EQ(zeros({2, 3}).dtype(), DType::Float32);
  EXPECT_EQ(full({2}, 3).dtype(), DType::Int64);
  EXPECT_EQ(full({2}, true).dtype(), DType::Bool);
  EXPECT_EQ(arange(5).dtype(), DType::Int64);
  EXPECT_EQ(arange(0.0, 1.0, 0.25).numel(), 4);
  expect_near_all(arange(10, 0, -3), {10, 7, 4, 1}, 0);
  expect_near_all(linspace(0, 1, 5), {0, 0.25, 0.5, 0.75, 1}, 0);
  expect_near_all(linspace(-1, 1, 3), {-1, 0, 1}, 0);
  expect_near_all(eye(2, 3), {1, 0, 0, 0, 1, 0}, 0);
  Tensor like = ones_like(zeros({2, 2}, DType::Int32));
  EXPECT_EQ(like.dtype(), DType::Int32);
  EXPECT_EQ(like.sizes(), (Shape{2, 2}));
  manual_seed(7);
  Tensor r = rand({1000});
  std::vector<double> v = values(r);
  EXPECT_GE(*std::min_element(v.begin(), v.end()), 0.0);
  EXPECT_LT(*std::max_element(v.begin(), v.end()), 1.0);
  Tensor t = tensor_from(std::vector<double>{1, 2, 3, 4}, Shape{2, 2});
  EXPECT_EQ(t.dtype(), DType::Float64);
  EXPECT_EQ(t.sizes(), (Shape{2, 2}));
  EXPECT_EQ(t.select(1, 1).sum().item<double>(), 6.0);
}

TEST(Casts, ConvertBetweenDtypes) {
  Tensor x = tensor_from(std::vector<float>{-1.7f, 0.0f, 2.5f, 300.0f});
  expect_near_all(x.to(DType::Int32), {-1, 0, 2, 300}, 0);
  expect_near_all(x.to(DType::Bool), {1, 0, 1, 1}, 0);
  expect_near_all(x.to(DType::Float16), {-1.7001953125, 0, 2.5, 300}, 0);
  expect_near_all(x.to(DType::BFloat16), {-1.703125, 0, 2.5, 300}, 0);
  EXPECT_TRUE(x.to(DType::Float32).is_same(x));
  EXPECT_FALSE(x.to(DType::Float32, /*copy=*/true).is_same(x));
  EXPECT_EQ(full({}, 2.5).to(DType::Int64).item<int64_t>(), 2);
}

TEST(Printing, ReadsLikePyTorch) {
  EXPECT_EQ(tensor_from(std::vector<float>{1, 2, 3}).to_string(), "tensor([1., 2., 3.])");
  EXPECT_EQ(arange(3).to_string(), "tensor([0, 1, 2])");
  EXPECT_EQ(tensor_from(std::vector<double>{1.5, 1e-5}).to_string(),
            "tensor([1.5000e+00, 1.0000e-05], dtype=deepseek.float64)");
  EXPECT_EQ(full({}, true).to_string(), "tensor(True)");
  EXPECT_EQ(zeros({2, 0}, DType::Int32).to_string(),
            "tensor([], size=(2, 0), dtype=deepseek.int32)");
  Tensor g = ones({2}).requires_grad_(true);
  EXPECT_EQ(g.to_string(), "tensor([1., 1.], requires_grad=True)");
  EXPECT_EQ((g * 2).to_string(), "tensor([2., 2.], grad_fn=<MulBackward0>)");
  EXPECT_EQ(arange(2000).to_string(), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");
}
