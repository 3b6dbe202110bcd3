"""ASGD, averaged stochastic gradient descent (Polyak & Juditsky 1992), as torch.optim.ASGD.

Written in deepseek tensor ops, not a fused kernel (see adadelta.py). eta and mu are kept
as 0-d tensors of the default dtype, as PyTorch keeps them, so the same rounding applies.
"""
from deepseek._factories import tensor, zeros_like
from deepseek.optim.optimizer import (
    _TensorOpOptimizer, _bump_step, _check_hyperparameters, _params_with_grad,
)


class ASGD(_TensorOpOptimizer):
    """p shrinks by (1 - lambd * eta) and steps by -eta * g; ax averages p once step > t0;
    eta = lr / (1 + lambd * lr * step) ** alpha; mu = 1 / max(1, step - t0)."""

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False):
        _check_hyperparameters(lr=lr, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update_group(self, group):
        lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
        for p, grad in zip(*_params_with_grad(group)):
            st = self.state[p]
            if "eta" not in st:
                st["eta"] = tensor(lr)
                st["mu"] = tensor(1.0)
                st["ax"] = zeros_like(p)
            step = _bump_step(st)
            grad = self._effective_grad(group, p, grad)
            eta, mu = st["eta"].item(), st["mu"].item()
            p.mul_(1 - lambd * eta)
            p.add_(grad, alpha=-eta)
            if mu != 1:
                st["ax"].add_(p.sub(st["ax"]).mul(mu))
            else:
                st["ax"].copy_(p)
            st["eta"].copy_(tensor(lr / ((1 + lambd * lr * step) ** alpha)))
            st["mu"].copy_(tensor(1 / max(1, step - t0)))
