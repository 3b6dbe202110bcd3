#pragma once

#include "deepseek/backend/optimizer_kernels.h"
#include "deepseek/optim/optimizer.h"

namespace deepseek::optim {

// RMSprop (torch.optim.RMSprop), with momentum and the centered variant.
class RMSprop final : public Optimizer {
 public:
  RMSprop(TensorList params, RmspropHyper options);
  void step() override;
};

}  // namespace deepseek::optim
