"""autocast: deepseek has no automatic mixed precision yet.

autocast(..., enabled=False) works as PyTorch's does, as a context manager and as a
decorator that changes nothing, so scripts that switch autocast off by a flag run
unchanged. autocast(..., enabled=True) raises NotImplementedError rather than silently
running in float32 where the script expects float16/bfloat16 results: cast the model with
.to(dtype) or run in float32. One exception mirrors PyTorch: asking for CUDA autocast where
CUDA is not available warns and disables it (torch does exactly that), so it is a no-op
there as well.

custom_fwd/custom_bwd, which only change what happens inside an enabled autocast region,
therefore return the function they decorate unchanged.
"""
import functools
import warnings

from deepseek import _C

__all__ = ["autocast", "is_autocast_available", "custom_fwd", "custom_bwd"]

_NOT_IMPLEMENTED = ("deepseek has no autocast yet; run in float32 or cast the model with "
                    ".to(dtype)")
_DEVICE_TYPES = ("cpu", "cuda")
_DEFAULT_DTYPES = {"cpu": _C.bfloat16, "cuda": _C.float16}


def is_autocast_available(device_type):
    """False for every device: deepseek cannot autocast yet."""
    return False


class autocast:
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)."""

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
        self.fast_dtype = _DEFAULT_DTYPES[device_type] if dtype is None else dtype
        self._cache_enabled = cache_enabled
        self._enabled = bool(enabled)
        if self._enabled and device_type == "cuda" and not _cuda_available():
            warnings.warn("User provided device_type of 'cuda', but CUDA is not available. "
                          "Disabling")
            self._enabled = False
        if self._enabled:
            raise NotImplementedError(_NOT_IMPLEMENTED)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def run_in_region(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return run_in_region


def _cuda_available():
    return _C._cuda.device_count() > 0


def custom_fwd(fwd=None, *, device_type="cuda", cast_inputs=None):
    """Returns the forward unchanged: its casts apply only inside an enabled autocast region,
    which deepseek never has."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    return fwd


def custom_bwd(bwd=None, *, device_type="cuda"):
    """Returns the backward unchanged (see custom_fwd)."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd
