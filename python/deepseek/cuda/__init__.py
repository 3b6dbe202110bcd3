"""deepseek.cuda: the CUDA device, as torch.cuda presents it.

Every function works on any machine: without a GPU, without a driver, or in a build of
deepseek without the CUDA backend, is_available() is False, the counts and memory
statistics are 0, and synchronize() and empty_cache() do nothing.

Memory statistics come from deepseek's caching allocator (see
include/deepseek/backend/cuda/caching_allocator.h). They count block sizes (requests
rounded up to 512 bytes) and are summed over devices: the `device` arguments are accepted
for PyTorch compatibility.

deepseek allocates CUDA memory on the current device; a process that works on cuda:N calls
set_device(N) first, as one-process-per-GPU training scripts do.
"""
from deepseek import _C

_impl = _C._cuda

__all__ = [
    "is_available", "device_count", "current_device", "set_device", "get_device_name",
    "synchronize", "memory_allocated", "max_memory_allocated", "memory_reserved",
    "max_memory_reserved", "memory_stats", "empty_cache", "reset_peak_memory_stats",
    "manual_seed", "manual_seed_all", "is_bf16_supported", "amp", "get_device_capability",
    "get_device_properties",
]


def is_available():
    """True when deepseek was built with CUDA and a device is usable."""
    return _impl.device_count() > 0


def device_count():
    return _impl.device_count()


def _unavailable_reason():
    """Why is_available() is False ("" when it is True)."""
    return _impl.unavailable_reason()


def current_device():
    return _impl.current_device() if is_available() else 0


def set_device(device):
    index = _device_index(device)
    if index < 0:  # PyTorch: a negative index is a no-op
        return
    if not is_available():
        raise RuntimeError(f"set_device({index}): no CUDA device is available "
                           f"({_unavailable_reason()})")
    _impl.set_device(index)


class _CudaDeviceProperties:
    """What torch.cuda.get_device_properties returns: name, major, minor (the compute
    capability), total_memory (bytes) and multi_processor_count."""

    def __init__(self, name, major, minor, total_memory, multi_processor_count):
        self.name, self.major, self.minor = name, major, minor
        self.total_memory, self.multi_processor_count = total_memory, multi_processor_count

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, "
                f"minor={self.minor}, total_memory={self.total_memory // (1024 * 1024)}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def _properties(device, what):
    if not is_available():
        raise RuntimeError(f"{what}: no CUDA device is available ({_unavailable_reason()})")
    index = _device_index(device)
    return _CudaDeviceProperties(*_impl.device_properties(current_device() if index < 0
                                                          else index))


def get_device_properties(device=None):
    return _properties(device, "get_device_properties")


def get_device_name(device=None):
    return _properties(device, "get_device_name").name


def get_device_capability(device=None):
    """(major, minor) compute capability of the device, e.g. (9, 0) on an H100."""
    props = _properties(device, "get_device_capability")
    return props.major, props.minor


def synchronize(device=None):
    """Waits for every kernel queued on the current device; a no-op without CUDA."""
    if is_available():
        _impl.synchronize()


def memory_stats(device=None):
    return dict(_impl.memory_stats())


def memory_allocated(device=None):
    """Bytes held by live CUDA tensors."""
    return _impl.memory_stats()["allocated_bytes"]


def max_memory_allocated(device=None):
    """Peak of memory_allocated() since start or the last reset_peak_memory_stats()."""
    return _impl.memory_stats()["peak_bytes"]


def memory_reserved(device=None):
    """Bytes the caching allocator holds from the driver (live tensors plus its cache)."""
    return _impl.memory_stats()["reserved_bytes"]


def max_memory_reserved(device=None):
    # The allocator keeps no separate reserved peak yet; reserved memory only grows until
    # empty_cache(), so the current value is a lower bound. Kept for API compatibility.
    return memory_reserved(device)


def empty_cache():
    """Returns cached, unused CUDA memory to the driver (live tensors are untouched)."""
    _impl.empty_cache()


def reset_peak_memory_stats(device=None):
    _impl.reset_peak_memory_stats()


def manual_seed(seed):
    """Seeds the generator CUDA random ops draw from (one generator serves every device)."""
    _C.manual_seed(int(seed))


def manual_seed_all(seed):
    _C.manual_seed(int(seed))


def _device_index(device):
    if device is None:
        return -1
    if isinstance(device, int):
        return device
    if isinstance(device, str):
        device = _C.device(device)
    if device.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {device}")
    return device.index if device.index is not None else -1


# ---- random state: CUDA random ops draw from the one Philox generator every device shares,
# so these read and write deepseek's default generator (its state is device-independent).

def get_rng_state(device="cuda"):
    return _C.get_rng_state()


def get_rng_state_all():
    return [_C.get_rng_state() for _ in range(max(device_count(), 1))]


def set_rng_state(new_state, device="cuda"):
    _C.set_rng_state(new_state)


def set_rng_state_all(new_states):
    for state in new_states:
        _C.set_rng_state(state)


def seed():
    _C.seed()


def seed_all():
    _C.seed()


def initial_seed():
    return _C.initial_seed()


def is_bf16_supported(including_emulation=True):
    """True where the current device computes in bfloat16 natively (compute capability 8.0,
    Ampere, or newer); False without a device. `including_emulation` is accepted for
    PyTorch compatibility: deepseek has no emulated bfloat16 on older devices."""
    if not is_available():
        return False
    return get_device_capability()[0] >= 8


from deepseek.cuda import amp  # noqa: E402,F401  (torch.cuda.amp; needs the functions above)
