// Autocast state, policy table and casts. The state is one thread-local struct: ops read it
// on every call, so the common case (no region enabled) is two loads and a branch.
#include "deepseek/amp/autocast.h"

#include <array>
#include <unordered_map>

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/core/error.h"

namespace deepseek::autocast {

namespace {

struct DeviceState {
  bool enabled = false;
  DType dtype;
};

// A float32 leaf parameter's cast, valid while the parameter's version is unchanged (an
// optimizer step inside the region invalidates it). `source` keeps the parameter alive so
// its address cannot be reused by another tensor while the entry exists.
struct CacheEntry {
  Tensor source;
  uint32_t version;
  Tensor cast;
};

struct State {
  std::array<DeviceState, kNumDeviceTypes> device{
      DeviceState{false, DType::BFloat16},  // CPU
      DeviceState{false, DType::Float16},   // CUDA
  };
  bool suspended = false;
  bool cache_enabled = true;
  int64_t nesting = 0;
  std::unordered_map<const TensorImpl*, CacheEntry> cache;
};

thread_local State t_state;

DeviceState& device_state(DeviceType type) { return t_state.device[static_cast<size_t>(type)]; }

bool any_active() {
  if (t_state.suspended) return false;
  for (const DeviceState& d : t_state.device) {
    if (d.enabled) return true;
  }
  return false;
}

// ---- the policy table

// One row per op that has an autocast step: its policy on CPU and on CUDA. The rows follow
// PyTorch's "Autocast Op Reference": the CPU lists of torch 1.13 (bfloat16 for matrix
// products and convolutions, float32 for losses and prod; softmax, norms and pointwise math
// stay in the input dtype there) and the CUDA lists (float16 for the same products, float32
// for losses, softmax, layer/group norm, sums, exp/log/pow and friends). Both gain
// scaled_dot_product_attention in their lower-precision list from torch 2.0. rms_norm is on
// no torch list; on CUDA it follows its sibling layer_norm. Rows with None on both devices
// are ops that torch runs as one kernel but deepseek builds from listed ops (dot, var,
// logsumexp, batch_norm): the row makes them one op for autocast, so their parts are not
// cast.
struct Row {
  Policy cpu, cuda;
};

const std::unordered_map<std::string_view, Row>& table() {
  constexpr Policy N = Policy::None, L = Policy::LowerPrecision, F = Policy::Float32,
                   P = Policy::Promote, B = Policy::Banned;
  static const std::unordered_map<std::string_view, Row> rows = {
      // linalg.cpp
      {"mm", {L, L}},
      {"bmm", {L, L}},
      {"matmul", {L, L}},
      {"addmm", {L, L}},
      {"addbmm", {L, L}},
      {"baddbmm", {L, L}},
      {"linear", {L, L}},
      {"dot", {N, P}},
      // nn_conv.cpp, nn_attention.cpp
      {"conv1d", {L, L}},
      {"conv2d", {L, L}},
      {"conv_transpose1d", {L, L}},
      {"conv_transpose2d", {L, L}},
      {"scaled_dot_product_attention", {L, L}},
      // softmax.cpp, nn_norm.cpp
      {"softmax", {N, F}},
      {"log_softmax", {N, F}},
      {"layer_norm", {N, F}},
      {"group_norm", {N, F}},
      {"rms_norm", {N, F}},
      {"batch_norm", {N, N}},
      // reduction.cpp, scan.cpp
      {"sum", {N, F}},
      {"prod", {F, F}},
      {"norm", {N, F}},
      {"cumsum", {N, F}},
      {"cumprod", {N, F}},
      {"var", {N, N}},
      {"logsumexp", {N, N}},
      // unary.cpp, binary.cpp
      {"exp", {N, F}},
      {"expm1", {N, F}},
      {"log", {N, F}},
      {"log1p", {N, F}},
      {"log2", {N, F}},
      {"log10", {N, F}},
      {"pow", {N, F}},
      {"reciprocal", {N, F}},
      {"rsqrt", {N, F}},
      {"acos", {N, F}},
      {"asin", {N, F}},
      {"cosh", {N, F}},
      {"sinh", {N, F}},
      {"tan", {N, F}},
      {"__rtruediv__", {N, F}},  // a number divided by a tensor
      // nn_loss.cpp
      {"cross_entropy", {F, F}},
      {"nll_loss", {F, F}},
      {"mse_loss", {F, F}},
      {"l1_loss", {F, F}},
      {"smooth_l1_loss", {F, F}},
      {"huber_loss", {F, F}},
      {"binary_cross_entropy_with_logits", {F, F}},
      {"binary_cross_entropy", {F, B}},
      {"kl_div", {F, F}},
  };
  return rows;
}

// Floating, not float64, on `type`: what torch's autocast may cast.
bool eligible_on(const Tensor& t, DeviceType type) {
  return t.defined() && is_floating(t.dtype()) && t.dtype() != DType::Float64 &&
         t.device().type == type;
}

// Float32 leaf parameters cast to the region's dtype are cached (see CacheEntry); the cast
// made under no_grad has no graph, so only casts made with grad mode on are kept.
bool cacheable(const Tensor& t, DType to, DeviceType type) {
  return t_state.cache_enabled && t.dtype() == DType::Float32 && to == get_dtype(type) &&
         t.requires_grad() && t.is_leaf() && !t.is_view() && autograd::GradMode::is_enabled();
}

Tensor cast_on(const Tensor& t, DType to, DeviceType type) {
  if (!eligible_on(t, type) || t.dtype() == to) return t;
  if (!cacheable(t, to, type)) return t.to(to);
  auto it = t_state.cache.find(t.impl());
  if (it != t_state.cache.end() && it->second.version == t.version() &&
      it->second.cast.dtype() == to) {
    return it->second.cast;
  }
  Tensor cast = t.to(to);
  t_state.cache[t.impl()] = CacheEntry{t, t.version(), cast};
  return cast;
}

DType widest_eligible(std::initializer_list<Tensor> inputs, DeviceType type) {
  DType widest = get_dtype(type);
  for (const Tensor& t : inputs) {
    if (!eligible_on(t, type) || t.dtype() == widest) continue;
    widest = DType::Float32;  // the two 16-bit types, or either with float32, meet there
  }
  return widest;
}

}  // namespace

// ---- state

bool is_enabled(DeviceType type) { return device_state(type).enabled; }
void set_enabled(DeviceType type, bool enabled) { device_state(type).enabled = enabled; }
DType get_dtype(DeviceType type) { return device_state(type).dtype; }

void set_dtype(DeviceType type, DType dtype) {
  DS_CHECK(is_reduced_float(dtype), RuntimeError,
           "autocast: the {} autocast dtype must be float16 or bfloat16, got {}",
           device_type_name(type), dtype_name(dtype));
  device_state(type).dtype = dtype;
}

bool is_cache_enabled() { return t_state.cache_enabled; }
void set_cache_enabled(bool enabled) { t_state.cache_enabled = enabled; }
void clear_cache() { t_state.cache.clear(); }
int64_t increment_nesting() { return ++t_state.nesting; }
int64_t decrement_nesting() {
  if (t_state.nesting > 0) --t_state.nesting;
  return t_state.nesting;
}

AutocastGuard::AutocastGuard(DeviceType type, bool enabled, std::optional<DType> dtype,
                             std::optional<bool> cache_enabled)
    : type_(type),
      prev_enabled_(is_enabled(type)),
      prev_dtype_(get_dtype(type)),
      prev_cache_enabled_(is_cache_enabled()) {
  if (dtype) set_dtype(type, *dtype);  // validates before anything changes
  set_enabled(type, enabled);
  if (cache_enabled) set_cache_enabled(*cache_enabled);
  increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (decrement_nesting() == 0) clear_cache();
  set_enabled(type_, prev_enabled_);
  device_state(type_).dtype = prev_dtype_;
  set_cache_enabled(prev_cache_enabled_);
}

SuspendGuard::SuspendGuard() : prev_(t_state.suspended) { t_state.suspended = true; }
SuspendGuard::~SuspendGuard() { t_state.suspended = prev_; }

// ---- policies and casts

Policy policy(std::string_view op, DeviceType type) {
  auto it = table().find(op);
  DS_CHECK(it != table().end(), RuntimeError, "autocast: no policy for op '{}'", op);
  return type == DeviceType::CUDA ? it->second.cuda : it->second.cpu;
}

Tensor lower(const Tensor& t) {
  if (!t.defined() || !is_enabled(t.device().type)) return t;
  return cast_on(t, get_dtype(t.device().type), t.device().type);
}

Tensor to_float32(const Tensor& t) {
  if (!t.defined() || !is_enabled(t.device().type)) return t;
  return cast_on(t, DType::Float32, t.device().type);
}

OpCast::OpCast(std::string_view op, std::initializer_list<Tensor> inputs, bool explicit_dtype) {
  if (!any_active()) return;
  DeviceType type = DeviceType::CPU;
  for (const Tensor& t : inputs) {
    if (t.defined() && t.device().is_cuda()) type = DeviceType::CUDA;
  }
  if (!is_enabled(type)) return;
  const Policy p = policy(op, type);
  DS_CHECK(p != Policy::Banned, RuntimeError,
           "torch.nn.functional.{} and torch.nn.BCELoss are unsafe to autocast.\nMany models "
           "use a sigmoid layer right before the binary cross entropy layer.\nIn this case, "
           "combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n"
           "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits "
           "are\nsafe to autocast.",
           op);
  std::optional<DType> to;
  if (p == Policy::LowerPrecision) to = get_dtype(type);
  if (p == Policy::Float32 && !explicit_dtype) to = DType::Float32;
  if (p == Policy::Promote) to = widest_eligible(inputs, type);
  cast_.reserve(inputs.size());
  for (const Tensor& t : inputs) cast_.push_back(to ? cast_on(t, *to, type) : t);
  active_ = true;
  suspend_.emplace();
}

}  // namespace deepseek::autocast
