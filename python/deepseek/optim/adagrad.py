from deepseek import _C
from deepseek._factories import full_like, tensor
from deepseek.optim.optimizer import (
    Optimizer, _bump_step, _check_hyperparameters, _params_with_grad,
)


class Adagrad(Optimizer):
    """torch.optim.Adagrad (lr_decay, weight_decay, initial_accumulator_value, maximize)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False):
        _check_hyperparameters(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                               initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable))
        for group in self.param_groups:
            for p in group["params"]:
                st = self.state[p]
                st["step"] = tensor(0.0)
                st["sum"] = full_like(p, group["initial_accumulator_value"])

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = _params_with_grad(group)
            if not params:
                continue
            sums, steps = [], []
            for p in params:
                st = self.state[p]
                steps.append(_bump_step(st))
                sums.append(st["sum"])
            _C._adagrad_step(params, grads, sums, steps, group["lr"], group["lr_decay"],
                             group["weight_decay"], group["eps"], group["maximize"])
        return loss
