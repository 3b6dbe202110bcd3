#include "deepseek/ops/softmax.h"

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/unary.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save_output;

namespace {

Tensor softmax_impl(const Tensor& x_in, int64_t dim, std::optional<DType> dtype, bool log) {
  const char* name = log ? "log_softmax" : "softmax";
  Tensor x = dtype ? x_in.to(*dtype) : x_in;
  DS_CHECK(is_floating(x.dtype()), RuntimeError, "{}: not implemented for '{}'", name,
           dtype_name(x.dtype()));
  const int64_t d = normalize_dim(dim, x.dim(), name);
  Tensor xc = x.is_contiguous() ? x : convert_raw(contiguous(x.detach()), x.dtype(), x.device());
  Tensor out = empty_tensor(x.sizes(), x.dtype(), x.device());
  backend_for(x.device()).softmax(xc, d, log, out);
  if (autograd::needs_grad({x})) {
    autograd::record(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", {x}, {out},
                     {save_output(out)}, [d, log](const BackwardArgs& g) -> TensorList {
                       const Tensor& y = g.saved[0];
                       if (log) {
                         return {sub(g.grad(), mul(exp(y), sum(g.grad(), {d}, true)))};
                       }
                       return {mul(y, sub(g.grad(), sum(mul(g.grad(), y), {d}, true)))};
                     });
  }
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  if (autocast::OpCast cast{"softmax", {x}, dtype.has_value()}) return softmax(cast[0], dim, dtype);
  return softmax_impl(x, dim, dtype, false);
}
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  if (autocast::OpCast cast{"log_softmax", {x}, dtype.has_value()})
    return log_softmax(cast[0], dim, dtype);
  return softmax_impl(x, dim, dtype, true);
}

Tensor Tensor::softmax(int64_t dim) const { return deepseek::softmax(*this, dim); }
Tensor Tensor::log_softmax(int64_t dim) const { return deepseek::log_softmax(*this, dim); }

}  // namespace deepseek
