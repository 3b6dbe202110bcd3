// Reductions over any set of dims, and argmax/argmin along one dim.
//
// The input is split into "kept" dims (one output each) and "reduced" dims, each group
// coalesced. Three loop orders cover the common layouts:
//  - reduced dims innermost and contiguous (row sums): each output walks a contiguous run;
//  - kept dims innermost and contiguous (column sums, e.g. a bias gradient): threads own
//    blocks of adjacent outputs and sweep the reduced rows, reading memory sequentially;
//  - anything else: each output walks its innermost reduced dim as a strided run, the outer
//    reduced dims by index.
// Runs use eight partial accumulators (latency hiding, vectorisation) merged in a fixed order.
// Results are accumulated in a wide type (double for floats, int64 for integers) into a
// buffer that is then cast into the output.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "cpu_backend.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

struct Dims {
  std::vector<int64_t> sizes, strides;  // innermost first, strides in elements
  int64_t numel() const {
    int64_t n = 1;
    for (int64_t s : sizes) n *= s;
    return n;
  }
};

// Innermost-first dims with size-1 dims dropped and contiguous neighbours merged.
Dims coalesce(const std::vector<int64_t>& sizes, const std::vector<int64_t>& strides) {
  Dims d;
  for (size_t i = sizes.size(); i-- > 0;) {
    if (sizes[i] == 1) continue;
    if (!d.sizes.empty() && strides[i] == d.strides.back() * d.sizes.back()) {
      d.sizes.back() *= sizes[i];
      continue;
    }
    d.sizes.push_back(sizes[i]);
    d.strides.push_back(strides[i]);
  }
  if (d.sizes.empty()) {
    d.sizes.push_back(1);
    d.strides.push_back(1);
  }
  return d;
}

// Offset (elements) of linear index `i` in dims `d` (innermost first).
inline int64_t offset_of(const Dims& d, int64_t i) {
  int64_t off = 0;
  for (size_t k = 0; k < d.sizes.size(); ++k) {
    off += (i % d.sizes[k]) * d.strides[k];
    i /= d.sizes[k];
  }
  return off;
}

template <typename C, ReduceOp Op>
struct Reducer;
template <typename C>
struct Reducer<C, ReduceOp::Sum> {
  using Acc = std::conditional_t<std::is_floating_point_v<C>, double, int64_t>;
  static Acc init() { return 0; }
  static Acc step(Acc a, C x) { return a + static_cast<Acc>(x); }
  static Acc merge(Acc a, Acc b) { return a + b; }
};
template <typename C>
struct Reducer<C, ReduceOp::Prod> {
  using Acc = std::conditional_t<std::is_floating_point_v<C>, double, int64_t>;
  static Acc init() { return 1; }
  static Acc step(Acc a, C x) { return a * static_cast<Acc>(x); }
  static Acc merge(Acc a, Acc b) { return a * b; }
};
template <typename C>
struct Reducer<C, ReduceOp::Max> {
  using Acc = C;
  static Acc init() {
    if constexpr (std::is_floating_point_v<C>)
      return -std::numeric_limits<C>::infinity();
    else
      return std::numeric_limits<C>::lowest();
  }
  static Acc step(Acc a, C x) {
    if constexpr (std::is_floating_point_v<C>) {
      if (std::isnan(x) || std::isnan(a)) return std::numeric_limits<C>::quiet_NaN();
    }
    return x > a ? x : a;
  }
  static Acc merge(Acc a, Acc b) { return step(a, b); }
};
template <typename C>
struct Reducer<C, ReduceOp::Min> {
  using Acc = C;
  static Acc init() {
    if constexpr (std::is_floating_point_v<C>)
      return std::numeric_limits<C>::infinity();
    else
      return std::numeric_limits<C>::max();
  }
  static Acc step(Acc a, C x) {
    if constexpr (std::is_floating_point_v<C>) {
      if (std::isnan(x) || std::isnan(a)) return std::numeric_limits<C>::quiet_NaN();
    }
    return x < a ? x : a;
  }
  static Acc merge(Acc a, Acc b) { return step(a, b); }
};
template <typename C>
struct Reducer<C, ReduceOp::Any> {
  using Acc = bool;
  static Acc init() { return false; }
  static Acc step(Acc a, C x) { return a || static_cast<bool>(x); }
  static Acc merge(Acc a, Acc b) { return a || b; }
};
template <typename C>
struct Reducer<C, ReduceOp::All> {
  using Acc = bool;
  static Acc init() { return true; }
  static Acc step(Acc a, C x) { return a && static_cast<bool>(x); }
  static Acc merge(Acc a, Acc b) { return a && b; }
};

