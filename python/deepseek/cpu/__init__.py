"""deepseek.cpu: torch.cpu's device queries (there is one CPU device) and its amp module."""
from deepseek.cpu import amp  # noqa: F401

__all__ = ["is_available", "device_count", "current_device", "synchronize", "amp"]


def is_available():
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def synchronize(device=None):
    """CPU ops complete before they return: there is nothing to wait for."""
