// Elementwise unary kernels. Integer inputs get only the ops that make sense on integers;
// the op layer promotes integers to float before calling transcendental ones.
#include <cmath>

#include "cpu_backend.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

template <typename C>
C gelu_exact(C x) {
  return x * C(0.5) * (C(1) + std::erf(x * C(M_SQRT1_2)));
}
template <typename C>
C gelu_tanh(C x) {
  const C k = C(M_2_SQRTPI * M_SQRT1_2);  // sqrt(2 / pi)
  return C(0.5) * x * (C(1) + std::tanh(k * (x + C(0.044715) * x * x * x)));
}
template <typename C>
C sigmoid(C x) {
  return C(1) / (C(1) + std::exp(-x));
}
template <typename C>
C sign(C x) {
  if constexpr (std::is_same_v<C, bool>) {
    return x;
  } else {
    return static_cast<C>((C(0) < x) - (x < C(0)));
  }
}
// Round half to even, as PyTorch's round does.
template <typename C>
C round_even(C x) {
  return std::nearbyint(x);
}

template <typename T>
void unary_floating(UnaryOp op, const Tensor& in, const Tensor& out, const UnaryParams& p) {
  using C = compute_type_t<T>;
  switch (op) {
    case UnaryOp::Exp: return map_unary<T, T>(in, out, [](C x) { return std::exp(x); });
    case UnaryOp::Log: return map_unary<T, T>(in, out, [](C x) { return std::log(x); });
    case UnaryOp::Log1p: return map_unary<T, T>(in, out, [](C x) { return std::log1p(x); });
    case UnaryOp::Expm1: return map_unary<T, T>(in, out, [](C x) { return std::expm1(x); });
    case UnaryOp::Sqrt: return map_unary<T, T>(in, out, [](C x) { return std::sqrt(x); });
    case UnaryOp::Rsqrt:
      return map_unary<T, T>(in, out, [](C x) { return C(1) / std::sqrt(x); });
    case UnaryOp::Sin: return map_unary<T, T>(in, out, [](C x) { return std::sin(x); });
    case UnaryOp::Cos: return map_unary<T, T>(in, out, [](C x) { return std::cos(x); });
    case UnaryOp::Tanh: return map_unary<T, T>(in, out, [](C x) { return std::tanh(x); });
    case UnaryOp::Sigmoid: return map_unary<T, T>(in, out, [](C x) { return sigmoid(x); });
    case UnaryOp::Gelu: return map_unary<T, T>(in, out, [](C x) { return gelu_exact(x); });
    case UnaryOp::GeluTanh: return map_unary<T, T>(in, out, [](C x) { return gelu_tanh(x); });
    case UnaryOp::Silu: return map_unary<T, T>(in, out, [](C x) { return x * sigmoid(x); });
    case UnaryOp::Floor: return map_unary<T, T>(in, out, [](C x) { return std::floor(x); });
    case UnaryOp::Ceil: return map_unary<T, T>(in, out, [](C x) { return std::ceil(x); });
    case UnaryOp::Round: return map_unary<T, T>(in, out, [](C x) { return round_even(x); });
    case UnaryOp::Reciprocal: return map_unary<T, T>(in, out, [](C x) { return C(1) / x; });
    case UnaryOp::Erf: return map_unary<T, T>(in, out, [](C x) { return std::erf(x); });
    case UnaryOp::PowScalar: {
      const C e = static_cast<C>(p.a);
      if (p.a == 2.0) return map_unary<T, T>(in, out, [](C x) { return x * x; });
      if (p.a == 0.5) return map_unary<T, T>(in, out, [](C x) { return std::sqrt(x); });
      return map_unary<T, T>(in, out, [e](C x) { return std::pow(x, e); });
    }
    case UnaryOp::IsNan: return map_unary<T, bool>(in, out, [](C x) { return std::isnan(x); });
    case UnaryOp::IsInf: return map_unary<T, bool>(in, out, [](C x) { return std::isinf(x); });
    default: break;
  }
  DS_THROW(NotImplementedError, "cpu unary kernel '{}' has no floating implementation",
           unary_op_name(op));
}

// Ops valid on every dtype (integers and floats alike).
template <typename T>
bool unary_any_dtype(UnaryOp op, const Tensor& in, const Tensor& out, const UnaryParams& p) {
  using C = compute_type_t<T>;
  switch (op) {
    case UnaryOp::Neg:
      map_unary<T, T>(in, out, [](C x) {
        if constexpr (std::is_integral_v<C>) {
          return wrap_sub(C(0), x);  // -INT_MIN wraps to INT_MIN, as in PyTorch
        } else {
          return -x;
        }
      });
      return true;
    case UnaryOp::Abs:
      map_unary<T, T>(in, out, [](C x) {
        if constexpr (std::is_floating_point_v<C>) {
          return std::fabs(x);  // abs(-0.0) is +0.0
        } else {
          return x < C(0) ? wrap_sub(C(0), x) : x;
        }
      });
      return true;
    case UnaryOp::Relu:
      map_unary<T, T>(in, out, [](C x) { return x > C(0) ? x : C(0); });
      return true;
    case UnaryOp::Sign: map_unary<T, T>(in, out, [](C x) { return sign(x); }); return true;
    case UnaryOp::Square:
      map_unary<T, T>(in, out, [](C x) { return wrap_mul(x, x); });
      return true;
    case UnaryOp::LogicalNot:
      map_unary<T, bool>(in, out, [](C x) { return !static_cast<bool>(x); });
      return true;
    case UnaryOp::Clamp: {
      // NaN propagates: comparisons with NaN are false, so x is kept.
      const C lo = static_cast<C>(p.a), hi = static_cast<C>(p.b);
      const bool has_lo = p.has_a, has_hi = p.has_b;
      map_unary<T, T>(in, out, [=](C x) {
        if (has_lo && x < lo) x = lo;
        if (has_hi && x > hi) x = hi;
        return x;
      });
      return true;
    }
    default: return false;
  }
}

}  // namespace

void CpuBackend::unary(UnaryOp op, const Tensor& in, const Tensor& out, const UnaryParams& p) {
  visit_dtype(in.dtype(), unary_op_name(op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (unary_any_dtype<T>(op, in, out, p)) return;
    if constexpr (std::is_floating_point_v<compute_type_t<T>>) {
      unary_floating<T>(op, in, out, p);
    } else {
      switch (op) {
        case UnaryOp::Floor:
        case UnaryOp::Ceil:
        case UnaryOp::Round: copy(in, out); return;  // integers are already whole
        case UnaryOp::IsNan:
        case UnaryOp::IsInf: fill(out, false); return;
        default: throw_unsupported_dtype(unary_op_name(op), in.dtype());
      }
    }
  });
}

}  // namespace deepseek::cpu
