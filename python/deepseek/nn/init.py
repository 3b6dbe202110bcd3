"""nn.init: in-place parameter initializers with PyTorch's formulas and fan rules.

Every initializer runs under no_grad, writes into the given tensor and returns it.
Random draws come from deepseek's generator, so deepseek.manual_seed makes them
reproducible.
"""
import math
import warnings

import numpy as np

from deepseek import _C
from deepseek.autograd.grad_mode import no_grad

_LINEAR_LIKE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    """The gain that keeps activations' variance stable through `nonlinearity`."""
    if nonlinearity in _LINEAR_LIKE or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """fan_in = size(1) * receptive field, fan_out = size(0) * receptive field."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    receptive_field = 1
    for s in tensor.shape[2:]:
        receptive_field *= s
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0):
    with no_grad():
        return tensor.uniform_(a, b)


def normal_(tensor, mean=0.0, std=1.0):
    with no_grad():
        return tensor.normal_(mean, std)


def constant_(tensor, val):
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    with no_grad():
        return tensor.zero_()


def eye_(tensor):
    """Identity matrix into a 2-D tensor (ones on the main diagonal)."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    with no_grad():
        tensor.zero_()
        for i in range(min(rows, cols)):
            tensor[i, i] = 1
    return tensor


def dirac_(tensor, groups=1):
    """A convolution weight [out, in, *k] that passes its input through: channel i of each
    group copies input channel i at the kernel's centre (PyTorch's dirac_)."""
    if tensor.dim() not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_channels = tensor.shape[0]
    if out_channels % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = out_channels // groups
    count = min(per_group, tensor.shape[1])
    centre = tuple(k // 2 for k in tensor.shape[2:])
    with no_grad():
        tensor.zero_()
        for g in range(groups):
            for d in range(count):
                tensor[(g * per_group + d, d) + centre] = 1
    return tensor


def sparse_(tensor, sparsity, std=0.01):
    """A 2-D tensor drawn from N(0, std) with ceil(sparsity * rows) zeros in each column."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    zeros_per_column = int(math.ceil(sparsity * rows))
    with no_grad():
        tensor.normal_(0, std)
        for col in range(cols):
            for row in _C.randperm(rows)[:zeros_per_column].tolist():
                tensor[row, col] = 0
    return tensor


def xavier_uniform_(tensor, gain=1.0):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))


def _normal_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def _erfinv(y):
    """Inverse error function of a float64 tensor with values in (-1, 1).

    deepseek has no erfinv kernel yet: start from Winitzki's closed-form approximation
    (relative error < 2e-3) and polish with Newton steps on erf(x) - y, which converge
    quadratically to float64 precision in a few iterations.
    """
    a = 0.147
    log_term = (1.0 - y * y).log()
    first = 2.0 / (math.pi * a) + log_term / 2.0
    x = y.sign() * ((first * first - log_term / a).sqrt() - first).sqrt()
    two_over_sqrt_pi = 2.0 / math.sqrt(math.pi)
    for _ in range(4):
        x = x - (x.erf() - y) / (two_over_sqrt_pi * (-(x * x)).exp())
    return x


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    """Normal(mean, std) truncated to [a, b], by inverting the CDF of a uniform draw."""
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    with no_grad():
        lo = _normal_cdf((a - mean) / std)
        hi = _normal_cdf((b - mean) / std)
        u = _C._empty(list(tensor.shape), _C.float64, tensor.device, False)
        u.uniform_(2 * lo - 1, 2 * hi - 1)
        values = _erfinv(u) * (std * math.sqrt(2.0)) + mean
        return tensor.copy_(values.clamp(a, b))


def orthogonal_(tensor, gain=1):
    """A (semi-)orthogonal matrix (rows or columns orthonormal), scaled by gain.

    The QR factorization of a Gaussian matrix is computed with numpy's LAPACK-backed
    np.linalg.qr in float64 (deepseek has no QR op); the Gaussian draw itself comes from
    deepseek's generator. Signs are fixed so that R has a positive diagonal, which makes Q
    uniformly (Haar) distributed.
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    with no_grad():
        gaussian = _C._randn([rows, cols], _C.float64, None, False).numpy()
        if rows < cols:
            gaussian = gaussian.T
        q, r = np.linalg.qr(gaussian)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        q = np.ascontiguousarray(q * gain)
        values = _C.from_numpy(q).reshape(list(tensor.shape))
        return tensor.copy_(values.to(tensor.device))


# Deprecated PyTorch aliases without the trailing underscore.
def _deprecated(new_fn):
    def old_fn(*args, **kwargs):
        warnings.warn(f"nn.init.{new_fn.__name__[:-1]} is now deprecated in favor of "
                      f"nn.init.{new_fn.__name__}.", stacklevel=2)
        return new_fn(*args, **kwargs)
    old_fn.__name__ = new_fn.__name__[:-1]
    return old_fn


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
