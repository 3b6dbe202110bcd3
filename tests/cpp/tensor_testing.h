// What the C++ tests share: float64 random inputs, a tensor read back as a host vector of
// doubles (or int64s), the largest elementwise difference of two tensors, and a check that a
// call raises a deepseek error whose message contains a phrase.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "deepseek/deepseek.h"

namespace tensor_testing {

using deepseek::DType;
using deepseek::Tensor;

inline const deepseek::TensorOptions kF64{DType::Float64};

inline Tensor randn64(const deepseek::Shape& shape) { return deepseek::randn(shape, kF64); }

// Values of `t` (any device, dtype or layout; its graph is left alone) in row-major order.
inline std::vector<double> values(const Tensor& t) {
  const Tensor c = t.detach().cpu().to(DType::Float64).contiguous();
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

inline std::vector<int64_t> int_values(const Tensor& t) {
  const Tensor c = t.detach().cpu().to(DType::Int64).contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + c.numel());
}

// max |a - b| in float64; the shapes must agree.
inline double max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  return (a.detach().to(DType::Float64) - b.detach().to(DType::Float64)).abs().max().item<double>();
}

template <typename Fn>
void expect_error_with(Fn fn, const std::string& phrase) {
  try {
    fn();
    ADD_FAILURE() << "expected an error containing: " << phrase;
  } catch (const deepseek::Error& e) {
    EXPECT_NE(std::string(e.what()).find(phrase), std::string::npos) << e.what();
  }
}

}  // namespace tensor_testing
