// Reductions, matrix products and softmax from C++, checked against plain loops in double.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "deepseek/deepseek.h"
#include "tensor_testing.h"

using namespace deepseek;
using namespace tensor_testing;

namespace {

// A [2, 3, 4] float64 tensor with distinct values (i * 0.5 - 3).
Tensor sample() {
  std::vector<double> v(24);
  for (int i = 0; i < 24; ++i) v[i] = i * 0.5 - 3;
  return tensor_from(v, {2, 3, 4});
}

}  // namespace

TEST(Reduction, SumOverDimSetsWithKeepdim) {
  Tensor x = sample();
  const std::vector<double> v = values(x);
  // Sum over dims {0, 2}: one value per middle index.
  Tensor s = sum(x, {0, 2});
  ASSERT_EQ(s.sizes(), (Shape{3}));
  for (int j = 0; j < 3; ++j) {
    double ref = 0;
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 4; ++k) ref += v[i * 12 + j * 4 + k];
    EXPECT_DOUBLE_EQ(values(s)[j], ref);
  }
  EXPECT_EQ(sum(x, {0, 2}, true).sizes(), (Shape{1, 3, 1}));
  EXPECT_EQ(sum(x, {-1}, false).sizes(), (Shape{2, 3}));
  EXPECT_DOUBLE_EQ(x.sum().item<double>(), std::accumulate(v.begin(), v.end(), 0.0));
  // The same values through a transposed (non-contiguous) view reduce the same way.
  Tensor xt = x.transpose(0, 2);
  EXPECT_FALSE(xt.is_contiguous());
  EXPECT_EQ(values(sum(xt, {2, 0})), values(s));
}

TEST(Reduction, MeanProdVarStdNorm) {
  Tensor x = sample();
  const std::vector<double> v = values(x);
  const double n = 24, m = std::accumulate(v.begin(), v.end(), 0.0) / n;
  double ss = 0;
  for (double e : v) ss += (e - m) * (e - m);
  EXPECT_NEAR(mean(x).item<double>(), m, 1e-12);
  EXPECT_NEAR(var(x).item<double>(), ss / (n - 1), 1e-12);
  EXPECT_NEAR(var(x, {}, 0).item<double>(), ss / n, 1e-12);
  EXPECT_NEAR(deepseek::std(x).item<double>(), std::sqrt(ss / (n - 1)), 1e-12);
  double sq = 0, ab = 0;
  for (double e : v) {
    sq += e * e;
    ab += std::abs(e);
  }
  EXPECT_NEAR(norm(x).item<double>(), std::sqrt(sq), 1e-12);
  EXPECT_NEAR(norm(x, 1).item<double>(), ab, 1e-12);
  EXPECT_NEAR(norm(x, std::numeric_limits<double>::infinity()).item<double>(), 8.5, 1e-12);
  Tensor p = prod(tensor_from(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3}), {1});
  EXPECT_EQ(values(p), (std::vector<double>{6, 120}));
}

