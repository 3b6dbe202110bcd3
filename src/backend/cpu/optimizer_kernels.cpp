// Fused multi-tensor optimizer updates. Every tensor of a parameter group is cut into
// fixed-size chunks and the chunks of all tensors form one parallel loop, so a group of
// many small tensors (biases, norms) keeps every core busy and each element is read and
// written once per step. Memory-bound: each kernel streams params, grads and state once.
#include <cmath>

#include "cpu_backend.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

struct Chunk {
  size_t tensor;
  int64_t begin, end;
};

std::vector<Chunk> chunks_of(const TensorList& params) {
  constexpr int64_t kChunk = 1 << 15;
  std::vector<Chunk> out;
  for (size_t i = 0; i < params.size(); ++i) {
    const int64_t n = params[i].numel();
    for (int64_t b = 0; b < n; b += kChunk) out.push_back({i, b, std::min(n, b + kChunk)});
  }
  return out;
}

template <typename T>
T* ptr(const Tensor& t) {
  return t.defined() ? static_cast<T*>(t.data_ptr()) : nullptr;
}

// Runs body(T tag, chunk) over all chunks in parallel, T the params' storage type.
template <typename Body>
void for_each_chunk(const TensorList& params, const char* name, Body body) {
  if (params.empty()) return;
  const std::vector<Chunk> chunks = chunks_of(params);
  const int64_t total = params[0].numel() * static_cast<int64_t>(params.size());
  visit_floating_dtype(params[0].dtype(), name, [&](auto tag) {
#pragma omp parallel for schedule(dynamic) if (chunks.size() > 1 && total > kParallelGrain)
    for (size_t c = 0; c < chunks.size(); ++c) body(tag, chunks[c]);
  });
}

// The gradient every update rule starts from: negated to maximize, plus L2 weight decay
// (wd * p; pass wd = 0 where the decay is decoupled or absent).
template <typename C>
inline C effective_grad(C g, C p, bool maximize, C wd) {
  if (maximize) g = -g;
  return wd != C(0) ? g + wd * p : g;
}

}  // namespace

void CpuBackend::sgd_update(const SgdHyper& h, const TensorList& params, const TensorList& grads,
                            const TensorList& bufs, const std::vector<bool>& init_buffer) {
  for_each_chunk(params, "sgd_update", [&](auto tag, const Chunk& ch) {
    using T = typename decltype(tag)::type;
    using C = compute_type_t<T>;
    T* p = ptr<T>(params[ch.tensor]);
    const T* g = ptr<T>(grads[ch.tensor]);
    T* buf = h.momentum != 0 ? ptr<T>(bufs[ch.tensor]) : nullptr;
    const bool init = h.momentum != 0 && init_buffer[ch.tensor];
    const C lr = C(h.lr), wd = C(h.weight_decay), mom = C(h.momentum), damp = C(1 - h.dampening);
    for (int64_t j = ch.begin; j < ch.end; ++j) {
      const C pj = static_cast<C>(p[j]);
      C gj = effective_grad(static_cast<C>(g[j]), pj, h.maximize, wd);
      if (buf) {
        const C b = init ? gj : mom * static_cast<C>(buf[j]) + damp * gj;
        buf[j] = static_cast<T>(b);
        gj = h.nesterov ? gj + mom * b : b;
      }
      p[j] = static_cast<T>(pj - lr * gj);
    }
  });
}

