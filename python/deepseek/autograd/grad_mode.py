"""Context managers (and decorators) that switch gradient recording."""
import functools

from deepseek import _C


class _GradModeContext:
    enabled = True

    def __enter__(self):
        self._prev = _C.is_grad_enabled()
        _C._set_grad_enabled(self.enabled)
        return self

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeContext):
    enabled = False


class enable_grad(_GradModeContext):
    enabled = True


class inference_mode(_GradModeContext):
    """Like no_grad (deepseek has no separate inference tensors)."""

    def __init__(self, mode=True):
        self.enabled = not mode

    def __call__(self, fn):
        if not callable(fn):
            return inference_mode(fn)
        mode = not self.enabled

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)
        return wrapper


class set_grad_enabled:
    """Usable as a function (sets the mode now) or as a context manager (restores on exit)."""

    def __init__(self, mode):
        self._prev = _C.is_grad_enabled()
        self._mode = bool(mode)
        _C._set_grad_enabled(self._mode)

    def __call__(self, fn):
        """As a decorator: the mode applies inside fn only (decorating undoes the switch)."""
        _C._set_grad_enabled(self._prev)
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev)
        return False
