// The arithmetic of every BinaryOp on one pair of compute-type values, written once for the
// host (which checks what is supported) and the device (which computes it). The semantics
// are the CPU backend's (src/backend/cpu/binary_kernels.cpp): Python's floor division and
// modulo, NaN-propagating maximum/minimum, integer powers by squaring, bool add/mul as
// or/and.
#pragma once

#include <cmath>
#include <type_traits>

#include "deepseek/backend/kernel_ops.h"
#include "deepseek/core/dtype.h"
#include "deepseek/core/philox.h"  // DS_HOST_DEVICE

namespace deepseek::cuda {

// Whether the CUDA kernels implement `op` at all: ops added to BinaryOp later (atan2, fmod,
// hypot, bitwise, shifts) have no device arithmetic yet and must fail loudly, not compute 0.
inline bool binary_op_implemented(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub:
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Pow:
    case BinaryOp::Maximum:
    case BinaryOp::Minimum:
    case BinaryOp::FloorDivide:
    case BinaryOp::Remainder:
    case BinaryOp::Eq:
    case BinaryOp::Ne:
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
    case BinaryOp::LogicalAnd:
    case BinaryOp::LogicalOr:
    case BinaryOp::LogicalXor:
      return true;
    default:
      return false;
  }
}

// Whether an implemented `op` is defined on `dtype` (the op layer promotes before calling,
// so a false here is a bug above the backend; the backend reports it as an unsupported dtype).
inline bool binary_op_supported(BinaryOp op, DType dtype) {
  const bool is_bool = dtype == DType::Bool;
  switch (op) {
    case BinaryOp::Sub:
    case BinaryOp::Pow:
    case BinaryOp::FloorDivide:
    case BinaryOp::Remainder:
      return !is_bool;
    case BinaryOp::Div:
      return is_floating(dtype);
    default:
      return binary_op_implemented(op);
  }
}

template <typename C>
DS_HOST_DEVICE C floor_divide(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    return std::floor(a / b);
  } else {
    C q = a / b;
    if constexpr (std::is_signed_v<C>) {
      if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    }
    return q;
  }
}

// The result takes the sign of the divisor, as in Python.
template <typename C>
DS_HOST_DEVICE C python_remainder(C a, C b) {
  C r;
  if constexpr (std::is_floating_point_v<C>) {
    r = std::fmod(a, b);
  } else {
    r = a % b;
  }
  if constexpr (std::is_signed_v<C>) {
    if (r != C(0) && ((r < C(0)) != (b < C(0)))) r += b;
  }
  return r;
}

template <typename C>
DS_HOST_DEVICE C int_pow(C base, C exp) {
  if constexpr (std::is_signed_v<C>) {
    if (exp < 0) return base == 1 ? C(1) : (base == -1 ? (exp % 2 ? C(-1) : C(1)) : C(0));
  }
  C result = 1;
  while (exp) {
    if (exp & 1) result = static_cast<C>(result * base);
    exp >>= 1;
    base = static_cast<C>(base * base);
  }
  return result;
}

// Ops that write the operands' dtype. Unsupported (op, C) pairs return 0; they are never
// launched (binary_op_supported).
template <typename C>
DS_HOST_DEVICE C binary_arith(BinaryOp op, C x, C y) {
  constexpr bool kFloat = std::is_floating_point_v<C>;
  constexpr bool kBool = std::is_same_v<C, bool>;
  switch (op) {
    case BinaryOp::Add:
      if constexpr (kBool)
        return x || y;
      else
        return static_cast<C>(x + y);
    case BinaryOp::Sub:
      if constexpr (!kBool) return static_cast<C>(x - y);
      break;
    case BinaryOp::Mul:
      if constexpr (kBool)
        return x && y;
      else
        return static_cast<C>(x * y);
    case BinaryOp::Div:
      if constexpr (kFloat) return x / y;
      break;
    case BinaryOp::Pow:
      if constexpr (kFloat)
        return std::pow(x, y);
      else if constexpr (!kBool)
        return int_pow(x, y);
      break;
    case BinaryOp::Maximum:
      if constexpr (kFloat) {
        if (std::isnan(x) || std::isnan(y)) return x + y;
      }
      return x > y ? x : y;
    case BinaryOp::Minimum:
      if constexpr (kFloat) {
        if (std::isnan(x) || std::isnan(y)) return x + y;
      }
      return x < y ? x : y;
    case BinaryOp::FloorDivide:
      if constexpr (!kBool) return floor_divide(x, y);
      break;
    case BinaryOp::Remainder:
      if constexpr (!kBool) return python_remainder(x, y);
      break;
    default:
      break;
  }
  return C(0);
}

// Comparisons and logic: write bool.
template <typename C>
DS_HOST_DEVICE bool binary_compare(BinaryOp op, C x, C y) {
  switch (op) {
    case BinaryOp::Eq:
      return x == y;
    case BinaryOp::Ne:
      return x != y;
    case BinaryOp::Lt:
      return x < y;
    case BinaryOp::Le:
      return x <= y;
    case BinaryOp::Gt:
      return x > y;
    case BinaryOp::Ge:
      return x >= y;
    case BinaryOp::LogicalAnd:
      return static_cast<bool>(x) && static_cast<bool>(y);
    case BinaryOp::LogicalOr:
      return static_cast<bool>(x) || static_cast<bool>(y);
    case BinaryOp::LogicalXor:
      return static_cast<bool>(x) != static_cast<bool>(y);
    default:
      return false;
  }
}

}  // namespace deepseek::cuda
