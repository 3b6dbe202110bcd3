// Factory functions.
#include "deepseek/ops/creation.h"

#include <cmath>

#include "deepseek/backend/backend.h"
#include "deepseek/core/philox.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/type_promotion.h"

namespace deepseek {

namespace {

Tensor finish(Tensor t, const TensorOptions& options) {
  if (options.requires_grad) t.requires_grad_(true);
  return t;
}

// Factories check sizes with PyTorch's words before allocating.
void check_factory_shape(const Shape& shape) {
  for (int64_t s : shape) {
    DS_CHECK(s >= 0, RuntimeError, "Trying to create tensor with negative dimension {}: {}", s,
             shape_str(shape));
  }
}

Tensor new_tensor(const Shape& shape, DType dtype, Device device) {
  check_factory_shape(shape);
  return empty_tensor(shape, dtype, device);
}

void check_floating_random(const char* kernel, DType dtype) {
  if (!is_floating(dtype)) throw_not_implemented_for(kernel, dtype);
}

Tensor random_tensor(RandomKind kind, const Shape& shape, DType dtype, Device device,
                     Generator* gen, double a, double b) {
  Tensor out = new_tensor(shape, dtype, device);
  auto [seed, offset] =
      (gen ? *gen : default_generator()).reserve(static_cast<uint64_t>(out.numel()));
  backend_for(device).random(kind, out, seed, offset, a, b);
  return out;
}

}  // namespace

Tensor empty(const Shape& shape, TensorOptions options) {
  return finish(new_tensor(shape, options.dtype_or(default_float_dtype()), options.device),
                options);
}

Tensor full(const Shape& shape, const Scalar& value, TensorOptions options) {
  const DType dtype = options.dtype_or(value.dtype());
  check_scalar_fits("full", value, dtype);
  Tensor t = new_tensor(shape, dtype, options.device);
  backend_for(t.device()).fill(t, value);
  return finish(t, options);
}

Tensor zeros(const Shape& shape, TensorOptions options) {
  if (!options.dtype) options.dtype = default_float_dtype();
  return full(shape, 0, options);
}

Tensor ones(const Shape& shape, TensorOptions options) {
  if (!options.dtype) options.dtype = default_float_dtype();
  return full(shape, 1, options);
}

Tensor scalar_tensor(const Scalar& value, TensorOptions options) {
  if (!options.dtype) options.dtype = value.is_floating() ? default_float_dtype() : value.dtype();
  return full({}, value, options);
}

Tensor wrapped_scalar(const Scalar& value) {
  DType dt = value.is_bool() ? DType::Bool : value.is_integral() ? DType::Int64 : DType::Float64;
  Tensor t = empty_tensor({}, dt, Device(DeviceType::CPU));
  backend_for(DeviceType::CPU).fill(t, value);
  t.impl()->wrapped_number = true;
  return t;
}

Tensor arange(const Scalar& end, TensorOptions options) { return arange(0, end, 1, options); }

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, TensorOptions options) {
  const bool all_int = !start.is_floating() && !end.is_floating() && !step.is_floating();
  const DType dtype = options.dtype_or(all_int ? DType::Int64 : default_float_dtype());
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  if (!is_floating(dtype)) {
    // PyTorch converts the bounds to the integer type first: arange(0, 2.5, 0.5,
    // dtype=int64) has step 0 and is an error.
    s = std::trunc(s), e = std::trunc(e), st = std::trunc(st);
  }
  DS_CHECK(st != 0, RuntimeError, "arange: step must be nonzero");
  DS_CHECK(std::isfinite(s) && std::isfinite(e), RuntimeError,
           "arange: unsupported range: {} -> {}", s, e);
  DS_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), RuntimeError,
           "arange: upper bound and larger bound inconsistent with step sign (start={}, end={}, "
           "step={})",
           s, e, st);
  const double size = std::ceil((e - s) / st);
  DS_CHECK(size < 9.2e18, RuntimeError,
           "arange: invalid size, possible overflow? (start={}, end={}, step={})", s, e, st);
  Tensor out = new_tensor({static_cast<int64_t>(size)}, dtype, options.device);
  if (out.numel() > 0) backend_for(out.device()).arange(out, s, st);
  return finish(out, options);
}

