// Cumulative ops: validate -> the scan kernel -> record. Backward formulas are written with
// cumsum and flips, so they are themselves differentiable.
#include "deepseek/ops/scan.h"

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;
using autograd::save_output;

namespace {

// The kernel's output (and indices for max/min) for x along normalized dim d.
std::tuple<Tensor, Tensor> scan_raw(ScanOp op, const Tensor& x, int64_t d) {
  Tensor out = empty_tensor(x.sizes(), x.dtype(), x.device());
  Tensor idx;
  if (op == ScanOp::Max || op == ScanOp::Min)
    idx = empty_tensor(x.sizes(), DType::Int64, x.device());
  backend_for(x.device()).scan(op, x, d, out, idx);
  return {out, idx};
}

// x converted (differentiably) to the accumulation dtype.
Tensor accumulation_input(const Tensor& x, std::optional<DType> dtype) {
  const DType dt = dtype.value_or(is_integral(x.dtype(), true) ? DType::Int64 : x.dtype());
  return dt == x.dtype() ? x : to(x, x.device(), dt);
}

// sum over j >= i of g[j] along d: the adjoint of cumsum.
Tensor reverse_cumsum(const Tensor& g, int64_t d) {
  if (g.dim() == 0) return g;
  return flip(cumsum(flip(g, {d}), d), {d});
}

// d cumprod / d x for inputs that may hold zeros: y_i = prod_{j <= i} x_j, so
// grad_k = sum_{i >= k} g_i * prod_{j <= i, j != k} x_j. Built as an [.., k, i] grid of
// cumulative products with x_k replaced by 1 (quadratic in the dim's size; used only when a
// zero makes the division formula invalid).
Tensor cumprod_backward_with_zeros(const Tensor& g, const Tensor& x, int64_t d) {
  const int64_t n = x.size(d);
  Tensor xl = movedim(x, d, -1);  // [..., n]
  Tensor gl = movedim(g, d, -1);
  TensorOptions long_opts = TensorOptions(DType::Int64).set_device(x.device());
  Tensor pos = arange(0, n, 1, long_opts);
  Tensor diag = eq(unsqueeze(pos, 1), unsqueeze(pos, 0));  // [k, j]
  Tensor grid = where(diag, ones({}, TensorOptions(x.dtype()).set_device(x.device())),
                      unsqueeze(xl, -2));                   // [..., k, j]
  Tensor prods = cumprod(grid, -1);                         // [..., k, i]
  Tensor after = ge(unsqueeze(pos, 0), unsqueeze(pos, 1));  // i >= k
  Tensor terms = where(after, mul(prods, unsqueeze(gl, -2)), zeros_like(prods));
  return movedim(sum(terms, {-1}), -1, d);
}

Tensor cumulative(ScanOp op, const Tensor& x_in, int64_t dim, std::optional<DType> dtype,
                  const char* name) {
  const int64_t d = normalize_dim(dim, x_in.dim(), name);
  Tensor x = accumulation_input(x_in, dtype);
  Tensor out = std::get<0>(scan_raw(op, x, d));
  if (autograd::needs_grad({x})) {
    if (op == ScanOp::Sum) {
      autograd::record("CumsumBackward0", {x}, {out}, {}, [d](const BackwardArgs& g) -> TensorList {
        return {reverse_cumsum(g.grad(), d)};
      });
    } else {
      autograd::record("CumprodBackward0", {x}, {out}, {save(x), save_output(out)},
                       [d](const BackwardArgs& g) -> TensorList {
                         const Tensor &xs = g.saved[0], &ys = g.saved[1];
                         if (xs.dim() == 0) return {g.grad()};
                         bool has_zero;
                         {
                           autograd::GradModeGuard off(false);
                           has_zero = any(eq(xs, wrapped_scalar(0))).item().to_bool();
                         }
                         if (has_zero) return {cumprod_backward_with_zeros(g.grad(), xs, d)};
                         return {div(reverse_cumsum(mul(g.grad(), ys), d), xs)};
                       });
    }
  }
  return out;
}

std::tuple<Tensor, Tensor> running_extreme(ScanOp op, const Tensor& x, int64_t dim,
                                           const char* name) {
  const int64_t d = normalize_dim(dim, x.dim(), name);
  auto [values, indices] = scan_raw(op, x, d);
  if (autograd::needs_grad({x})) {
    const Shape in_shape = x.sizes();
    autograd::record(op == ScanOp::Max ? "CummaxBackward0" : "CumminBackward0", {x}, {values},
                     {save(indices)}, [d, in_shape](const BackwardArgs& g) -> TensorList {
                       if (in_shape.empty()) return {g.grad()};
                       Tensor base = zeros(
                           in_shape, TensorOptions(g.grad().dtype()).set_device(g.grad().device()));
                       return {scatter_add(base, d, g.saved[0], g.grad())};
                     });
  }
  return {values, indices};
}

}  // namespace

Tensor cumsum(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  if (autocast::OpCast cast{"cumsum", {x}, dtype.has_value()}) return cumsum(cast[0], dim, dtype);
  return cumulative(ScanOp::Sum, x, dim, dtype, "cumsum");
}
Tensor cumprod(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  if (autocast::OpCast cast{"cumprod", {x}, dtype.has_value()}) return cumprod(cast[0], dim, dtype);
  return cumulative(ScanOp::Prod, x, dim, dtype, "cumprod");
}
std::tuple<Tensor, Tensor> cummax(const Tensor& x, int64_t dim) {
  return running_extreme(ScanOp::Max, x, dim, "cummax");
}
std::tuple<Tensor, Tensor> cummin(const Tensor& x, int64_t dim) {
  return running_extreme(ScanOp::Min, x, dim, "cummin");
}

const Tensor& cumsum_(const Tensor& x, int64_t dim) {
  return assign_inplace(x, {}, "cumsum_",
                        [dim](const TensorList& a) { return cumsum(a[0], dim, a[0].dtype()); });
}
const Tensor& cumprod_(const Tensor& x, int64_t dim) {
  return assign_inplace(x, {}, "cumprod_",
                        [dim](const TensorList& a) { return cumprod(a[0], dim, a[0].dtype()); });
}

}  // namespace deepseek
