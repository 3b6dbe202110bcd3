"""Adamax (Kingma & Ba 2015, section 7.1), as torch.optim.Adamax.

Written in deepseek tensor ops, not a fused kernel (see adadelta.py).
"""
from deepseek import _C
from deepseek._factories import zeros_like
from deepseek.optim.optimizer import (
    _TensorOpOptimizer, _bump_step, _check_hyperparameters, _params_with_grad,
)


class Adamax(_TensorOpOptimizer):
    """Per parameter at step t, with g the gradient (+ weight_decay * p, negated if
    maximize):
        exp_avg = beta1 * exp_avg + (1 - beta1) * g
        exp_inf = max(beta2 * exp_inf, |g| + eps)
        p      -= lr / (1 - beta1^t) * exp_avg / exp_inf
    foreach and capturable are accepted and change nothing; differentiable=True raises."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _update_group(self, group):
        lr, eps = group["lr"], group["eps"]
        beta1, beta2 = group["betas"]
        for p, grad in zip(*_params_with_grad(group)):
            st = self.state[p]
            if "exp_avg" not in st:
                st["exp_avg"] = zeros_like(p)
                st["exp_inf"] = zeros_like(p)
            step = _bump_step(st)
            grad = self._effective_grad(group, p, grad)
            exp_avg, exp_inf = st["exp_avg"], st["exp_inf"]
            exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
            exp_inf.copy_(_C.maximum(exp_inf.mul_(beta2), grad.abs().add_(eps)))
            p.addcdiv_(exp_avg, exp_inf, value=-lr / (1 - beta1 ** step))