Tensor linspace(double start, double end, int64_t steps, TensorOptions options) {
  DS_CHECK(steps >= 0, RuntimeError, "linspace: number of steps must be non-negative, got {}",
           steps);
  const DType dtype = options.dtype_or(default_float_dtype());
  // Computed on the host the way PyTorch's kernel computes it, in the output's precision
  // (double for integers) and symmetric about the middle, so both ends are exact:
  //   i < steps / 2 ? start + step * i : end - step * (steps - 1 - i)
  // (fused multiply-adds, as PyTorch's build contracts them).
  Tensor host = empty_tensor({steps}, DType::Float64, Device(DeviceType::CPU));
  double* h = host.data_ptr<double>();
  if (!is_floating(dtype)) {  // PyTorch converts the ends to the integer type first
    start = std::trunc(start);
    end = std::trunc(end);
  }
  auto fill = [&](auto zero) {
    using C = decltype(zero);
    const C s = static_cast<C>(start), e = static_cast<C>(end);
    const C step = steps > 1 ? (e - s) / static_cast<C>(steps - 1) : C(0);
    // A single step is `start` (torch.linspace(0, 1, 1) == [0.]).
    const int64_t halfway = steps == 1 ? 1 : steps / 2;
    for (int64_t i = 0; i < steps; ++i) {
      h[i] = i < halfway ? std::fma(step, static_cast<C>(i), s)
                         : std::fma(-step, static_cast<C>(steps - 1 - i), e);
    }
  };
  if (dtype == DType::Float64 || !is_floating(dtype)) {
    fill(0.0);
  } else {
    fill(0.0f);
  }
  return finish(to(host, options.device, dtype), options);
}

Tensor eye(int64_t n, std::optional<int64_t> m, TensorOptions options) {
  const int64_t cols = m.value_or(n);
  DS_CHECK(n >= 0 && cols >= 0, RuntimeError, "eye: n and m must be non-negative, got {} and {}", n,
           cols);
  Tensor out = zeros({n, cols}, TensorOptions(options).set_requires_grad(false));
  if (n > 0 && cols > 0) {
    backend_for(out.device()).fill(make_view(out, {std::min(n, cols)}, {cols + 1}, 0), 1);
  }
  return finish(out, options);
}

Tensor rand(const Shape& shape, TensorOptions options, Generator* gen) {
  DType dt = options.dtype_or(default_float_dtype());
  check_floating_random("check_uniform_bounds", dt);
  return finish(random_tensor(RandomKind::Uniform, shape, dt, options.device, gen, 0, 1), options);
}

Tensor randn(const Shape& shape, TensorOptions options, Generator* gen) {
  DType dt = options.dtype_or(default_float_dtype());
  check_floating_random("normal_kernel_cpu", dt);
  return finish(random_tensor(RandomKind::Normal, shape, dt, options.device, gen, 0, 1), options);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions options,
               Generator* gen) {
  DS_CHECK(low < high, RuntimeError,
           "randint: random_ expects 'from' to be less than 'to', but got from={} >= to={}", low,
           high);
  DType dt = options.dtype_or(DType::Int64);
  return finish(random_tensor(RandomKind::RandInt, shape, dt, options.device, gen,
                              static_cast<double>(low), static_cast<double>(high)),
                options);
}

Tensor randperm(int64_t n, TensorOptions options, Generator* gen) {
  DS_CHECK(n >= 0, RuntimeError, "randperm: n must be non-negative, got {}", n);
  // Fisher-Yates on the host with Philox words, so the permutation depends only on the seed.
  Tensor host = empty_tensor({n}, DType::Int64, Device(DeviceType::CPU));
  int64_t* p = host.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) p[i] = i;
  auto [seed, offset] = (gen ? *gen : default_generator()).reserve(static_cast<uint64_t>(n));
  for (int64_t i = n - 1; i > 0; --i) {
    philox::Uint4 r = philox::philox4x32(seed, offset + static_cast<uint64_t>(i));
    uint64_t bits = (static_cast<uint64_t>(r.x) << 32) | r.y;
    std::swap(p[i], p[bits % static_cast<uint64_t>(i + 1)]);
  }
  return finish(to(host, options.device, options.dtype_or(DType::Int64)), options);
}

