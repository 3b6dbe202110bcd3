"""deepseek.backends.mps: Apple's Metal backend does not exist in deepseek."""

__all__ = ["is_available", "is_built"]


def is_available():
    return False


def is_built():
    return False
