"""Tensor methods whose PyTorch signatures are easiest to parse in Python."""
import builtins

from deepseek import _C
from deepseek._C import Tensor
from deepseek._size import Size


def _shape(self):
    return Size(self._shape)


def size(self, dim=None):
    if dim is None:
        return Size(self._shape)
    return self._size(dim)


def stride(self, dim=None):
    if dim is None:
        return self._stride()
    return self._stride_at(dim)


def _parse_to(args, kwargs):
    """The arguments of Tensor.to and Module.to, read as PyTorch reads them: a device (str,
    device, or int meaning a CUDA index), a dtype, or a tensor (its device and dtype); then
    the flags non_blocking and copy, positionally (bools, in that order) or by keyword.
    Returns (device, dtype, copy); non_blocking changes nothing here."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    flags = [kwargs.pop("non_blocking", False), kwargs.pop("copy", False)]
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    positional_flags = 0
    for a in args:
        if isinstance(a, _C.dtype):
            dtype = a
        elif isinstance(a, (str, _C.device)):
            device = a
        elif isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, builtins.bool):
            if positional_flags == len(flags):
                raise TypeError("to() received too many bool arguments (non_blocking, copy)")
            flags[positional_flags] = a
            positional_flags += 1
        elif isinstance(a, builtins.int):
            device = _C.device("cuda", a)
        elif a is not None:
            raise TypeError(f"to() received an invalid argument of type {type(a).__name__}")
    if isinstance(device, str):
        device = _C.device(device)
    return device, dtype, flags[1]


def to(self, *args, **kwargs):
    """to(dtype), to(device), to(device, dtype), to(other), then non_blocking and copy."""
    device, dtype, copy = _parse_to(args, kwargs)
    return _C._to(self, device, dtype, copy)


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    if retain_graph is None:
        retain_graph = create_graph
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    _C._backward([self], [gradient], retain_graph, create_graph,
                 None if inputs is None else list(inputs))


class RemovableHandle:
    """Returned by register_hook; .remove() unregisters the hook."""

    def __init__(self, tensor, hook_id):
        self._tensor, self._id = tensor, hook_id

    def remove(self):
        if self._tensor is not None:
            _C._remove_hook(self._tensor, self._id)
            self._tensor = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_hook(self, hook):
    return RemovableHandle(self, _C._register_hook(self, hook))


def register_post_accumulate_grad_hook(self, hook):
    return RemovableHandle(self, _C._register_post_accumulate_grad_hook(self, hook))


def _bool(self):
    if self.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous "
                           f"(shape {list(self.shape)})")
    return builtins.bool(self.item())


def _scalar(kind):
    def convert(self):
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars "
                             f"(got shape {list(self.shape)})")
        return kind(self.item())
    return convert


def _index(self):
    if self.numel() != 1 or self.dtype.is_floating_point or self.dtype == _C.bool:
        raise TypeError("only integer tensors of a single element can be converted to an index")
    return builtins.int(self.item())


def _iter(self):
    if self.dim() == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(self.unbind(0))


def _cast(dtype):
    def convert(self, memory_format=None):
        return self.to(dtype)
    return convert


def type_as(self, other):
    return self.to(other.dtype)


def _type(self, dtype=None, non_blocking=False, **kwargs):
    """x.type() -> 'torch.FloatTensor' (PyTorch's names, which scripts compare against);
    x.type(deepseek.int64), x.type('torch.DoubleTensor') or x.type(deepseek.LongTensor) cast."""
    from deepseek import _factories
    if dtype is None:
        prefix = "torch.cuda." if self.is_cuda else "torch."
        return prefix + _factories.LEGACY_TYPE_NAMES[self.dtype]
    if isinstance(dtype, str):
        target, cuda_type = _factories.legacy_type_dtype(dtype)
        return self.to(device="cuda" if cuda_type else "cpu", dtype=target)
    if isinstance(dtype, _factories._LegacyTensorType):
        return self.to(dtype.dtype)
    return self.to(dtype)


def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    from deepseek._factories import tensor
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                  requires_grad=requires_grad)


def _new_factory(name):
    def make(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        from deepseek import _factories
        return getattr(_factories, name)(*size, dtype=dtype or self.dtype,
                                         device=device or self.device,
                                         requires_grad=requires_grad, **kw)
    return make


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    from deepseek._factories import full
    return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                requires_grad=requires_grad)


def uniform_(self, a=0.0, b=1.0, *, generator=None, **kw):
    a, b = kw.pop("from", a), kw.pop("to", b)
    if kw:
        raise TypeError(f"uniform_() got unexpected keyword arguments {sorted(kw)}")
    return _C._uniform_(self, a, b, generator)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    return _C._normal_(self, mean, std, generator)


def bernoulli_(self, p=0.5, *, generator=None):
    return _C._bernoulli_(self, p, generator)


def exponential_(self, lambd=1.0, *, generator=None):
    return _C._exponential_(self, lambd, generator)


def random_(self, *args, generator=None, **kw):
    """random_(), random_(to), random_(from, to): integers uniform in [from, to)."""
    if "from" in kw or "to" in kw:
        args = (kw.pop("from", 0), kw.pop("to", None))
    if kw:
        raise TypeError(f"random_() got unexpected keyword arguments {sorted(kw)}")
    if len(args) == 0:
        low, high = 0, None
    elif len(args) == 1:
        low, high = 0, args[0]
    else:
        low, high = args
    return _C._random_(self, low, high, generator)


def multinomial(self, num_samples, replacement=False, *, generator=None):
    return _C.multinomial(self, num_samples, replacement, generator=generator)


def bernoulli(self, p=None, *, generator=None):
    return _C.bernoulli(self, p, generator=generator)


def cpu(self):
    return self.to("cpu")


def cuda(self, device=None, non_blocking=False):
    if not isinstance(device, (str, _C.device)):
        device = _C.device("cuda", device or 0)
    return self.to(device)


def _format(self, spec):
    if self.dim() == 0:
        return self.item().__format__(spec)
    return object.__format__(self, spec)


_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=float("inf"), edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """torch.set_printoptions: same arguments; sci_mode is reset unless given, as in torch."""
    precision_, threshold_, edgeitems_, linewidth_, _ = _C._get_printoptions()
    current = dict(precision=precision_, threshold=threshold_, edgeitems=edgeitems_,
                   linewidth=linewidth_)
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}")
        current.update(_PROFILES[profile])
    for key, value in (("precision", precision), ("threshold", threshold),
                       ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            current[key] = value
    threshold_ = current["threshold"]
    if threshold_ == float("inf") or threshold_ >= 2**63:
        threshold_ = 2**63 - 1
    _C._set_printoptions(builtins.int(current["precision"]), builtins.int(threshold_),
                         builtins.int(current["edgeitems"]), builtins.int(current["linewidth"]),
                         sci_mode)


def _deepcopy(self, memo):
    """copy.deepcopy: a new leaf with its own storage, the same requires_grad, Python type
    (Parameter subclasses define their own __deepcopy__), grad and attributes."""
    import copy
    if id(self) in memo:
        return memo[id(self)]
    if not self.is_leaf:
        raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                           "the deepcopy protocol at the moment")
    result = self.detach().clone()
    if type(self) is not Tensor:
        result.__class__ = type(self)
    result.requires_grad_(self.requires_grad)
    memo[id(self)] = result
    if self.grad is not None:
        result.grad = copy.deepcopy(self.grad, memo)
    for key, value in self.__dict__.items():
        setattr(result, key, copy.deepcopy(value, memo))
    return result


def _reduce_ex(self, protocol):
    """pickle: the values travel as a numpy array (with dtype, device, requires_grad and the
    Parameter flag) and are rebuilt on load, as DataLoader workers already send tensors."""
    from deepseek.utils.data._tensor_transport import _reduce_tensor
    return _reduce_tensor(self)


for _name, _fn in {
    "shape": property(_shape),
    "size": size,
    "stride": stride,
    "to": to,
    "backward": backward,
    "register_hook": register_hook,
    "register_post_accumulate_grad_hook": register_post_accumulate_grad_hook,
    "__bool__": _bool,
    "__float__": _scalar(builtins.float),
    "__int__": _scalar(builtins.int),
    "__index__": _index,
    "__iter__": _iter,
    "__format__": _format,
    "__deepcopy__": _deepcopy,
    "__reduce_ex__": _reduce_ex,
    "float": _cast(_C.float32),
    "double": _cast(_C.float64),
    "half": _cast(_C.float16),
    "bfloat16": _cast(_C.bfloat16),
    "long": _cast(_C.int64),
    "int": _cast(_C.int32),
    "short": _cast(_C.int16),
    "bool": _cast(_C.bool),
    "byte": _cast(_C.uint8),
    "char": _cast(_C.int8),
    "type_as": type_as,
    "type": _type,
    "new_tensor": new_tensor,
    "new_zeros": _new_factory("zeros"),
    "new_ones": _new_factory("ones"),
    "new_empty": _new_factory("empty"),
    "new_full": new_full,
    "uniform_": uniform_,
    "normal_": normal_,
    "bernoulli_": bernoulli_,
    "exponential_": exponential_,
    "random_": random_,
    "multinomial": multinomial,
    "bernoulli": bernoulli,
    "cpu": cpu,
    "cuda": cuda,
}.items():
    setattr(Tensor, _name, _fn)

Tensor.__array_priority__ = 1000  # numpy defers `ndarray op tensor` to Tensor's operators


def _assign_data(self, value):
    """`x.data = y`: x now views y's memory (any shape or dtype), keeping its identity and
    autograd flags, as in PyTorch."""
    if not isinstance(value, Tensor):
        raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
    self._set_data(value)


Tensor.data = property(lambda self: self.detach(), _assign_data)
