// Random sampling ops: validate -> reserve Philox counters -> kernel (multinomial) or a
// composition of the uniform/normal factories (Bernoulli, normal, exponential).
#include "deepseek/ops/random.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"
#include "deepseek/ops/type_promotion.h"
#include "deepseek/ops/unary.h"

namespace deepseek {

namespace {

Generator& generator_or_default(Generator* gen) { return gen ? *gen : default_generator(); }

bool any_true(const Tensor& mask) { return any(mask).item().to_bool(); }

// PyTorch's checks on a probability table, on values (so they run before any draw).
void check_distribution(const Tensor& p, int64_t num_samples, bool replacement) {
  autograd::GradModeGuard off(false);
  DS_CHECK(!any_true(logical_or(lt(p, wrapped_scalar(0)), logical_not(isfinite(p)))), RuntimeError,
           "multinomial: probability tensor contains either `inf`, `nan` or "
           "element < 0");
  DS_CHECK(!any_true(le(sum(p, {1}), wrapped_scalar(0))), RuntimeError,
           "multinomial: invalid multinomial distribution (sum of probabilities <= 0)");
  if (!replacement) {
    Tensor positive = sum(gt(p, wrapped_scalar(0)), {1});
    DS_CHECK(!any_true(lt(positive, wrapped_scalar(num_samples))), RuntimeError,
             "multinomial: invalid multinomial distribution (with replacement=False, not "
             "enough non-negative category to sample)");
  }
}

}  // namespace

Tensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement, Generator* gen) {
  DS_CHECK(probs.dim() == 1 || probs.dim() == 2, RuntimeError,
           "multinomial: prob_dist must be 1 or 2 dim, got shape {}", shape_str(probs.sizes()));
  DS_CHECK(is_floating(probs.dtype()), RuntimeError,
           "multinomial only supports floating-point dtypes for input, got: {}",
           scalar_type_name(probs.dtype()));
  DS_CHECK(num_samples > 0, RuntimeError, "multinomial: cannot sample n_sample <= 0 samples");
  const int64_t n = probs.size(-1);
  DS_CHECK(n > 0, RuntimeError, "multinomial: number of categories cannot be zero");
  DS_CHECK(replacement || num_samples <= n, RuntimeError,
           "multinomial: cannot sample n_sample > prob_dist.size(-1) samples without "
           "replacement (n_sample = {}, size = {})",
           num_samples, n);
  const int64_t rows = probs.dim() == 2 ? probs.size(0) : 1;
  Tensor p = contiguous(reshape(probs.detach(), {rows, n}));
  if (rows > 0) check_distribution(p, num_samples, replacement);
  Tensor out = empty_tensor({rows, num_samples}, DType::Int64, probs.device());
  const uint64_t counters = static_cast<uint64_t>(rows * (replacement ? num_samples : n));
  auto [seed, offset] = generator_or_default(gen).reserve(counters);
  backend_for(probs.device()).multinomial(p, num_samples, replacement, seed, offset, out);
  return probs.dim() == 1 ? reshape(out, {num_samples}) : out;
}

namespace {
void check_probabilities(const Tensor& p, const char* op) {
  autograd::GradModeGuard off(false);
  DS_CHECK(!any_true(logical_not(logical_and(ge(p, wrapped_scalar(0)), le(p, wrapped_scalar(1))))),
           RuntimeError, "{}: Expected p_in >= 0 && p_in <= 1 to be true, but got false", op);
}

// 1 where a uniform draw falls below p (p broadcast to `shape`), as `dtype`.
Tensor bernoulli_draw(const Tensor& p, const Shape& shape, DType dtype, Device device,
                      Generator* gen) {
  autograd::GradModeGuard off(false);
  Tensor u = rand(shape, TensorOptions(DType::Float64).set_device(device), gen);
  return convert_raw(lt(u, p.detach()), dtype, device);
}
}  // namespace

Tensor bernoulli(const Tensor& p, Generator* gen) {
  DS_CHECK(is_floating(p.dtype()), RuntimeError,
           "bernoulli: expected a floating point probability tensor, got {}",
           dtype_name(p.dtype()));
  check_probabilities(p, "bernoulli");
  return bernoulli_draw(p, p.sizes(), p.dtype(), p.device(), gen);
}

const Tensor& bernoulli_(const Tensor& self, const Tensor& p, Generator* gen) {
  autograd::check_inplace(self, "bernoulli_");
  check_same_device("bernoulli_", {self, p});
  broadcast_shapes(self.sizes(), p.sizes(), "bernoulli_");
  check_probabilities(p, "bernoulli_");
  Tensor draw = bernoulli_draw(p, self.sizes(), self.dtype(), self.device(), gen);
  backend_for(self.device()).copy(draw, self);
  self.bump_version();
  return self;
}

