// One fused, multi-tensor update per optimizer step and parameter group: the math of
// SGD/Adam/AdamW/RMSprop/Adagrad, shared by the C++ optimizers (deepseek/optim/*.h) and the
// Python ones (deepseek.optim). Parameters and state are updated in place, outside autograd.
#pragma once

#include <vector>

#include "deepseek/backend/optimizer_kernels.h"
#include "deepseek/core/tensor.h"

namespace deepseek::optim {

// momentum_buffers: one per param; undefined entries are created (when momentum != 0) and
// written back into the list.
void sgd_step(const SgdHyper& h, const TensorList& params, const TensorList& grads,
              TensorList& momentum_buffers);
void adam_step(const AdamHyper& h, const TensorList& params, const TensorList& grads,
               const TensorList& exp_avg, const TensorList& exp_avg_sq,
               const TensorList& max_exp_avg_sq, const std::vector<double>& steps);
void rmsprop_step(const RmspropHyper& h, const TensorList& params, const TensorList& grads,
                  const TensorList& square_avg, const TensorList& grad_avg,
                  const TensorList& momentum_buffers);
void adagrad_step(const AdagradHyper& h, const TensorList& params, const TensorList& grads,
                  const TensorList& state_sum, const std::vector<double>& steps);

}  // namespace deepseek::optim
