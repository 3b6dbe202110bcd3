"""nn.Parameter: a Tensor that a Module registers as one of its parameters.

deepseek.Tensor is a pybind11 class without a Python constructor, so a Parameter is made
by detaching the given tensor (a new TensorImpl sharing its storage) and switching the
Python class of that fresh object to Parameter. The TensorImpl then has exactly one Python
object, of type Parameter, and pybind11 hands that same object back whenever C++ returns the
tensor (``p.requires_grad_() is p``, ``p.grad`` keeps working, identity holds).
"""
from deepseek import _C
from deepseek._C import Tensor


class _SameLayoutAsTensor(type(Tensor)):
    """Metaclass giving Parameter and its user subclasses `__slots__ = ()`.

    __class__ assignment requires the new class to have exactly Tensor's instance layout;
    a Python subclass would otherwise add its own __dict__ slot. Tensor instances accept
    arbitrary attributes already (pybind11 dynamic_attr), so nothing is lost.
    """

    def __new__(mcs, name, bases, namespace, **kwargs):
        namespace.setdefault("__slots__", ())
        return super().__new__(mcs, name, bases, namespace, **kwargs)


class Parameter(Tensor, metaclass=_SameLayoutAsTensor):
    """Parameter(data=None, requires_grad=True): shares data's storage, requires grad."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _C._empty([0], None, None, False)
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter(): data must be a Tensor, got {type(data).__name__}")
        param = data.detach()
        param.__class__ = cls
        param.requires_grad_(requires_grad)
        return param

    def __init__(self, data=None, requires_grad=True):
        # Everything happened in __new__; Tensor (pybind11) has no __init__ to call.
        pass

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.detach().clone(), self.requires_grad)
        memo[id(self)] = result
        return result