// Reduces n elements p[0], p[stride], ... into one accumulator. Eight independent partial
// accumulators break the add-latency chain (and let the compiler vectorise the contiguous
// case); they are merged at the end, so the result is a fixed-order tree, not a serial sum.
template <typename R, typename T>
typename R::Acc reduce_run(const T* p, int64_t n, int64_t stride) {
  using C = compute_type_t<T>;
  constexpr int kLanes = 8;
  typename R::Acc lanes[kLanes];
  for (auto& l : lanes) l = R::init();
  int64_t i = 0;
  if (stride == 1) {
    for (; i + kLanes <= n; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) lanes[l] = R::step(lanes[l], static_cast<C>(p[i + l]));
    }
  } else {
    for (; i + kLanes <= n; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) {
        lanes[l] = R::step(lanes[l], static_cast<C>(p[(i + l) * stride]));
      }
    }
  }
  typename R::Acc a = R::init();
  for (int l = 0; l < kLanes; ++l) a = R::merge(a, lanes[l]);
  for (; i < n; ++i) a = R::step(a, static_cast<C>(p[i * stride]));
  return a;
}

// Column reductions (the kept dims are innermost and contiguous, e.g. a bias gradient
// summing [N, C] over N): outputs are cut into tiles of kTile adjacent columns whose
// accumulators stay in L1, and each (tile, block of rows) item sweeps its rows reading
// kTile contiguous elements per row. Rows are split across threads only when there are too
// few tiles to keep every thread busy; their partial results are merged in row order.
template <typename R, typename T>
void reduce_columns(const T* in, const Dims& kept, const Dims& red, typename R::Acc* acc,
                    bool parallel) {
  using C = compute_type_t<T>;
  using Acc = typename R::Acc;
  constexpr int64_t kTile = 1024;
  const int64_t inner = kept.sizes[0], K = kept.numel(), N = red.numel();
  const Dims outer_kept{{kept.sizes.begin() + 1, kept.sizes.end()},
                        {kept.strides.begin() + 1, kept.strides.end()}};
  const int64_t outer = K / inner;
  const int64_t tiles = (inner + kTile - 1) / kTile;
  const int threads = parallel ? omp_get_max_threads() : 1;
  const int64_t row_blocks = outer * tiles >= threads ? 1 : std::min<int64_t>(threads, N);
  std::unique_ptr<Acc[]> partial(row_blocks > 1 ? new Acc[row_blocks * K] : nullptr);
#pragma omp parallel for collapse(3) if (parallel)
  for (int64_t rb = 0; rb < row_blocks; ++rb) {
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t tile = 0; tile < tiles; ++tile) {
        const int64_t j0 = tile * kTile, width = std::min(inner, j0 + kTile) - j0;
        const int64_t r0 = N * rb / row_blocks, r1 = N * (rb + 1) / row_blocks;
        Acc local[kTile];
        for (int64_t j = 0; j < width; ++j) local[j] = R::init();
        const T* base = in + offset_of(outer_kept, o) + j0;
        for (int64_t r = r0; r < r1; ++r) {
          const T* row = base + offset_of(red, r);
          for (int64_t j = 0; j < width; ++j) local[j] = R::step(local[j], static_cast<C>(row[j]));
        }
        Acc* dst = (row_blocks > 1 ? partial.get() + rb * K : acc) + o * inner + j0;
        std::copy(local, local + width, dst);
      }
    }
  }
  if (row_blocks > 1) {
    for (int64_t k = 0; k < K; ++k) {
      Acc a = partial[k];
      for (int64_t rb = 1; rb < row_blocks; ++rb) a = R::merge(a, partial[rb * K + k]);
      acc[k] = a;
    }
  }
}

