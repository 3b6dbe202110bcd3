// Automatic mixed precision (torch.autocast). Inside an enabled region, the ops that gain
// from lower precision (matrix products, convolutions, attention) cast their floating
// inputs to the region's dtype (bfloat16 or float16), and the ops that lose accuracy in it
// (losses, and on CUDA softmax, norms, exp/log/pow, sums) cast them to float32. Every other
// op runs in its inputs' dtype. The per-op policies follow PyTorch's "Autocast Op Reference"
// lists, one for each device type; the table is in src/amp/autocast.cpp.
//
// The state (enabled, dtype) is thread-local and kept per device type: a CPU region casts
// CPU tensors only, a CUDA region CUDA tensors only. Float64 and non-floating tensors are
// never cast. Casts go through the differentiable Tensor::to, so gradients flow back to
// float32 parameters in float32.
//
// An op's autocast step, the second step of the op pattern (docs/architecture.md):
//   Tensor mm(const Tensor& a, const Tensor& b) {
//     if (autocast::OpCast cast{"mm", {a, b}}) return mm(cast[0], cast[1]);
//     ... validate, dispatch, record
// Inside an enabled region the op runs again on the cast inputs with autocast suspended, so
// the ops it is built from are not cast again, as a single PyTorch op would not be; its
// validation then sees the dtypes the kernel will (so `bfloat16 @ float32` works there, as
// in PyTorch).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "deepseek/core/device.h"
#include "deepseek/core/dtype.h"
#include "deepseek/core/tensor.h"

namespace deepseek::autocast {

// ---- state (thread-local), torch.is_autocast_enabled / set_autocast_dtype / ...

bool is_enabled(DeviceType type);
void set_enabled(DeviceType type, bool enabled);
// The region's lower-precision dtype; defaults: CPU bfloat16, CUDA float16.
DType get_dtype(DeviceType type);
// float16 or bfloat16; anything else raises RuntimeError.
void set_dtype(DeviceType type, DType dtype);

// Whether casts of float32 leaf parameters are kept for reuse within the outermost region
// (torch's weight cache): a parameter used by several ops is cast once. On by default.
bool is_cache_enabled();
void set_cache_enabled(bool enabled);
void clear_cache();
// Regions count their nesting; leaving the outermost one (decrement to 0) is where the
// cache is dropped (torch.autocast_increment_nesting / autocast_decrement_nesting).
int64_t increment_nesting();
int64_t decrement_nesting();

// Enters a region for one device type (enabled or, nested in an enabled one, disabled) and
// restores the previous state on exit; `dtype` and `cache_enabled` default to the current
// settings. Leaving the outermost region clears the cache.
class AutocastGuard {
 public:
  explicit AutocastGuard(DeviceType type, bool enabled = true,
                         std::optional<DType> dtype = std::nullopt,
                         std::optional<bool> cache_enabled = std::nullopt);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  DeviceType type_;
  bool prev_enabled_;
  DType prev_dtype_;
  bool prev_cache_enabled_;
};

// ---- policies

enum class Policy : uint8_t {
  None,            // runs in its inputs' dtypes (but as one op: its parts are not cast)
  LowerPrecision,  // eligible inputs -> the region's dtype
  Float32,         // eligible inputs -> float32
  Promote,         // eligible inputs -> the widest of them and the region's dtype
  Banned,          // raises: the op is unsafe to autocast (binary_cross_entropy on CUDA)
};

// The policy of `op` (an op name as its OpCast spells it) on `type`. RuntimeError for a
// name that has no row in the table, so a misspelt op cannot silently skip autocast.
Policy policy(std::string_view op, DeviceType type);

// Eligible: defined, floating but not float64, and on a device type whose autocast is
// enabled. lower casts an eligible tensor to the region's dtype, to_float32 to float32;
// anything else comes back unchanged.
Tensor lower(const Tensor& t);
Tensor to_float32(const Tensor& t);

// Suspends autocast on this thread (every device type) for a scope; the state queries
// above are unaffected. OpCast uses it for the op's own body.
class SuspendGuard {
 public:
  SuspendGuard();
  ~SuspendGuard();
  SuspendGuard(const SuspendGuard&) = delete;
  SuspendGuard& operator=(const SuspendGuard&) = delete;

 private:
  bool prev_;
};

// The autocast step of an op. True when autocast is enabled (and not suspended) for the
// device type the op runs on (CUDA if any input is on CUDA, else CPU): then operator[]
// gives the inputs cast by the op's policy (undefined inputs stay undefined) and autocast
// stays suspended until the OpCast is destroyed, i.e. while the op runs again on them.
// explicit_dtype: the caller fixed the output dtype (sum(x, dtype=...)), so a Float32
// policy leaves the inputs alone, as torch's fp32_set_opt_dtype does.
class OpCast {
 public:
  OpCast(std::string_view op, std::initializer_list<Tensor> inputs, bool explicit_dtype = false);
  explicit operator bool() const { return active_; }
  const Tensor& operator[](size_t i) const { return cast_[i]; }

 private:
  bool active_ = false;
  TensorList cast_;
  std::optional<SuspendGuard> suspend_;
};

}  // namespace deepseek::autocast
