from deepseek import _C
from deepseek._factories import zeros_like
from deepseek.optim.optimizer import (
    Optimizer, _bump_step, _check_hyperparameters, _params_with_grad,
)


class Adam(Optimizer):
    """torch.optim.Adam (amsgrad, maximize). foreach/capturable/differentiable/fused are
    accepted for compatibility: every deepseek step is already a fused multi-tensor kernel."""

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None):
        _check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                                      capturable=capturable, differentiable=differentiable,
                                      fused=fused))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = _params_with_grad(group)
            if not params:
                continue
            amsgrad = group["amsgrad"]
            exp_avg, exp_avg_sq, vmax, steps = [], [], [], []
            for p in params:
                st = self.state[p]
                if "exp_avg" not in st:
                    st["exp_avg"] = zeros_like(p)
                    st["exp_avg_sq"] = zeros_like(p)
                if amsgrad and "max_exp_avg_sq" not in st:
                    st["max_exp_avg_sq"] = zeros_like(p)
                steps.append(_bump_step(st))
                exp_avg.append(st["exp_avg"])
                exp_avg_sq.append(st["exp_avg_sq"])
                vmax.append(st["max_exp_avg_sq"] if amsgrad else None)
            beta1, beta2 = group["betas"]
            _C._adam_step(params, grads, exp_avg, exp_avg_sq, vmax, steps, group["lr"], beta1,
                          beta2, group["eps"], group["weight_decay"], amsgrad, group["maximize"],
                          self._decoupled)
        return loss


class AdamW(Adam):
    """torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2)."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                         capturable=capturable, differentiable=differentiable, fused=fused)
