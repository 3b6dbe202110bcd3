"""Gradient clipping by total norm or by value (in place on .grad).

The math lives in C++ (deepseek::nn::utils, include/deepseek/nn/utils.h), shared with the
C++ API; these functions normalise the arguments.
"""
from deepseek import _C
from deepseek._C import Tensor


def _parameter_list(parameters):
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scales all gradients together so that their joint norm is at most max_norm.

    The norm is computed over the per-gradient norms (as if all gradients were one vector).
    Returns the total norm before clipping, as a 0-dim tensor.
    """
    return _C._nn.clip_grad_norm_(_parameter_list(parameters), float(max_norm),
                                  float(norm_type), bool(error_if_nonfinite))


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps every gradient element into [-clip_value, clip_value]."""
    _C._nn.clip_grad_value_(_parameter_list(parameters), float(clip_value))
