"""Rprop (Riedmiller & Braun 1993), as torch.optim.Rprop.

Written in deepseek tensor ops, not a fused kernel (see adadelta.py).
"""
from deepseek import _C
from deepseek._factories import full_like, zeros_like
from deepseek.optim.optimizer import _TensorOpOptimizer, _bump_step, _params_with_grad


class Rprop(_TensorOpOptimizer):
    """Per parameter, each element keeps its own step size: multiplied by etas[1] while the
    gradient keeps its sign, by etas[0] when it flips (and that step is skipped), clamped to
    step_sizes; p -= sign(g) * step_size. foreach is accepted and changes nothing."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 foreach=None, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update_group(self, group):
        eta_minus, eta_plus = group["etas"]
        size_min, size_max = group["step_sizes"]
        for p, grad in zip(*_params_with_grad(group)):
            st = self.state[p]
            if "prev" not in st:
                st["prev"] = zeros_like(p)
                st["step_size"] = full_like(grad, group["lr"])
            _bump_step(st)
            if group["maximize"]:
                grad = -grad
            trend = (grad * st["prev"]).sign()
            factor = _C.where(trend > 0, trend * 0 + eta_plus,
                              _C.where(trend < 0, trend * 0 + eta_minus, trend * 0 + 1))
            st["step_size"].mul_(factor).clamp_(size_min, size_max)
            grad = grad.masked_fill(factor == eta_minus, 0)
            p.addcmul_(grad.sign(), st["step_size"], value=-1)
            st["prev"].copy_(grad)
