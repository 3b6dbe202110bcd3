"""RAdam (Liu et al. 2019: Adam with a rectified adaptive learning rate), as
torch.optim.RAdam.

Written in deepseek tensor ops, not a fused kernel (see adadelta.py).
"""
import math

from deepseek._factories import zeros_like
from deepseek.optim.optimizer import (
    _TensorOpOptimizer, _bump_step, _check_hyperparameters, _params_with_grad,
)


class RAdam(_TensorOpOptimizer):
    """Per parameter at step t, with g the gradient (negated if maximize; + weight_decay * p,
    or p *= 1 - lr * weight_decay with decoupled_weight_decay):
        exp_avg    = beta1 * exp_avg + (1 - beta1) * g
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g^2
        m_hat      = exp_avg / (1 - beta1^t)
        rho_inf    = 2 / (1 - beta2) - 1
        rho_t      = rho_inf - 2 t beta2^t / (1 - beta2^t)
        if rho_t > 5:
            r  = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            p -= lr * m_hat * r * sqrt(1 - beta2^t) / (sqrt(exp_avg_sq) + eps)
        else:
            p -= lr * m_hat
    foreach and capturable are accepted and change nothing; differentiable=True raises."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      foreach=foreach, maximize=maximize,
                                      capturable=capturable, differentiable=differentiable))

    def _update_group(self, group):
        lr, eps = group["lr"], group["eps"]
        beta1, beta2 = group["betas"]
        rho_inf = 2 / (1 - beta2) - 1
        for p, grad in zip(*_params_with_grad(group)):
            st = self.state[p]
            if "exp_avg" not in st:
                st["exp_avg"] = zeros_like(p)
                st["exp_avg_sq"] = zeros_like(p)
            step = _bump_step(st)
            grad = self._effective_grad(group, p, grad)
            exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            m_hat = exp_avg / bias_correction1
            rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
            if rho_t > 5.0:
                rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                                 / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                adaptive_lr = math.sqrt(bias_correction2) / exp_avg_sq.sqrt().add_(eps)
                p.add_(m_hat * lr * adaptive_lr * rect, alpha=-1.0)
            else:
                p.add_(m_hat * lr, alpha=-1.0)
