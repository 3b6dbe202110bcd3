"""deepseek.compile and deepseek.compiler: accepted for scripts written for torch 2.x.

deepseek runs every op eagerly and has no graph compiler: compile() returns the module or
function it is given, unchanged, so results are exactly those of eager execution (and no
faster). The torch.compiler helpers below are the identities they reduce to without a
compiler.
"""
import functools

__all__ = ["compile", "reset", "disable", "is_compiling", "is_dynamo_compiling",
           "allow_in_graph", "assume_constant_result"]


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, disable=False):
    """Returns `model` (an nn.Module or a callable) itself: there is no graph compilation.

    Called without a model, returns a decorator, as torch.compile does.
    """
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic,
                                 backend=backend, mode=mode, options=options, disable=disable)
    if not callable(model):
        raise RuntimeError(f"compile: expected an nn.Module or a callable, got "
                           f"{type(model).__name__}")
    return model


def reset():
    """Clears compilation caches: there are none."""


def disable(fn=None, recursive=True, *, reason=None):
    """Excludes `fn` from compilation, which never happens: returns `fn` (or, without one,
    a decorator that does)."""
    if fn is None:
        return lambda f: f
    return fn


def is_compiling():
    """False: code never runs under a compiler in deepseek."""
    return False


is_dynamo_compiling = is_compiling


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn
