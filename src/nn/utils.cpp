#include "deepseek/nn/utils.h"

#include <cmath>

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"
#include "python_repr.h"

namespace deepseek::nn::utils {

namespace {

TensorList grads_of(const TensorList& params) {
  TensorList grads;
  for (const Tensor& p : params) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  return grads;
}

}  // namespace

Tensor clip_grad_norm_(const TensorList& params, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  const TensorList grads = grads_of(params);
  if (grads.empty()) return zeros({});
  autograd::NoGradGuard no_grad;
  // The norm of the per-gradient norms is the norm of all elements as one vector.
  const Device device = grads[0].device();
  TensorList norms;
  for (const Tensor& g : grads) {
    norms.push_back((norm_type == kInfNorm ? g.abs().amax() : norm(g, norm_type)).to(device));
  }
  const Tensor total = norm_type == kInfNorm ? (norms.size() == 1 ? norms[0] : stack(norms).amax())
                                             : norm(stack(norms), norm_type);
  DS_CHECK(!error_if_nonfinite || std::isfinite(total.item<double>()), RuntimeError,
           "The total norm of order {} for gradients from `parameters` is non-finite, so it "
           "cannot be clipped. To disable this error and scale the gradients by the non-finite "
           "norm anyway, set `error_if_nonfinite=False`",
           detail::py_float(norm_type));
  const Tensor clip_coef = (max_norm / (total + 1e-6)).clamp(std::nullopt, 1.0);
  for (const Tensor& g : grads) g.mul_(clip_coef.to(g.device(), g.dtype()));
  return total;
}

void clip_grad_value_(const TensorList& params, double clip_value) {
  autograd::NoGradGuard no_grad;
  for (const Tensor& g : grads_of(params)) g.clamp_(-clip_value, clip_value);
}

}  // namespace deepseek::nn::utils
