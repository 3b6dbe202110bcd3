"""deepseek.autograd: backward/grad, grad modes, custom Functions and gradient checks."""
from deepseek import _C
from deepseek._C import Tensor
from deepseek.autograd.grad_mode import (  # noqa: F401
    no_grad, enable_grad, set_grad_enabled, inference_mode)
from deepseek.autograd.function import Function, FunctionCtx, once_differentiable  # noqa: F401
from deepseek.autograd.gradcheck import gradcheck, gradgradcheck, GradcheckError  # noqa: F401


def _tensor_list(x, what):
    if x is None:
        return None
    items = list(x) if isinstance(x, (list, tuple)) else [x]
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{what}: element {i} is a {type(t).__name__}, expected a Tensor")
    return items


def _grad_list(grads, n, what):
    """grad_tensors/grad_outputs as a list of n (Tensor or None)."""
    if grads is None:
        return [None] * n
    items = list(grads) if isinstance(grads, (list, tuple)) else [grads]
    if len(items) != n:
        raise RuntimeError(f"{what}: got {len(items)} gradients for {n} tensors")
    for i, g in enumerate(items):
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"{what}: gradient {i} is a {type(g).__name__}, expected a Tensor "
                            f"or None")
    return items


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulates d(tensors)/d(leaf) into every leaf's .grad (or only into `inputs`)."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    tensors = _tensor_list(tensors, "backward")
    grads = _grad_list(grad_tensors, len(tensors), "backward")
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _tensor_list(inputs, "backward")
    _C._backward(tensors, grads, retain_graph, create_graph, inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=False, is_grads_batched=False,
         materialize_grads=False):
    """Returns d(outputs)/d(inputs) as a tuple, without touching any .grad."""
    if is_grads_batched:
        raise NotImplementedError("autograd.grad: is_grads_batched=True is not supported")
    outputs = _tensor_list(outputs, "grad")
    inputs = _tensor_list(inputs, "grad")
    grads = _grad_list(grad_outputs, len(outputs), "grad")
    if materialize_grads:
        allow_unused = True
    result = _C._grad(outputs, inputs, grads, retain_graph, create_graph, allow_unused)
    if materialize_grads:
        from deepseek import zeros_like
        result = tuple(g if g is not None else zeros_like(i) for g, i in zip(result, inputs))
    return result
from deepseek.autograd import functional  # noqa: F401,E402
from deepseek.autograd import profiler  # noqa: F401,E402
