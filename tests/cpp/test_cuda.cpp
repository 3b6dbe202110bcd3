// The CUDA backend against the CPU backend: the same inputs through both, results compared
// exactly where the arithmetic is the same IEEE operations and within stated tolerances
// where libraries differ (cuBLAS summation order, libdevice's last bit in pow/log/cos).
//
// Tests that need a GPU skip with "no CUDA device available" where there is none. The
// caching allocator's block logic, the strided indexer and the no-device behaviour run
// everywhere the CUDA backend is built.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "deepseek/deepseek.h"

using namespace deepseek;

#ifndef DEEPSEEK_WITH_CUDA

TEST(CudaNotBuilt, CudaTensorsRaiseRuntimeError) {
  EXPECT_FALSE(has_backend(DeviceType::CUDA));
  EXPECT_THROW(zeros({2}, Device(DeviceType::CUDA)), RuntimeError);
}

#else  // DEEPSEEK_WITH_CUDA

#include "../../kernels/cuda/binary_op.h"
#include "../../kernels/cuda/strided_indexer.h"
#include "deepseek/backend/cuda/caching_allocator.h"
#include "deepseek/backend/cuda/cuda_device.h"

namespace {

const Device kCpu(DeviceType::CPU);
const Device kCuda(DeviceType::CUDA, 0);

Backend& cpu_backend() { return backend_for(DeviceType::CPU); }
Backend& gpu_backend() { return backend_for(DeviceType::CUDA); }

constexpr DType kAllDTypes[] = {DType::Bool,    DType::UInt8,  DType::Int8,    DType::Int16,
                                DType::Int32,   DType::Int64,  DType::Float16, DType::BFloat16,
                                DType::Float32, DType::Float64};

class Cuda : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda::is_available()) {
      GTEST_SKIP() << "no CUDA device available (" << cuda::unavailable_reason() << ")";
    }
  }
};

// Values of any tensor on any device as doubles, in row-major order.
std::vector<double> values(const Tensor& t) {
  Tensor c = t.to(kCpu).to(DType::Float64).contiguous();
  const double* p = c.data_ptr<double>();
  return {p, p + c.numel()};
}

// Same shape, dtype and values; NaN equals NaN.
void expect_same(const Tensor& gpu, const Tensor& cpu, const std::string& what) {
  ASSERT_EQ(gpu.sizes(), cpu.sizes()) << what;
  ASSERT_EQ(gpu.dtype(), cpu.dtype()) << what;
  const auto g = values(gpu), c = values(cpu);
  for (size_t i = 0; i < g.size(); ++i) {
    if (std::isnan(g[i]) && std::isnan(c[i])) continue;
    ASSERT_EQ(g[i], c[i]) << what << " at element " << i;
  }
}

void expect_close(const Tensor& gpu, const Tensor& cpu, double rtol, double atol,
                  const std::string& what) {
  ASSERT_EQ(gpu.sizes(), cpu.sizes()) << what;
  ASSERT_EQ(gpu.dtype(), cpu.dtype()) << what;
  const auto g = values(gpu), c = values(cpu);
  for (size_t i = 0; i < g.size(); ++i) {
    if (g[i] == c[i] || (std::isnan(g[i]) && std::isnan(c[i]))) continue;  // incl. infinities
    ASSERT_LE(std::abs(g[i] - c[i]), atol + rtol * std::abs(c[i]))
        << what << " at element " << i << ": " << g[i] << " vs " << c[i];
  }
}

// A deterministic CPU tensor of `dtype` with a spread of signs and magnitudes; nonzero
// keeps zeros out (divisors); nonnegative keeps float -> uint8 casts defined in C++.
Tensor sample(const Shape& shape, DType dtype, int salt, bool nonzero = false,
              bool nonnegative = false) {
  const int64_t n = shape_numel(shape);
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = (i * 37 + salt * 11) % 23;
    double x = is_floating(dtype) ? (static_cast<double>(r) - 11) * 0.625 + 0.125 * (i % 3)
                                  : static_cast<double>(r - 11);
    if (dtype == DType::Bool) x = r % 3 == 0 ? 0 : 1;
    if (nonnegative) x = std::abs(x);
    if (nonzero && x == 0) x = 3;
    v[static_cast<size_t>(i)] = x;
  }
  return tensor_from<double>(v, shape).to(dtype);
}

