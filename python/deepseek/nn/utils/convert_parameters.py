"""Flattening parameters into one vector and back."""
from deepseek import _C
from deepseek._C import Tensor


def _check_same_device(parameters):
    device = None
    for param in parameters:
        if device is None:
            device = param.device
        elif param.device != device:
            raise TypeError("Found two parameters on different devices, this is currently not "
                            f"supported ({device} and {param.device}).")
        yield param


def parameters_to_vector(parameters):
    """One 1-D tensor with every parameter's elements, in order (differentiable)."""
    return _C.cat([p.reshape(-1) for p in _check_same_device(parameters)])


def vector_to_parameters(vec, parameters):
    """Makes each parameter a view of its slice of vec (they share memory afterwards)."""
    if not isinstance(vec, Tensor):
        from deepseek.nn.modules.module import typename
        raise TypeError(f"expected deepseek.Tensor, but got: {typename(vec)}")
    pointer = 0
    vec = vec.detach()
    for param in _check_same_device(parameters):
        count = param.numel()
        param._set_data(vec[pointer:pointer + count].view_as(param).detach())
        pointer += count
