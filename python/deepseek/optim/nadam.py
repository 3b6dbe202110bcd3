"""NAdam (Dozat 2016: Adam with Nesterov momentum), as torch.optim.NAdam in torch 2.x.

Written in deepseek tensor ops, not a fused kernel (see adadelta.py). torch 1.13 counted
the current momentum factor twice in its look-ahead denominator (fixed in torch 2.x); this
follows the corrected formula.
"""
from deepseek._factories import tensor, zeros_like
from deepseek._C import float64
from deepseek.optim.optimizer import (
    _TensorOpOptimizer, _bump_step, _check_hyperparameters, _params_with_grad,
)


class NAdam(_TensorOpOptimizer):
    """Per parameter at step t, with g the gradient (negated if maximize; + weight_decay * p,
    or p *= 1 - lr * weight_decay with decoupled_weight_decay):
        mu_t       = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
        mu_product = mu_1 * ... * mu_t
        exp_avg    = beta1 * exp_avg + (1 - beta1) * g
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g^2
        denom      = sqrt(exp_avg_sq / (1 - beta2^t)) + eps
        p -= lr * (1 - mu_t) / (1 - mu_product) * g / denom
        p -= lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * exp_avg / denom
    mu_product is kept in float64. foreach and capturable are accepted and change nothing;
    differentiable=True raises."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay,
                               momentum_decay=momentum_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      foreach=foreach, maximize=maximize,
                                      capturable=capturable, differentiable=differentiable))

    def _update_group(self, group):
        lr, eps = group["lr"], group["eps"]
        beta1, beta2 = group["betas"]
        momentum_decay = group["momentum_decay"]
        for p, grad in zip(*_params_with_grad(group)):
            st = self.state[p]
            if "exp_avg" not in st:
                st["mu_product"] = tensor(1.0, dtype=float64)
                st["exp_avg"] = zeros_like(p)
                st["exp_avg_sq"] = zeros_like(p)
            step = _bump_step(st)
            grad = self._effective_grad(group, p, grad)
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
            st["mu_product"].mul_(mu)
            mu_product = st["mu_product"].item()
            exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = exp_avg_sq.div(1 - beta2 ** step).sqrt_().add_(eps)
            p.addcdiv_(grad, denom, value=-lr * (1 - mu) / (1 - mu_product))
            p.addcdiv_(exp_avg, denom, value=-lr * mu_next / (1 - mu_product * mu_next))
