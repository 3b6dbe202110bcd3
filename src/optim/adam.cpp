#include "deepseek/optim/adam.h"

#include "deepseek/ops/creation.h"
#include "deepseek/optim/fused_update.h"

namespace deepseek::optim {

Adam::Adam(TensorList params, AdamHyper o) : Adam(std::move(params), o, false) {}

Adam::Adam(TensorList params, AdamHyper o, bool decoupled)
    : Optimizer(std::move(params), {{"lr", o.lr},
                                    {"beta1", o.beta1},
                                    {"beta2", o.beta2},
                                    {"eps", o.eps},
                                    {"weight_decay", o.weight_decay},
                                    {"amsgrad", o.amsgrad ? 1.0 : 0.0},
                                    {"maximize", o.maximize ? 1.0 : 0.0}}),
      decoupled_(decoupled) {
  DS_CHECK(o.lr >= 0, ValueError, "Invalid learning rate: {}", o.lr);
  DS_CHECK(o.eps >= 0, ValueError, "Invalid epsilon value: {}", o.eps);
  DS_CHECK(o.beta1 >= 0 && o.beta1 < 1, ValueError, "Invalid beta parameter at index 0: {}", o.beta1);
  DS_CHECK(o.beta2 >= 0 && o.beta2 < 1, ValueError, "Invalid beta parameter at index 1: {}", o.beta2);
  DS_CHECK(o.weight_decay >= 0, ValueError, "Invalid weight_decay value: {}", o.weight_decay);
}

AdamW::AdamW(TensorList params, AdamWOptions o)
    : Adam(std::move(params),
           {o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.amsgrad, o.maximize, true}, true) {}

void Adam::step() {
  for (const ParamGroup& g : param_groups()) {
    TensorList params = with_grads(g);
    if (params.empty()) continue;
    AdamHyper h{g.option("lr"),           g.option("beta1"),           g.option("beta2"),
                g.option("eps"),          g.option("weight_decay"),    g.option("amsgrad") != 0,
                g.option("maximize") != 0, decoupled_};
    TensorList grads, m, v, vmax;
    std::vector<double> steps;
    for (const Tensor& p : params) {
      ParamState& st = state_of(p);
      if (st.tensors.empty()) {
        st.tensors["exp_avg"] = zeros_like(p);
        st.tensors["exp_avg_sq"] = zeros_like(p);
        if (h.amsgrad) st.tensors["max_exp_avg_sq"] = zeros_like(p);
      }
      if (h.amsgrad && !st.tensors.count("max_exp_avg_sq")) st.tensors["max_exp_avg_sq"] = zeros_like(p);
      st.step += 1;
      grads.push_back(p.grad());
      m.push_back(st.tensors["exp_avg"]);
      v.push_back(st.tensors["exp_avg_sq"]);
      vmax.push_back(h.amsgrad ? st.tensors["max_exp_avg_sq"] : Tensor());
      steps.push_back(st.step);
    }
    adam_step(h, params, grads, m, v, vmax, steps);
  }
}

}  // namespace deepseek::optim