std::string name_of(DType d) { return dtype_name(d); }

// ---- host-side pieces that need no device ----

TEST(CudaIndexer, CoalescesContiguousAndBroadcastDims) {
  Tensor c = empty({2, 3, 4});
  auto ix = cuda::make_strided_indexer<1>({&c});
  EXPECT_EQ(ix.ndim, 1);
  EXPECT_EQ(ix.sizes[0], 24);
  EXPECT_EQ(ix.strides[0][0], 1);

  Tensor t = c.transpose(0, 2);  // [4, 3, 2], strides [1, 4, 12]
  Tensor out = empty({4, 3, 2});
  auto ix2 = cuda::make_strided_indexer<2>({&out, &t});
  EXPECT_EQ(ix2.ndim, 3);

  Tensor row = empty({5}).expand({3, 5});  // stride 0 on dim 0
  Tensor o2 = empty({3, 5});
  auto ix3 = cuda::make_strided_indexer<2>({&o2, &row});
  EXPECT_EQ(ix3.ndim, 2);
  EXPECT_EQ(ix3.strides[1][1], 0);

  Tensor scalar = empty({});
  auto ix4 = cuda::make_strided_indexer<1>({&scalar});
  EXPECT_EQ(ix4.ndim, 1);
  EXPECT_EQ(ix4.numel, 1);
}

TEST(CudaIndexer, OffsetsMatchStridesForEveryElement) {
  // out contiguous [3, 4, 5]; a = a permuted, sliced view; b broadcast along two dims.
  Tensor base = empty({5, 8, 3});
  Tensor a = base.permute({2, 0, 1}).slice(2, 0, 8, 2);  // [3, 5, 4] -> transpose below
  a = a.transpose(1, 2);                                 // [3, 4, 5]
  Tensor b = empty({4, 1}).expand({3, 4, 5});
  Tensor out = empty({3, 4, 5});
  auto ix = cuda::make_strided_indexer<3>({&out, &a, &b});
  int64_t i = 0;
  for (int64_t d0 = 0; d0 < 3; ++d0) {
    for (int64_t d1 = 0; d1 < 4; ++d1) {
      for (int64_t d2 = 0; d2 < 5; ++d2, ++i) {
        int64_t off[3];
        ix.offsets(i, off);
        EXPECT_EQ(off[0], d0 * 20 + d1 * 5 + d2);
        EXPECT_EQ(off[1], d0 * a.stride(0) + d1 * a.stride(1) + d2 * a.stride(2));
        EXPECT_EQ(off[2], d0 * b.stride(0) + d1 * b.stride(1) + d2 * b.stride(2));
      }
    }
  }
}

// Host memory standing in for cudaMalloc, with a capacity to exercise out-of-memory.
class HostSegments final : public cuda::SegmentSource {
 public:
  explicit HostSegments(size_t capacity, std::map<void*, size_t>* live)
      : capacity_(capacity), live_(live) {}
  int current_device() override { return 0; }
  void* allocate(size_t nbytes, int) override {
    if (used_ + nbytes > capacity_) return nullptr;
    void* p = std::malloc(nbytes);
    used_ += nbytes;
    (*live_)[p] = nbytes;
    return p;
  }
  void release(void* ptr, size_t nbytes, int) noexcept override {
    used_ -= nbytes;
    live_->erase(ptr);
    std::free(ptr);
  }

 private:
  size_t capacity_, used_ = 0;
  std::map<void*, size_t>* live_;
};

using Alloc = cuda::CudaCachingAllocator;

