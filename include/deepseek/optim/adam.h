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

// AdamW's options: Adam's, with torch.optim.AdamW's default weight decay of 0.01 (so
// `AdamW(params, {.lr = 3e-4})` decays, as in PyTorch).
struct AdamWOptions {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 1e-2;
  bool amsgrad = false, maximize = false;
};

// AdamW (torch.optim.AdamW): decoupled weight decay.
class AdamW final : public Adam {
 public:
  AdamW(TensorList params, AdamWOptions options = {});
};

}  // namespace deepseek::optim
