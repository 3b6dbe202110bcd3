#pragma once

#include "deepseek/backend/optimizer_kernels.h"
#include "deepseek/optim/optimizer.h"

namespace deepseek::optim {

// Adam (torch.optim.Adam), with amsgrad.
class Adam : public Optimizer {
 public:
  Adam(TensorList params, AdamHyper options);
  void step() override;

 protected:
  Adam(TensorList params, AdamHyper options, bool decoupled);

 private:
  bool decoupled_;
};

// AdamW (torch.optim.AdamW): decoupled weight decay, default 0.01.
class AdamW final : public Adam {
 public:
  AdamW(TensorList params, AdamHyper options = {.weight_decay = 1e-2});
};

}  // namespace deepseek::optim
