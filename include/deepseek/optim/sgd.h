#pragma once

#include "deepseek/backend/optimizer_kernels.h"
#include "deepseek/optim/optimizer.h"

namespace deepseek::optim {

// SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD).
//   SGD opt(model.parameters(), {.lr = 0.1, .momentum = 0.9});
class SGD final : public Optimizer {
 public:
  SGD(TensorList params, SgdHyper options);
  void step() override;
};

}  // namespace deepseek::optim
