"""Factory functions with PyTorch's flexible signatures, over deepseek._C."""
import builtins

from deepseek import _C
from deepseek._C import Tensor
from deepseek._size import Size


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
    return _C._rand(_size(size, kw.get("size")), dtype, _device(device), requires_grad, generator)


def randn(*size, generator=None, out=None, dtype=None, device=None, requires_grad=False, **kw):
    return _C._randn(_size(size, kw.get("size")), dtype, _device(device), requires_grad,
                     generator)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, device=None,
            requires_grad=False):
    """randint(high, size) or randint(low, high, size), as torch.randint."""
    if size is None and high is not None and not isinstance(high, builtins.int):
        low, high, size = 0, low, high  # randint(high, size)
    elif high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    return _C._randint(low, high, _size((size,), None), dtype, _device(device), requires_grad,
                       generator)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, device=None,
           requires_grad=False):
    """normal(mean, std) with tensor and/or number arguments (numbers broadcast as in torch),
    or normal(mean, std, size) with numbers, drawing a new tensor of that size."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None:
            raise TypeError("normal(): size is only accepted with number mean and std")
        mean = mean if isinstance(mean, Tensor) else _C._wrapped_scalar(float(mean))
        std = std if isinstance(std, Tensor) else _C._wrapped_scalar(float(std))
        return _C._normal(mean, std, generator)
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments: with number "
                        "mean and std, size is required")
    t = empty(size, dtype=dtype, device=device)
    _C._normal_(t, float(mean), float(std), generator)
    if requires_grad:
        t.requires_grad_(True)
    return t


def meshgrid(*tensors, indexing=None):
    """meshgrid(a, b, ...) or meshgrid([a, b, ...]); indexing 'ij' (the default) or 'xy'."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    return _C._meshgrid(list(tensors), "ij" if indexing is None else indexing)


def _like(fn, input, dtype, device, requires_grad, *extra):
    return fn(list(input.shape), *extra, dtype or input.dtype,
              _device(device) or input.device, requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(_C._empty, input, dtype, device, requires_grad)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(_C._zeros, input, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _like(_C._ones, input, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False,
              memory_format=None):
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


# ---- legacy typed constructors: torch.FloatTensor(2, 3), torch.LongTensor([1, 2]) ----

class _LegacyTensorType(type):
    """torch.FloatTensor and friends: calling one builds a tensor of its dtype (sizes or
    data, as PyTorch accepts), and isinstance(t, FloatTensor) checks a CPU tensor's dtype."""

    def __call__(cls, *args, device=None):
        if not args:
            return empty(0, dtype=cls.dtype, device=device)
        if len(args) == 1 and not isinstance(args[0], (builtins.int, Size)):
            return tensor(args[0], dtype=cls.dtype, device=device)
        return empty(*args, dtype=cls.dtype, device=device)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.device.type == "cpu"

    def __repr__(cls):
        return f"<class 'deepseek.{cls.__name__}'>"


LEGACY_TYPE_NAMES = {
    _C.float32: "FloatTensor", _C.float64: "DoubleTensor", _C.float16: "HalfTensor",
    _C.bfloat16: "BFloat16Tensor", _C.int64: "LongTensor", _C.int32: "IntTensor",
    _C.int16: "ShortTensor", _C.int8: "CharTensor", _C.uint8: "ByteTensor", _C.bool: "BoolTensor",
}
_LEGACY_TYPES = {name: _LegacyTensorType(name, (), {"dtype": dtype})
                 for dtype, name in LEGACY_TYPE_NAMES.items()}
FloatTensor = _LEGACY_TYPES["FloatTensor"]
DoubleTensor = _LEGACY_TYPES["DoubleTensor"]
HalfTensor = _LEGACY_TYPES["HalfTensor"]
BFloat16Tensor = _LEGACY_TYPES["BFloat16Tensor"]
LongTensor = _LEGACY_TYPES["LongTensor"]
IntTensor = _LEGACY_TYPES["IntTensor"]
ShortTensor = _LEGACY_TYPES["ShortTensor"]
CharTensor = _LEGACY_TYPES["CharTensor"]
ByteTensor = _LEGACY_TYPES["ByteTensor"]
BoolTensor = _LEGACY_TYPES["BoolTensor"]


def legacy_type_dtype(name):
    """'torch.cuda.FloatTensor' / 'FloatTensor' -> (float32, is_cuda); ValueError otherwise."""
    short = name.rsplit(".", 1)[-1]
    if short not in _LEGACY_TYPES:
        raise ValueError(f"invalid type: '{name}'")
    return _LEGACY_TYPES[short].dtype, ".cuda." in name


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False, **kw):
    """Uninitialised memory viewed with the given sizes and strides."""
    size, stride = [int(s) for s in size], [int(s) for s in stride]
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape ({len(stride)} vs "
                           f"{len(size)})")
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    base = _C._empty([extent], dtype, _device(device), False)
    out = base.as_strided(size, stride)
    return out.requires_grad_() if requires_grad else out


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor sharing the memory of an object with the buffer protocol."""
    import numpy as np
    name = str(dtype).rpartition(".")[2]
    array = np.frombuffer(buffer, dtype=np.dtype(name), count=count, offset=offset)
    out = _C.from_numpy(array)
    return out.requires_grad_() if requires_grad else out
