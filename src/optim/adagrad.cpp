#include "deepseek/optim/adagrad.h"

#include "deepseek/ops/creation.h"
#include "deepseek/optim/fused_update.h"

namespace deepseek::optim {

Adagrad::Adagrad(TensorList params, AdagradHyper o, double initial_accumulator_value)
    : Optimizer(std::move(params), {{"lr", o.lr},
                                    {"lr_decay", o.lr_decay},
                                    {"weight_decay", o.weight_decay},
                                    {"eps", o.eps},
                                    {"maximize", o.maximize ? 1.0 : 0.0}}),
      initial_accumulator_value_(initial_accumulator_value) {
  DS_CHECK(o.lr >= 0, ValueError, "Invalid learning rate: {}", o.lr);
  DS_CHECK(o.lr_decay >= 0, ValueError, "Invalid lr_decay value: {}", o.lr_decay);
  DS_CHECK(initial_accumulator_value >= 0, ValueError,
           "Invalid initial_accumulator_value value: {}", initial_accumulator_value);
}

void Adagrad::step() {
  for (const ParamGroup& g : param_groups()) {
    TensorList params = with_grads(g);
    if (params.empty()) continue;
    AdagradHyper h{g.option("lr"), g.option("lr_decay"), g.option("weight_decay"), g.option("eps"),
                   g.option("maximize") != 0};
    TensorList grads, sums;
    std::vector<double> steps;
    for (const Tensor& p : params) {
      ParamState& st = state_of(p);
      if (!st.tensors.count("sum")) st.tensors["sum"] = full_like(p, initial_accumulator_value_);
      st.step += 1;
      grads.push_back(p.grad());
      sums.push_back(st.tensors["sum"]);
      steps.push_back(st.step);
    }
    adagrad_step(h, params, grads, sums, steps);
  }
}

}  // namespace deepseek::optim
