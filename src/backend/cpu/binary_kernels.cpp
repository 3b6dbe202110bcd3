// Elementwise binary kernels and where().
#include <cmath>

#include "cpu_backend.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

// Python's floor division. For floats it is computed from fmod as CPython (and PyTorch) do,
// so 0.3 // 0.1 == 2 and -1.5 // 0.3 == -6 in float64, and x // 0 is +-inf or nan.
template <typename C>
C floor_divide(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    if (b == C(0)) return a / b;
    const C mod = std::fmod(a, b);
    C div = (a - mod) / b;
    if (mod != C(0) && ((b < C(0)) != (mod < C(0)))) div -= C(1);
    if (div == C(0)) return std::copysign(C(0), a / b);
    C floordiv = std::floor(div);
    if (div - floordiv > C(0.5)) floordiv += C(1);
    return floordiv;
  } else {
    // The op layer rejects division by zero before calling. x // -1 is spelled as a negation
    // because INT_MIN / -1 traps on x86.
    if constexpr (std::is_signed_v<C>) {
      if (b == C(-1)) return wrap_sub(C(0), a);
    }
    C q = static_cast<C>(a / b);
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
}

// Python's modulo: the result takes the sign of the divisor.
template <typename C>
C remainder(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    C r = std::fmod(a, b);
    if (r != C(0) && ((r < 0) != (b < 0))) r += b;
    return r;
  } else {
    if constexpr (std::is_signed_v<C>) {
      if (b == C(-1)) return C(0);  // INT_MIN % -1 traps on x86
    }
    C r = static_cast<C>(a % b);
    if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<C>(r + b);
    return r;
  }
}

// Exact integer power by squaring; negative exponents give 1/base truncated toward zero
// (0 unless base is 1 or -1), as PyTorch does for integer tensors.
template <typename C>
C int_pow(C base, C exp) {
  if constexpr (std::is_signed_v<C>) {
    if (exp < 0) return base == 1 ? C(1) : (base == -1 ? (exp % 2 ? C(-1) : C(1)) : C(0));
  }
  C result = 1;
  while (exp) {
    if (exp & 1) result = wrap_mul(result, base);
    exp = static_cast<C>(exp >> 1);
    base = wrap_mul(base, base);
  }
  return result;
}

// C's fmod: the result takes the sign of the dividend (the op rejects integer division by 0).
template <typename C>
C c_fmod(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    return std::fmod(a, b);
  } else {
    if constexpr (std::is_signed_v<C>) {
      if (b == C(-1)) return C(0);  // INT_MIN % -1 traps on x86
    }
    return static_cast<C>(a % b);
  }
}

// Shifts with every count defined (PyTorch 2's rule): counts outside [0, bits) shift
// everything out, leaving 0 (left) or the sign fill (right).
template <typename C>
C shift_left(C a, C b) {
  constexpr int64_t kBits = sizeof(C) * 8;
  const int64_t count = static_cast<int64_t>(b);
  if (count < 0 || count >= kBits) return C(0);
  using U = std::make_unsigned_t<C>;
  return static_cast<C>(static_cast<U>(static_cast<U>(a) << count));
}
template <typename C>
C shift_right(C a, C b) {
  constexpr int64_t kBits = sizeof(C) * 8;
  const int64_t count = static_cast<int64_t>(b);
  if (count < 0 || count >= kBits) return a < C(0) ? static_cast<C>(-1) : C(0);
  return static_cast<C>(a >> count);  // arithmetic for signed types (C++20)
}

