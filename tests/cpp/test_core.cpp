// Core types: dtypes and promotion, devices, shapes, half types, storage and views.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "deepseek/deepseek.h"

using namespace deepseek;

TEST(DType, PromotionFollowsPyTorch) {
  EXPECT_EQ(promote_types(DType::UInt8, DType::Int8), DType::Int16);
  EXPECT_EQ(promote_types(DType::Bool, DType::Int32), DType::Int32);
  EXPECT_EQ(promote_types(DType::Int64, DType::Float16), DType::Float16);
  EXPECT_EQ(promote_types(DType::Float16, DType::BFloat16), DType::Float32);
  EXPECT_EQ(promote_types(DType::Float32, DType::Float64), DType::Float64);
}

TEST(DType, WrappedNumbersRankBelowTensors) {
  Tensor i32 = zeros({2}, DType::Int32);
  Tensor f16 = zeros({2}, DType::Float16);
  EXPECT_EQ((i32 + 2.5).dtype(), DType::Float32);
  EXPECT_EQ((f16 + 2.5).dtype(), DType::Float16);
  EXPECT_EQ((i32 + 1000).dtype(), DType::Int32);
  EXPECT_EQ((zeros({2}, DType::Bool) + 1).dtype(), DType::Int64);
}

TEST(Half, RoundTripsAndRoundsToNearestEven) {
  for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f}) {
    EXPECT_EQ(static_cast<float>(Half(f)), f) << f;
  }
  EXPECT_TRUE(std::isinf(static_cast<float>(Half(70000.0f))));
  EXPECT_TRUE(std::isnan(static_cast<float>(Half(std::numeric_limits<float>::quiet_NaN()))));
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1.0).
  EXPECT_EQ(static_cast<float>(Half(1.0f + 0.00048828125f)), 1.0f);
  EXPECT_EQ(static_cast<float>(BFloat16(1.0f + 1.0f / 256)), 1.0f);
  EXPECT_EQ(static_cast<float>(BFloat16(3.0f)), 3.0f);
}

TEST(Device, ParsesStrings) {
  EXPECT_EQ(Device("cpu"), Device(DeviceType::CPU));
  EXPECT_EQ(Device("cuda:1"), Device(DeviceType::CUDA, 1));
  EXPECT_EQ(Device("cuda").index, 0);
  EXPECT_THROW(Device("tpu"), ValueError);
  EXPECT_THROW(Device("cuda:x"), ValueError);
}

TEST(Shape, BroadcastsAndReportsMismatch) {
  EXPECT_EQ(broadcast_shapes({3, 1}, {1, 4}), (Shape{3, 4}));
  EXPECT_EQ(broadcast_shapes({5}, {2, 1}), (Shape{2, 5}));
  EXPECT_THROW(broadcast_shapes({3}, {4}), RuntimeError);
}

TEST(Tensor, ViewsShareStorageAndVersion) {
  Tensor a = arange(0, 6, 1, DType::Float32).view({2, 3});
  Tensor row = a.select(0, 1);
  EXPECT_TRUE(row.is_view());
  row.fill_(7);
  EXPECT_EQ(a.sum().item<double>(), 0 + 1 + 2 + 21);
  EXPECT_EQ(a.version(), row.version());
  EXPECT_GT(a.version(), 0u);
}

TEST(Allocator, TracksLiveBytesAndPeak) {
  auto alloc = get_allocator(DeviceType::CPU);
  alloc->reset_peak_stats();
  const int64_t before = alloc->stats().allocated_bytes;
  {
    Tensor t = empty({1024}, DType::Float32);
    EXPECT_EQ(alloc->stats().allocated_bytes, before + 4096);
  }
  EXPECT_EQ(alloc->stats().allocated_bytes, before);
  EXPECT_GE(alloc->stats().peak_bytes, before + 4096);
}

TEST(Allocator, CpuBlocksAre64ByteAlignedAndWholeOrRefused) {
  CpuAllocator alloc;
  std::vector<std::pair<void*, size_t>> blocks;
  for (size_t n : {size_t{0}, size_t{1}, size_t{8}, size_t{63}, size_t{64}, size_t{65},
                   size_t{1000}, size_t{4096}, size_t{200000}, size_t{3} << 20}) {
    for (int repeat = 0; repeat < 3; ++repeat) {
      void* p = alloc.allocate(n);
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % CpuAllocator::kAlignment, 0u) << n;
      std::memset(p, 0xAB, n);  // every byte asked for is usable (ASan checks the rest)
      blocks.emplace_back(p, n);
    }
  }
  EXPECT_EQ(alloc.stats().num_allocations, static_cast<int64_t>(blocks.size()));
  for (auto [p, n] : blocks) alloc.deallocate(p, n);
  EXPECT_EQ(alloc.stats().allocated_bytes, 0);
  EXPECT_THROW(alloc.allocate(SIZE_MAX - 8), MemoryError);
  EXPECT_THROW(alloc.allocate(size_t{1} << 62), MemoryError);
}

TEST(Random, SameSeedSameNumbers) {
  manual_seed(123);
  Tensor a = randn({100});
  manual_seed(123);
  Tensor b = randn({100});
  EXPECT_TRUE(eq(a, b).all().item<bool>());
  Tensor c = randn({100});
  EXPECT_FALSE(eq(a, c).all().item<bool>());
  Tensor u = rand({10000});
  EXPECT_NEAR(u.mean().item<double>(), 0.5, 0.02);
  EXPECT_GE(u.min().item<double>(), 0.0);
  EXPECT_LT(u.max().item<double>(), 1.0);
}
