// Batched matrix multiply. float32 and bfloat16 go to oneDNN's matmul (AVX-512 / AMX picked
// at run time, bf16 accumulating in f32); float16 is widened to float32 around it, since
// oneDNN's CPU f16 path needs AVX512-FP16; float64 has a packed GEMM of its own
// (gemm_f64.cpp); integers and bool use a cache-blocked loop.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "cpu_backend.h"
#include "deepseek/core/logging.h"
#include "gemm_f64.h"
#include "onednn.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

// A usable oneDNN operand is row- or column-major with a leading dimension at least as
// wide as the matrix; anything else (expanded rows, every-other-column views) is copied.
bool matrix_strides_ok(const Tensor& t) {
  const int64_t rows = t.size(1), cols = t.size(2);
  return (t.stride(2) == 1 && t.stride(1) >= cols) || (t.stride(1) == 1 && t.stride(2) >= rows);
}

dnnl::matmul matmul_primitive(DType dtype, const dnnl::memory::dims& a_dims,
                              const dnnl::memory::dims& a_strides, const dnnl::memory::dims& b_dims,
                              const dnnl::memory::dims& b_strides, const dnnl::memory::dims& c_dims,
                              int threads) {
  static onednn::PrimitiveCache<dnnl::matmul> cache;
  std::string key =
      fmt::format("t{}|{}|{}|{}|{}|{}|{}", threads, static_cast<int>(dtype), fmt::join(a_dims, ","),
                  fmt::join(a_strides, ","), fmt::join(b_dims, ","), fmt::join(b_strides, ","),
                  fmt::join(c_dims, ","));
  return cache.get(key, [&] {
    auto dt = onednn::to_dnnl(dtype);
    dnnl::memory::desc a_md(a_dims, dt, a_strides), b_md(b_dims, dt, b_strides);
    dnnl::memory::desc c_md(c_dims, dt, dnnl::memory::format_tag::abc);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, c_md), onednn::engine());
    DS_LOG(Debug, "oneDNN matmul {} -> {}", key, pd.impl_info_str());
    return dnnl::matmul(pd);
  });
}

