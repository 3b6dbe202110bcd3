#include "deepseek/optim/sgd.h"

#include "deepseek/optim/fused_update.h"

namespace deepseek::optim {

SGD::SGD(TensorList params, SgdHyper o)
    : Optimizer(std::move(params), {{"lr", o.lr},
                                    {"momentum", o.momentum},
                                    {"dampening", o.dampening},
                                    {"weight_decay", o.weight_decay},
                                    {"nesterov", o.nesterov ? 1.0 : 0.0},
                                    {"maximize", o.maximize ? 1.0 : 0.0}}) {
  DS_CHECK(o.lr >= 0, ValueError, "Invalid learning rate: {}", o.lr);
  DS_CHECK(o.momentum >= 0, ValueError, "Invalid momentum value: {}", o.momentum);
  DS_CHECK(!o.nesterov || (o.momentum > 0 && o.dampening == 0), ValueError,
           "Nesterov momentum requires a momentum and zero dampening");
}

void SGD::step() {
  for (const ParamGroup& g : param_groups()) {
    TensorList params = with_grads(g);
    if (params.empty()) continue;
    SgdHyper h{g.option("lr"), g.option("momentum"), g.option("dampening"),
               g.option("weight_decay"), g.option("nesterov") != 0, g.option("maximize") != 0};
    TensorList grads, bufs;
    for (const Tensor& p : params) {
      grads.push_back(p.grad());
      auto& st = state_of(p).tensors;
      auto it = st.find("momentum_buffer");
      bufs.push_back(it == st.end() ? Tensor() : it->second);
    }
    sgd_step(h, params, grads, bufs);
    for (size_t i = 0; i < params.size(); ++i) {
      if (bufs[i].defined()) state_of(params[i]).tensors["momentum_buffer"] = bufs[i];
    }
  }
}

}  // namespace deepseek::optim
