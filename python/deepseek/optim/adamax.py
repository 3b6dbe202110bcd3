"""Adamax (Kingma & Ba 2015, section 7.1), as torch.optim.Adamax.

Written in deepseek tensor ops, not a fused kernel (see adadelta.py).
"""
from deepseek import _C
from deepseek._factories import zeros_like
from deepseek.autograd.grad_mode import no_grad
from deepseek.optim.optimizer import Optimizer, _bump_step, _params_with_grad


def _check_betas(betas):
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


class Adamax(Optimizer):
    """Per parameter at step t, with g the gradient (+ weight_decay * p, negated if
    maximize):
        exp_avg = beta1 * exp_avg + (1 - beta1) * g
        exp_inf = max(beta2 * exp_inf, |g| + eps)
        p      -= lr / (1 - beta1^t) * exp_avg / exp_inf
    foreach and capturable are accepted and change nothing; differentiable=True raises."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if differentiable:
            raise NotImplementedError("Adamax: differentiable=True is not supported")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                self._update_group(group)
        return loss

    def _update_group(self, group):
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        for p, grad in zip(*_params_with_grad(group)):
            st = self.state[p]
            if "exp_avg" not in st:
                st["exp_avg"] = zeros_like(p)
                st["exp_inf"] = zeros_like(p)
            step = _bump_step(st)
            if group["maximize"]:
                grad = -grad
            if wd != 0:
                grad = grad.add(p, alpha=wd)
            exp_avg, exp_inf = st["exp_avg"], st["exp_inf"]
            exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
            exp_inf.copy_(_C.maximum(exp_inf.mul_(beta2), grad.abs().add_(eps)))
            p.addcdiv_(exp_avg, exp_inf, value=-lr / (1 - beta1 ** step))