template <typename T>
void binary_typed(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  using C = compute_type_t<T>;
  constexpr bool kFloat = std::is_floating_point_v<C>;
  constexpr bool kBool = std::is_same_v<C, bool>;
  switch (op) {
    case BinaryOp::Add:
      if constexpr (kBool)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return x || y; });
      else
        return map_binary<T, T>(a, b, out, [](C x, C y) { return wrap_add(x, y); });
    case BinaryOp::Sub:
      if constexpr (!kBool)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return wrap_sub(x, y); });
      break;
    case BinaryOp::Mul:
      if constexpr (kBool)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return x && y; });
      else
        return map_binary<T, T>(a, b, out, [](C x, C y) { return wrap_mul(x, y); });
    case BinaryOp::Div:
      if constexpr (kFloat) return map_binary<T, T>(a, b, out, [](C x, C y) { return x / y; });
      break;
    case BinaryOp::Pow:
      if constexpr (kFloat)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return std::pow(x, y); });
      else if constexpr (!kBool)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return int_pow(x, y); });
      break;
    // NaN in either operand gives NaN (x + y carries it).
    case BinaryOp::Maximum:
      return map_binary<T, T>(a, b, out, [](C x, C y) {
        return select_value(x != x || y != y, static_cast<C>(x + y), select_value(x > y, x, y));
      });
    case BinaryOp::Minimum:
      return map_binary<T, T>(a, b, out, [](C x, C y) {
        return select_value(x != x || y != y, static_cast<C>(x + y), select_value(x < y, x, y));
      });
    case BinaryOp::FloorDivide:
      if constexpr (!kBool)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return floor_divide(x, y); });
      break;
    case BinaryOp::Remainder:
      if constexpr (!kBool)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return remainder(x, y); });
      break;
    case BinaryOp::Atan2:
      if constexpr (kFloat)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return std::atan2(x, y); });
      break;
    case BinaryOp::Fmod:
      if constexpr (!kBool)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return c_fmod(x, y); });
      break;
    case BinaryOp::Hypot:
      if constexpr (kFloat)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return std::hypot(x, y); });
      break;
    case BinaryOp::BitwiseAnd:
      if constexpr (!kFloat)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return static_cast<C>(x & y); });
      break;
    case BinaryOp::BitwiseOr:
      if constexpr (!kFloat)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return static_cast<C>(x | y); });
      break;
    case BinaryOp::BitwiseXor:
      if constexpr (!kFloat)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return static_cast<C>(x ^ y); });
      break;
    case BinaryOp::LeftShift:
      if constexpr (!kFloat && !kBool)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return shift_left(x, y); });
      break;
    case BinaryOp::RightShift:
      if constexpr (!kFloat && !kBool)
        return map_binary<T, T>(a, b, out, [](C x, C y) { return shift_right(x, y); });
      break;
    case BinaryOp::Eq:
      return map_binary<T, bool>(a, b, out, [](C x, C y) { return x == y; });
    case BinaryOp::Ne:
      return map_binary<T, bool>(a, b, out, [](C x, C y) { return x != y; });
    case BinaryOp::Lt:
      return map_binary<T, bool>(a, b, out, [](C x, C y) { return x < y; });
    case BinaryOp::Le:
      return map_binary<T, bool>(a, b, out, [](C x, C y) { return x <= y; });
    case BinaryOp::Gt:
      return map_binary<T, bool>(a, b, out, [](C x, C y) { return x > y; });
    case BinaryOp::Ge:
      return map_binary<T, bool>(a, b, out, [](C x, C y) { return x >= y; });
    case BinaryOp::LogicalAnd:
      return map_binary<T, bool>(a, b, out, [](C x, C y) { return bool(x) && bool(y); });
    case BinaryOp::LogicalOr:
      return map_binary<T, bool>(a, b, out, [](C x, C y) { return bool(x) || bool(y); });
    case BinaryOp::LogicalXor:
      return map_binary<T, bool>(a, b, out, [](C x, C y) { return bool(x) != bool(y); });
  }
  throw_unsupported_dtype(binary_op_name(op), a.dtype());
}

}  // namespace

void CpuBackend::binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  visit_dtype(a.dtype(), binary_op_name(op),
              [&](auto tag) { binary_typed<typename decltype(tag)::type>(op, a, b, out); });
}

void CpuBackend::where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  visit_dtype(out.dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    StridedLoop<4> loop({&out, &cond, &a, &b});
    loop.for_each([&](char* const* p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        const bool c = *reinterpret_cast<const bool*>(p[1] + i * s[1]);
        *reinterpret_cast<T*>(p[0] + i * s[0]) =
            *reinterpret_cast<const T*>(p[c ? 2 : 3] + i * s[c ? 2 : 3]);
      }
    });
  });
}

}  // namespace deepseek::cpu
