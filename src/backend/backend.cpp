#include "deepseek/backend/backend.h"

namespace deepseek {

void Backend::not_implemented(const char* kernel) const {
  DS_THROW(NotImplementedError, "the {} backend does not implement the '{}' kernel yet", name(),
           kernel);
}

void Backend::copy(const Tensor&, const Tensor&) { not_implemented("copy"); }
void Backend::copy_to_host(const Tensor&, const Tensor&) { not_implemented("copy_to_host"); }
void Backend::copy_from_host(const Tensor&, const Tensor&) { not_implemented("copy_from_host"); }
void Backend::fill(const Tensor&, const Scalar&) { not_implemented("fill"); }
void Backend::arange(const Tensor&, double, double) { not_implemented("arange"); }
void Backend::random(RandomKind, const Tensor&, uint64_t, uint64_t, double, double) {
  not_implemented("random");
}
void Backend::unary(UnaryOp op, const Tensor&, const Tensor&, const UnaryParams&) {
  not_implemented(unary_op_name(op));
}
void Backend::binary(BinaryOp op, const Tensor&, const Tensor&, const Tensor&) {
  not_implemented(binary_op_name(op));
}
void Backend::where(const Tensor&, const Tensor&, const Tensor&, const Tensor&) {
  not_implemented("where");
}
void Backend::reduce(ReduceOp op, const Tensor&, const std::vector<int64_t>&, const Tensor&) {
  not_implemented(reduce_op_name(op));
}
void Backend::arg_reduce(ArgReduceOp op, const Tensor&, int64_t, const Tensor&, const Tensor&) {
  not_implemented(op == ArgReduceOp::ArgMax ? "argmax" : "argmin");
}
void Backend::matmul(const Tensor&, const Tensor&, const Tensor&) { not_implemented("matmul"); }
void Backend::softmax(const Tensor&, int64_t, bool, const Tensor&) { not_implemented("softmax"); }
void Backend::index_select(const Tensor&, int64_t, const Tensor&, const Tensor&) {
  not_implemented("index_select");
}
void Backend::index_put(const Tensor&, int64_t, const Tensor&, const Tensor&, bool) {
  not_implemented("index_put");
}
void Backend::gather(const Tensor&, int64_t, const Tensor&, const Tensor&) {
  not_implemented("gather");
}
void Backend::scatter(const Tensor&, int64_t, const Tensor&, const Tensor&, bool) {
  not_implemented("scatter");
}
Tensor Backend::nonzero(const Tensor&) { not_implemented("nonzero"); }
void Backend::sort(const Tensor&, int64_t, int64_t, bool, const Tensor&, const Tensor&) {
  not_implemented("sort");
}
void Backend::scan(ScanOp op, const Tensor&, int64_t, const Tensor&, const Tensor&) {
  not_implemented(scan_op_name(op));
}
void Backend::multinomial(const Tensor&, int64_t, bool, uint64_t, uint64_t, const Tensor&) {
  not_implemented("multinomial");
}

// ---- neural-network kernels ----
void Backend::conv_forward(const ConvParams&, const Tensor&, const Tensor&, const Tensor&,
                           const Tensor&) {
  not_implemented("conv_forward");
}
void Backend::conv_backward_input(const ConvParams&, const Tensor&, const Tensor&,
                                  const Tensor&) {
  not_implemented("conv_backward_input");
}
void Backend::conv_backward_weight(const ConvParams&, const Tensor&, const Tensor&,
                                   const Tensor&, const Tensor&) {
  not_implemented("conv_backward_weight");
}
void Backend::pool_forward(const PoolParams&, const Tensor&, const Tensor&, const Tensor&) {
  not_implemented("pool_forward");
}
void Backend::pool_backward(const PoolParams&, const Tensor&, const Tensor&, const Tensor&) {
  not_implemented("pool_backward");
}
void Backend::norm_forward(const NormParams&, const Tensor&, const Tensor&, const Tensor&,
                           const Tensor&, const Tensor&, const Tensor&) {
  not_implemented("norm_forward");
}
void Backend::norm_backward(const NormParams&, const Tensor&, const Tensor&, const Tensor&,
                            const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                            const Tensor&) {
  not_implemented("norm_backward");
}
void Backend::attention_forward(const AttentionParams&, const Tensor&, const Tensor&,
                                const Tensor&, const Tensor&, const Tensor&, const Tensor&) {
  not_implemented("attention_forward");
}
void Backend::attention_backward(const AttentionParams&, const Tensor&, const Tensor&,
                                 const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                 const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                 const Tensor&) {
  not_implemented("attention_backward");
}

void Backend::sgd_update(const SgdHyper&, const TensorList&, const TensorList&, const TensorList&,
                         const std::vector<bool>&) {
  not_implemented("sgd_update");
}
void Backend::adam_update(const AdamHyper&, const TensorList&, const TensorList&, const TensorList&,
                          const TensorList&, const TensorList&, const std::vector<double>&) {
  not_implemented("adam_update");
}
void Backend::rmsprop_update(const RmspropHyper&, const TensorList&, const TensorList&,
                             const TensorList&, const TensorList&, const TensorList&) {
  not_implemented("rmsprop_update");
}
void Backend::adagrad_update(const AdagradHyper&, const TensorList&, const TensorList&,
                             const TensorList&, const std::vector<double>&) {
  not_implemented("adagrad_update");
}

namespace {
Backend* g_backends[kNumDeviceTypes] = {};
}

Backend& backend_for(DeviceType type) {
  Backend* b = g_backends[static_cast<int>(type)];
  DS_CHECK(b != nullptr, RuntimeError,
           "{} device requested, but this build of deepseek has no {} backend (built without "
           "it, or it found no device)",
           device_type_name(type), device_type_name(type));
  return *b;
}

bool has_backend(DeviceType type) { return g_backends[static_cast<int>(type)] != nullptr; }

void register_backend(DeviceType type, Backend* backend) {
  g_backends[static_cast<int>(type)] = backend;
}

const char* unary_op_name(UnaryOp op) {
  static constexpr const char* names[] = {
      "neg",  "abs",  "exp",   "log",   "log1p", "expm1",      "sqrt",      "rsqrt",
      "sin",  "cos",  "tanh",  "sigmoid", "relu", "gelu",      "gelu_tanh", "silu",
      "sign", "floor", "ceil", "round", "reciprocal", "erf",   "square",    "logical_not",
      "pow",  "clamp", "isnan", "isinf", "tan", "asin", "acos", "atan", "sinh", "cosh",
      "log2", "log10", "exp2", "trunc", "isfinite", "signbit", "bitwise_not", "nan_to_num"};
  return names[static_cast<int>(op)];
}

const char* binary_op_name(BinaryOp op) {
  static constexpr const char* names[] = {
      "add", "sub", "mul", "div", "pow", "maximum", "minimum", "floor_divide", "remainder",
      "atan2", "fmod", "hypot", "bitwise_and", "bitwise_or", "bitwise_xor",
      "bitwise_left_shift", "bitwise_right_shift",
      "eq",  "ne",  "lt",  "le",  "gt",  "ge",      "logical_and", "logical_or", "logical_xor"};
  return names[static_cast<int>(op)];
}

const char* scan_op_name(ScanOp op) {
  static constexpr const char* names[] = {"cumsum", "cumprod", "cummax", "cummin"};
  return names[static_cast<int>(op)];
}

const char* reduce_op_name(ReduceOp op) {
  static constexpr const char* names[] = {"sum", "prod", "max", "min", "any", "all"};
  return names[static_cast<int>(op)];
}

}  // namespace deepseek
