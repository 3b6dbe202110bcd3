// Validation and dispatch of the fused optimizer updates (the op pattern without a
// backward: optimizer steps never record a graph).
#include "deepseek/optim/fused_update.h"

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"

namespace deepseek::optim {

namespace {

// Checks that every list lines up with params: same length, device, dtype and shape.
void check_lists(const char* op, const TensorList& params,
                 std::initializer_list<std::pair<const char*, const TensorList*>> lists) {
  DS_CHECK(!params.empty(), ValueError, "{}: empty parameter list", op);
  const Device device = params[0].device();
  const DType dtype = params[0].dtype();
  DS_CHECK(is_floating(dtype), TypeError, "{}: parameters must be floating point, got {}", op,
           dtype_name(dtype));
  for (size_t i = 0; i < params.size(); ++i) {
    DS_CHECK(params[i].device() == device && params[i].dtype() == dtype, TypeError,
             "{}: all parameters of a group must share device and dtype (param 0 is {} {}, param "
             "{} is {} {})",
             op, device.str(), dtype_name(dtype), i, params[i].device().str(),
             dtype_name(params[i].dtype()));
  }
  for (auto [name, list] : lists) {
    DS_CHECK(list->size() == params.size(), ValueError, "{}: {} has {} entries for {} params", op,
             name, list->size(), params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Tensor& t = (*list)[i];
      if (!t.defined()) continue;
      DS_CHECK(t.sizes() == params[i].sizes(), RuntimeError,
               "{}: {}[{}] has shape {} but its parameter has shape {}", op, name, i,
               shape_str(t.sizes()), shape_str(params[i].sizes()));
      DS_CHECK(t.device() == device, RuntimeError,
               "{}: Expected all tensors to be on the same device, but found at least two "
               "devices, {} and {}!",
               op, device.str(), t.device().str());
    }
  }
}

// The kernels want contiguous tensors of the params' dtype. Grads of another dtype are
// converted; a non-contiguous tensor is updated through a contiguous copy written back.
struct Staged {
  TensorList tensors;
  std::vector<std::pair<Tensor, Tensor>> write_back;  // (original, contiguous copy)
};

Staged stage(const TensorList& list, DType dtype, bool written) {
  Staged s;
  for (const Tensor& t : list) {
    if (!t.defined()) {
      s.tensors.push_back(t);
      continue;
    }
    Tensor c = t.detach();
    if (c.dtype() != dtype) c = convert_raw(c, dtype, c.device());
    if (!c.is_contiguous()) c = clone(c);
    if (written && !c.is_same(t) && c.impl()->storage != t.impl()->storage) {
      s.write_back.emplace_back(t, c);
    }
    s.tensors.push_back(c);
  }
  return s;
}

void finish(std::initializer_list<Staged*> staged, std::initializer_list<const TensorList*> written) {
  for (Staged* s : staged) {
    for (auto& [orig, copy] : s->write_back) backend_for(orig.device()).copy(copy, orig);
  }
  for (const TensorList* list : written) {
    for (const Tensor& t : *list) {
      if (t.defined()) t.bump_version();
    }
  }
}

void check_grads(const char* op, const TensorList& grads) {
  for (size_t i = 0; i < grads.size(); ++i) {
    DS_CHECK(grads[i].defined(), ValueError, "{}: parameter {} has no gradient", op, i);
  }
}

}  // namespace

void sgd_step(const SgdHyper& h, const TensorList& params, const TensorList& grads,
              TensorList& momentum_buffers) {
  autograd::NoGradGuard no_grad;
  if (momentum_buffers.size() < params.size()) momentum_buffers.resize(params.size());
  check_lists("sgd", params, {{"grads", &grads}, {"momentum_buffers", &momentum_buffers}});
  check_grads("sgd", grads);
  std::vector<bool> init(params.size(), false);
  if (h.momentum != 0) {
    for (size_t i = 0; i < params.size(); ++i) {
      if (!momentum_buffers[i].defined()) {
        momentum_buffers[i] = empty_like(params[i]);
        init[i] = true;
      }
    }
  }
  const DType dt = params[0].dtype();
  Staged p = stage(params, dt, true), g = stage(grads, dt, false), b = stage(momentum_buffers, dt, true);
  backend_for(params[0].device()).sgd_update(h, p.tensors, g.tensors, b.tensors, init);
  finish({&p, &b}, {&params, &momentum_buffers});
}

void adam_step(const AdamHyper& h, const TensorList& params, const TensorList& grads,
               const TensorList& exp_avg, const TensorList& exp_avg_sq,
               const TensorList& max_exp_avg_sq, const std::vector<double>& steps) {
  autograd::NoGradGuard no_grad;
  check_lists("adam", params, {{"grads", &grads}, {"exp_avg", &exp_avg}, {"exp_avg_sq", &exp_avg_sq}});
  if (h.amsgrad) check_lists("adam", params, {{"max_exp_avg_sq", &max_exp_avg_sq}});
  check_grads("adam", grads);
  DS_CHECK(steps.size() == params.size(), ValueError, "adam: {} step counts for {} params",
           steps.size(), params.size());
  const DType dt = params[0].dtype();
  TensorList vmax = h.amsgrad ? max_exp_avg_sq : TensorList(params.size());
  Staged p = stage(params, dt, true), g = stage(grads, dt, false), m = stage(exp_avg, dt, true),
         v = stage(exp_avg_sq, dt, true), vm = stage(vmax, dt, true);
  backend_for(params[0].device()).adam_update(h, p.tensors, g.tensors, m.tensors, v.tensors, vm.tensors, steps);
  finish({&p, &m, &v, &vm}, {&params, &exp_avg, &exp_avg_sq, &vmax});
}

void rmsprop_step(const RmspropHyper& h, const TensorList& params, const TensorList& grads,
                  const TensorList& square_avg, const TensorList& grad_avg,
                  const TensorList& momentum_buffers) {
  autograd::NoGradGuard no_grad;
  check_lists("rmsprop", params, {{"grads", &grads}, {"square_avg", &square_avg}});
  if (h.centered) check_lists("rmsprop", params, {{"grad_avg", &grad_avg}});
  if (h.momentum > 0) check_lists("rmsprop", params, {{"momentum_buffer", &momentum_buffers}});
  check_grads("rmsprop", grads);
  const DType dt = params[0].dtype();
  TensorList ga = h.centered ? grad_avg : TensorList(params.size());
  TensorList mb = h.momentum > 0 ? momentum_buffers : TensorList(params.size());
  Staged p = stage(params, dt, true), g = stage(grads, dt, false), s = stage(square_avg, dt, true),
         a = stage(ga, dt, true), b = stage(mb, dt, true);
  backend_for(params[0].device()).rmsprop_update(h, p.tensors, g.tensors, s.tensors, a.tensors, b.tensors);
  finish({&p, &s, &a, &b}, {&params, &square_avg, &ga, &mb});
}

void adagrad_step(const AdagradHyper& h, const TensorList& params, const TensorList& grads,
                  const TensorList& state_sum, const std::vector<double>& steps) {
  autograd::NoGradGuard no_grad;
  check_lists("adagrad", params, {{"grads", &grads}, {"state_sum", &state_sum}});
  check_grads("adagrad", grads);
  DS_CHECK(steps.size() == params.size(), ValueError, "adagrad: {} step counts for {} params",
           steps.size(), params.size());
  const DType dt = params[0].dtype();
  Staged p = stage(params, dt, true), g = stage(grads, dt, false), s = stage(state_sum, dt, true);
  backend_for(params[0].device()).adagrad_update(h, p.tensors, g.tensors, s.tensors, steps);
  finish({&p, &s}, {&params, &state_sum});
}

}  // namespace deepseek::optim
