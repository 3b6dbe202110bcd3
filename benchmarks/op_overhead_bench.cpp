// Per-op overhead: an 8-element float32 add is all fixed cost (validation, dispatch,
// allocation and, with autograd, recording a backward node), so its time per call is the
// framework's overhead per op.
#include <benchmark/benchmark.h>

#include "deepseek/deepseek.h"

namespace ds = deepseek;

namespace {

void add_8_elements(benchmark::State& state, bool requires_grad, bool grad_mode) {
  const ds::Tensor a = ds::randn({8});
  const ds::Tensor b = ds::randn({8});
  if (requires_grad) {
    a.requires_grad_();
    b.requires_grad_();
  }
  ds::autograd::GradModeGuard mode(grad_mode);
  for (auto _ : state) {
    ds::Tensor c = a + b;
    benchmark::DoNotOptimize(c.data_ptr());
  }
}

// Inputs that need no gradient: the plain op.
void add_f32_8_no_autograd(benchmark::State& state) { add_8_elements(state, false, true); }
// Inputs with requires_grad: each call also records an AddBackward node.
void add_f32_8_autograd(benchmark::State& state) { add_8_elements(state, true, true); }
// requires_grad inputs under NoGradGuard: what the check that skips recording costs.
void add_f32_8_autograd_no_grad_mode(benchmark::State& state) {
  add_8_elements(state, true, false);
}

BENCHMARK(add_f32_8_no_autograd)->Unit(benchmark::kMicrosecond);
BENCHMARK(add_f32_8_autograd)->Unit(benchmark::kMicrosecond);
BENCHMARK(add_f32_8_autograd_no_grad_mode)->Unit(benchmark::kMicrosecond);

}  // namespace
