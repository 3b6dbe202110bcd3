"""default_collate / default_convert: samples -> batches, recursively, as PyTorch does.

Tensors are stacked along a new first dim, numpy arrays become tensors and are stacked,
Python floats become a float64 tensor, ints an int64 tensor (bools a bool tensor),
strings stay lists; mappings, named tuples and sequences are collated field by field.
"""
import re
from collections.abc import Mapping, Sequence

import numpy as np

from deepseek import _C
from deepseek._C import Tensor
from deepseek._factories import as_tensor, tensor

# numpy dtypes that cannot become tensors: bytes, unicode, object.
_NUMPY_STRING_OR_OBJECT = re.compile(r"[SaUO]")

_COLLATE_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
                  "or lists; found {}")


def _is_namedtuple(obj):
    return isinstance(obj, tuple) and hasattr(obj, "_fields")


def _rebuild(elem_type, fields):
    """elem_type(fields) for list-like / dict-like types that allow it, else the plain type."""
    try:
        return elem_type(fields)
    except TypeError:
        return fields


def default_collate(batch):
    elem = batch[0]
    elem_type = type(elem)
    if isinstance(elem, Tensor):
        return _C.stack(list(batch), 0)
    if elem_type.__module__ == "numpy" and not isinstance(elem, (np.str_, np.bytes_)):
        if isinstance(elem, np.ndarray):
            if _NUMPY_STRING_OR_OBJECT.search(elem.dtype.str) is not None:
                raise TypeError(_COLLATE_ERROR.format(elem.dtype))
            return default_collate([as_tensor(b) for b in batch])
        if elem.shape == ():  # numpy scalar
            return tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(list(batch), dtype=_C.float64)
    if isinstance(elem, int):
        return tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        return _rebuild(elem_type, collated)
    if _is_namedtuple(elem):
        return elem_type(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(samples) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return fields  # PyTorch returns a list for tuples (backward compatibility)
        return _rebuild(elem_type, fields)
    raise TypeError(_COLLATE_ERROR.format(elem_type))


def default_convert(data):
    """Used without batching (batch_size=None): numpy -> tensors, containers recursively."""
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and not isinstance(data, (np.str_, np.bytes_)):
        if isinstance(data, np.ndarray) and _NUMPY_STRING_OR_OBJECT.search(data.dtype.str):
            return data
        return as_tensor(data)
    if isinstance(data, Mapping):
        return _rebuild(elem_type, {key: default_convert(data[key]) for key in data})
    if _is_namedtuple(data):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(elem_type, [default_convert(d) for d in data])
    return data