const Tensor& bernoulli_(const Tensor& self, double p, Generator* gen) {
  DS_CHECK(p >= 0 && p <= 1, RuntimeError, "bernoulli_: expects p to be in [0, 1], but got p={}",
           p);
  autograd::check_inplace(self, "bernoulli_");
  Tensor draw = bernoulli_like(self, p, gen);
  backend_for(self.device()).copy(draw, self);
  self.bump_version();
  return self;
}

Tensor normal(const Tensor& mean, const Tensor& std, Generator* gen) {
  check_same_device("normal", {mean, std});
  const DType dt = result_type({mean, std});
  DS_CHECK(is_floating(dt), RuntimeError,
           "normal expects floating point mean and std, got {} and {}", dtype_name(mean.dtype()),
           dtype_name(std.dtype()));
  {
    autograd::GradModeGuard off(false);
    DS_CHECK(!any_true(lt(std, wrapped_scalar(0))), RuntimeError,
             "normal expects all elements of std >= 0.0");
  }
  const Shape shape = broadcast_shapes(mean.sizes(), std.sizes(), "normal");
  const Device device = mean.dim() == 0 && mean.device().is_cpu() ? std.device() : mean.device();
  Tensor noise = randn(shape, TensorOptions(dt).set_device(device), gen);
  // mean + std * noise: the product's and sum's own backward give d/dmean = 1 and
  // d/dstd = noise = (out - mean) / std, PyTorch's formulas.
  return add(mean, mul(std, noise));
}

const Tensor& exponential_(const Tensor& self, double lambd, Generator* gen) {
  DS_CHECK(lambd > 0, RuntimeError, "exponential_ expects lambda > 0.0, but found lambda={}",
           lambd);
  if (!is_floating(self.dtype())) throw_not_implemented_for("exponential_cpu", self.dtype());
  autograd::check_inplace(self, "exponential_");
  Tensor draw;
  {
    autograd::GradModeGuard off(false);
    // -log(1 - u) / lambd with u in [0, 1): finite, and 0 only for u = 0.
    Tensor u = rand(self.sizes(), TensorOptions(DType::Float64).set_device(self.device()), gen);
    draw = div(neg(log1p(neg(u))), wrapped_scalar(lambd));
  }
  backend_for(self.device()).copy(draw, self);
  self.bump_version();
  return self;
}

const Tensor& random_(const Tensor& self, int64_t from, std::optional<int64_t> to, Generator* gen) {
  autograd::check_inplace(self, "random_");
  int64_t hi;
  if (to) {
    hi = *to;
  } else if (is_floating(self.dtype())) {
    // Every integer up to 2^digits is exact in the dtype.
    const int digits = self.dtype() == DType::Float64   ? 53
                       : self.dtype() == DType::Float32 ? 24
                       : self.dtype() == DType::Float16 ? 11
                                                        : 8;
    hi = (int64_t{1} << digits) + 1;
  } else {
    switch (self.dtype()) {
      case DType::Bool:
        hi = 2;
        break;
      case DType::UInt8:
        hi = 256;
        break;
      case DType::Int8:
        hi = 128;
        break;
      case DType::Int16:
        hi = 32768;
        break;
      case DType::Int32:
        hi = int64_t{1} << 31;
        break;
      default:
        hi = std::numeric_limits<int64_t>::max();
        break;
    }
  }
  DS_CHECK(from < hi, RuntimeError,
           "random_ expects 'from' to be less than 'to', but got from={} >= to={}", from, hi);
  Tensor draw =
      randint(from, hi, self.sizes(), TensorOptions(DType::Int64).set_device(self.device()), gen);
  backend_for(self.device()).copy(draw, self);
  self.bump_version();
  return self;
}

Tensor generator_state(const Generator& gen) {
  const Generator::State state = gen.get_state();
  return tensor_from(std::vector<uint8_t>(state.begin(), state.end()));
}

void set_generator_state(Generator& gen, const Tensor& state) {
  DS_CHECK(state.dtype() == DType::UInt8, TypeError,
           "set_state: RNG state must be a torch.ByteTensor (uint8), got {}",
           dtype_name(state.dtype()));
  DS_CHECK(state.numel() == static_cast<int64_t>(Generator::kStateBytes), RuntimeError,
           "set_state: expected a state of {} bytes (seed and offset of the Philox stream), got "
           "{}",
           Generator::kStateBytes, state.numel());
  Tensor host = contiguous(to(state.detach(), Device(DeviceType::CPU), DType::UInt8));
  Generator::State bytes{};
  const uint8_t* p = host.data_ptr<uint8_t>();
  std::copy(p, p + Generator::kStateBytes, bytes.begin());
  gen.set_state(bytes);
}

Tensor get_rng_state() { return generator_state(default_generator()); }
void set_rng_state(const Tensor& state) { set_generator_state(default_generator(), state); }

}  // namespace deepseek
