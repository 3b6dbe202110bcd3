// Sorting, scans, sampling, generator state, bitwise ops and einsum from C++, checked against
// plain loops (the Python tests compare the same ops with torch).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "deepseek/deepseek.h"
#include "tensor_testing.h"

using namespace deepseek;
using namespace tensor_testing;

TEST(Sorting, SortIsStableWithNaNLast) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Tensor x = tensor_from(std::vector<double>{2, nan, 1, 2, nan, -3}, {1, 6});
  auto [v, i] = sort(x, 1);
  EXPECT_EQ(int_values(i), (std::vector<int64_t>{5, 2, 0, 3, 1, 4}));
  std::vector<double> vv = values(v);
  EXPECT_EQ(std::vector<double>(vv.begin(), vv.begin() + 4), (std::vector<double>{-3, 1, 2, 2}));
  EXPECT_TRUE(std::isnan(vv[4]) && std::isnan(vv[5]));
  auto [vd, id] = sort(x, 1, /*descending=*/true);
  EXPECT_EQ(int_values(id), (std::vector<int64_t>{1, 4, 0, 3, 2, 5}));
}

TEST(Sorting, SortAlongEveryDimOfAStridedTensor) {
  // [3, 4, 5] values permuted so each slice is a known permutation.
  std::vector<double> data(60);
  for (int i = 0; i < 60; ++i) data[i] = static_cast<double>((i * 37) % 60);
  Tensor x = tensor_from(data, {3, 4, 5}).transpose(0, 2);  // [5, 4, 3], not contiguous
  for (int64_t dim = 0; dim < 3; ++dim) {
    auto [v, idx] = sort(x, dim);
    // Every slice along dim is ascending, and the indices read the values back.
    Tensor gathered = gather(x, dim, idx);
    EXPECT_EQ(values(gathered), values(v));
    Tensor next = narrow(v, dim, 1, x.size(dim) - 1), prev = narrow(v, dim, 0, x.size(dim) - 1);
    EXPECT_TRUE(all(ge(next, prev)).item().to_bool());
  }
}

TEST(Sorting, TopkKthvalueMedian) {
  Tensor x = tensor_from(std::vector<float>{4, 1, 3, 9, 7, 5, 2, 8}, {2, 4});
  auto [v, i] = topk(x, 2);
  EXPECT_EQ(values(v), (std::vector<double>{9, 4, 8, 7}));
  EXPECT_EQ(int_values(i), (std::vector<int64_t>{3, 0, 3, 0}));
  auto [vs, is] = topk(x, 1, 0, /*largest=*/false);
  EXPECT_EQ(values(vs), (std::vector<double>{4, 1, 2, 8}));
  auto [kv, ki] = kthvalue(x, 3, 1);
  EXPECT_EQ(values(kv), (std::vector<double>{4, 7}));
  EXPECT_EQ(int_values(ki), (std::vector<int64_t>{0, 0}));
  auto [mv, mi] = median(x, 1);
  EXPECT_EQ(values(mv), (std::vector<double>{3, 5}));  // lower median
  EXPECT_EQ(int_values(mi), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(median(x).item<float>(), 4.0f);
  expect_error_with([&] { topk(x, 5); }, "selected index k out of range");
  expect_error_with([&] { kthvalue(x, 0); }, "k out of range");
}

TEST(Sorting, UniqueWithInverseAndCounts) {
  Tensor x = tensor_from(std::vector<int64_t>{3, 1, 3, 2, 1, 3}, {2, 3});
  UniqueResult r = unique(x, true, true);
  EXPECT_EQ(int_values(r.values), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(r.inverse.sizes(), (Shape{2, 3}));
  EXPECT_EQ(int_values(r.inverse), (std::vector<int64_t>{2, 0, 2, 1, 0, 2}));
  EXPECT_EQ(int_values(r.counts), (std::vector<int64_t>{2, 1, 3}));
}

TEST(Scan, CumsumCumprodCummaxAgainstLoops) {
  std::vector<double> data = {1, -2, 3, 0.5, 4, -1, 2, 2, 0.25, 3, 1, -4};
  Tensor x = tensor_from(data, {3, 4});
  for (int64_t dim : {0, 1}) {
    std::vector<double> s = values(cumsum(x, dim)), p = values(cumprod(x, dim));
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 4; ++c) {
        double acc = 0, prod = 1;
        for (int k = 0; k <= (dim == 0 ? r : c); ++k) {
          const double e = dim == 0 ? data[k * 4 + c] : data[r * 4 + k];
          acc += e;
          prod *= e;
        }
        EXPECT_DOUBLE_EQ(s[r * 4 + c], acc);
        EXPECT_DOUBLE_EQ(p[r * 4 + c], prod);
      }
    }
  }
  auto [mv, mi] = cummax(tensor_from(std::vector<int64_t>{1, 3, 3, 2, 5}), 0);
  EXPECT_EQ(int_values(mv), (std::vector<int64_t>{1, 3, 3, 3, 5}));
  EXPECT_EQ(int_values(mi), (std::vector<int64_t>{0, 1, 2, 2, 4}));  // later index on ties
  // Integer inputs accumulate (and return) int64, as PyTorch.
  Tensor small = tensor_from(std::vector<int32_t>{2000000000, 2000000000});
  Tensor c = cumsum(small, 0);
  EXPECT_EQ(c.dtype(), DType::Int64);
  EXPECT_EQ(int_values(c), (std::vector<int64_t>{2000000000, 4000000000}));
}

