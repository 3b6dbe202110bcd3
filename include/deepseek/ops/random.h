// Random sampling beyond the factories (ops/creation.h): multinomial, Bernoulli and normal
// draws with tensor parameters, more in-place fills, and generator states as tensors. Every
// draw comes from `gen` (default: the global generator), so a seed reproduces it.
#pragma once

#include <optional>

#include "deepseek/core/generator.h"
#include "deepseek/core/tensor.h"

namespace deepseek {

// num_samples category indices (int64) per row of `probs` (1-D [n] or 2-D [rows, n];
// non-negative weights of any positive scale). Without replacement a category is drawn at
// most once per row.
Tensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement = false,
                   Generator* gen = nullptr);
// 1 with probability p, elementwise, in p's dtype (p in [0, 1]).
Tensor bernoulli(const Tensor& p, Generator* gen = nullptr);
// Normal draws with elementwise mean and std (broadcast together); differentiable in both.
Tensor normal(const Tensor& mean, const Tensor& std, Generator* gen = nullptr);

// In place: Bernoulli(p) with p a tensor broadcast to self; exponential with rate lambd;
// integers uniform in [from, to) (to = nullopt: [0, 2^mantissa] for floats, the dtype's
// range for integers, as PyTorch's random_()).
const Tensor& bernoulli_(const Tensor& self, const Tensor& p, Generator* gen = nullptr);
const Tensor& bernoulli_(const Tensor& self, double p, Generator* gen = nullptr);
const Tensor& exponential_(const Tensor& self, double lambd = 1.0, Generator* gen = nullptr);
const Tensor& random_(const Tensor& self, int64_t from, std::optional<int64_t> to,
                      Generator* gen = nullptr);

// A generator's whole state as a uint8 tensor of Generator::kStateBytes (PyTorch's ByteTensor
// state), and back; set_* validates dtype and size.
Tensor generator_state(const Generator& gen);
void set_generator_state(Generator& gen, const Tensor& state);
// The same for the default generator (deepseek.get_rng_state / set_rng_state).
Tensor get_rng_state();
void set_rng_state(const Tensor& state);

}  // namespace deepseek
