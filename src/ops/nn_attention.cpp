// Scaled dot-product attention over the backend's memory-efficient kernels.
//
// q/k/v are broadcast over their leading dims and flattened to [B, T, D]. A mask is turned
// into an additive one (bool: 0 where attended, -inf elsewhere) of its own shape and only
// broadcast by strides, so a [B, 1, 1, Tk] padding mask is never expanded to [B, H, Tq, Tk].
// The kernel takes the mask as [B, Tq, Tk] with one batch stride; when the broadcast batch
// strides do not merge into one (say [B, 1] over [B, H]), the leading batch dims are
// walked here, one kernel call per index, each over the batch dims that do merge.
//
// The backward pass runs the kernel's backward (recomputing the scores tile by tile from
// the saved logsumexp); it is not itself differentiable: a second differentiation raises.
#include "deepseek/ops/nn_attention.h"

#include <cmath>
#include <limits>

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"
#include "nn_arguments.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;
using autograd::save_output;
using nn_detail::dense;

namespace {

// Rows [start, start + n) of a [B, ., .] tensor, outside the graph (kernel arguments).
Tensor batch_rows(const Tensor& t, int64_t start, int64_t n) {
  if (!t.defined()) return t;
  Tensor d = t.detach();
  return make_view(d, {n, d.size(1), d.size(2)}, d.strides(),
                   d.storage_offset() + start * d.stride(0));
}

// How the batch splits into kernel calls: `outer` calls over `inner` batches each; call o
// reads the mask through `mask_views[o]` ([inner, Tq, Tk], one batch stride).
struct Chunks {
  int64_t outer = 1, inner = 1;
  std::vector<Tensor> mask_views;
};

// mask: additive, broadcastable to batch + [Tq, Tk] (or undefined).
Chunks plan_chunks(const Tensor& mask, const Shape& batch, int64_t Tq, int64_t Tk) {
  Chunks c;
  for (int64_t s : batch) c.inner *= s;
  if (!mask.defined()) return c;
  Shape full = batch;
  full.insert(full.end(), {Tq, Tk});
  Tensor me = broadcast_view(mask.detach(), full);
  const int64_t nb = static_cast<int64_t>(batch.size());
  // The first split from which the batch dims (ignoring unit ones) merge into one stride.
  auto merged_stride = [&](int64_t split, int64_t* stride) {
    int64_t innermost = -1, last = -1;  // non-unit dims: the innermost, the latest seen
    for (int64_t d = nb - 1; d >= split; --d) {
      if (batch[d] == 1) continue;
      if (last >= 0 && me.stride(d) != me.stride(last) * batch[last]) return false;
      if (innermost < 0) innermost = d;
      last = d;
    }
    *stride = innermost >= 0 ? me.stride(innermost) : 0;
    return true;
  };
  int64_t split = 0, inner_stride = 0;
  while (!merged_stride(split, &inner_stride)) ++split;
  c.outer = 1;
  c.inner = 1;
  for (int64_t d = 0; d < split; ++d) c.outer *= batch[d];
  for (int64_t d = split; d < nb; ++d) c.inner *= batch[d];
  for (int64_t o = 0; o < c.outer; ++o) {
    int64_t offset = me.storage_offset(), rest = o;
    for (int64_t d = split - 1; d >= 0; --d) {
      offset += (rest % batch[d]) * me.stride(d);
      rest /= batch[d];
    }
    c.mask_views.push_back(
        make_view(me, {c.inner, Tq, Tk}, {inner_stride, me.stride(nb), me.stride(nb + 1)}, offset));
  }
  return c;
}

// Counters each kernel call draws from the dropout stream: one Philox counter per four
// attention weights.
uint64_t counters_per_call(const Chunks& c, int64_t Tq, int64_t Tk) {
  return static_cast<uint64_t>((c.inner * Tq * Tk + 3) / 4);
}

AttentionParams call_params(AttentionParams p, const Chunks& c, int64_t o, int64_t Tq, int64_t Tk) {
  p.offset += static_cast<uint64_t>(o) * counters_per_call(c, Tq, Tk);
  return p;
}

[[noreturn]] void no_double_backward() {
  DS_THROW(NotImplementedError,
           "scaled_dot_product_attention: the derivative of the attention backward pass is not "
           "implemented (double backward through scaled_dot_product_attention is unsupported)");
}

// The differentiable core over [B, T, D] operands; mask additive (mask's own shape).
Tensor attention_core(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                      const Shape& batch, const AttentionParams& params) {
  const int64_t B = q.size(0), Tq = q.size(1), Tk = k.size(1), Dv = v.size(2);
  const Tensor qd = dense(q), kd = dense(k), vd = dense(v);
  Tensor out = empty_tensor({B, Tq, Dv}, q.dtype(), q.device());
  const DType lse_dtype = q.dtype() == DType::Float64 ? DType::Float64 : DType::Float32;
  Tensor lse = empty_tensor({B, Tq}, lse_dtype, q.device());
  const Chunks chunks = plan_chunks(mask, batch, Tq, Tk);
  Backend& be = backend_for(q.device());
  for (int64_t o = 0; o < chunks.outer; ++o) {
    const int64_t b0 = o * chunks.inner, n = chunks.inner;
    Tensor lse_rows = make_view(lse, {n, Tq}, lse.strides(), b0 * Tq);
    be.attention_forward(call_params(params, chunks, o, Tq, Tk), batch_rows(qd, b0, n),
                         batch_rows(kd, b0, n), batch_rows(vd, b0, n),
                         mask.defined() ? chunks.mask_views[o] : Tensor(), batch_rows(out, b0, n),
                         lse_rows);
  }
  if (!autograd::needs_grad({q, k, v, mask})) return out;
  const Shape mask_shape = mask.defined() ? mask.sizes() : Shape{};
  autograd::record(
      "ScaledDotProductEfficientAttentionBackward0", {q, k, v, mask}, {out},
      {save(qd), save(kd), save(vd), save(mask), save_output(out), save(lse)},
      [batch, params, mask_shape](const BackwardArgs& g) -> TensorList {
        const Tensor &q = g.saved[0], &k = g.saved[1], &v = g.saved[2], &mask = g.saved[3],
                     &out = g.saved[4], &lse = g.saved[5];
        const int64_t B = q.size(0), Tq = q.size(1), Tk = k.size(1);
        const Tensor grad = dense(g.grad());
        Tensor gq = empty_tensor(q.sizes(), q.dtype(), q.device());
        Tensor gk = empty_tensor(k.sizes(), k.dtype(), k.device());
        Tensor gv = empty_tensor(v.sizes(), v.dtype(), v.device());
        Tensor gm = g.needs(3) ? empty_tensor({B, Tq, Tk}, q.dtype(), q.device()) : Tensor();
        const Chunks chunks = plan_chunks(mask, batch, Tq, Tk);
        Backend& be = backend_for(q.device());
        for (int64_t o = 0; o < chunks.outer; ++o) {
          const int64_t b0 = o * chunks.inner, n = chunks.inner;
          Tensor lse_rows = make_view(lse.detach(), {n, Tq}, lse.strides(), b0 * Tq);
          be.attention_backward(call_params(params, chunks, o, Tq, Tk), batch_rows(grad, b0, n),
                                batch_rows(q, b0, n), batch_rows(k, b0, n), batch_rows(v, b0, n),
                                mask.defined() ? chunks.mask_views[o] : Tensor(),
                                batch_rows(out, b0, n), lse_rows, batch_rows(gq, b0, n),
                                batch_rows(gk, b0, n), batch_rows(gv, b0, n),
                                batch_rows(gm, b0, n));
        }
        if (gm.defined()) {
          Shape full = batch;
          full.insert(full.end(), {Tq, Tk});
          gm = sum_to(reshape(gm, full), mask_shape);
        }
        if (autograd::needs_grad({g.grad(), q, k, v})) {
          TensorList grads{gq, gk, gv};
          if (gm.defined()) grads.push_back(gm);
          autograd::record("ScaledDotProductEfficientAttentionBackwardBackward0",
                           {g.grad(), q, k, v}, grads, {},
                           [](const BackwardArgs&) -> TensorList { no_double_backward(); });
        }
        return {gq, gk, gv, gm};
      });
  return out;
}

// Leading dims of t (all but the last two).
Shape leading(const Tensor& t) { return Shape(t.sizes().begin(), t.sizes().end() - 2); }

Tensor as_batch_of_matrices(const Tensor& t, const Shape& batch, int64_t B) {
  Shape full = batch;
  full.insert(full.end(), {t.size(-2), t.size(-1)});
  return reshape(expand(t, full), {B, t.size(-2), t.size(-1)});
}

}  // namespace

Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    const Tensor& attn_mask, double dropout_p, bool is_causal,
                                    std::optional<double> scale, int64_t window_size,
                                    Generator* gen) {
  if (autocast::OpCast cast{"scaled_dot_product_attention", {q, k, v, attn_mask}}) {
    return scaled_dot_product_attention(cast[0], cast[1], cast[2], cast[3], dropout_p, is_causal,
                                        scale, window_size, gen);
  }
  const char* op = "scaled_dot_product_attention";
  check_same_device(op, {q, k, v, attn_mask});
  DS_CHECK(q.dim() >= 2 && k.dim() >= 2 && v.dim() >= 2, RuntimeError,
           "{}: expected query, key and value to have at least 2 dims [..., T, D], got {}, {} "
           "and {}",
           op, shape_str(q.sizes()), shape_str(k.sizes()), shape_str(v.sizes()));
  DS_CHECK(is_floating(q.dtype()), RuntimeError, "{}: expected a floating query, got {}", op,
           dtype_name(q.dtype()));
  DS_CHECK(k.dtype() == q.dtype() && v.dtype() == q.dtype(), RuntimeError,
           "{}: Expected query, key, and value to have the same dtype, but got query.dtype: {} "
           "key.dtype: {} and value.dtype: {} instead.",
           op, dtype_name(q.dtype()), dtype_name(k.dtype()), dtype_name(v.dtype()));
  DS_CHECK(q.size(-1) == k.size(-1), RuntimeError,
           "{}: Expected query and key to have the same head dimension, got query {} and key {}",
           op, shape_str(q.sizes()), shape_str(k.sizes()));
  DS_CHECK(k.size(-2) == v.size(-2), RuntimeError,
           "{}: Expected key and value to have the same sequence length, got key {} and value {}",
           op, shape_str(k.sizes()), shape_str(v.sizes()));
  DS_CHECK(dropout_p >= 0 && dropout_p < 1, ValueError, "{}: dropout_p must be in [0, 1), got {}",
           op, dropout_p);
  DS_CHECK(window_size >= 0, ValueError, "{}: window_size must be non-negative, got {}", op,
           window_size);
  const Shape batch =
      broadcast_shapes(broadcast_shapes(leading(q), leading(k), op), leading(v), op);
  int64_t B = 1;
  for (int64_t s : batch) B *= s;
  const int64_t Tq = q.size(-2), Tk = k.size(-2), D = q.size(-1), Dv = v.size(-1);

  Tensor mask;
  if (attn_mask.defined()) {
    Shape full = batch;
    full.insert(full.end(), {Tq, Tk});
    bool fits = attn_mask.dim() <= static_cast<int64_t>(full.size());
    for (int64_t i = 1; fits && i <= attn_mask.dim(); ++i) {
      const int64_t m = attn_mask.size(-i);
      fits = m == 1 || m == full[full.size() - i];
    }
    DS_CHECK(fits, RuntimeError, "{}: attn_mask of size {} is not broadcastable to {}", op,
             shape_str(attn_mask.sizes()), shape_str(full));
    if (attn_mask.dtype() == DType::Bool) {
      const TensorOptions opts = TensorOptions(q.dtype()).set_device(q.device());
      mask = where(attn_mask, scalar_tensor(0.0, opts),
                   scalar_tensor(-std::numeric_limits<double>::infinity(), opts));
    } else {
      DS_CHECK(attn_mask.dtype() == q.dtype(), RuntimeError,
               "{}: Expected attn_mask dtype to be bool or to match query dtype, but got "
               "attn_mask.dtype: {} and query.dtype: {} instead.",
               op, dtype_name(attn_mask.dtype()), dtype_name(q.dtype()));
      mask = attn_mask;
    }
  }

  AttentionParams p;
  p.scale = scale.value_or(1.0 / std::sqrt(static_cast<double>(D)));
  p.causal = is_causal || window_size > 0;
  p.window = window_size;
  p.dropout_p = dropout_p;
  if (dropout_p > 0) {
    const Chunks c = plan_chunks(mask, batch, Tq, Tk);
    auto [seed, offset] =
        (gen ? *gen : default_generator()).reserve(c.outer * counters_per_call(c, Tq, Tk));
    p.seed = seed;
    p.offset = offset;
  }
  Tensor out = attention_core(as_batch_of_matrices(q, batch, B), as_batch_of_matrices(k, batch, B),
                              as_batch_of_matrices(v, batch, B), mask, batch, p);
  Shape out_shape = batch;
  out_shape.insert(out_shape.end(), {Tq, Dv});
  return reshape(out, out_shape);
}

}  // namespace deepseek
