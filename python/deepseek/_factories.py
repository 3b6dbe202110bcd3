"""Factory functions with PyTorch's flexible signatures, over deepseek._C."""
import builtins

from deepseek import _C
from deepseek._C import Tensor


def _size(args, kwargs_size):
    """zeros(2, 3), zeros((2, 3)), zeros([2, 3]), zeros(size=(2, 3)) -> [2, 3]."""
    if kwargs_size is not None:
        return list(kwargs_size)
    if len(args) == 1 and not isinstance(args[0], builtins.int) and hasattr(args[0], "__iter__"):
        return [builtins.int(s) for s in args[0]]
    for a in args:
        if not isinstance(a, builtins.int) and not hasattr(a, "__index__"):
            raise TypeError(f"expected a sequence of ints as the size, got {type(a).__name__}")
    return [builtins.int(a) for a in args]


def _device(device):
    return None if device is None else _C.device(device) if isinstance(device, str) else device


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    if isinstance(data, Tensor):
        t = data.detach().clone()
        if dtype is not None or device is not None:
            t = t.to(device=device, dtype=dtype)
    else:
        t = _C._tensor(data, dtype)
        if device is not None:
            t = t.to(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype or device) else data
    return tensor(data, dtype=dtype, device=device)


def empty(*size, out=None, dtype=None, device=None, requires_grad=False, size_=None, **kw):
    return _C._empty(_size(size, kw.get("size")), dtype, _device(device), requires_grad)


def zeros(*size, out=None, dtype=None, device=None, requires_grad=False, **kw):
    return _C._zeros(_size(size, kw.get("size")), dtype, _device(device), requires_grad)


def ones(*size, out=None, dtype=None, device=None, requires_grad=False, **kw):
    return _C._ones(_size(size, kw.get("size")), dtype, _device(device), requires_grad)


def full(size, fill_value, *, out=None, dtype=None, device=None, requires_grad=False):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _C._full(_size((size,), None), fill_value, dtype, _device(device), requires_grad)


def arange(start, end=None, step=1, *, out=None, dtype=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    return _C._arange(*vals, dtype, _device(device), requires_grad)


def rand(*size, generator=None, out=None, dtype=None, device=None, requires_grad=False, **kw):
    return _C._rand(_size(size, kw.get("size")), dtype, _device(device), requires_grad)


def randn(*size, generator=None, out=None, dtype=None, device=None, requires_grad=False, **kw):
    return _C._randn(_size(size, kw.get("size")), dtype, _device(device), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, device=None,
            requires_grad=False):
    """randint(high, size) or randint(low, high, size), as torch.randint."""
    if size is None and high is not None and not isinstance(high, builtins.int):
        low, high, size = 0, low, high  # randint(high, size)
    elif high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    return _C._randint(low, high, _size((size,), None), dtype, _device(device), requires_grad)


def _like(fn, input, dtype, device, requires_grad, *extra):
    return fn(list(input.shape), *extra, dtype or input.dtype,
              _device(device) or input.device, requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(_C._empty, input, dtype, device, requires_grad)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(_C._zeros, input, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(_C._ones, input, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _C._full(list(input.shape), fill_value, dtype or input.dtype,
                    _device(device) or input.device, requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(_C._rand, input, dtype, device, requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(_C._randn, input, dtype, device, requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    return _C._randint(low, high, list(input.shape), dtype or input.dtype,
                       _device(device) or input.device, requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return _C._full([], s, dtype or _C.get_default_dtype(), _device(device), requires_grad)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def numel(input):
    return input.numel()
