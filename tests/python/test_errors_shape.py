"""User mistakes in shape, reduction, product and indexing ops raise the Python exception
PyTorch 1.13 raises, with its key phrase, and leave the inputs usable."""
import re

import pytest
import torch

import deepseek as ds


# (name, call taking the module (deepseek or torch), exception type, key phrase)
CASES = [
    ("view non-viewable strides", lambda m: m.zeros(3, 4).t().view(12), RuntimeError,
     "view size is not compatible with input tensor's size and stride"),
    ("view bad size", lambda m: m.zeros(3, 4).view(5, 3), RuntimeError,
     "shape '[5, 3]' is invalid for input of size 12"),
    ("reshape bad size", lambda m: m.zeros(3, 4).reshape(5, -1), RuntimeError,
     "shape '[5, -1]' is invalid for input of size 12"),
    ("reshape -1 with 0", lambda m: m.zeros(3, 4).reshape(0, -1), RuntimeError,
     "shape '[0, -1]' is invalid for input of size 12"),
    ("reshape two -1", lambda m: m.zeros(3, 4).reshape(-1, -1), RuntimeError,
     "only one dimension can be inferred"),
    ("view negative size", lambda m: m.zeros(3, 4).view(-2, 6), RuntimeError,
     "invalid shape dimension -2"),
    ("reshape ambiguous empty", lambda m: m.zeros(0, 3).reshape(-1, 0), RuntimeError,
     "the unspecified dimension size -1 can be any value and is ambiguous"),
    ("sum dim", lambda m: m.zeros(3, 4).sum(2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    ("transpose dim", lambda m: m.zeros(3, 4).transpose(0, 2), IndexError,
     "Dimension out of range"),
    ("softmax dim", lambda m: m.zeros(3, 4).softmax(-3), IndexError, "Dimension out of range"),
    ("squeeze dim", lambda m: m.zeros(3, 4).squeeze(2), IndexError, "Dimension out of range"),
    ("unsqueeze dim", lambda m: m.zeros(3, 4).unsqueeze(3), IndexError,
     "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    ("flatten dim", lambda m: m.zeros(3, 4).flatten(0, 2), IndexError, "Dimension out of range"),
    ("movedim dim", lambda m: m.zeros(3, 4).movedim(0, 2), IndexError, "Dimension out of range"),
    ("stack dim", lambda m: m.stack([m.zeros(3), m.zeros(3)], 2), IndexError,
     "Dimension out of range"),
    ("cat dim", lambda m: m.cat([m.zeros(3), m.zeros(3)], 1), IndexError, "Dimension out of range"),
    ("select dim", lambda m: m.zeros(3, 4).select(2, 0), IndexError, "Dimension out of range"),
    ("max dim", lambda m: m.zeros(3, 4).max(2), IndexError, "Dimension out of range"),
    ("argmax dim", lambda m: m.zeros(3, 4).argmax(-3), IndexError, "Dimension out of range"),
    ("logsumexp dim", lambda m: m.zeros(3, 4).logsumexp(2), IndexError, "Dimension out of range"),
    ("gather dim", lambda m: m.zeros(3, 4).gather(2, m.zeros(3, 4, dtype=m.int64)), IndexError,
     "Dimension out of range"),
    ("flip dim", lambda m: m.zeros(3, 4).flip(2), IndexError, "Dimension out of range"),
    ("cat size mismatch", lambda m: m.cat([m.zeros(2, 3), m.zeros(2, 4)], 0), RuntimeError,
     "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for "
     "tensor number 1 in the list."),
    ("cat ndim mismatch", lambda m: m.cat([m.zeros(2, 3), m.zeros(2, 3, 1)]), RuntimeError,
     "Tensors must have same number of dimensions: got 2 and 3"),
    ("cat empty list", lambda m: m.cat([]), RuntimeError, "expected a non-empty list of Tensors"),
    ("cat 0-dim", lambda m: m.cat([m.tensor(1.0), m.tensor(2.0)]), RuntimeError,
     "zero-dimensional tensor (at position 0) cannot be concatenated"),
    ("stack size mismatch", lambda m: m.stack([m.zeros(2, 3), m.zeros(3, 2)]), RuntimeError,
     "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at entry 1"),
    ("stack empty", lambda m: m.stack([]), RuntimeError, "stack expects a non-empty TensorList"),
    ("expand mismatch", lambda m: m.zeros(3, 4).expand(3, 5), RuntimeError,
     "The expanded size of the tensor (5) must match the existing size (4) at non-singleton "
     "dimension 1.  Target sizes: [3, 5].  Tensor sizes: [3, 4]"),
    ("expand fewer dims", lambda m: m.zeros(3, 4).expand(4), RuntimeError,
     "must be greater or equal to the number of dimensions in the tensor"),
    ("expand -1 leading", lambda m: m.zeros(3, 4).expand(-1, -1, 4), RuntimeError,
     "isn't allowed in a leading, non-existing dimension 0"),
    ("expand negative size", lambda m: m.zeros(1, 3).expand(-2, 3), RuntimeError,
     "must be non-negative"),
    ("expand numel overflow", lambda m: m.zeros(1, 3).expand(2**62, 2**62, 3), RuntimeError,
     "integer multiplication overflow"),
    ("repeat numel overflow", lambda m: m.zeros(1, 3).repeat(2**62, 2**62), RuntimeError, "overflow"),
    ("as_strided numel overflow", lambda m: m.zeros(3).as_strided((2**32, 2**32), (0, 0)),
     RuntimeError, "integer multiplication overflow"),
    ("permute length", lambda m: m.zeros(3, 4).permute(0), RuntimeError,
     "number of dimensions in the tensor input does not match the length of the desired ordering"),
    ("permute duplicate", lambda m: m.zeros(3, 4).permute(0, 0), RuntimeError, "dim"),
    ("narrow past end", lambda m: m.zeros(3, 4).narrow(0, 2, 2), RuntimeError,
     "start (2) + length (2) exceeds dimension size (3)."),
    ("narrow 0-dim", lambda m: m.tensor(1.0).narrow(0, 0, 1), RuntimeError,
     "narrow() cannot be applied to a 0-dim tensor."),
    ("select index", lambda m: m.zeros(3, 4).select(1, 4), IndexError,
     "select(): index 4 out of range for tensor of size [3, 4] at dimension 1"),
    ("t on 3-D", lambda m: m.zeros(2, 3, 4).t(), RuntimeError,
     "t() expects a tensor with <= 2 dimensions, but self is 3D"),
    ("flatten order", lambda m: m.zeros(2, 3, 4).flatten(2, 1), RuntimeError,
     "flatten() has invalid args: start_dim cannot come after end_dim"),
    ("unflatten empty", lambda m: m.zeros(3, 4).unflatten(1, ()), RuntimeError,
     "unflatten: sizes must be non-empty"),
    ("split sizes", lambda m: m.zeros(4).split([1, 2]), RuntimeError,
     "split_with_sizes expects split_sizes to sum exactly to 4"),
    ("split zero", lambda m: m.zeros(3).split(0), RuntimeError,
     "split_size can only be 0 if dimension size is 0"),
    ("split negative", lambda m: m.zeros(3).split(-1), RuntimeError,
     "split expects split_size be non-negative"),
    ("chunk zero", lambda m: m.zeros(4).chunk(0), RuntimeError,
     "chunk expects `chunks` to be greater than 0, got: 0"),
    ("repeat fewer dims", lambda m: m.zeros(3, 4).repeat(2), RuntimeError,
     "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"),
    ("flip duplicate", lambda m: m.zeros(3, 4).flip(0, 0), RuntimeError,
     "dim 0 appears multiple times in the list of dims"),
    ("sum duplicate", lambda m: m.zeros(3, 4).sum((1, -1)), RuntimeError,
     "dim 1 appears multiple times in the list of dims"),
    ("unbind 0-dim", lambda m: m.tensor(1.0).unbind(0), IndexError, "no dimensions"),
    ("too many indices", lambda m: m.zeros(3, 4)[0, 0, 0], IndexError,
     "too many indices for tensor of dimension 2"),
    ("too many tensor indices", lambda m: m.zeros(3, 4)[[0], [0], [0]], IndexError,
     "too many indices for tensor of dimension 2"),
    ("index out of range", lambda m: m.zeros(3, 4)[3], IndexError,
     "index 3 is out of bounds for dimension 0 with size 3"),
    ("tensor index out of range", lambda m: m.zeros(3, 4)[:, m.tensor([1, -5])], IndexError,
     "out of bounds for dimension 1 with size 4"),
    ("mask shape mismatch", lambda m: m.zeros(3, 4)[m.ones(4, dtype=m.bool)], IndexError,
     "The shape of the mask [4] at index 0 does not match the shape of the indexed tensor [3, 4] "
     "at index 0"),
    ("index broadcast", lambda m: m.zeros(3, 4)[m.tensor([0, 1]), m.tensor([0, 1, 2])], IndexError,
     "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]"),
    ("setitem value shape", lambda m: m.zeros(3, 4).__setitem__(m.tensor([0, 1]), m.ones(3, 4)),
     RuntimeError,
     "shape mismatch: value tensor of shape [3, 4] cannot be broadcast to indexing result of "
     "shape [2, 4]"),
    ("setitem basic shape", lambda m: m.zeros(3, 4).__setitem__(slice(None), m.ones(3, 5)),
     RuntimeError, "must match the existing size"),
    ("float index", lambda m: m.zeros(3)[m.tensor([1.0])], IndexError,
     "tensors used as indices must be long"),
    ("index_select out of range", lambda m: m.zeros(3).index_select(0, m.tensor([3])), IndexError,
     "index out of range in self"),
    ("index_select matrix index", lambda m: m.zeros(3).index_select(0, m.tensor([[0]])),
     IndexError, "index_select(): Index is supposed to be a vector"),
    ("gather out of range", lambda m: m.zeros(3, 4).gather(1, m.tensor([[0, 4]])), RuntimeError,
     "index 4 is out of bounds for dimension 1 with size 4"),
    ("scatter out of range", lambda m: m.zeros(3, 4).scatter(0, m.tensor([[3]]), m.ones(1, 1)),
     RuntimeError, "index 3 is out of bounds for dimension 0 with size 3"),
    ("scatter ndim", lambda m: m.zeros(3, 4).scatter(1, m.tensor([0]), m.ones(1)), RuntimeError,
     "Index tensor must have the same number of dimensions as self tensor"),
    ("amax of empty", lambda m: m.zeros(0, 3).amax(), RuntimeError,
     "Expected reduction dim to be specified for input.numel() == 0"),
    ("max over empty dim", lambda m: m.zeros(0, 3).max(0), IndexError,
     "Expected reduction dim 0 to have non-zero size"),
    ("mm shapes", lambda m: m.mm(m.zeros(2, 3), m.zeros(4, 5)), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"),
    ("matmul shapes", lambda m: m.matmul(m.zeros(2, 3), m.zeros(4, 5)), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"),
    ("matmul vector", lambda m: m.matmul(m.zeros(2, 3), m.zeros(4)), RuntimeError,
     "cannot be multiplied"),
]


@pytest.mark.parametrize("name,call,exc,phrase", CASES, ids=[c[0] for c in CASES])
def test_error_matches_pytorch(name, call, exc, phrase):
    # The reference raises the same type (guards the table against typos).
    with pytest.raises(exc):
        call(torch)
    with pytest.raises(exc, match=re.escape(phrase)):
        call(ds)


def test_errors_leave_tensors_usable():
    x = ds.arange(12.0).reshape(3, 4)
    for bad in (lambda: x.view(5, 3), lambda: x[5], lambda: x.sum(3),
                lambda: x.__setitem__(ds.tensor([0, 1]), ds.ones(3, 4)),
                lambda: x.gather(1, ds.tensor([[9]]))):
        with pytest.raises((RuntimeError, IndexError)):
            bad()
    assert x.sum().item() == 66.0
    assert x.view(12)[5].item() == 5.0
