"""Module.register_full_backward_hook: hook(module, grad_input, grad_output) runs when the
gradients with respect to the module's tensor inputs are computed, and may replace them.

As in PyTorch, the module's tensor inputs and outputs pass through identity autograd
Functions: the one on the outputs records grad_output when backward reaches it, the one
on the inputs calls the hooks with both. When no input requires grad, the hooks run from
the outputs' side with grad_input all None."""
from deepseek import _C
from deepseek.autograd import Function


class _Pass(Function):
    """Identity on tensors whose backward hands the incoming gradients to `on_grads`, which
    may return replacements."""

    @staticmethod
    def forward(ctx, on_grads, *tensors):
        ctx.on_grads = on_grads
        return tuple(t.view_as(t) for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        replaced = ctx.on_grads(grads)
        return (None,) + tuple(grads if replaced is None else replaced)


class BackwardHookRun:
    """One forward call's bookkeeping between the outputs' and the inputs' backward."""

    def __init__(self, module, hooks):
        self.module, self.hooks = module, hooks
        self.grad_outputs = None
        self.n_inputs = self.n_tensor_inputs = 0
        self.tracked = []

    def _call_hooks(self, grad_input):
        for hook in self.hooks:
            result = hook(self.module, grad_input, self.grad_outputs)
            if result is None:
                continue
            result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            if len(result) != len(grad_input):
                raise RuntimeError(f"Backward hook returned an invalid number of grad_input, "
                                   f"got {len(result)}, but expected {len(grad_input)}")
            grad_input = result
        return grad_input

    def wrap_inputs(self, args):
        tensors = [i for i, a in enumerate(args) if isinstance(a, _C.Tensor)]
        self.n_tensor_inputs = len(tensors)
        # grad_input has one entry per tensor input: None for those that need no gradient.
        self.tracked = [k for k, i in enumerate(tensors) if args[i].requires_grad]
        self.n_inputs = len(self.tracked) if _C.is_grad_enabled() else 0
        if not self.n_inputs:
            return args
        wrapped = _Pass.apply(self._on_input_grads, *[args[tensors[k]] for k in self.tracked])
        args = list(args)
        for k, t in zip(self.tracked, wrapped):
            args[tensors[k]] = t
        return tuple(args)

    def _on_input_grads(self, grads):
        grad_input = [None] * self.n_tensor_inputs
        for k, g in zip(self.tracked, grads):
            grad_input[k] = g
        result = self._call_hooks(tuple(grad_input))
        return tuple(result[k] for k in self.tracked)

    def wrap_outputs(self, output):
        single = isinstance(output, _C.Tensor)
        items = (output,) if single else output
        if not isinstance(items, tuple) or not all(isinstance(t, _C.Tensor) for t in items):
            return output  # (only tensors and tuples of tensors are tracked)
        if not any(t.requires_grad for t in items) or not _C.is_grad_enabled():
            return output
        wrapped = _Pass.apply(self._on_output_grads, *items)
        return wrapped[0] if single else tuple(wrapped)

    def _on_output_grads(self, grads):
        self.grad_outputs = tuple(grads)
        if self.n_inputs == 0:  # nothing upstream to wait for
            self._call_hooks((None,) * self.n_tensor_inputs)
        return None
