// Hyperparameters of the fused optimizer kernels (Backend::*_update). Each mirrors the
// options of the PyTorch optimizer of the same name; the update order follows
// torch.optim's single-tensor implementations, so results match them.
#pragma once

namespace deepseek {

struct SgdHyper {
  double lr = 1e-3, momentum = 0, dampening = 0, weight_decay = 0;
  bool nesterov = false, maximize = false;
};

// Adam and AdamW: `decoupled` selects AdamW's weight decay (p *= 1 - lr * wd) instead of
// Adam's L2 term added to the gradient.
struct AdamHyper {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
  bool amsgrad = false, maximize = false, decoupled = false;
};

struct RmspropHyper {
  double lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0, momentum = 0;
  bool centered = false, maximize = false;
};

struct AdagradHyper {
  double lr = 1e-2, lr_decay = 0, weight_decay = 0, eps = 1e-10;
  bool maximize = false;
};

}  // namespace deepseek
