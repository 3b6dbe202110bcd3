"""Custom autograd Functions written in Python, as in torch.autograd.Function."""
from deepseek import _C
from deepseek._C import Tensor


class FunctionCtx:
    def __init__(self):
        self.to_save = ()
        self.needs_input_grad = ()
        self._non_differentiable = set()
        self.saved_tensors = ()

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        pass

    def set_materialize_grads(self, value):
        pass


class Function:
    """Subclass with static forward(ctx, *args) and backward(ctx, *grads), call .apply()."""

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with _C_no_grad():
            result = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(result, tuple)
        outputs = (result,) if single else result
        tensor_inputs = [a if isinstance(a, Tensor) else None for a in args]
        if _C.is_grad_enabled() and any(ctx.needs_input_grad):
            # An output that is one of the inputs gets a fresh alias, so the input keeps its graph.
            outputs = tuple(o.view_as(o) if isinstance(o, Tensor) and any(o is a for a in args) else o
                            for o in outputs)
            diff = [i for i, o in enumerate(outputs)
                    if isinstance(o, Tensor) and o.is_floating_point() and id(o) not in ctx._non_differentiable]
            n_out = len(outputs)

            def run_backward(grads, saved):
                ctx.saved_tensors = saved
                full = [None] * n_out
                for slot, g in zip(diff, grads):
                    full[slot] = g
                result = cls.backward(ctx, *full)
                return result if isinstance(result, tuple) else (result,)

            _C._record_function(cls.__name__, tensor_inputs, [outputs[i] for i in diff],
                                [t for t in ctx.to_save], run_backward)
        else:
            ctx.saved_tensors = ctx.to_save
        return outputs[0] if single else outputs


class _C_no_grad:
    def __enter__(self):
        self._prev = _C.is_grad_enabled()
        _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev)