void CpuBackend::adam_update(const AdamHyper& h, const TensorList& params, const TensorList& grads,
                             const TensorList& exp_avg, const TensorList& exp_avg_sq,
                             const TensorList& max_exp_avg_sq, const std::vector<double>& steps) {
  for_each_chunk(params, "adam_update", [&](auto tag, const Chunk& ch) {
    using T = typename decltype(tag)::type;
    using C = compute_type_t<T>;
    const size_t i = ch.tensor;
    T* p = ptr<T>(params[i]);
    const T* g = ptr<T>(grads[i]);
    T* m = ptr<T>(exp_avg[i]);
    T* v = ptr<T>(exp_avg_sq[i]);
    T* vmax = h.amsgrad ? ptr<T>(max_exp_avg_sq[i]) : nullptr;
    const double bc1 = 1 - std::pow(h.beta1, steps[i]);
    const double bc2 = 1 - std::pow(h.beta2, steps[i]);
    const C step_size = C(h.lr / bc1), bc2_sqrt = C(std::sqrt(bc2));
    const C b2 = C(h.beta2), one_minus_b1 = C(1 - h.beta1), one_minus_b2 = C(1 - h.beta2),
            eps = C(h.eps), coupled_wd = C(h.decoupled ? 0.0 : h.weight_decay),
            decay = C(1 - h.lr * h.weight_decay);
    for (int64_t j = ch.begin; j < ch.end; ++j) {
      C pj = static_cast<C>(p[j]);
      const C gj = effective_grad(static_cast<C>(g[j]), pj, h.maximize, coupled_wd);
      if (h.decoupled && h.weight_decay != 0) pj *= decay;
      const C mj = static_cast<C>(m[j]) + one_minus_b1 * (gj - static_cast<C>(m[j]));
      const C vj = b2 * static_cast<C>(v[j]) + one_minus_b2 * gj * gj;
      m[j] = static_cast<T>(mj);
      v[j] = static_cast<T>(vj);
      C denom_sq = vj;
      if (vmax) {
        denom_sq = std::max(static_cast<C>(vmax[j]), vj);
        vmax[j] = static_cast<T>(denom_sq);
      }
      const C denom = std::sqrt(denom_sq) / bc2_sqrt + eps;
      p[j] = static_cast<T>(pj - step_size * mj / denom);
    }
  });
}

void CpuBackend::rmsprop_update(const RmspropHyper& h, const TensorList& params,
                                const TensorList& grads, const TensorList& square_avg,
                                const TensorList& grad_avg, const TensorList& bufs) {
  for_each_chunk(params, "rmsprop_update", [&](auto tag, const Chunk& ch) {
    using T = typename decltype(tag)::type;
    using C = compute_type_t<T>;
    const size_t i = ch.tensor;
    T* p = ptr<T>(params[i]);
    const T* g = ptr<T>(grads[i]);
    T* sq = ptr<T>(square_avg[i]);
    T* ga = h.centered ? ptr<T>(grad_avg[i]) : nullptr;
    T* buf = h.momentum > 0 ? ptr<T>(bufs[i]) : nullptr;
    const C alpha = C(h.alpha), one_minus_alpha = C(1 - h.alpha), eps = C(h.eps),
            wd = C(h.weight_decay), lr = C(h.lr), mom = C(h.momentum);
    for (int64_t j = ch.begin; j < ch.end; ++j) {
      const C pj = static_cast<C>(p[j]);
      const C gj = effective_grad(static_cast<C>(g[j]), pj, h.maximize, wd);
      const C s = alpha * static_cast<C>(sq[j]) + one_minus_alpha * gj * gj;
      sq[j] = static_cast<T>(s);
      C avg;
      if (ga) {
        const C a = alpha * static_cast<C>(ga[j]) + one_minus_alpha * gj;
        ga[j] = static_cast<T>(a);
        avg = std::sqrt(s - a * a) + eps;
      } else {
        avg = std::sqrt(s) + eps;
      }
      if (buf) {
        const C b = mom * static_cast<C>(buf[j]) + gj / avg;
        buf[j] = static_cast<T>(b);
        p[j] = static_cast<T>(pj - lr * b);
      } else {
        p[j] = static_cast<T>(pj - lr * gj / avg);
      }
    }
  });
}

void CpuBackend::adagrad_update(const AdagradHyper& h, const TensorList& params,
                                const TensorList& grads, const TensorList& state_sum,
                                const std::vector<double>& steps) {
  for_each_chunk(params, "adagrad_update", [&](auto tag, const Chunk& ch) {
    using T = typename decltype(tag)::type;
    using C = compute_type_t<T>;
    const size_t i = ch.tensor;
    T* p = ptr<T>(params[i]);
    const T* g = ptr<T>(grads[i]);
    T* sum = ptr<T>(state_sum[i]);
    const C clr = C(h.lr / (1 + (steps[i] - 1) * h.lr_decay));
    const C eps = C(h.eps), wd = C(h.weight_decay);
    for (int64_t j = ch.begin; j < ch.end; ++j) {
      const C pj = static_cast<C>(p[j]);
      const C gj = effective_grad(static_cast<C>(g[j]), pj, h.maximize, wd);
      const C s = static_cast<C>(sum[j]) + gj * gj;
      sum[j] = static_cast<T>(s);
      p[j] = static_cast<T>(pj - clr * gj / (std::sqrt(s) + eps));
    }
  });
}

}  // namespace deepseek::cpu
