"""deepseek.autograd: backward/grad, grad modes and custom Functions."""
from deepseek import _C
from deepseek.autograd.grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode  # noqa: F401
from deepseek.autograd.function import Function, FunctionCtx  # noqa: F401


def _as_list(x):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    _C._backward(tensors, grads, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=False, is_grads_batched=False, materialize_grads=False):
    outputs = _as_list(outputs)
    single_input = not isinstance(inputs, (list, tuple))
    inputs = _as_list(inputs)
    grads = _as_list(grad_outputs) or [None] * len(outputs)
    result = _C._grad(outputs, inputs, grads, retain_graph, create_graph, allow_unused)
    if materialize_grads:
        from deepseek import zeros_like
        result = tuple(g if g is not None else zeros_like(i) for g, i in zip(result, inputs))
    return result
