"""deepseek.backends.cudnn: the cuDNN switches scripts set, kept as plain attributes.

deepseek does not use cuDNN (its CUDA convolutions are its own kernels), so
is_available() is False and version() is None. enabled, benchmark, deterministic and
allow_tf32 hold what a script sets (PyTorch's defaults: True, False, False, True) and
change nothing: deepseek never picks algorithms by benchmarking and never runs
convolutions in TF32.
"""
import contextlib

__all__ = ["is_available", "version", "flags", "enabled", "benchmark", "deterministic",
           "allow_tf32", "benchmark_limit"]

enabled = True
benchmark = False
benchmark_limit = 10
deterministic = False
allow_tf32 = True


def is_available():
    """False: deepseek does not use cuDNN."""
    return False


def version():
    """None, as torch answers where cuDNN is unavailable."""
    return None


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True):
    """Sets the attributes inside the block and restores them after it."""
    module = globals()
    names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
    saved = {name: module[name] for name in names}
    module.update(enabled=enabled, benchmark=benchmark, benchmark_limit=benchmark_limit,
                  deterministic=deterministic, allow_tf32=allow_tf32)
    try:
        yield
    finally:
        module.update(saved)
