"""autocast: automatic mixed precision, as torch.autocast.

Inside `with autocast("cpu", dtype=bfloat16):` (or "cuda", float16 by default) the ops that
gain from lower precision (matrix products, linear, convolutions, attention) run in the
region's dtype and the ops that lose accuracy in it (losses; on CUDA also softmax,
layer/group norm, sums, exp/log/pow) in float32; every other op keeps its inputs' dtype.
The state lives in C++ (include/deepseek/amp/autocast.h: thread-local, per device type,
with the per-op policy table); this module is the torch-shaped front: the context manager
and decorator, the state queries (deepseek.is_autocast_enabled, get_autocast_dtype, ...)
and custom_fwd/custom_bwd for custom autograd Functions.

As in PyTorch, asking for CUDA autocast where CUDA is not available warns and disables it,
and an unsupported dtype warns and disables the region.
"""
import collections.abc
import functools
import warnings

from deepseek import _C

__all__ = [
    "autocast", "is_autocast_available", "custom_fwd", "custom_bwd",
    "is_autocast_enabled", "set_autocast_enabled", "is_autocast_cpu_enabled",
    "set_autocast_cpu_enabled", "get_autocast_dtype", "set_autocast_dtype",
    "get_autocast_cpu_dtype", "set_autocast_cpu_dtype", "get_autocast_gpu_dtype",
    "set_autocast_gpu_dtype", "autocast_increment_nesting", "autocast_decrement_nesting",
    "clear_autocast_cache", "is_autocast_cache_enabled", "set_autocast_cache_enabled",
]

_DEVICE_TYPES = ("cpu", "cuda")
_SUPPORTED_DTYPES = (_C.bfloat16, _C.float16)
_DTYPE_NAMES = "torch.bfloat16 and torch.float16"


def is_autocast_available(device_type):
    """Whether autocast exists for device_type ("cpu" and "cuda" do)."""
    return device_type in _DEVICE_TYPES


# ---- state queries, with torch's spellings (the single-argument forms mean CUDA, as in torch)

def is_autocast_enabled(device_type=None):
    """torch.is_autocast_enabled(): CUDA autocast; is_autocast_enabled(device_type) for any."""
    return _C._amp.is_enabled("cuda" if device_type is None else device_type)


def set_autocast_enabled(device_type, enabled=None):
    """set_autocast_enabled(enabled) (CUDA, torch 1.x) or set_autocast_enabled(device_type,
    enabled)."""
    if enabled is None:
        device_type, enabled = "cuda", device_type
    _C._amp.set_enabled(device_type, bool(enabled))


def is_autocast_cpu_enabled():
    return _C._amp.is_enabled("cpu")


def set_autocast_cpu_enabled(enabled):
    _C._amp.set_enabled("cpu", bool(enabled))


def get_autocast_dtype(device_type):
    return _C._amp.get_dtype(device_type)


def set_autocast_dtype(device_type, dtype):
    _C._amp.set_dtype(device_type, dtype)


def get_autocast_cpu_dtype():
    return _C._amp.get_dtype("cpu")


def set_autocast_cpu_dtype(dtype):
    _C._amp.set_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    return _C._amp.get_dtype("cuda")


def set_autocast_gpu_dtype(dtype):
    _C._amp.set_dtype("cuda", dtype)


def autocast_increment_nesting():
    return _C._amp.increment_nesting()


def autocast_decrement_nesting():
    return _C._amp.decrement_nesting()


def clear_autocast_cache():
    _C._amp.clear_cache()


def is_autocast_cache_enabled():
    return _C._amp.is_cache_enabled()


def set_autocast_cache_enabled(enabled):
    _C._amp.set_cache_enabled(bool(enabled))


# ---- the region

class autocast:
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None): a context
    manager, or a decorator that runs the function inside the region. Regions nest; leaving
    one restores the state it found. autocast(..., enabled=False) disables autocast inside an
    enabled region."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type not in _DEVICE_TYPES:
            raise RuntimeError(f"autocast: unsupported device_type '{device_type}'; expected "
                               f"one of {_DEVICE_TYPES}")
        if dtype is not None and not isinstance(dtype, _C.dtype):
            raise TypeError(f"autocast: dtype must be a deepseek dtype, got "
                            f"{type(dtype).__name__}")
        self.device = device_type
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = (is_autocast_cache_enabled() if cache_enabled is None
                               else bool(cache_enabled))
        enabled = bool(enabled)
        if enabled and device_type == "cuda" and not _cuda_available():
            warnings.warn("User provided device_type of 'cuda', but CUDA is not available. "
                          "Disabling")
            enabled = False
        if self.fast_dtype not in _SUPPORTED_DTYPES:
            if enabled:
                warnings.warn(f"In {device_type.upper()} autocast, but the target dtype is not "
                              f"supported. Disabling autocast.\n{device_type.upper()} Autocast "
                              f"only supports dtypes of {_DTYPE_NAMES} currently.")
            enabled = False
        elif (enabled and device_type == "cuda" and self.fast_dtype == _C.bfloat16
              and not _bf16_supported()):
            raise RuntimeError("Current CUDA Device does not support bfloat16. Please switch "
                               "dtype to float16.")
        self._enabled = enabled
        self._regions = []  # one per active __enter__ (a decorated function may recurse)

    def __enter__(self):
        dtype = self.fast_dtype if self.fast_dtype in _SUPPORTED_DTYPES else None
        region = _C._amp.Region(self.device, self._enabled, dtype, self._cache_enabled)
        region.enter()
        self._regions.append(region)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self._regions.pop().exit()
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def run_in_region(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return run_in_region


def _cuda_available():
    return _C._cuda.device_count() > 0


def _bf16_supported():
    from deepseek import cuda
    return cuda.is_bf16_supported()


# ---- custom autograd Functions

def _cast(value, device_type, dtype):
    """value with every floating (not float64) tensor on device_type cast to dtype, through
    lists, tuples and dicts."""
    if isinstance(value, _C.Tensor):
        eligible = (value.is_floating_point() and value.dtype != _C.float64
                    and value.device.type == device_type)
        return value.to(dtype) if eligible else value
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, collections.abc.Mapping):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, device_type, dtype) for v in value)
    return value


def custom_fwd(fwd=None, *, device_type="cuda", cast_inputs=None):
    """Decorator for a custom Function's forward (torch.amp.custom_fwd). With cast_inputs,
    inside an enabled region the floating device_type tensors among the arguments are cast
    to cast_inputs and forward runs with autocast disabled; otherwise forward runs under
    the current state. Either way custom_bwd later runs backward under the state forward
    saw."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            ctx._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        ctx._fwd_used_autocast = False
        if not is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)
        with autocast(device_type, enabled=False):
            return fwd(*_cast(args, device_type, cast_inputs),
                       **_cast(kwargs, device_type, cast_inputs))
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type="cuda"):
    """Decorator for a custom Function's backward (torch.amp.custom_bwd): runs it under the
    autocast state its forward (decorated with custom_fwd) ran under."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type, enabled=ctx._fwd_used_autocast, dtype=ctx._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
