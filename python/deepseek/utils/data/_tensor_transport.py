"""Lets deepseek tensors cross process boundaries through multiprocessing queues.

A tensor travels as a numpy array plus its dtype, device, requires_grad flag and whether
it is a Parameter, and is rebuilt on the receiving side. The same reducer serves plain
pickle (Tensor.__reduce_ex__, deepseek/_tensor.py) and multiprocessing's ForkingPickler,
where register() also installs it explicitly. The data is copied through the pipe, which
is simple and cannot deadlock or leak shared memory; the cost is one copy per batch, small
next to the loading work a worker does.
"""
from multiprocessing.reduction import ForkingPickler

from deepseek import _C
from deepseek._C import Tensor

# numpy has no bfloat16: such tensors travel as float32 and are cast back on arrival.
_TRAVELS_AS_FLOAT32 = {"bfloat16"}


def _dtype_name(dtype):
    return str(dtype).rpartition(".")[2]


def _rebuild_tensor(array, dtype_name, device, requires_grad, is_parameter):
    t = _C.from_numpy(array)
    dtype = getattr(_C, dtype_name)
    if t.dtype != dtype:
        t = t.to(dtype)
    if device != "cpu":
        t = t.to(device)
    if is_parameter:
        from deepseek.nn.parameter import Parameter
        return Parameter(t, requires_grad)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _reduce_tensor(t):
    from deepseek.nn.parameter import Parameter
    host = t.detach().cpu()
    name = _dtype_name(t.dtype)
    if name in _TRAVELS_AS_FLOAT32:
        host = host.to(_C.float32)
    array = host.contiguous().numpy().copy()
    return _rebuild_tensor, (array, name, str(t.device), t.requires_grad,
                             isinstance(t, Parameter))


def register():
    ForkingPickler.register(Tensor, _reduce_tensor)
    from deepseek.nn.parameter import Parameter
    ForkingPickler.register(Parameter, _reduce_tensor)
