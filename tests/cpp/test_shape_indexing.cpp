// Shape ops, indexing ops and subscripts (index / index_put_) from C++.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "deepseek/deepseek.h"
#include "tensor_testing.h"

using namespace deepseek;
using namespace tensor_testing;
using TI = TensorIndex;

namespace {

// 0, 1, ..., numel-1 as float64 in `shape`.
Tensor iota(const Shape& shape) {
  return arange(0, shape_numel(shape), 1, DType::Float64).reshape(shape);
}

}  // namespace

TEST(Shape, ViewReshapePermuteShareOrCopy) {
  Tensor x = iota({2, 3, 4});
  Tensor v = x.view({6, -1});
  EXPECT_EQ(v.sizes(), (Shape{6, 4}));
  v.select(0, 5).fill_(-1);
  EXPECT_EQ(x.select(0, 1).select(0, 2).sum().item<double>(), -4);
  Tensor p = x.permute({2, 0, 1});
  EXPECT_EQ(p.sizes(), (Shape{4, 2, 3}));
  EXPECT_EQ(p.strides(), (Strides{1, 12, 4}));
  EXPECT_THROW(p.view({24}), RuntimeError);
  Tensor r = p.reshape({24});  // a copy
  EXPECT_EQ(values(r)[1], 4);  // p[0, 0, 1] = x[0, 1, 0]
  expect_error_with([&] { x.view({5, 5}); }, "shape '[5, 5]' is invalid for input of size 24");
  expect_error_with([&] { p.view({24}); }, "view size is not compatible");
}

TEST(Shape, SqueezeUnsqueezeExpandFlatten) {
  Tensor x = iota({3, 1});
  EXPECT_EQ(x.unsqueeze(0).sizes(), (Shape{1, 3, 1}));
  EXPECT_EQ(x.squeeze().sizes(), (Shape{3}));
  EXPECT_EQ(x.squeeze(0).sizes(), (Shape{3, 1}));
  Tensor e = x.expand({2, 3, 4});
  EXPECT_EQ(e.strides(), (Strides{0, 1, 0}));
  EXPECT_EQ(e.sum().item<double>(), 8 * (0 + 1 + 2));
  EXPECT_EQ(iota({2, 3, 4}).flatten(1).sizes(), (Shape{2, 12}));
  EXPECT_EQ(iota({2, 12}).unflatten(1, {3, -1}).sizes(), (Shape{2, 3, 4}));
  EXPECT_EQ(movedim(iota({2, 3, 4}), 0, 2).sizes(), (Shape{3, 4, 2}));
}

TEST(Shape, SliceNarrowSelectWithSteps) {
  Tensor x = iota({10});
  EXPECT_EQ(values(x.slice(0, 1, std::nullopt, 3)), (std::vector<double>{1, 4, 7}));
  EXPECT_EQ(values(x.slice(0, -4, -1, 2)), (std::vector<double>{6, 8}));
  EXPECT_EQ(x.slice(0, 8, 2).numel(), 0);
  EXPECT_EQ(values(x.narrow(0, 2, 3)), (std::vector<double>{2, 3, 4}));
  EXPECT_EQ(x.select(0, -1).item<double>(), 9);
  EXPECT_THROW(x.select(0, 10), IndexError);
  EXPECT_THROW(x.narrow(0, 8, 3), RuntimeError);
}