Tensor bernoulli_like(const Tensor& like, double p, Generator* gen) {
  DS_CHECK(p >= 0 && p <= 1, ValueError, "bernoulli: p must be in [0, 1], got {}", p);
  return random_tensor(RandomKind::Bernoulli, like.sizes(), like.dtype(), like.device(), gen, p, 0);
}

namespace {
const Tensor& random_fill_(const Tensor& self, RandomKind kind, double a, double b, Generator* gen,
                           const char* op) {
  check_floating_random(op, self.dtype());
  Tensor fresh = random_tensor(kind, self.sizes(), self.dtype(), self.device(), gen, a, b);
  backend_for(self.device()).copy(fresh, self);
  self.bump_version();
  return self;
}
}  // namespace

const Tensor& uniform_(const Tensor& self, double from, double to, Generator* gen) {
  return random_fill_(self, RandomKind::Uniform, from, to, gen, "check_uniform_bounds");
}

const Tensor& normal_(const Tensor& self, double mean, double std, Generator* gen) {
  DS_CHECK(std >= 0, RuntimeError, "normal_: expects std >= 0.0, but found std {}", std);
  return random_fill_(self, RandomKind::Normal, mean, std, gen, "normal_kernel_cpu");
}

namespace {
TensorOptions like_options(const Tensor& like, TensorOptions options) {
  if (!options.dtype) options.dtype = like.dtype();
  if (options.device == Device()) options.device = like.device();
  return options;
}
}  // namespace

Tensor empty_like(const Tensor& like, TensorOptions options) {
  return empty(like.sizes(), like_options(like, options));
}
Tensor zeros_like(const Tensor& like, TensorOptions options) {
  return zeros(like.sizes(), like_options(like, options));
}
Tensor ones_like(const Tensor& like, TensorOptions options) {
  return ones(like.sizes(), like_options(like, options));
}
Tensor full_like(const Tensor& like, const Scalar& value, TensorOptions options) {
  return full(like.sizes(), value, like_options(like, options));
}
Tensor rand_like(const Tensor& like, TensorOptions options, Generator* gen) {
  return rand(like.sizes(), like_options(like, options), gen);
}
Tensor randn_like(const Tensor& like, TensorOptions options, Generator* gen) {
  return randn(like.sizes(), like_options(like, options), gen);
}

template <typename T>
Tensor tensor_from(const std::vector<T>& values, const Shape& shape, TensorOptions options) {
  const int64_t n = shape_numel(shape);
  DS_CHECK(n == static_cast<int64_t>(values.size()), ValueError,
           "tensor: {} values do not fill shape {}", values.size(), shape_str(shape));
  Tensor host = empty_tensor(shape, dtype_of<T>::value, Device(DeviceType::CPU));
  T* p = static_cast<T*>(host.data_ptr());
  for (int64_t i = 0; i < n; ++i) p[i] = values[static_cast<size_t>(i)];
  return finish(to(host, options.device, options.dtype_or(dtype_of<T>::value)), options);
}

template Tensor tensor_from(const std::vector<float>&, const Shape&, TensorOptions);
template Tensor tensor_from(const std::vector<double>&, const Shape&, TensorOptions);
template Tensor tensor_from(const std::vector<int64_t>&, const Shape&, TensorOptions);
template Tensor tensor_from(const std::vector<int32_t>&, const Shape&, TensorOptions);
template Tensor tensor_from(const std::vector<uint8_t>&, const Shape&, TensorOptions);
template Tensor tensor_from(const std::vector<int8_t>&, const Shape&, TensorOptions);
template Tensor tensor_from(const std::vector<int16_t>&, const Shape&, TensorOptions);
template Tensor tensor_from(const std::vector<Half>&, const Shape&, TensorOptions);
template Tensor tensor_from(const std::vector<BFloat16>&, const Shape&, TensorOptions);

}  // namespace deepseek