TEST(CudaCachingAllocator, SplitsSmallSegmentsAndMergesOnFree) {
  std::map<void*, size_t> segments;
  Alloc alloc(std::make_unique<HostSegments>(size_t{1} << 30, &segments));
  char* a = static_cast<char*>(alloc.allocate(1000));  // rounds to 1024
  char* b = static_cast<char*>(alloc.allocate(3000));  // rounds to 3072
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments.begin()->second, Alloc::kSmallSegment);
  EXPECT_EQ(b, a + 1024);  // split from the same segment, back to back
  AllocatorStats s = alloc.stats();
  EXPECT_EQ(s.allocated_bytes, 1024 + 3072);
  EXPECT_EQ(s.reserved_bytes, static_cast<int64_t>(Alloc::kSmallSegment));
  EXPECT_EQ(s.num_allocations, 2);

  alloc.deallocate(a, 1000);
  alloc.empty_cache();  // b still lives in the segment: nothing to release
  EXPECT_EQ(segments.size(), 1u);
  // The freed 1024-byte hole is the best fit for a 600-byte request.
  EXPECT_EQ(alloc.allocate(600), static_cast<void*>(a));
  alloc.deallocate(a, 600);
  alloc.deallocate(b, 3000);
  EXPECT_EQ(alloc.cached_bytes(), Alloc::kSmallSegment);  // merged back into one block
  EXPECT_EQ(alloc.stats().allocated_bytes, 0);
  alloc.empty_cache();
  EXPECT_TRUE(segments.empty());
  EXPECT_EQ(alloc.stats().reserved_bytes, 0);
  EXPECT_EQ(alloc.segment_count(), 0u);
}

TEST(CudaCachingAllocator, ReusesCachedBlocksAndTracksPeak) {
  std::map<void*, size_t> segments;
  Alloc alloc(std::make_unique<HostSegments>(size_t{1} << 30, &segments));
  void* p = alloc.allocate(5 << 20);  // large pool, 20 MiB segment
  EXPECT_EQ(segments.begin()->second, Alloc::kLargeSegment);
  alloc.deallocate(p, 5 << 20);
  void* q = alloc.allocate(5 << 20);
  EXPECT_EQ(p, q);  // served from the cache, no new segment
  EXPECT_EQ(segments.size(), 1u);
  EXPECT_EQ(alloc.stats().total_allocations, 2);
  // 12 MiB fits in the 15 MiB left of the first segment: split from it, no new segment.
  void* mid = alloc.allocate(size_t{12} << 20);
  EXPECT_EQ(static_cast<char*>(mid), static_cast<char*>(q) + (5 << 20));
  EXPECT_EQ(segments.size(), 1u);
  alloc.deallocate(mid, size_t{12} << 20);
  // 15 MiB + 1 byte does not: >= 10 MiB gets its own segment, rounded up to 2 MiB.
  void* big = alloc.allocate((size_t{15} << 20) + 1);
  EXPECT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[big], size_t{16} << 20);
  // The segment's last 1 MiB - 512 bytes is too small to split off in the large pool, so
  // the block keeps it and the statistics count it.
  EXPECT_EQ(alloc.stats().allocated_bytes, static_cast<int64_t>(size_t{21} << 20));
  EXPECT_EQ(alloc.stats().peak_bytes, alloc.stats().allocated_bytes);
  alloc.deallocate(big, (size_t{15} << 20) + 1);
  alloc.reset_peak_stats();
  EXPECT_EQ(alloc.stats().peak_bytes, static_cast<int64_t>(size_t{5} << 20));
  alloc.deallocate(q, 5 << 20);
  EXPECT_EQ(alloc.allocate(0), nullptr);
  alloc.deallocate(nullptr, 0);
}

TEST(CudaCachingAllocator, OutOfMemoryEmptiesTheCacheThenRaises) {
  std::map<void*, size_t> segments;
  Alloc alloc(std::make_unique<HostSegments>(size_t{24} << 20, &segments));
  void* a = alloc.allocate(size_t{12} << 20);
  alloc.deallocate(a, size_t{12} << 20);       // cached, 12 MiB of the 24 still held
  void* b = alloc.allocate(size_t{16} << 20);  // fits only after the cache is emptied
  EXPECT_NE(b, nullptr);
  EXPECT_EQ(segments.size(), 1u);
  try {
    alloc.allocate(size_t{16} << 20);
    FAIL() << "expected MemoryError";
  } catch (const MemoryError& e) {
    EXPECT_NE(std::string(e.what()).find("CUDA out of memory. Tried to allocate 16.00 MiB"),
              std::string::npos)
        << e.what();
  }
  alloc.deallocate(b, size_t{16} << 20);
}

// ---- behaviour without a device (runs on machines with no GPU or driver) ----