void onednn_matmul(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  auto dt = onednn::to_dnnl(a.dtype());
  auto& eng = onednn::engine();
  auto& strm = onednn::stream();
  onednn::ThreadScope threads(onednn::threads_for(2.0 * B * M * N * K));
  const bool batch_broadcast = B > 1 && (a.stride(0) == 0 || b.stride(0) == 0);
  if (!batch_broadcast) {
    // A single batch's stride is meaningless (may be 0): give oneDNN a dense one.
    dnnl::memory::dims ad{B, M, K}, as{B == 1 ? M * K : a.stride(0), a.stride(1), a.stride(2)};
    dnnl::memory::dims bd{B, K, N}, bs{B == 1 ? K * N : b.stride(0), b.stride(1), b.stride(2)};
    dnnl::memory::dims cd{B, M, N};
    auto prim = matmul_primitive(a.dtype(), ad, as, bd, bs, cd, threads.threads());
    dnnl::memory am({ad, dt, as}, eng, a.data_ptr()), bm({bd, dt, bs}, eng, b.data_ptr());
    dnnl::memory cm({cd, dt, dnnl::memory::format_tag::abc}, eng, out.data_ptr());
    prim.execute(strm, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
    strm.wait();
    return;
  }
  // One operand is shared by every batch: run the 2-D product once per batch.
  dnnl::memory::dims ad{1, M, K}, as{M * K, a.stride(1), a.stride(2)};
  dnnl::memory::dims bd{1, K, N}, bs{K * N, b.stride(1), b.stride(2)};
  dnnl::memory::dims cd{1, M, N};
  auto prim = matmul_primitive(a.dtype(), ad, as, bd, bs, cd, threads.threads());
  const size_t es = a.element_size();
  for (int64_t i = 0; i < B; ++i) {
    char* ap = static_cast<char*>(a.data_ptr()) + i * a.stride(0) * es;
    char* bp = static_cast<char*>(b.data_ptr()) + i * b.stride(0) * es;
    char* cp = static_cast<char*>(out.data_ptr()) + i * M * N * es;
    dnnl::memory am({ad, dt, as}, eng, ap), bm({bd, dt, bs}, eng, bp);
    dnnl::memory cm({cd, dt, dnnl::memory::format_tag::abc}, eng, cp);
    prim.execute(strm, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
  }
  strm.wait();
}

// Accumulator of the loop below: the compute type for floats, bool for bool, and uint64 for
// integers, whose wrap-around is defined and gives the same bits as PyTorch's wrapping
// integer arithmetic once cast back.
template <typename T>
using LoopAcc = std::conditional_t<std::is_floating_point_v<compute_type_t<T>>, compute_type_t<T>,
                                   std::conditional_t<std::is_same_v<T, bool>, bool, uint64_t>>;

// C[b] = A[b] @ B[b] for the dtypes oneDNN does not take (float64, integers). Work is cut
// into tiles of kRows x kCols outputs, one per task: the tile's accumulators (16 KiB) stay
// in L1 while k runs over the whole inner dim, and each row segment of B read from memory is
// reused by kRows rows of A. B is first packed row-major when its rows are not contiguous
// (a transposed weight), so the inner loop is unit-stride and vectorises.
template <typename T>
void blocked_matmul(CpuBackend& be, const Tensor& a, const Tensor& b_in, const Tensor& out) {
  using Acc = LoopAcc<T>;
  constexpr int64_t kRows = 16, kCols = 128;
  Tensor b = b_in;
  if (b_in.stride(2) != 1 && b_in.size(2) > 1) {
    b = empty_tensor(b_in.sizes(), b_in.dtype(), b_in.device());
    be.copy(b_in, b);
  }
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  const T* A = static_cast<const T*>(a.data_ptr());
  const T* Bm = static_cast<const T*>(b.data_ptr());
  T* C = static_cast<T*>(out.data_ptr());
  const int64_t as0 = a.stride(0), as1 = a.stride(1), as2 = a.stride(2);
  const int64_t bs0 = b.stride(0), bs1 = b.stride(1);
  const int64_t row_tiles = (M + kRows - 1) / kRows, col_tiles = (N + kCols - 1) / kCols;
#pragma omp parallel for collapse(3) if (B * M * N * K > kSerialMacs)
  for (int64_t bi = 0; bi < B; ++bi) {
    for (int64_t rt = 0; rt < row_tiles; ++rt) {
      for (int64_t ct = 0; ct < col_tiles; ++ct) {
        const int64_t i0 = rt * kRows, rows = std::min(M - i0, kRows);
        const int64_t j0 = ct * kCols, cols = std::min(N - j0, kCols);
        Acc acc[kRows][kCols];
        for (int64_t r = 0; r < rows; ++r) std::fill(acc[r], acc[r] + cols, Acc(0));
        for (int64_t k = 0; k < K; ++k) {
          const T* brow = Bm + bi * bs0 + k * bs1 + j0;
          for (int64_t r = 0; r < rows; ++r) {
            const T av_raw = A[bi * as0 + (i0 + r) * as1 + k * as2];
            Acc* arow = acc[r];
            if constexpr (std::is_same_v<Acc, bool>) {
              if (!av_raw) continue;
              for (int64_t j = 0; j < cols; ++j) arow[j] = arow[j] || brow[j];
            } else if constexpr (std::is_same_v<Acc, uint64_t>) {
              const Acc av = static_cast<Acc>(static_cast<int64_t>(av_raw));
              for (int64_t j = 0; j < cols; ++j) {
                arow[j] += av * static_cast<Acc>(static_cast<int64_t>(brow[j]));
              }
            } else {
              const Acc av = static_cast<Acc>(av_raw);
              for (int64_t j = 0; j < cols; ++j) arow[j] += av * static_cast<Acc>(brow[j]);
            }
          }
        }
        for (int64_t r = 0; r < rows; ++r) {
          T* crow = C + (bi * M + i0 + r) * N + j0;
          for (int64_t j = 0; j < cols; ++j) {
            if constexpr (std::is_same_v<Acc, uint64_t>) {
              crow[j] = static_cast<T>(static_cast<int64_t>(acc[r][j]));
            } else {
              crow[j] = static_cast<T>(acc[r][j]);
            }
          }
        }
      }
    }
  }
}

void float64_matmul(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  const double* A = static_cast<const double*>(a.data_ptr());
  const double* Bm = static_cast<const double*>(b.data_ptr());
  double* C = static_cast<double*>(out.data_ptr());
  auto one = [&](int64_t i, bool parallel) {
    gemm_f64(M, N, K, A + i * a.stride(0), a.stride(1), a.stride(2), Bm + i * b.stride(0),
             b.stride(1), b.stride(2), C + i * M * N, N, parallel);
  };
  if (M * N * K >= kSerialMacs || B == 1) {  // threads inside each product
    for (int64_t i = 0; i < B; ++i) one(i, M * N * K >= kSerialMacs);
    return;
  }
#pragma omp parallel for schedule(dynamic, 1) if (B * M * N * K >= kSerialMacs)
  for (int64_t i = 0; i < B; ++i) one(i, false);  // many small products: one per thread
}

}  // namespace

void CpuBackend::matmul(const Tensor& a_in, const Tensor& b_in, const Tensor& out) {
  if (out.numel() == 0) return;
  if (a_in.size(2) == 0) {  // empty inner dim: the product is all zeros
    fill(out, 0);
    return;
  }
  const DType dt = a_in.dtype();
  if (dt == DType::Float32 || dt == DType::BFloat16) {
    Tensor a = matrix_strides_ok(a_in) ? a_in : empty_tensor(a_in.sizes(), dt, a_in.device());
    Tensor b = matrix_strides_ok(b_in) ? b_in : empty_tensor(b_in.sizes(), dt, b_in.device());
    if (!a.is_same(a_in)) copy(a_in, a);
    if (!b.is_same(b_in)) copy(b_in, b);
    onednn_matmul(a, b, out);
    return;
  }
  if (dt == DType::Float16) {
    // Widen to float32, multiply, round back once.
    Tensor a = empty_tensor(a_in.sizes(), DType::Float32, a_in.device());
    Tensor b = empty_tensor(b_in.sizes(), DType::Float32, b_in.device());
    Tensor c = empty_tensor(out.sizes(), DType::Float32, out.device());
    copy(a_in, a);
    copy(b_in, b);
    onednn_matmul(a, b, c);
    copy(c, out);
    return;
  }
  if (dt == DType::Float64) {
    float64_matmul(a_in, b_in, out);
    return;
  }
  visit_dtype(dt, "matmul", [&](auto tag) {
    blocked_matmul<typename decltype(tag)::type>(*this, a_in, b_in, out);
  });
}

}  // namespace deepseek::cpu
