#pragma once

#include "deepseek/backend/optimizer_kernels.h"
#include "deepseek/optim/optimizer.h"

namespace deepseek::optim {

// Adagrad (torch.optim.Adagrad).
class Adagrad final : public Optimizer {
 public:
  Adagrad(TensorList params, AdagradHyper options, double initial_accumulator_value = 0);
  void step() override;

 private:
  double initial_accumulator_value_;
};

}  // namespace deepseek::optim