TEST(CudaNoDevice, BackendRegistersButAllocationRaisesRuntimeError) {
  if (cuda::is_available()) GTEST_SKIP() << "a CUDA device is available";
  ASSERT_TRUE(has_backend(DeviceType::CUDA));
  EXPECT_EQ(gpu_backend().device_count(), 0);
  EXPECT_EQ(cuda::device_count(), 0);
  EXPECT_FALSE(cuda::unavailable_reason().empty());
  try {
    zeros({2}, kCuda);
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("CUDA error: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("is_available() is False"), std::string::npos);
  }
  EXPECT_THROW(empty({0}, kCuda), RuntimeError);
  EXPECT_THROW(cuda::current_device(), RuntimeError);
  EXPECT_THROW(cuda::synchronize(), RuntimeError);
  EXPECT_THROW(randn({3}).to(kCuda), RuntimeError);
}

TEST(CudaBackendKernels, MissingKernelsRaiseNotImplemented) {
  // The base class answers before touching any tensor, so this needs no device.
  try {
    gpu_backend().unary(UnaryOp::Exp, Tensor(), Tensor(), UnaryParams{});
    FAIL() << "expected NotImplementedError";
  } catch (const NotImplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("cuda"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exp"), std::string::npos) << e.what();
  }
}

// ---- with a device: every kernel against the CPU backend ----

TEST_F(Cuda, DeviceQueries) {
  EXPECT_GE(cuda::device_count(), 1);
  EXPECT_EQ(gpu_backend().device_count(), cuda::device_count());
  EXPECT_EQ(cuda::current_device(), 0);
  EXPECT_FALSE(cuda::device_name(0).empty());
  EXPECT_THROW(cuda::set_device(cuda::device_count()), RuntimeError);
  cuda::synchronize();
}

TEST_F(Cuda, CopyRoundTripsEveryDType) {
  for (DType dt : kAllDTypes) {
    Tensor host = sample({3, 7}, dt, 1);
    Tensor dev = host.to(kCuda);
    EXPECT_TRUE(dev.device().is_cuda());
    expect_same(dev.to(kCpu), host, "round trip " + name_of(dt));
  }
  Tensor empty_host = empty({0, 4});
  EXPECT_EQ(empty_host.to(kCuda).to(kCpu).sizes(), (Shape{0, 4}));
}

TEST_F(Cuda, CopyCastsLikeTheCpuBackend) {
  for (DType from : kAllDTypes) {
    for (DType to : kAllDTypes) {
      const bool nonneg = is_floating(from) && to == DType::UInt8;  // else UB in C++
      Tensor host = sample({4, 6}, from, 2, false, nonneg);
      Tensor want = empty({4, 6}, to);
      cpu_backend().copy(host, want);
      Tensor dev = host.to(kCuda);
      Tensor got = empty({4, 6}, TensorOptions(to).set_device(kCuda));
      gpu_backend().copy(dev, got);
      expect_same(got, want, "cast " + name_of(from) + " -> " + name_of(to));
    }
  }
}

TEST_F(Cuda, CopyThroughStridedViews) {
  for (DType dt : {DType::Float32, DType::Float16, DType::Int64}) {
    Tensor host = sample({6, 8}, dt, 3);
    Tensor dev = host.to(kCuda);
    // A transposed, sliced source into a strided destination (every other column).
    Tensor src_h = host.t().slice(0, 1, 7, 2);  // [3, 6]
    Tensor src_d = dev.t().slice(0, 1, 7, 2);
    Tensor dst_h = zeros({3, 12}, dt), dst_d = zeros({3, 12}, TensorOptions(dt).set_device(kCuda));
    cpu_backend().copy(src_h, dst_h.slice(1, 0, 12, 2));
    gpu_backend().copy(src_d, dst_d.slice(1, 0, 12, 2));
    expect_same(dst_d, dst_h, "strided copy " + name_of(dt));
    // Broadcast source (stride 0) with a cast.
    Tensor row_h = host.select(0, 2).expand({5, 8}), row_d = dev.select(0, 2).expand({5, 8});
    Tensor out_h = empty({5, 8}, DType::Float64);
    Tensor out_d = empty({5, 8}, TensorOptions(DType::Float64).set_device(kCuda));
    cpu_backend().copy(row_h, out_h);
    gpu_backend().copy(row_d, out_d);
    expect_same(out_d, out_h, "broadcast copy " + name_of(dt));
    expect_same(dev.t().contiguous(), host.t().contiguous(), "contiguous() " + name_of(dt));
  }
}

TEST_F(Cuda, FillEveryDTypeContiguousAndStrided) {
  for (DType dt : kAllDTypes) {
    for (double v : {0.0, 3.5, -2.0}) {
      if (dt == DType::UInt8 && v < 0) continue;
      const Scalar value = is_floating(dt) ? Scalar(v) : Scalar(static_cast<int64_t>(v));
      Tensor want = full({4, 5}, value, dt);
      Tensor got = full({4, 5}, value, TensorOptions(dt).set_device(kCuda));
      expect_same(got, want, "fill " + name_of(dt));
      // A strided fill leaves the other columns alone.
      Tensor want2 = zeros({4, 6}, dt), got2 = zeros({4, 6}, TensorOptions(dt).set_device(kCuda));
      want2.slice(1, 1, 6, 2).fill_(value);
      got2.slice(1, 1, 6, 2).fill_(value);
      expect_same(got2, want2, "strided fill " + name_of(dt));
    }
  }
}

TEST_F(Cuda, ArangeMatchesCpu) {
  for (DType dt : {DType::Float32, DType::Float64, DType::Float16, DType::BFloat16, DType::Int64,
                   DType::Int32}) {
    const bool fl = is_floating(dt);
    Tensor want = arange(fl ? Scalar(-3.0) : Scalar(int64_t{-3}), Scalar(int64_t{500}),
                         fl ? Scalar(0.37) : Scalar(int64_t{7}), dt);
    Tensor got =
        arange(fl ? Scalar(-3.0) : Scalar(int64_t{-3}), Scalar(int64_t{500}),
               fl ? Scalar(0.37) : Scalar(int64_t{7}), TensorOptions(dt).set_device(kCuda));
    expect_same(got, want, "arange " + name_of(dt));
  }
}

TEST_F(Cuda, RandomNumbersEqualTheCpuBackendsForTheSameSeed) {
  const Shape shape{1000, 3};
  struct Case {
    RandomKind kind;
    double a, b;
    const char* name;
  };
  for (const Case& c : {Case{RandomKind::Uniform, -2.0, 3.0, "uniform"},
                        Case{RandomKind::Normal, 0.5, 2.0, "normal"},
                        Case{RandomKind::RandInt, -5.0, 17.0, "randint"},
                        Case{RandomKind::Bernoulli, 0.3, 0.0, "bernoulli"}}) {
    for (DType dt :
         {DType::Float32, DType::Float64, DType::Float16, DType::BFloat16, DType::Int64}) {
      if (dt == DType::Int64 && c.kind != RandomKind::RandInt) continue;
      for (uint64_t offset : {uint64_t{0}, uint64_t{12345}}) {
        Tensor want = empty(shape, dt);
        Tensor got = empty(shape, TensorOptions(dt).set_device(kCuda));
        cpu_backend().random(c.kind, want, 2024, offset, c.a, c.b);
        gpu_backend().random(c.kind, got, 2024, offset, c.a, c.b);
        const std::string what = std::string(c.name) + " " + name_of(dt);
        if (c.kind == RandomKind::Normal) {
          // log1p and cos may differ in the last bit between glibc and libdevice.
          expect_close(got, want, dt == DType::Float64 ? 1e-13 : 1e-6, 1e-13, what);
        } else {
          expect_same(got, want, what);
        }
      }
    }
  }
  // Through the public ops with a shared generator state: same seed, same tensors.
  manual_seed(7);
  Tensor r_cpu = rand({257}), n_cpu = randn({257});
  manual_seed(7);
  Tensor r_gpu = rand({257}, kCuda), n_gpu = randn({257}, kCuda);
  expect_same(r_gpu, r_cpu, "rand()");
  expect_close(n_gpu, n_cpu, 1e-6, 1e-7, "randn()");
}

TEST_F(Cuda, BinaryOpsMatchCpuWithBroadcastingAndMixedStrides) {
  const BinaryOp ops[] = {BinaryOp::Add,        BinaryOp::Sub,         BinaryOp::Mul,
                          BinaryOp::Div,        BinaryOp::Pow,         BinaryOp::Maximum,
                          BinaryOp::Minimum,    BinaryOp::FloorDivide, BinaryOp::Remainder,
                          BinaryOp::Eq,         BinaryOp::Ne,          BinaryOp::Lt,
                          BinaryOp::Le,         BinaryOp::Gt,          BinaryOp::Ge,
                          BinaryOp::LogicalAnd, BinaryOp::LogicalOr,   BinaryOp::LogicalXor};
  const DType dtypes[] = {DType::Float32, DType::Float64, DType::Float16, DType::BFloat16,
                          DType::Int64,   DType::Int32,   DType::Bool};
  for (DType dt : dtypes) {
    // Layout 1: [4, 1, 5] op [3, 1] broadcast to [4, 3, 5], contiguous output.
    // Layout 2: a transposed [4, 5] op a row [5] (stride 0), written every other column.
    Tensor a1 = sample({4, 1, 5}, dt, 4), a2 = sample({5, 4}, dt, 6);
    Tensor b1_all = sample({3, 1}, dt, 5, /*nonzero=*/true);
    Tensor b2_all = sample({5}, dt, 7, /*nonzero=*/true);
    for (BinaryOp op : ops) {
      if (!cuda::binary_op_supported(op, dt)) continue;
      Tensor b1 = b1_all, b2 = b2_all;
      if (op == BinaryOp::Pow && !is_floating(dt)) {  // exponents 1..4 keep powers in range
        b1 = add(remainder(b1, wrapped_scalar(4)), wrapped_scalar(1)).to(dt);
        b2 = add(remainder(b2, wrapped_scalar(4)), wrapped_scalar(1)).to(dt);
      }
      const DType out_dt = binary_op_writes_bool(op) ? DType::Bool : dt;
      const std::string what = std::string(binary_op_name(op)) + " " + name_of(dt);
      // pow goes through libm vs libdevice (last-bit differences, then 16-bit rounding).
      double rtol = 0;
      if (op == BinaryOp::Pow && is_floating(dt)) {
        rtol = dt == DType::Float64 ? 1e-14 : dt == DType::Float32 ? 1e-6 : 1e-2;
      }
      for (int layout = 1; layout <= 2; ++layout) {
        Tensor ah, bh, out_h, out_d_full, out_h_full;
        Shape shape;
        Tensor ad, bd;
        if (layout == 1) {
          shape = {4, 3, 5};
          ah = a1.expand(shape), bh = b1.expand(shape);
          ad = a1.to(kCuda).expand(shape), bd = b1.to(kCuda).expand(shape);
          out_h_full = empty(shape, out_dt);
          out_d_full = empty(shape, TensorOptions(out_dt).set_device(kCuda));
          out_h = out_h_full;
        } else {
          shape = {4, 5};
          ah = a2.t(), bh = b2.expand(shape);
          ad = a2.to(kCuda).t(), bd = b2.to(kCuda).expand(shape);
          out_h_full = zeros({4, 10}, out_dt);
          out_d_full = zeros({4, 10}, TensorOptions(out_dt).set_device(kCuda));
          out_h = out_h_full.slice(1, 0, 10, 2);
        }
        Tensor out_d = layout == 1 ? out_d_full : out_d_full.slice(1, 0, 10, 2);
        cpu_backend().binary(op, ah, bh, out_h);
        gpu_backend().binary(op, ad, bd, out_d);
        if (rtol > 0) {
          expect_close(out_d_full, out_h_full, rtol, 0, what);
        } else {
          expect_same(out_d_full, out_h_full, what);
        }
      }
    }
  }
}

TEST_F(Cuda, AddAndMulOpsPromoteAndBroadcastOnDevice) {
  Tensor a = sample({2, 3, 4}, DType::Int32, 8), b = sample({4}, DType::Float32, 9);
  expect_same(add(a.to(kCuda), b.to(kCuda)), add(a, b), "int32 + float32");
  expect_same(mul(a.to(kCuda), b.to(kCuda)), mul(a, b), "mul");
  expect_same(add(a.to(kCuda), b.to(kCuda), 2.5), add(a, b, 2.5), "add with alpha");
  Tensor h = sample({3, 1}, DType::Float16, 10);
  expect_same(mul(h.to(kCuda), b.to(kCuda)), mul(h, b), "float16 * float32");
  expect_same(a.to(kCuda) * 3, a * 3, "tensor * number");
}

// Matmul through both backends on the same views: `view` turns a contiguous base (on
// either device) into the operand, so the CUDA operand has exactly the CPU one's strides.
using ViewFn = Tensor (*)(const Tensor&);
Tensor as_is(const Tensor& t) { return t; }

void check_matmul(const Tensor& a_base, ViewFn a_view, const Tensor& b_base, ViewFn b_view,
                  double rtol, double atol, const std::string& what) {
  const Tensor a = a_view(a_base), b = b_view(b_base);
  const Shape out_shape{a.size(0), a.size(1), b.size(2)};
  Tensor want = empty(out_shape, a.dtype());
  cpu_backend().matmul(a, b, want);
  const Tensor ad = a_view(a_base.to(kCuda)), bd = b_view(b_base.to(kCuda));
  ASSERT_EQ(ad.strides(), a.strides()) << what;
  ASSERT_EQ(bd.strides(), b.strides()) << what;
  Tensor got = empty(out_shape, TensorOptions(a.dtype()).set_device(kCuda));
  gpu_backend().matmul(ad, bd, got);
  expect_close(got, want, rtol, atol, what);
}

TEST_F(Cuda, MatmulMatchesCpuForEveryLayout) {
  struct Tol {
    DType dt;
    double rtol, atol;
  };
  for (const Tol& t : {Tol{DType::Float32, 1e-5, 1e-4}, Tol{DType::Float64, 1e-12, 1e-12},
                       Tol{DType::Float16, 1e-2, 5e-2}, Tol{DType::BFloat16, 1e-2, 1e-1},
                       Tol{DType::Int64, 0, 0}, Tol{DType::Int32, 0, 0}}) {
    const std::string dt = name_of(t.dt);
    const bool fl = is_floating(t.dt);
    auto operand = [&](const Shape& s, int salt) {
      Tensor x = sample(s, DType::Float64, salt);
      return (fl ? x.mul(wrapped_scalar(0.25)) : x).to(t.dt);
    };
    ViewFn transposed = [](const Tensor& x) { return x.transpose(1, 2); };
    ViewFn batch_broadcast = [](const Tensor& x) { return x.expand({4, 12, 6}); };
    ViewFn every_other_column = [](const Tensor& x) { return x.slice(2, 0, 16, 2); };
    ViewFn expanded_rows = [](const Tensor& x) { return x.expand({2, 5, 8}); };
    // Row-major, all shapes odd so nothing is accidentally aligned.
    check_matmul(operand({3, 17, 33}, 1), as_is, operand({3, 33, 9}, 2), as_is, t.rtol, t.atol,
                 "row-major " + dt);
    // Transposed operands (column-major for cuBLAS: only the op flag changes).
    check_matmul(operand({3, 33, 17}, 3), transposed, operand({3, 9, 33}, 4), transposed, t.rtol,
                 t.atol, "transposed " + dt);
    // One matrix broadcast over the batch (batch stride 0).
    check_matmul(operand({4, 7, 12}, 5), as_is, operand({1, 12, 6}, 6), batch_broadcast, t.rtol,
                 t.atol, "batch broadcast " + dt);
    // Every other column, and one row repeated (row stride 0): no valid leading dimension,
    // so both are copied first.
    check_matmul(operand({2, 5, 16}, 7), every_other_column, operand({2, 8, 3}, 8), as_is, t.rtol,
                 t.atol, "every other column " + dt);
    check_matmul(operand({2, 1, 8}, 11), expanded_rows, operand({2, 8, 3}, 12), as_is, t.rtol,
                 t.atol, "expanded rows " + dt);
    // Vectors as matrices: M = 1 and N = 1.
    check_matmul(operand({1, 1, 20}, 9), as_is, operand({1, 20, 1}, 10), as_is, t.rtol, t.atol,
                 "dot " + dt);
  }
  // Empty inner dimension gives zeros.
  Tensor a = empty({2, 3, 0}, TensorOptions(DType::Float32).set_device(kCuda));
  Tensor b = empty({2, 0, 4}, TensorOptions(DType::Float32).set_device(kCuda));
  Tensor out = full({2, 3, 4}, 7.0, TensorOptions(DType::Float32).set_device(kCuda));
  gpu_backend().matmul(a, b, out);
  expect_same(out, zeros({2, 3, 4}), "K = 0");
}

TEST_F(Cuda, MatmulOpsOnDevice) {
  Tensor a = sample({6, 10}, DType::Float32, 11), b = sample({10, 4}, DType::Float32, 12);
  expect_close(mm(a.to(kCuda), b.to(kCuda)), mm(a, b), 1e-5, 1e-4, "mm");
  expect_close(matmul(a.to(kCuda), b.to(kCuda).t().contiguous().t()), matmul(a, b), 1e-5, 1e-4,
               "matmul with a transposed operand");
  Tensor x = sample({3, 6, 10}, DType::Float32, 13);
  expect_close(matmul(x.to(kCuda), b.to(kCuda)), matmul(x, b), 1e-5, 1e-4, "batched @ matrix");
}

TEST_F(Cuda, CrossDeviceOperandsRaise) {
  Tensor c = ones({3}), g = ones({3}, kCuda);
  for (auto fn : {+[](const Tensor&x, const Tensor&y) { return add(x, y); },
                  +[](const Tensor&x, const Tensor&y) { return mul(x, y); }}) {
    try {
      fn(c, g);
      FAIL() << "expected RuntimeError";
    } catch (const RuntimeError& e) {
      EXPECT_NE(std::string(e.what()).find("Expected all tensors to be on the same device"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(mm(ones({2, 3}), ones({3, 2}, kCuda)), RuntimeError);
  // A 0-dim CPU tensor is a number and may join a CUDA expression, as in PyTorch.
  expect_same(add(g, scalar_tensor(2.0)), full({3}, 3.0), "cuda + cpu scalar");
}

TEST_F(Cuda, TensorsOfAnotherDeviceThanTheCurrentOneRaise) {
  // Memory always comes from the current device, so a cuda:1 tensor in a process whose
  // current device is cuda:0 is refused by the kernels rather than used on the wrong GPU;
  // on a one-GPU machine cuda:1 does not exist at all.
  const std::string expected =
      cuda::device_count() > 1 ? "set_device(1)" : "CUDA error: invalid device ordinal";
  try {
    zeros({2}, Device(DeviceType::CUDA, 1));
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

TEST_F(Cuda, MissingKernelsRaiseNotImplementedOnDeviceTensors) {
  EXPECT_THROW(ones({3}, kCuda).exp(), NotImplementedError);
}

TEST_F(Cuda, AllocatorStatsAndEmptyCache) {
  auto alloc = get_allocator(DeviceType::CUDA);
  alloc->empty_cache();
  const AllocatorStats before = alloc->stats();
  const void* first = nullptr;
  {
    Tensor t = empty({1000}, kCuda);  // 4000 bytes -> one 4096-byte block
    first = t.data_ptr();
    const AllocatorStats during = alloc->stats();
    EXPECT_EQ(during.allocated_bytes, before.allocated_bytes + 4096);
    EXPECT_EQ(during.num_allocations, before.num_allocations + 1);
    EXPECT_GE(during.reserved_bytes, during.allocated_bytes);
    EXPECT_GE(during.peak_bytes, during.allocated_bytes);
  }
  const AllocatorStats after = alloc->stats();
  EXPECT_EQ(after.allocated_bytes, before.allocated_bytes);
  EXPECT_GE(after.reserved_bytes, before.reserved_bytes);  // cached, not returned
  {
    Tensor again = empty({1000}, kCuda);
    EXPECT_EQ(again.data_ptr(), first);  // the cached block is handed out again
  }
  alloc->empty_cache();
  EXPECT_EQ(alloc->stats().reserved_bytes, before.reserved_bytes);
  // A large tensor's memory is usable end to end: fill it and read it back.
  Tensor big = full({3 << 20}, 1.5, kCuda);  // 12 MiB: its own segment
  const std::vector<double> v = values(big);
  EXPECT_EQ(v.front(), 1.5);
  EXPECT_EQ(v.back(), 1.5);
}

}  // namespace

#endif  // DEEPSEEK_WITH_CUDA
