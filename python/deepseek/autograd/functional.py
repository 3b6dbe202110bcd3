"""torch.autograd.functional: derivatives of whole functions, built on autograd.grad.

vjp, jacobian and hessian need one backward pass per output element (jacobian) or per
gradient element (hessian); jvp, hvp and vhp use the double-backward trick (a vjp of a vjp),
so they need functions whose backward is differentiable, as PyTorch's do. Inputs and
outputs may be a tensor or a tuple of tensors; results take PyTorch's shapes and nesting.
With create_graph=True the results can be differentiated again.
"""
from deepseek import _C
from deepseek._factories import ones_like, zeros_like
from deepseek.autograd.grad_mode import enable_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(value, name, fn_name):
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, _C.Tensor):
            which = (f"the value at index {i} has type {type(item)}" if is_tuple
                     else f"the given {name} has type {type(item)}")
            raise TypeError(f"The {name} given to {fn_name} must be either a Tensor or a tuple "
                            f"of Tensors but {which}.")
    return is_tuple, items


def _prepare(inputs, create_graph):
    """Inputs detached (so the function's graph starts at them) and requiring grad."""
    out = []
    for t in inputs:
        t = t.detach() if not create_graph or not t.requires_grad else t.view_as(t)
        out.append(t.requires_grad_(True) if not t.requires_grad else t)
    return tuple(out)


def _grad(outputs, inputs, grad_outputs, create_graph):
    from deepseek.autograd import grad
    wanted = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not wanted:
        return tuple(None for _ in inputs)
    return grad([o for o, _ in wanted], inputs, [g for _, g in wanted], retain_graph=True,
                create_graph=create_graph, allow_unused=True)


def _input_vector(v, inputs, name):
    """v as a tuple, or ones when the function takes a single one-element tensor."""
    if v is not None:
        return _as_tuple(v, "v", name)[1]
    if len(inputs) != 1 or inputs[0].numel() != 1:
        raise RuntimeError("The vector v can only be None if the input to the user-provided "
                           "function is a single Tensor with a single element.")
    return (ones_like(inputs[0]),)


def _fill(grads, like):
    return tuple(zeros_like(x) if g is None else g for g, x in zip(grads, like))


def _unwrap(is_tuple, values):
    return values if is_tuple else values[0]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J)."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "vjp")
        if v is None:
            if len(outputs) != 1 or outputs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the user-provided function "
                                   "returns a single Tensor with a single element.")
            v = (ones_like(outputs[0]),)
        else:
            _, v = _as_tuple(v, "v", "vjp")
        grads = _fill(_grad(outputs, inputs, v, create_graph), inputs)
    outputs = tuple(o if create_graph else o.detach() for o in outputs)
    grads = tuple(g if create_graph else g.detach() for g in grads)
    return _unwrap(is_outputs_tuple, outputs), _unwrap(is_inputs_tuple, grads)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v), by differentiating a vjp with respect to its vector."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        v = _input_vector(v, inputs, "jvp")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "jvp")
        dummies = tuple(zeros_like(o).requires_grad_(True) for o in outputs)
        vjps = _fill(_grad(outputs, inputs, dummies, True), inputs)
        jv = _fill(_grad(vjps, dummies, v, create_graph), outputs)
    outputs = tuple(o if create_graph else o.detach() for o in outputs)
    jv = tuple(g if create_graph else g.detach() for g in jv)
    return _unwrap(is_outputs_tuple, outputs), _unwrap(is_outputs_tuple, jv)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """d func(inputs) / d inputs: for output i and input j, a tensor of shape
    outputs[i].shape + inputs[j].shape (nested as PyTorch nests them)."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "jacobian")
        result = []
        for out in outputs:
            rows = [[] for _ in inputs]
            flat = out.reshape(-1)
            for k in range(flat.numel()):
                if out.requires_grad:
                    grads = _fill(_grad((flat[k],), inputs, (ones_like(flat[k]),),
                                        create_graph), inputs)
                else:
                    grads = tuple(zeros_like(x) for x in inputs)
                for j, g in enumerate(grads):
                    rows[j].append(g if create_graph else g.detach())
            per_input = []
            for j, x in enumerate(inputs):
                if rows[j]:
                    block = _C.stack(rows[j], 0)
                else:
                    block = _C._zeros([0] + list(x.shape), x.dtype, x.device, False)
                per_input.append(block.reshape(list(out.shape) + list(x.shape)))
            result.append(tuple(per_input))
    if not is_outputs_tuple:
        return result[0] if is_inputs_tuple else result[0][0]
    return tuple(r if is_inputs_tuple else r[0] for r in result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The jacobian of func's gradient; func must return a single-element tensor."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs):
        out = func(*xs)
        if not isinstance(out, _C.Tensor) or out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor "
                               "with a single element.")
        grads = _fill(_grad((out.reshape([]),), xs, (ones_like(out.reshape([])),), True), xs)
        return grads

    result = jacobian(gradient, inputs, create_graph=create_graph)
    if not is_inputs_tuple:
        return result[0][0] if isinstance(result[0], tuple) else result[0]
    return result


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H)."""
    return _hessian_vector(func, inputs, v, create_graph, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v) (H is symmetric for twice continuously differentiable func)."""
    return _hessian_vector(func, inputs, v, create_graph, "hvp")


def _hessian_vector(func, inputs, v, create_graph, name):
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
    with enable_grad():
        inputs = _prepare(inputs, create_graph)
        out = func(*inputs)
        if not isinstance(out, _C.Tensor) or out.numel() != 1:
            raise RuntimeError(f"The function given to {name} should return a single Tensor "
                               "with a single element.")
        v = _input_vector(v, inputs, name)
        grads = _fill(_grad((out.reshape([]),), inputs, (ones_like(out.reshape([])),), True),
                      inputs)
        result = _fill(_grad(grads, inputs, v, create_graph), inputs)
    out = out if create_graph else out.detach()
    result = tuple(r if create_graph else r.detach() for r in result)
    return out, _unwrap(is_inputs_tuple, result)
