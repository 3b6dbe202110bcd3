// Sampling category indices from rows of probabilities. Threads split the rows; every draw
// is a Philox word of its own counter, so results do not depend on the thread split.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "cpu_backend.h"
#include "deepseek/core/philox.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

double unit_at(uint64_t seed, uint64_t counter) {
  const philox::Uint4 r = philox::philox4x32(seed, counter);
  return philox::to_unit_double(r.x, r.y);
}

// With replacement: inverse CDF. u * total lies in [0, total), so the first running sum above
// it belongs to a category of positive probability (rounding aside, which the clamp to the
// last such category covers).
void draw_with_replacement(const double* p, int64_t n, int64_t num_samples, uint64_t seed,
                           uint64_t first_counter, double* cdf, int64_t* out) {
  double total = 0;
  int64_t last_positive = 0;
  for (int64_t i = 0; i < n; ++i) {
    total += p[i];
    cdf[i] = total;
    if (p[i] > 0) last_positive = i;
  }
  for (int64_t s = 0; s < num_samples; ++s) {
    const double u = unit_at(seed, first_counter + static_cast<uint64_t>(s)) * total;
    const int64_t i = std::upper_bound(cdf, cdf + n, u) - cdf;
    out[s] = std::min(i, last_positive);
  }
}

// Without replacement (Efraimidis-Spirakis): category i gets the key log(u_i) / p_i and the
// num_samples largest keys win, largest first: the same law as drawing one category at a
// time and renormalising.
void draw_without_replacement(const double* p, int64_t n, int64_t num_samples, uint64_t seed,
                              uint64_t first_counter, std::pair<double, int64_t>* keys,
                              int64_t* out) {
  constexpr double kNever = -std::numeric_limits<double>::infinity();
  for (int64_t i = 0; i < n; ++i) {
    // 1 - u lies in (0, 1], so the log is finite.
    const double u = 1.0 - unit_at(seed, first_counter + static_cast<uint64_t>(i));
    keys[i] = {p[i] > 0 ? std::log(u) / p[i] : kNever, i};
  }
  std::partial_sort(keys, keys + num_samples, keys + n, [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (int64_t s = 0; s < num_samples; ++s) out[s] = keys[s].second;
}

}  // namespace

void CpuBackend::multinomial(const Tensor& probs, int64_t num_samples, bool replacement,
                             uint64_t seed, uint64_t offset, const Tensor& out) {
  const int64_t rows = probs.size(0), n = probs.size(1);
  if (rows == 0 || num_samples == 0) return;
  // Probabilities in double: the running sums of float32 rows would drift.
  std::vector<double> p(static_cast<size_t>(rows * n));
  visit_floating_dtype(probs.dtype(), "multinomial", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = static_cast<const T*>(probs.data_ptr());
    for (int64_t i = 0; i < rows * n; ++i) p[i] = static_cast<double>(src[i]);
  });
  int64_t* dst = out.data_ptr<int64_t>();
  const bool parallel = rows > 1 && rows * std::max(n, num_samples) > kParallelGrain;
  const int threads = parallel ? omp_get_max_threads() : 1;
  // Scratch per thread, allocated before the parallel region.
  std::vector<double> cdf(replacement ? static_cast<size_t>(threads * n) : 0);
  std::vector<std::pair<double, int64_t>> keys(replacement ? 0 : static_cast<size_t>(threads * n));
#pragma omp parallel for num_threads(threads) if (parallel)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t t = parallel ? omp_get_thread_num() : 0;
    const double* row = p.data() + r * n;
    if (replacement) {
      draw_with_replacement(row, n, num_samples, seed,
                            offset + static_cast<uint64_t>(r * num_samples), cdf.data() + t * n,
                            dst + r * num_samples);
    } else {
      draw_without_replacement(row, n, num_samples, seed, offset + static_cast<uint64_t>(r * n),
                               keys.data() + t * n, dst + r * num_samples);
    }
  }
}

}  // namespace deepseek::cpu
