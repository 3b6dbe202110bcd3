"""Shared helpers of deepseek.distributions: parameters as broadcast tensors, probabilities
and logits."""
import numbers

from deepseek import _C


def as_tensors(*values):
    """The parameters as tensors of one dtype, broadcast to one shape (numbers take the dtype
    of the tensors given, else the default dtype)."""
    tensors = [v for v in values if isinstance(v, _C.Tensor)]
    dtype = tensors[0].dtype if tensors else _C.get_default_dtype()
    for t in tensors[1:]:
        dtype = _C.promote_types(dtype, t.dtype)
    if not dtype.is_floating_point:
        dtype = _C.get_default_dtype()
    device = tensors[0].device if tensors else None
    out = []
    for v in values:
        if isinstance(v, numbers.Number):
            from deepseek._factories import tensor
            v = tensor(float(v), dtype=dtype, device=device)
        elif v.dtype != dtype:
            v = v.to(dtype)
        out.append(v)
    from deepseek._functional import broadcast_tensors
    return broadcast_tensors(*out)


def logits_to_probs(logits, is_binary=False):
    return _C.sigmoid(logits) if is_binary else _C.softmax(logits, -1, None)


def probs_to_logits(probs, is_binary=False):
    eps = 1.1920928955078125e-07 if probs.dtype != _C.float64 else 2.220446049250313e-16
    clamped = _C.clamp(probs, eps, 1 - eps)
    if is_binary:
        return _C.log(clamped) - _C.log1p(-clamped)
    return _C.log(clamped)
