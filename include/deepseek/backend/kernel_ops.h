// The fixed vocabulary of kernels: one enum per kernel family, so a backend implements a
// handful of entry points with a switch rather than one virtual per public op.
#pragma once

#include <cstdint>

namespace deepseek {

enum class UnaryOp : uint8_t {
  Neg, Abs, Exp, Log, Log1p, Expm1, Sqrt, Rsqrt, Sin, Cos, Tanh, Sigmoid, Relu,
  Gelu,      // exact: x * Phi(x)
  GeluTanh,  // tanh approximation
  Silu, Sign, Floor, Ceil, Round, Reciprocal, Erf, Square,
  LogicalNot,  // output dtype bool
  PowScalar,   // x ** param.a
  Clamp,       // clamp(x, param.a if has_a, param.b if has_b)
  IsNan,       // output dtype bool
  IsInf,       // output dtype bool
  Tan, Asin, Acos, Atan, Sinh, Cosh, Log2, Log10, Exp2,
  Trunc,       // toward zero
  IsFinite,    // output dtype bool
  SignBit,     // output dtype bool; true for -0.0 and negative NaN
  BitwiseNot,  // integers only
  NanToNum,    // NaN -> param.a, +inf -> param.b, -inf -> param.c (floats only)
};
const char* unary_op_name(UnaryOp op);

struct UnaryParams {
  double a = 0, b = 0, c = 0;
  bool has_a = false, has_b = false;
};

enum class BinaryOp : uint8_t {
  Add, Sub, Mul, Div, Pow, Maximum, Minimum, FloorDivide, Remainder,
  Atan2, Fmod, Hypot,  // floats only; Fmod (C's, sign of the dividend) also integers
  // integers and bool; a shift by a count outside [0, bits) gives 0 (left) or the sign
  // fill (right), as PyTorch 2 defines it
  BitwiseAnd, BitwiseOr, BitwiseXor, LeftShift, RightShift,
  // comparisons and logic write bool
  Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr, LogicalXor,
};
const char* binary_op_name(BinaryOp op);
constexpr bool binary_op_writes_bool(BinaryOp op) { return op >= BinaryOp::Eq; }

enum class ReduceOp : uint8_t { Sum, Prod, Max, Min, Any, All };
const char* reduce_op_name(ReduceOp op);

enum class ArgReduceOp : uint8_t { ArgMax, ArgMin };

enum class ScanOp : uint8_t { Sum, Prod, Max, Min };
const char* scan_op_name(ScanOp op);

enum class RandomKind : uint8_t {
  Uniform,    // [a, b)
  Normal,     // mean a, std b
  RandInt,    // integers in [a, b)
  Bernoulli,  // 1 with probability a
};

}  // namespace deepseek