template <typename T, ReduceOp Op>
void reduce_into(const T* in, const Dims& kept, const Dims& red,
                 typename Reducer<compute_type_t<T>, Op>::Acc* acc) {
  using R = Reducer<compute_type_t<T>, Op>;
  using C = compute_type_t<T>;
  const int64_t K = kept.numel(), N = red.numel();
  const bool parallel = K * N > kParallelGrain;

  if (red.strides[0] == 1 && red.sizes.size() == 1) {
    // Row reductions: contiguous runs. Split across outputs, or across the run if few.
    const int64_t n = red.sizes[0];
    if (K >= omp_get_max_threads() || !parallel) {
#pragma omp parallel for if (parallel)
      for (int64_t k = 0; k < K; ++k) acc[k] = reduce_run<R>(in + offset_of(kept, k), n, 1);
    } else {
      // Few long rows: each thread reduces one contiguous piece of the row; the pieces are
      // merged in thread order, so the result does not depend on timing.
      const int threads = omp_get_max_threads();
      std::vector<typename R::Acc> partial(threads, R::init());
      for (int64_t k = 0; k < K; ++k) {
        const T* p = in + offset_of(kept, k);
#pragma omp parallel for num_threads(threads) schedule(static, 1)
        for (int t = 0; t < threads; ++t) {
          const int64_t b = n * t / threads, e = n * (t + 1) / threads;
          partial[t] = reduce_run<R>(p + b, e - b, 1);
        }
        typename R::Acc total = R::init();
        for (int t = 0; t < threads; ++t) total = R::merge(total, partial[t]);
        acc[k] = total;
      }
    }
    return;
  }

  if (kept.strides[0] == 1 && kept.sizes[0] > 1) {
    reduce_columns<R>(in, kept, red, acc, parallel);
    return;
  }

  // Anything else: per output, the innermost reduced dim is a (strided) run and the outer
  // reduced dims are walked by index.
  const int64_t run = red.sizes[0], run_stride = red.strides[0];
  const Dims red_outer{{red.sizes.begin() + 1, red.sizes.end()},
                       {red.strides.begin() + 1, red.strides.end()}};
  const int64_t runs = N / run;
#pragma omp parallel for if (parallel)
  for (int64_t k = 0; k < K; ++k) {
    const T* p = in + offset_of(kept, k);
    typename R::Acc a = R::init();
    for (int64_t r = 0; r < runs; ++r) {
      const T* q = p + (red_outer.sizes.empty() ? 0 : offset_of(red_outer, r));
      a = R::merge(a, reduce_run<R>(q, run, run_stride));
    }
    acc[k] = a;
  }
}

template <typename T, ReduceOp Op>
void reduce_typed(CpuBackend& be, const Tensor& in, const Dims& kept, const Dims& red,
                  const Tensor& out) {
  using Acc = typename Reducer<compute_type_t<T>, Op>::Acc;
  using AccStore = std::conditional_t<std::is_same_v<Acc, float>, float, Acc>;
  const DType acc_dtype = dtype_of<AccStore>::value;
  Tensor acc = (out.dtype() == acc_dtype && out.is_contiguous())
                   ? out
                   : empty_tensor(out.sizes(), acc_dtype, out.device());
  reduce_into<T, Op>(static_cast<const T*>(in.data_ptr()), kept, red,
                     static_cast<Acc*>(acc.data_ptr()));
  if (!acc.is_same(out)) be.copy(acc, out);
}

}  // namespace

