// The fused optimizer updates behind deepseek.optim (the Python optimizers gather their
// param_groups' tensors and options and call these once per group and step).
#include "deepseek/optim/fused_update.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {
TensorList list_of(const std::vector<std::optional<Tensor>>& in) {
  TensorList out;
  for (const auto& t : in) out.push_back(t.value_or(Tensor()));
  return out;
}
}  // namespace

void bind_optim(py::module_& m) {
  m.def("_sgd_step", [](const TensorList& params, const TensorList& grads,
                        const std::vector<std::optional<Tensor>>& bufs, double lr, double momentum,
                        double dampening, double weight_decay, bool nesterov, bool maximize) {
    TensorList b = list_of(bufs);
    optim::sgd_step({lr, momentum, dampening, weight_decay, nesterov, maximize}, params, grads, b);
    return b;
  });
  m.def("_adam_step", [](const TensorList& params, const TensorList& grads, const TensorList& exp_avg,
                         const TensorList& exp_avg_sq, const std::vector<std::optional<Tensor>>& vmax,
                         const std::vector<double>& steps, double lr, double beta1, double beta2,
                         double eps, double weight_decay, bool amsgrad, bool maximize, bool decoupled) {
    optim::adam_step({lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, decoupled}, params,
                     grads, exp_avg, exp_avg_sq, list_of(vmax), steps);
  });
  m.def("_rmsprop_step", [](const TensorList& params, const TensorList& grads, const TensorList& square_avg,
                            const std::vector<std::optional<Tensor>>& grad_avg,
                            const std::vector<std::optional<Tensor>>& bufs, double lr, double alpha,
                            double eps, double weight_decay, double momentum, bool centered,
                            bool maximize) {
    optim::rmsprop_step({lr, alpha, eps, weight_decay, momentum, centered, maximize}, params, grads,
                        square_avg, list_of(grad_avg), list_of(bufs));
  });
  m.def("_adagrad_step", [](const TensorList& params, const TensorList& grads, const TensorList& sums,
                            const std::vector<double>& steps, double lr, double lr_decay,
                            double weight_decay, double eps, bool maximize) {
    optim::adagrad_step({lr, lr_decay, weight_decay, eps, maximize}, params, grads, sums, steps);
  });
}

}  // namespace deepseek::python