TEST(Random, GeneratorStateRoundTrip) {
  Generator g(42);
  Tensor state = generator_state(g);
  EXPECT_EQ(state.dtype(), DType::UInt8);
  EXPECT_EQ(state.numel(), 16);
  Tensor a = randn({8}, {}, &g);
  set_generator_state(g, state);
  EXPECT_EQ(values(randn({8}, {}, &g)), values(a));
  Generator other(7);
  set_generator_state(other, state);
  EXPECT_EQ(other.initial_seed(), 42u);
  expect_error_with([&] { set_generator_state(g, zeros({3}, TensorOptions(DType::UInt8))); },
                    "expected a state of 16 bytes");
}

TEST(Random, MultinomialIsDeterministicAndValid) {
  Tensor probs = tensor_from(std::vector<float>{0.f, 1.f, 3.f, 0.f, 2.f, 2.f}, {2, 3});
  Generator g1(5), g2(5);
  Tensor a = multinomial(probs, 50, true, &g1), b = multinomial(probs, 50, true, &g2);
  EXPECT_EQ(a.sizes(), (Shape{2, 50}));
  EXPECT_EQ(int_values(a), int_values(b));
  std::vector<int64_t> v = int_values(a);
  for (int s = 0; s < 50; ++s) {
    EXPECT_NE(v[s], 0);       // row 0 category 0 has probability 0
    EXPECT_NE(v[50 + s], 0);  // row 1 category 0 has probability 0
  }
  Tensor perm = multinomial(ones({8}), 8, false, &g1);
  std::vector<int64_t> p = int_values(perm);
  EXPECT_EQ(std::set<int64_t>(p.begin(), p.end()).size(), 8u);
  expect_error_with([&] { multinomial(probs, 3); }, "not enough non-negative category");
}

TEST(Bitwise, IntegerOpsAndShifts) {
  Tensor a = tensor_from(std::vector<int64_t>{12, -7, 5});
  Tensor b = tensor_from(std::vector<int64_t>{10, 3, 64});
  EXPECT_EQ(int_values(bitwise_and(a, b)), (std::vector<int64_t>{12 & 10, -7 & 3, 5 & 64}));
  EXPECT_EQ(int_values(bitwise_or(a, b)), (std::vector<int64_t>{12 | 10, -7 | 3, 5 | 64}));
  EXPECT_EQ(int_values(bitwise_xor(a, b)), (std::vector<int64_t>{12 ^ 10, -7 ^ 3, 5 ^ 64}));
  EXPECT_EQ(int_values(bitwise_not(a)), (std::vector<int64_t>{~12, ~-7, ~5}));
  Tensor counts = tensor_from(std::vector<int64_t>{2, 1, 64});
  EXPECT_EQ(int_values(bitwise_left_shift(a, counts)), (std::vector<int64_t>{48, -14, 0}));
  EXPECT_EQ(int_values(bitwise_right_shift(a, counts)), (std::vector<int64_t>{3, -4, 0}));
  expect_error_with([&] { bitwise_and(ones({2}), ones({2})); }, "bitwise_and_cpu");
}

TEST(Einsum, MatmulTraceAndBatched) {
  Tensor a = arange(0, 6, 1, TensorOptions(DType::Float64)).reshape({2, 3});
  Tensor b = arange(0, 12, 1, TensorOptions(DType::Float64)).reshape({3, 4});
  EXPECT_EQ(values(einsum("ij,jk->ik", {a, b})), values(mm(a, b)));
  Tensor sq = arange(0, 9, 1, TensorOptions(DType::Float64)).reshape({3, 3});
  EXPECT_DOUBLE_EQ(einsum("ii", {sq}).item<double>(), 0 + 4 + 8);
  EXPECT_EQ(values(einsum("ii->i", {sq})), (std::vector<double>{0, 4, 8}));
  Tensor x = arange(0, 24, 1, TensorOptions(DType::Float64)).reshape({2, 3, 4});
  Tensor y = arange(0, 16, 1, TensorOptions(DType::Float64)).reshape({2, 4, 2});
  EXPECT_EQ(values(einsum("...ij,...jk", {x, y})), values(bmm(x, y)));
  expect_error_with([&] { einsum("ij,jk", {a}); }, "operands");
}