TEST(Shape, CatStackSplitChunkUnbind) {
  Tensor a = iota({2, 3}), b = iota({2, 1}) + 100;
  Tensor c = cat({a, b}, 1);
  EXPECT_EQ(values(c), (std::vector<double>{0, 1, 2, 100, 3, 4, 5, 101}));
  EXPECT_EQ(stack({a, a}, 1).sizes(), (Shape{2, 2, 3}));
  TensorList parts = split(iota({7}), 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(values(parts[2]), (std::vector<double>{6}));
  TensorList sized = split(iota({7}), std::vector<int64_t>{2, 5});
  EXPECT_EQ(sized[1].numel(), 5);
  EXPECT_EQ(chunk(iota({6}), 4).size(), 3u);  // ceil(6/4)=2 per chunk, as in PyTorch
  EXPECT_EQ(unbind(a, 1).size(), 3u);
  expect_error_with(
      [&] {
        cat({a, iota({3, 3})}, 1);
      },
      "Sizes of tensors must match except in dimension 1");
}

TEST(Shape, RepeatTrilTriuFlip) {
  Tensor x = iota({2, 2});
  EXPECT_EQ(values(x.repeat({1, 2})), (std::vector<double>{0, 1, 0, 1, 2, 3, 2, 3}));
  EXPECT_EQ(values(iota({3, 3}).tril()), (std::vector<double>{0, 0, 0, 3, 4, 0, 6, 7, 8}));
  EXPECT_EQ(values(iota({3, 3}).triu(1)), (std::vector<double>{0, 1, 2, 0, 0, 5, 0, 0, 0}));
  EXPECT_EQ(values(flip(x, {0, 1})), (std::vector<double>{3, 2, 1, 0}));
  EXPECT_THROW(flip(x, {0, 0}), RuntimeError);
}

TEST(Indexing, BasicSubscriptsAreViews) {
  Tensor x = iota({4, 5, 6});
  Tensor v =
      index(x, {TI::Int(1), TI::Slice(std::nullopt, std::nullopt, 2), TI::NewAxis(), TI::Dots()});
  EXPECT_EQ(v.sizes(), (Shape{3, 1, 6}));
  v.fill_(-1);
  EXPECT_EQ(x.select(0, 1).select(0, 2).sum().item<double>(), -6);
  expect_error_with([&] { index(x, {TI::Int(4)}); },
                    "index 4 is out of bounds for dimension 0 with size 4");
  expect_error_with(
      [&] {
        index(x, {TI::Int(0), TI::Int(0), TI::Int(0), TI::Int(0)});
      },
      "too many indices for tensor of dimension 3");
}

TEST(Indexing, AdvancedIndicesAdjacentAndSeparated) {
  Tensor x = iota({4, 5, 6});
  Tensor i = tensor_from(std::vector<int64_t>{0, -1});
  Tensor j = tensor_from(std::vector<int64_t>{2, 3});
  // Adjacent advanced indices keep their place: [4, 2].
  Tensor adj = index(x, {TI::Slice(), TI::Of(i), TI::Of(j)});
  EXPECT_EQ(adj.sizes(), (Shape{4, 2}));
  EXPECT_EQ(values(adj.select(0, 1)), (std::vector<double>{30 + 0 * 6 + 2, 30 + 4 * 6 + 3}));
  // Separated by a slice, the broadcast dims go first: [2, 5].
  Tensor sep = index(x, {TI::Of(i), TI::Slice(), TI::Of(j)});
  EXPECT_EQ(sep.sizes(), (Shape{2, 5}));
  EXPECT_EQ(values(sep.select(0, 1).select(0, 0)), (std::vector<double>{3 * 30 + 3}));
  // Index tensors broadcast together.
  Tensor col = tensor_from(std::vector<int64_t>{1, 3}, {2, 1});
  EXPECT_EQ(index(x, {TI::Of(col), TI::Of(j)}).sizes(), (Shape{2, 2, 6}));
  // A bool mask selects its true coordinates.
  Tensor mask = tensor_from(std::vector<int64_t>{1, 0, 1, 1}).to(DType::Bool);
  EXPECT_EQ(index(x, {TI::Of(mask)}).sizes(), (Shape{3, 5, 6}));
  expect_error_with(
      [&] {
        index(x, {TI::Of(i), TI::Of(tensor_from(std::vector<int64_t>{0, 1, 2}))});
      },
      "shape mismatch: indexing tensors could not be broadcast together");
}

TEST(Indexing, IndexPutAssignsAndAccumulates) {
  Tensor x = zeros({3, 4}, DType::Float64);
  Tensor rows = tensor_from(std::vector<int64_t>{0, 2, 0});
  index_put_(x, {TI::Of(rows)}, ones({4}, DType::Float64), /*accumulate=*/true);
  EXPECT_EQ(values(x.sum({1})), (std::vector<double>{8, 0, 4}));
  index_put_(x, {TI::Slice(), TI::Int(1)}, scalar_tensor(9.0, DType::Float64));
  EXPECT_EQ(values(x.select(1, 1)), (std::vector<double>{9, 9, 9}));
  expect_error_with(
      [&] {
        index_put_(x, {TI::Of(rows)}, ones({2, 4}));
      },
      "shape mismatch: value tensor of shape [2, 4] cannot be broadcast");
}

TEST(Indexing, GatherScatterIndexSelectMaskedFill) {
  Tensor x = iota({3, 4});
  Tensor idx = tensor_from(std::vector<int64_t>{3, 0, 1, 1, 2, 2}, {3, 2});
  EXPECT_EQ(values(gather(x, 1, idx)), (std::vector<double>{3, 0, 5, 5, 10, 10}));
  Tensor sc = scatter_add(zeros({3, 4}, DType::Float64), 1, idx, ones({3, 2}, DType::Float64));
  EXPECT_EQ(values(sc.select(0, 1)), (std::vector<double>{0, 2, 0, 0}));
  EXPECT_EQ(values(index_select(x, 0, tensor_from(std::vector<int64_t>{2, 0})).select(1, 0)),
            (std::vector<double>{8, 0}));
  Tensor mask = gt(x, wrapped_scalar(9.5));
  EXPECT_EQ(masked_fill(x, mask, -1.0).sum().item<double>(),
            0 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 - 2);
  EXPECT_THROW(gather(x, 1, tensor_from(std::vector<int64_t>{4}, {1, 1})), RuntimeError);
  EXPECT_THROW(index_select(x, 0, tensor_from(std::vector<int64_t>{3})), IndexError);
}
