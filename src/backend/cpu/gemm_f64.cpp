// The float64 GEMM (gemm_f64.h), laid out the usual way for CPU GEMMs:
//
//   for each block of kKc inner-dim steps:
//     pack that slab of B into panels of kNr columns (k-major inside a panel),
//     for each task (a block of kMc rows x a chunk of columns), in parallel:
//       pack the task's rows of A into strips of kMr rows (k-major inside a strip),
//       for each strip x panel: the micro-kernel adds a kMr x kNr tile over the slab.
//
// The micro-kernel keeps its 6 x 8 tile in twelve 4-wide registers and does two FMAs per
// loaded element of A, so it runs near the core's FMA peak; packing makes every load
// unit-stride whatever the operands' strides (transposed weights in particular), and the
// slab of kKc steps keeps a panel of B (16 KiB) in L1 while the strips of A stream by.
// Edge tiles are computed in full on zero padding and only their valid part is stored.
#include "gemm_f64.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace deepseek::cpu {

namespace {

constexpr int64_t kMr = 6;    // rows of A per strip (tile rows)
constexpr int64_t kNr = 8;    // columns of B per panel (tile columns)
constexpr int64_t kKc = 256;  // inner-dim steps per slab
constexpr int64_t kMc = 96;   // rows per task (16 strips)
constexpr int64_t kNc = 256;  // columns per task (32 panels)

// tile[r][j] = sum over k of a[k][r] * b[k][j] for one packed strip and panel.
void micro_kernel(int64_t kb, const double* a, const double* b, double (&tile)[kMr][kNr]) {
#if defined(__AVX2__) && defined(__FMA__)
  __m256d acc[kMr][2];
#pragma GCC unroll 6
  for (int r = 0; r < kMr; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_pd();
  for (int64_t k = 0; k < kb; ++k, a += kMr, b += kNr) {
    const __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4);
#pragma GCC unroll 6
    for (int r = 0; r < kMr; ++r) {
      const __m256d ar = _mm256_broadcast_sd(a + r);
      acc[r][0] = _mm256_fmadd_pd(ar, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_pd(ar, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < kMr; ++r) {
    _mm256_storeu_pd(tile[r], acc[r][0]);
    _mm256_storeu_pd(tile[r] + 4, acc[r][1]);
  }
#else
  for (auto& row : tile) std::fill(row, row + kNr, 0.0);
  for (int64_t k = 0; k < kb; ++k, a += kMr, b += kNr) {
    for (int r = 0; r < kMr; ++r) {
      for (int j = 0; j < kNr; ++j) tile[r][j] += a[r] * b[j];
    }
  }
#endif
}

// Panels of B[k0 : k0 + kb, :], panel p holding columns [p * kNr, p * kNr + kNr), zero past N.
void pack_b_panel(int64_t p, int64_t kb, int64_t k0, int64_t N, const double* B, int64_t b_row,
                  int64_t b_col, double* out) {
  const int64_t j0 = p * kNr, cols = std::min(kNr, N - j0);
  double* dst = out + p * kb * kNr;
  for (int64_t k = 0; k < kb; ++k, dst += kNr) {
    const double* src = B + (k0 + k) * b_row + j0 * b_col;
    int64_t j = 0;
    for (; j < cols; ++j) dst[j] = src[j * b_col];
    for (; j < kNr; ++j) dst[j] = 0.0;
  }
}

// Strips of A[i0 : i0 + rows, k0 : k0 + kb], zero past the last row.
void pack_a(int64_t i0, int64_t rows, int64_t k0, int64_t kb, const double* A, int64_t a_row,
            int64_t a_col, double* out) {
  for (int64_t s = 0; s < rows; s += kMr) {
    const int64_t strip_rows = std::min(kMr, rows - s);
    for (int64_t k = 0; k < kb; ++k, out += kMr) {
      const double* src = A + (i0 + s) * a_row + (k0 + k) * a_col;
      int64_t r = 0;
      for (; r < strip_rows; ++r) out[r] = src[r * a_row];
      for (; r < kMr; ++r) out[r] = 0.0;
    }
  }
}

// Packing buffers, kept per thread and grown as needed: allocating (and zeroing) them on
// every call cost as much as a small product itself. Slot 0 holds B (the calling thread's),
// slot 1 a task's A.
double* scratch(int slot, size_t doubles) {
  thread_local std::vector<double> buffers[2];
  std::vector<double>& buffer = buffers[slot];
  if (buffer.size() < doubles) buffer.resize(doubles);
  return buffer.data();
}

}  // namespace

void gemm_f64(int64_t M, int64_t N, int64_t K, const double* A, int64_t a_row, int64_t a_col,
              const double* B, int64_t b_row, int64_t b_col, double* C, int64_t ldc,
              bool parallel) {
  const int64_t panels = (N + kNr - 1) / kNr;
  const int threads = parallel ? omp_get_max_threads() : 1;
  // Rows per task: up to kMc, fewer when that leaves threads idle (at least two tasks per
  // thread where the rows allow, so the dynamic schedule can even out).
  const int64_t col_tasks = (N + kNc - 1) / kNc;
  const int64_t wanted_row_tasks = std::max<int64_t>(1, 2 * threads / col_tasks);
  const int64_t mc = std::clamp((M + wanted_row_tasks - 1) / wanted_row_tasks, kMr, kMc) /
                     kMr * kMr;
  const int64_t row_tasks = (M + mc - 1) / mc, tasks = row_tasks * col_tasks;
  double* b_packed = scratch(0, static_cast<size_t>(panels * std::min(K, kKc) * kNr));

  for (int64_t k0 = 0; k0 < K; k0 += kKc) {
    const int64_t kb = std::min(kKc, K - k0);
    const bool accumulate = k0 > 0;
#pragma omp parallel num_threads(threads)
    {
#pragma omp for schedule(static)
      for (int64_t p = 0; p < panels; ++p) {
        pack_b_panel(p, kb, k0, N, B, b_row, b_col, b_packed);
      }
      double* a_buf = scratch(1, static_cast<size_t>(kMc * kKc));
#pragma omp for schedule(dynamic, 1)
      for (int64_t t = 0; t < tasks; ++t) {
        const int64_t i0 = (t / col_tasks) * mc, rows = std::min(mc, M - i0);
        const int64_t p_begin = (t % col_tasks) * (kNc / kNr);
        const int64_t p_end = std::min(panels, p_begin + kNc / kNr);
        pack_a(i0, rows, k0, kb, A, a_row, a_col, a_buf);
        for (int64_t p = p_begin; p < p_end; ++p) {
          const double* b_panel = b_packed + p * kb * kNr;
          const int64_t j0 = p * kNr, cols = std::min(kNr, N - j0);
          for (int64_t s = 0; s < rows; s += kMr) {
            double tile[kMr][kNr];
            micro_kernel(kb, a_buf + s * kb, b_panel, tile);
            const int64_t strip_rows = std::min(kMr, rows - s);
            for (int64_t r = 0; r < strip_rows; ++r) {
              double* c_row = C + (i0 + s + r) * ldc + j0;
              if (accumulate) {
                for (int64_t j = 0; j < cols; ++j) c_row[j] += tile[r][j];
              } else {
                for (int64_t j = 0; j < cols; ++j) c_row[j] = tile[r][j];
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace deepseek::cpu
