// GEMM throughput: square C = A @ B through deepseek::matmul (oneDNN on the CPU backend),
// reported as FLOP/s (2 n^3 per product). float32 and bfloat16 (bf16 in, f32 accumulate).
#include <benchmark/benchmark.h>

#include "deepseek/deepseek.h"

namespace ds = deepseek;

namespace {

void gemm(benchmark::State& state, ds::DType dtype) {
  const int64_t n = state.range(0);
  const ds::Tensor a = ds::randn({n, n}).to(dtype);
  const ds::Tensor b = ds::randn({n, n}).to(dtype);
  benchmark::DoNotOptimize(ds::matmul(a, b).data_ptr());  // warm-up: oneDNN JIT, page faults
  for (auto _ : state) {
    ds::Tensor c = ds::matmul(a, b);
    benchmark::DoNotOptimize(c.data_ptr());
  }
  const double flops_per_product = 2.0 * static_cast<double>(n) * n * n;
  state.counters["FLOP/s"] =
      benchmark::Counter(flops_per_product, benchmark::Counter::kIsIterationInvariantRate);
}

void gemm_float32(benchmark::State& state) { gemm(state, ds::DType::Float32); }
void gemm_bfloat16(benchmark::State& state) { gemm(state, ds::DType::BFloat16); }

// Real time, not CPU time: the kernel runs on every OpenMP thread, not only the caller's.
BENCHMARK(gemm_float32)
    ->ArgName("n")
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_bfloat16)
    ->ArgName("n")
    ->Arg(256)
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
