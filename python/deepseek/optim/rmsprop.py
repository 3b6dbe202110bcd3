from deepseek import _C
from deepseek._factories import zeros_like
from deepseek.optim.optimizer import (
    Optimizer, _bump_step, _check_hyperparameters, _params_with_grad,
)


class RMSprop(Optimizer):
    """torch.optim.RMSprop (momentum, centered, maximize)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, foreach=None, maximize=False, differentiable=False):
        _check_hyperparameters(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay,
                               alpha=alpha)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            params, grads = _params_with_grad(group)
            if not params:
                continue
            sq, ga, mb = [], [], []
            for p in params:
                st = self.state[p]
                _bump_step(st)
                if "square_avg" not in st:
                    st["square_avg"] = zeros_like(p)
                if group["momentum"] > 0 and "momentum_buffer" not in st:
                    st["momentum_buffer"] = zeros_like(p)
                if group["centered"] and "grad_avg" not in st:
                    st["grad_avg"] = zeros_like(p)
                sq.append(st["square_avg"])
                ga.append(st.get("grad_avg") if group["centered"] else None)
                mb.append(st.get("momentum_buffer") if group["momentum"] > 0 else None)
            _C._rmsprop_step(params, grads, sq, ga, mb, group["lr"], group["alpha"], group["eps"],
                             group["weight_decay"], group["momentum"], group["centered"],
                             group["maximize"])
        return loss
