#include "deepseek/optim/rmsprop.h"

#include "deepseek/ops/creation.h"
#include "deepseek/optim/fused_update.h"

namespace deepseek::optim {

RMSprop::RMSprop(TensorList params, RmspropHyper o)
    : Optimizer(std::move(params), {{"lr", o.lr},
                                    {"alpha", o.alpha},
                                    {"eps", o.eps},
                                    {"weight_decay", o.weight_decay},
                                    {"momentum", o.momentum},
                                    {"centered", o.centered ? 1.0 : 0.0},
                                    {"maximize", o.maximize ? 1.0 : 0.0}}) {
  DS_CHECK(o.lr >= 0, ValueError, "Invalid learning rate: {}", o.lr);
  DS_CHECK(o.alpha >= 0, ValueError, "Invalid alpha value: {}", o.alpha);
  DS_CHECK(o.eps >= 0, ValueError, "Invalid epsilon value: {}", o.eps);
}

void RMSprop::step() {
  for (const ParamGroup& g : param_groups()) {
    TensorList params = with_grads(g);
    if (params.empty()) continue;
    RmspropHyper h{g.option("lr"),       g.option("alpha"),         g.option("eps"),
                   g.option("weight_decay"), g.option("momentum"), g.option("centered") != 0,
                   g.option("maximize") != 0};
    TensorList grads, sq, ga, mb;
    for (const Tensor& p : params) {
      ParamState& st = state_of(p);
      if (!st.tensors.count("square_avg")) st.tensors["square_avg"] = zeros_like(p);
      if (h.centered && !st.tensors.count("grad_avg")) st.tensors["grad_avg"] = zeros_like(p);
      if (h.momentum > 0 && !st.tensors.count("momentum_buffer")) st.tensors["momentum_buffer"] = zeros_like(p);
      st.step += 1;
      grads.push_back(p.grad());
      sq.push_back(st.tensors["square_avg"]);
      ga.push_back(h.centered ? st.tensors["grad_avg"] : Tensor());
      mb.push_back(h.momentum > 0 ? st.tensors["momentum_buffer"] : Tensor());
    }
    rmsprop_step(h, params, grads, sq, ga, mb);
  }
}

}  // namespace deepseek::optim
