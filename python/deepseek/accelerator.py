"""deepseek.accelerator: the device-agnostic accelerator API of torch >= 2.6.

deepseek has one accelerator, CUDA, so every function here delegates to deepseek.cuda.
As in PyTorch, current_accelerator() answers what the build supports (compile time):
device('cuda') in a build with the CUDA backend, None in a CPU-only build;
current_accelerator(check_available=True) and is_available() also ask whether a device is
usable right now.
"""
from deepseek import _C
from deepseek import cuda as _cuda

__all__ = [
    "current_accelerator", "current_device_index", "current_device_idx", "device_count",
    "device_index", "is_available", "set_device_index", "set_device_idx", "synchronize",
]


def _built():
    return bool(getattr(_C._cuda, "built", False))


def current_accelerator(check_available=False):
    """device('cuda') when deepseek was built with CUDA (and, with check_available=True, a
    device is usable); otherwise None. The device carries no index: current_device_index()
    gives it."""
    if not _built():
        return None
    if check_available and not is_available():
        return None
    return _C.device("cuda")


def is_available():
    """True when the accelerator was built and at least one device is usable."""
    return _built() and _cuda.is_available()


def device_count():
    """Number of usable accelerator devices; 0 when there are none."""
    return _cuda.device_count() if _built() else 0


def _require_device(what):
    if not is_available():
        raise RuntimeError(f"accelerator.{what}: Cannot access accelerator device when none is "
                           f"available ({_cuda._unavailable_reason()})")


def current_device_index():
    """Index of the current accelerator device; RuntimeError when there is none."""
    _require_device("current_device_index")
    return _cuda.current_device()


def set_device_index(device, /):
    """Makes `device` (an int, 'cuda:N' or a device) current; a negative index is a no-op."""
    index = _device_index(device)
    if index < 0:
        return
    _require_device("set_device_index")
    _cuda.set_device(index)


def synchronize(device=None, /):
    """Waits for all work queued on the accelerator; a no-op when there is none."""
    _device_index(device)  # validates the argument even where there is nothing to wait for
    _cuda.synchronize()


# The deprecated spellings of torch 2.6.
current_device_idx = current_device_index
set_device_idx = set_device_index


class device_index:
    """Context manager: makes device index `device` current inside the block and restores
    the previous one after it; None switches nothing."""

    def __init__(self, device, /):
        self.idx = device
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is not None:
            self.prev_idx = current_device_index()
            set_device_index(self.idx)

    def __exit__(self, *exc_info):
        if self.idx is not None:
            set_device_index(self.prev_idx)
        return False


def _device_index(device):
    """-1 for None, else the index of an int / str / device of the accelerator's type."""
    if device is None:
        return -1
    if isinstance(device, int) and not isinstance(device, bool):
        return device
    if isinstance(device, str):
        device = _C.device(device)
    if not isinstance(device, _C.device):
        raise TypeError(f"accelerator: expected a device, str or int, got "
                        f"{type(device).__name__}")
    if device.type != "cuda":
        raise ValueError(f"accelerator: {device} does not match the current accelerator "
                         "device type cuda")
    return -1 if device.index is None else device.index