TEST(Reduction, IntegerSumIsInt64AndExact) {
  Tensor x = tensor_from(std::vector<int32_t>{1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor s = sum(x, {0});
  EXPECT_EQ(s.dtype(), DType::Int64);
  EXPECT_EQ(int_values(s), (std::vector<int64_t>{5, 7, 9}));
  Tensor big = full({1000}, Scalar(int64_t{1} << 53), DType::Int64);
  EXPECT_EQ(big.sum().item<int64_t>(), (int64_t{1} << 53) * 1000);
}

TEST(Reduction, TenMillionFloat32OnesSumExactly) {
  Tensor x = ones({10'000'000});
  EXPECT_EQ(x.sum().item<double>(), 1e7);
  Tensor cols = x.view({10'000, 1000}).sum({0});
  for (double c : values(cols)) ASSERT_EQ(c, 10'000.0);
}

TEST(Reduction, MaxMinWithIndicesFirstTieWins) {
  Tensor x = tensor_from(std::vector<double>{1, 5, 5, 0, 2, 2, 2, -1}, {2, 4});
  auto [v, i] = max(x, 1);
  EXPECT_EQ(values(v), (std::vector<double>{5, 2}));
  EXPECT_EQ(int_values(i), (std::vector<int64_t>{1, 0}));
  auto [vn, in] = min(x, 0, true);
  EXPECT_EQ(vn.sizes(), (Shape{1, 4}));
  EXPECT_EQ(int_values(in), (std::vector<int64_t>{0, 1, 1, 1}));
  EXPECT_EQ(argmax(x).item<int64_t>(), 1);
  EXPECT_EQ(argmin(x).item<int64_t>(), 7);
  EXPECT_EQ(int_values(argmax(x, 0)), (std::vector<int64_t>{1, 0, 0, 0}));
  EXPECT_EQ(x.max().item<double>(), 5);
  EXPECT_EQ(amin(x, {1}).sizes(), (Shape{2}));
}

TEST(Reduction, NanPropagatesThroughMaxAndArgmax) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Tensor x = tensor_from(std::vector<double>{1, nan, 3, 4, 2, nan}, {2, 3});
  auto [v, i] = max(x, 1);
  EXPECT_TRUE(std::isnan(values(v)[0]));
  EXPECT_TRUE(std::isnan(values(v)[1]));
  EXPECT_EQ(int_values(i), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(std::isnan(amin(x).item<double>()));
  EXPECT_EQ(argmin(x).item<int64_t>(), 1);
}

TEST(Reduction, EmptyAndZeroDim) {
  Tensor e = zeros({0, 3});
  EXPECT_EQ(values(sum(e, {0})), (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(prod(e).item<double>(), 1.0);
  EXPECT_THROW(amax(e), RuntimeError);
  EXPECT_THROW(max(e, 0), IndexError);
  EXPECT_EQ(amax(e, {1}).sizes(), (Shape{0}));
  Tensor s = scalar_tensor(2.5);
  EXPECT_EQ(sum(s, {0}).item<double>(), 2.5);
  auto [v, i] = max(s, 0);
  EXPECT_EQ(v.dim(), 0);
  EXPECT_EQ(i.item<int64_t>(), 0);
}

TEST(Reduction, LogsumexpIsStable) {
  const double inf = std::numeric_limits<double>::infinity();
  Tensor x = tensor_from(std::vector<double>{1000, 1000, -inf, -inf}, {2, 2});
  std::vector<double> r = values(logsumexp(x, {1}));
  EXPECT_NEAR(r[0], 1000 + std::log(2.0), 1e-9);
  EXPECT_EQ(r[1], -inf);
}

TEST(Reduction, AllAny) {
  Tensor x = tensor_from(std::vector<double>{0, 1, 2, 3}, {2, 2});
  EXPECT_EQ(int_values(all(x, {1})), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(int_values(any(x, {0})), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(all(x).dtype(), DType::Bool);
}

TEST(Reduction, ErrorsNameTheProblem) {
  Tensor x = zeros({3, 4});
  EXPECT_THROW(sum(x, {2}), IndexError);
  expect_error_with([&] { sum(x, {2}); }, "Dimension out of range");
  expect_error_with([&] { sum(x, {0, 0}); }, "appears multiple times");
  expect_error_with([&] { mean(arange(4)); }, "could not infer output dtype");
}

namespace {

// Naive [M, K] @ [K, N] in double.
std::vector<double> naive_mm(const std::vector<double>& a, const std::vector<double>& b, int64_t M,
                             int64_t K, int64_t N) {
  std::vector<double> c(M * N, 0.0);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t k = 0; k < K; ++k)
      for (int64_t j = 0; j < N; ++j) c[i * N + j] += a[i * K + k] * b[k * N + j];
  return c;
}

void expect_near_all(const std::vector<double>& got, const std::vector<double>& want, double rtol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], rtol * (1 + std::abs(want[i]))) << "at " << i;
  }
}

}  // namespace

TEST(Linalg, MmAllDtypesAndLayouts) {
  const int64_t M = 37, K = 53, N = 29;
  Tensor a64 = randn({M, K}, DType::Float64), b64 = randn({K, N}, DType::Float64);
  const std::vector<double> ref = naive_mm(values(a64), values(b64), M, K, N);
  expect_near_all(values(mm(a64, b64)), ref, 1e-12);
  expect_near_all(values(mm(a64.to(DType::Float32), b64.to(DType::Float32))), ref, 1e-5);
  // Column-major operands go to oneDNN without a copy; the result must not change.
  Tensor at = a64.to(DType::Float32).t().contiguous().t();
  Tensor bt = b64.to(DType::Float32).t().contiguous().t();
  EXPECT_FALSE(at.is_contiguous());
  expect_near_all(values(mm(at, bt)), ref, 1e-5);
  // Stepped (every other column) operands are copied first.
  Tensor wide = randn({M, 2 * K}, DType::Float32);
  Tensor stepped = wide.slice(1, 0, std::nullopt, 2);
  expect_near_all(values(mm(stepped, b64.to(DType::Float32))),
                  naive_mm(values(stepped), values(b64.to(DType::Float32)), M, K, N), 1e-5);
  for (DType dt : {DType::BFloat16, DType::Float16}) {
    Tensor a = a64.to(dt), b = b64.to(dt);
    expect_near_all(values(mm(a, b)), naive_mm(values(a), values(b), M, K, N), 2e-2);
  }
  Tensor ia = randint(-5, 5, {M, K}, DType::Int64), ib = randint(-5, 5, {K, N}, DType::Int64);
  EXPECT_EQ(values(mm(ia, ib)), naive_mm(values(ia), values(ib), M, K, N));
}

// float64 has its own packed GEMM: tiles of 6 x 8, slabs of 256 inner steps, tasks of up
// to 96 rows x 256 columns. Shapes on both sides of each boundary, and operands of every
// layout (transposed, stepped), must give the naive product.
TEST(Linalg, Float64GemmAcrossBlockBoundaries) {
  const int64_t shapes[][3] = {{1, 1, 1},     {5, 7, 3},    {6, 256, 8},   {7, 257, 9},
                               {97, 51, 204}, {13, 520, 3}, {200, 3, 270}, {1, 300, 1}};
  for (const auto& s : shapes) {
    const int64_t M = s[0], K = s[1], N = s[2];
    Tensor a = randn({M, K}, DType::Float64), b = randn({K, N}, DType::Float64);
    const std::vector<double> ref = naive_mm(values(a), values(b), M, K, N);
    SCOPED_TRACE("M=" + std::to_string(M) + " K=" + std::to_string(K) + " N=" + std::to_string(N));
    expect_near_all(values(mm(a, b)), ref, 1e-12 * K);
    Tensor at = a.t().contiguous().t(), bt = b.t().contiguous().t();  // column-major
    expect_near_all(values(mm(at, bt)), ref, 1e-12 * K);
    Tensor stepped = randn({M, 2 * K}, DType::Float64).slice(1, 0, std::nullopt, 2);
    expect_near_all(values(mm(stepped, b)), naive_mm(values(stepped), values(b), M, K, N),
                    1e-12 * K);
  }
  // Many small products (one thread each) and one operand shared by every batch.
  Tensor a = randn({64, 9, 7}, DType::Float64), b = randn({7, 5}, DType::Float64);
  Tensor c = matmul(a, b);
  for (int64_t i = 0; i < 64; i += 21) {
    expect_near_all(values(c.select(0, i)), naive_mm(values(a.select(0, i)), values(b), 9, 7, 5),
                    1e-12);
  }
}

TEST(Linalg, MatmulBroadcastsBatches) {
  Tensor a = randn({4, 1, 3, 5}, DType::Float64), b = randn({6, 5, 2}, DType::Float64);
  Tensor c = matmul(a, b);
  ASSERT_EQ(c.sizes(), (Shape{4, 6, 3, 2}));
  for (int64_t i = 0; i < 4; ++i) {
    for (int64_t j = 0; j < 6; ++j) {
      std::vector<double> ref =
          naive_mm(values(a.select(0, i).select(0, 0)), values(b.select(0, j)), 3, 5, 2);
      expect_near_all(values(c.select(0, i).select(0, j)), ref, 1e-12);
    }
  }
  Tensor v = randn({5}, DType::Float64);
  EXPECT_EQ(matmul(a, v).sizes(), (Shape{4, 1, 3}));
  EXPECT_EQ(matmul(v, b).sizes(), (Shape{6, 2}));
  EXPECT_EQ(matmul(v, v).dim(), 0);
}

TEST(Linalg, DotOuterAddmmLinear) {
  Tensor u = tensor_from(std::vector<double>{1, 2, 3}),
         w = tensor_from(std::vector<double>{4, 5, 6});
  EXPECT_EQ(dot(u, w).item<double>(), 32);
  EXPECT_EQ(values(outer(u, w)), (std::vector<double>{4, 5, 6, 8, 10, 12, 12, 15, 18}));
  Tensor m1 = ones({2, 3}, DType::Float64), m2 = ones({3, 2}, DType::Float64);
  Tensor in = full({2, 2}, 1.0, DType::Float64);
  EXPECT_EQ(values(addmm(in, m1, m2, 2, 0.5)), (std::vector<double>(4, 2 + 1.5)));
  Tensor x = ones({5, 3}, DType::Float64), wt = ones({4, 3}, DType::Float64);
  Tensor bias = tensor_from(std::vector<double>{0, 1, 2, 3});
  EXPECT_EQ(values(linear(x, wt, bias).select(0, 2)), (std::vector<double>{3, 4, 5, 6}));
}

TEST(Linalg, ShapeErrorsUsePyTorchWording) {
  expect_error_with(
      [] {
        mm(zeros({2, 3}), zeros({4, 5}));
      },
      "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)");
  expect_error_with(
      [] {
        matmul(zeros({2, 3}), zeros({4, 5}));
      },
      "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)");
  expect_error_with(
      [] {
        linear(zeros({2, 3}), zeros({5, 4}));
      },
      "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)");
  EXPECT_THROW(bmm(zeros({2, 3}), zeros({2, 3, 4})), RuntimeError);
  EXPECT_THROW(dot(zeros({3}), zeros({4})), RuntimeError);
}

TEST(Softmax, RowsSumToOneAndHandleInfinities) {
  const double inf = std::numeric_limits<double>::infinity();
  Tensor x =
      tensor_from(std::vector<double>{1000, 999, -1000, -inf, -inf, -inf, -inf, 0, -inf}, {3, 3});
  std::vector<double> s = values(softmax(x, 1));
  const double e = std::exp(-1.0);
  EXPECT_NEAR(s[0], 1 / (1 + e), 1e-12);
  EXPECT_NEAR(s[1], e / (1 + e), 1e-12);
  EXPECT_EQ(s[2], 0.0);
  for (int i = 3; i < 6; ++i) EXPECT_TRUE(std::isnan(s[i]));  // as in PyTorch
  EXPECT_EQ(s[7], 1.0);
  std::vector<double> l = values(log_softmax(x, 1));
  EXPECT_NEAR(l[0], -std::log1p(e), 1e-12);
  EXPECT_EQ(l[7], 0.0);
  EXPECT_EQ(l[6], -inf);
}

TEST(Softmax, NonLastDimMatchesTransposedLastDim) {
  Tensor x = randn({3, 5, 4}, DType::Float32);
  Tensor a = softmax(x, 1);
  Tensor b = softmax(x.transpose(1, 2).contiguous(), 2).transpose(1, 2);
  expect_near_all(values(a), values(b), 1e-6);
  std::vector<double> sums = values(sum(a, {1}));
  for (double v : sums) EXPECT_NEAR(v, 1.0, 1e-6);
}
