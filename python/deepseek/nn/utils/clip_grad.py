"""Gradient clipping by total norm or by value (in place on .grad)."""
import math

from deepseek import _C
from deepseek._C import Tensor
from deepseek.autograd.grad_mode import no_grad


def _grads_of(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scales all gradients together so that their joint norm is at most max_norm.

    The norm is computed over the per-gradient norms (as if all gradients were one vector).
    Returns the total norm before clipping, as a 0-dim tensor.
    """
    grads = _grads_of(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if not grads:
        return _C._full([], 0.0, None, None, False)
    device = grads[0].device
    with no_grad():
        if norm_type == math.inf:
            norms = [g.abs().amax().to(device) for g in grads]
            total_norm = norms[0] if len(norms) == 1 else _C.stack(norms).amax()
        else:
            norms = [_C.norm(g, norm_type).to(device) for g in grads]
            total_norm = _C.norm(_C.stack(norms), norm_type)
        if error_if_nonfinite and _C.logical_or(total_norm.isnan(), total_norm.isinf()).item():
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
        clip_coef = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(clip_coef.to(g.device, g.dtype))
    return total_norm


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps every gradient element into [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads_of(parameters):
            g.clamp_(-clip_value, clip_value)