void CpuBackend::reduce(ReduceOp op, const Tensor& in, const std::vector<int64_t>& dims,
                        const Tensor& out) {
  std::vector<int64_t> ks, kst, rs, rst;
  std::vector<bool> reduced(in.dim(), false);
  for (int64_t d : dims) reduced[d] = true;
  for (int64_t d = 0; d < in.dim(); ++d) {
    (reduced[d] ? rs : ks).push_back(in.size(d));
    (reduced[d] ? rst : kst).push_back(in.stride(d));
  }
  Dims kept = coalesce(ks, kst), red = coalesce(rs, rst);
  if (in.numel() == 0) {
    // Empty reductions give the identity (sum 0, prod 1, all true, any false); max/min of
    // nothing were rejected by the op.
    fill(out, op == ReduceOp::Prod || op == ReduceOp::All ? Scalar(1) : Scalar(0));
    return;
  }
  visit_dtype(in.dtype(), reduce_op_name(op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (op) {
      case ReduceOp::Sum:
        return reduce_typed<T, ReduceOp::Sum>(*this, in, kept, red, out);
      case ReduceOp::Prod:
        return reduce_typed<T, ReduceOp::Prod>(*this, in, kept, red, out);
      case ReduceOp::Max:
        return reduce_typed<T, ReduceOp::Max>(*this, in, kept, red, out);
      case ReduceOp::Min:
        return reduce_typed<T, ReduceOp::Min>(*this, in, kept, red, out);
      case ReduceOp::Any:
        return reduce_typed<T, ReduceOp::Any>(*this, in, kept, red, out);
      case ReduceOp::All:
        return reduce_typed<T, ReduceOp::All>(*this, in, kept, red, out);
    }
  });
}

void CpuBackend::arg_reduce(ArgReduceOp op, const Tensor& in, int64_t dim, const Tensor& values,
                            const Tensor& indices) {
  std::vector<int64_t> ks, kst;
  for (int64_t d = 0; d < in.dim(); ++d) {
    if (d == dim) continue;
    ks.push_back(in.size(d));
    kst.push_back(in.stride(d));
  }
  Dims kept = coalesce(ks, kst);
  const int64_t n = in.dim() == 0 ? 1 : in.size(dim);
  const int64_t stride = in.dim() == 0 ? 1 : in.stride(dim);
  const int64_t K = kept.numel();
  int64_t* idx_out = indices.data_ptr<int64_t>();
  const bool is_max = op == ArgReduceOp::ArgMax;
  visit_dtype(in.dtype(), is_max ? "argmax" : "argmin", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_type_t<T>;
    const T* src = static_cast<const T*>(in.data_ptr());
#pragma omp parallel for if (K * n > kParallelGrain)
    for (int64_t k = 0; k < K; ++k) {
      const T* p = src + offset_of(kept, k);
      C best = static_cast<C>(p[0]);
      int64_t best_i = 0;
      for (int64_t i = 1; i < n; ++i) {
        C x = static_cast<C>(p[i * stride]);
        if constexpr (std::is_floating_point_v<C>) {
          if (std::isnan(best)) break;  // NaN wins and stays (PyTorch semantics)
          if (std::isnan(x)) {
            best = x;
            best_i = i;
            break;
          }
        }
        if (is_max ? x > best : x < best) {
          best = x;
          best_i = i;
        }
      }
      idx_out[k] = best_i;
    }
  });
  if (values.defined()) {
    // values = in gathered at the indices, written in keepdim layout.
    Tensor idx_view = in.dim() == 0 ? indices : indices;
    gather(in, in.dim() == 0 ? 0 : dim, idx_view, values);
  }
}

}  // namespace deepseek::cpu
