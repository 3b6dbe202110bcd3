"""Activation checkpointing: torch.utils.checkpoint.checkpoint and checkpoint_sequential.

checkpoint(fn, *args) runs fn without recording a graph, so none of its intermediate
activations are kept; backward runs fn again, this time recording, and differentiates that.
Memory drops from every activation inside fn to fn's inputs; the price is one more forward
through fn. The random-number state at the first run is restored for the second
(preserve_rng_state=True), so dropout inside fn drops the same elements both times.

Both of PyTorch's variants are accepted (use_reentrant=True or False); they compute the
same gradients here. Gradients of parameters used inside fn are accumulated into their
.grad during the backward of the recomputed part, as with PyTorch's reentrant variant, so
checkpointed code works with backward() (not with autograd.grad on those parameters).
"""
import functools
import warnings

from deepseek import _C
from deepseek.autograd import Function
from deepseek.autograd.grad_mode import enable_grad, no_grad
from deepseek.random import get_rng_state, set_rng_state

__all__ = ["checkpoint", "checkpoint_sequential"]


class _Checkpoint(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.rng_state = get_rng_state() if preserve_rng_state else None
        # Tensors are saved (so in-place changes to them are caught); other arguments kept.
        ctx.tensor_positions = [i for i, a in enumerate(args) if isinstance(a, _C.Tensor)]
        ctx.other_args = [None if isinstance(a, _C.Tensor) else a for a in args]
        ctx.save_for_backward(*[args[i] for i in ctx.tensor_positions])
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grad_outputs):
        args = list(ctx.other_args)
        for position, saved in zip(ctx.tensor_positions, ctx.saved_tensors):
            detached = saved.detach()
            detached.requires_grad_(saved.requires_grad)
            args[position] = detached
        state_after = get_rng_state()
        if ctx.rng_state is not None:
            set_rng_state(ctx.rng_state)
        try:
            with enable_grad():
                outputs = ctx.run_function(*args)
        finally:
            set_rng_state(state_after)
        if isinstance(outputs, _C.Tensor):
            outputs = (outputs,)
        roots, grads = [], []
        for output, grad in zip(outputs, grad_outputs):
            if isinstance(output, _C.Tensor) and output.requires_grad and grad is not None:
                roots.append(output)
                grads.append(grad)
        if not roots:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is "
                               "not necessary")
        _C._backward(roots, grads, False, False, None)
        input_grads = tuple(a.grad if isinstance(a, _C.Tensor) else None for a in args)
        return (None, None) + input_grads


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check=None,
               debug=None, preserve_rng_state=True, **kwargs):
    """function(*args, **kwargs), keeping none of its activations for backward (see the
    module docstring). context_fn, determinism_check and debug are accepted for PyTorch's
    signature; only their defaults are supported."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed "
                      "explicitly. Both values compute the same gradients in deepseek.",
                      stacklevel=2)
    if context_fn is not None:
        raise NotImplementedError("checkpoint(): context_fn is not supported")
    if kwargs:
        function = functools.partial(function, **kwargs)
    return _Checkpoint.apply(function, preserve_rng_state, *args)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Runs a Sequential (or a list of modules) in `segments` checkpointed chunks; the last
    chunk runs normally, since its activations are needed at once for backward."""
    if isinstance(functions, _C.Tensor) or not hasattr(functions, "__iter__"):
        raise TypeError("checkpoint_sequential: functions must be a Sequential or a list")
    functions = list(functions.children()) if hasattr(functions, "children") else list(
        functions)
    if segments < 1:
        raise ValueError(f"checkpoint_sequential: segments must be >= 1, got {segments}")
    per_segment = max(1, len(functions) // segments)

    def run(start, end):
        def forward(x):
            for layer in functions[start:end]:
                x = layer(x)
            return x
        return forward

    end = 0
    for start in range(0, per_segment * (segments - 1), per_segment):
        end = min(start + per_segment, len(functions))
        input = checkpoint(run(start, end), input,
                           use_reentrant=True if use_reentrant is None else use_reentrant,
                           **kwargs)
    return run(end, len(functions))(input)
