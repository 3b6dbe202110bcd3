"""Adadelta (Zeiler 2012), as torch.optim.Adadelta.

Unlike SGD/Adam/AdamW/RMSprop/Adagrad, whose steps are fused C++ kernels, this step is
written in deepseek tensor ops (a few kernel launches per parameter): same results, slower
on many small tensors.
"""
from deepseek._factories import zeros_like
from deepseek.optim.optimizer import (
    _TensorOpOptimizer, _bump_step, _check_hyperparameters, _params_with_grad,
)


class Adadelta(_TensorOpOptimizer):
    """Per parameter, with g the gradient (+ weight_decay * p, negated if maximize):
        square_avg = rho * square_avg + (1 - rho) * g^2
        delta      = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
        acc_delta  = rho * acc_delta + (1 - rho) * delta^2
        p         -= lr * delta
    foreach and capturable are accepted and change nothing; differentiable=True raises."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check_hyperparameters(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_hyperparameters(eps=eps, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      foreach=foreach, capturable=capturable,
                                      maximize=maximize, differentiable=differentiable))

    def _update_group(self, group):
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        for p, grad in zip(*_params_with_grad(group)):
            st = self.state[p]
            if "square_avg" not in st:
                st["square_avg"] = zeros_like(p)
                st["acc_delta"] = zeros_like(p)
            _bump_step(st)
            grad = self._effective_grad(group, p, grad)
            square_avg, acc_delta = st["square_avg"], st["acc_delta"]
            square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
            delta = (acc_delta + eps).sqrt_().div_((square_avg + eps).sqrt_()).mul_(grad)
            acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
            p.add_(delta, alpha=-lr)
