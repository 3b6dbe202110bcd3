"""Custom autograd Functions written in Python, as torch.autograd.Function.

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            y, = ctx.saved_tensors
            return grad * y

    y = Exp.apply(x)

forward runs with grad mode off; apply links its outputs to one graph node whose backward
calls the user's backward (the C++ side keeps the saved tensors, with version checks).
"""
import functools

from deepseek import _C
from deepseek._C import Tensor
from deepseek.autograd.grad_mode import no_grad


class FunctionCtx:
    """The `ctx` passed to forward and backward; user code may also set attributes on it."""

    def __init__(self):
        self.to_save = ()
        self.needs_input_grad = ()
        self.materialize_grads = True
        self._non_differentiable = set()
        self._dirty = set()
        self._saved_tensors = ()

    def save_for_backward(self, *tensors):
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save tensors or None, but argument "
                                f"{i} is a {type(t).__name__}")
        self.to_save = tensors

    @property
    def saved_tensors(self):
        return self._saved_tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        self._dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


def _check_dirty(name, output, inputs):
    if not any(output is a for a in inputs):
        raise RuntimeError(f"{name}: some tensors marked as dirty were not returned as outputs "
                           f"(mark_dirty only applies to inputs modified in place and returned)")
    if output.is_leaf and output.requires_grad:
        raise RuntimeError(f"{name}: a leaf Variable that requires grad has been used in an "
                           f"in-place operation.")
    if output._is_view:
        raise NotImplementedError(f"{name}: mark_dirty on a view is not supported; clone the "
                                  f"input before modifying it in place")


class Function:
    """Subclass with static forward(ctx, *args) and backward(ctx, *grads); call .apply()."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement the backward function for custom "
                                  "autograd.Function.")

    @classmethod
    def apply(cls, *args, **kwargs):
        name = cls.__name__ + "Backward"
        ctx = FunctionCtx()
        is_tensor = [isinstance(a, Tensor) for a in args]
        ctx.needs_input_grad = tuple(t and a.requires_grad for t, a in zip(is_tensor, args))
        executable = _C.is_grad_enabled() and any(ctx.needs_input_grad)
        with no_grad():
            result = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(result, tuple)
        outputs = (result,) if single else result
        if not executable:
            ctx._saved_tensors = tuple(ctx.to_save)
            return result

        linked = []
        for o in outputs:
            if not isinstance(o, Tensor):
                linked.append(o)
            elif id(o) in ctx._dirty:
                _check_dirty(name, o, args)
                linked.append(o)  # modified in place: its history now goes through this node
            elif any(o is a for a in args):
                with no_grad():
                    linked.append(o.view_as(o))  # a fresh alias, so the input keeps its graph
            else:
                linked.append(o)
        diff = [i for i, o in enumerate(linked)
                if isinstance(o, Tensor) and o.is_floating_point()
                and id(outputs[i]) not in ctx._non_differentiable]
        # Zero gradients for the outputs not linked to the node (built at backward time from
        # shapes only: holding the outputs here would be a reference cycle through C++).
        nondiff_like = {i: (tuple(o.shape), o.dtype, o.device) for i, o in enumerate(linked)
                        if isinstance(o, Tensor) and i not in diff}
        n_out, n_in = len(linked), len(args)

        def run_backward(grads, saved):
            ctx._saved_tensors = saved
            full = [None] * n_out
            for slot, g in zip(diff, grads):
                full[slot] = g
            if ctx.materialize_grads:
                from deepseek import zeros
                for slot, (shape, dtype, device) in nondiff_like.items():
                    full[slot] = zeros(shape, dtype=dtype, device=device)
            try:
                result = cls.backward(ctx, *full)
            finally:
                ctx._saved_tensors = ()
            result = result if isinstance(result, tuple) else (result,)
            if len(result) < n_in or any(g is not None for g in result[n_in:]):
                raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                                   f"(expected {n_in}, got {len(result)})")
            out = []
            for i, g in enumerate(result[:n_in]):
                if g is not None and not is_tensor[i]:
                    raise RuntimeError(f"function {name} returned a gradient different than None "
                                       f"at position {i + 1}, but the corresponding forward input "
                                       f"was not a Variable")
                if g is not None and not isinstance(g, Tensor):
                    raise TypeError(f"function {name} returned a {type(g).__name__} as the "
                                    f"gradient at position {i + 1}; expected a Tensor or None")
                out.append(g if ctx.needs_input_grad[i] else None)
            return out

        tensor_inputs = [a if t else None for a, t in zip(args, is_tensor)]
        to_save, ctx.to_save = list(ctx.to_save), ()
        _C._record_function(name, tensor_inputs, [linked[i] for i in diff], to_save,
                            run_backward, ctx.materialize_grads)
        return linked[0] if single else tuple(linked)


class _DoubleBackwardError(Function):
    """Stands between a once_differentiable backward's results and the tensors they came
    from (forward(n, *results, *sources) returns the n results), so differentiating them
    reaches this node and raises."""

    @staticmethod
    def forward(ctx, n, *tensors):
        return tensors[:n]

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable")


def once_differentiable(backward):
    """Decorates a Function.backward that is not itself differentiable: it runs without
    recording, and differentiating its results (create_graph=True) raises a clear error."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            result = backward(ctx, *grads)
        if not _C.is_grad_enabled():
            return result
        # Unlike PyTorch 1.13, saved tensors count as sources too: a double backward through
        # them must raise this function's error rather than "does not require grad".
        saved = getattr(ctx, "saved_tensors", ())
        sources = [t for t in (*grads, *saved) if isinstance(t, Tensor) and t.requires_grad]
        if not sources:
            return result
        single = not isinstance(result, tuple)
        items = list((result,) if single else result)
        present = [i for i, r in enumerate(items) if isinstance(r, Tensor)]
        guarded = _DoubleBackwardError.apply(len(present), *[items[i].detach() for i in present],
                                             *sources)
        guarded = guarded if isinstance(guarded, tuple) else (guarded,)
        for i, g in zip(present, guarded):
            items[i] = g
        return items[0] if single else tuple(items)

    return wrapper
