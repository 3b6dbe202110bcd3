"""deepseek.special: torch.special's names for the functions deepseek has."""
from deepseek import _C
from deepseek._functional import logit, sinc, xlogy

__all__ = ["expit", "logit", "erf", "exp2", "expm1", "log1p", "logsumexp", "log_softmax",
           "softmax", "sinc", "xlogy", "round"]

expit = _C.sigmoid
erf = _C.erf
exp2 = _C.exp2
expm1 = _C.expm1
log1p = _C.log1p
logsumexp = _C.logsumexp
round = _C.round


def softmax(input, dim, *, dtype=None):
    return _C.softmax(input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    return _C.log_softmax(input, dim, dtype)


_ = (logit, sinc, xlogy)  # re-exported
