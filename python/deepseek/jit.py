"""torch.jit, as far as eager deepseek can honour it: script and trace return the function
or module unchanged (it runs eagerly, as torch.compile's stand-in does), the annotations
are identities, and saving or loading TorchScript raises."""
__all__ = ["script", "trace", "trace_module", "ignore", "unused", "export", "annotate",
           "is_scripting", "is_tracing", "Final", "save", "load", "ScriptModule",
           "fork", "wait"]


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    return obj


def trace(func, example_inputs=None, *args, **kwargs):
    return func


def trace_module(mod, inputs, *args, **kwargs):
    return mod


def ignore(drop=False, **kwargs):
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def annotate(the_type, the_value):
    return the_value


def is_scripting():
    return False


def is_tracing():
    return False


class _Future:
    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value


def fork(func, *args, **kwargs):
    """Runs func at once (there is no TorchScript interpreter to run it in parallel)."""
    return _Future(func(*args, **kwargs))


def wait(future):
    return future.wait()


try:
    from typing import Final  # noqa: F401  (torch.jit.Final is typing's)
except ImportError:  # pragma: no cover
    Final = None


class ScriptModule:
    """Never made here (script returns modules unchanged); kept for isinstance checks."""


def save(m, f, _extra_files=None):
    raise NotImplementedError("torch.jit.save: deepseek has no TorchScript; save the "
                              "state_dict (or the module) with deepseek.save")


def load(f, map_location=None, _extra_files=None):
    raise NotImplementedError("torch.jit.load: deepseek has no TorchScript; load a "
                              "deepseek.save checkpoint with deepseek.load")
