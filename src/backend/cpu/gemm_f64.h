// float64 matrix product for the CPU backend. oneDNN has no float64 matmul, and float64 is
// what gradcheck, scientific users and some PyTorch examples (time_sequence_prediction's
// LSTM) train in, so it gets a packed, register-blocked kernel of its own.
#pragma once

#include <cstdint>

namespace deepseek::cpu {

// C = A @ B for one matrix: A is M x K with element strides (a_row, a_col), B is K x N with
// (b_row, b_col), C is M x N row-major with leading dimension ldc. Any strides work (both
// operands are packed). Uses OpenMP threads when `parallel`; K must be > 0.
void gemm_f64(int64_t M, int64_t N, int64_t K, const double* A, int64_t a_row, int64_t a_col,
              const double* B, int64_t b_row, int64_t b_col, double* C, int64_t ldc, bool parallel);

}  // namespace deepseek::cpu
