"""deepseek.random: seeding and state of the default generator, as torch.random.

One Philox stream serves every device, so these also govern CUDA random ops.
"""
import contextlib

from deepseek import _C

default_generator = _C.default_generator


def manual_seed(seed):
    """Seeds the default generator; returns it."""
    return _C.manual_seed(seed)


def seed():
    """Seeds the default generator from the OS entropy pool; returns the seed."""
    return _C.seed()


def initial_seed():
    return _C.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return _C.get_rng_state()


def set_rng_state(new_state):
    _C.set_rng_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type="cuda"):
    """Restores the default generator's state on exit, so draws inside do not change the
    stream seen after. Every device shares the one generator, so `devices` and
    `device_type` (accepted for PyTorch's signature) need no handling."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
