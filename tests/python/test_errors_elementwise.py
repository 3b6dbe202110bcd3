"""User mistakes with elementwise ops, factories and the Tensor API raise the exception type
PyTorch 1.13 raises, with its key phrase in the message, and never crash the process.
Each case is also run through torch to keep the expectation honest."""
import re

import numpy as np
import pytest
import torch

import deepseek as ds

# (description, code run with `t` bound to torch and to deepseek, exception, key phrase)
CASES = [
    ("broadcast mismatch", "t.ones(3) + t.ones(4)", RuntimeError,
     "size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"),
    ("broadcast mismatch 2-d", "t.ones(2, 3) * t.ones(4, 3)", RuntimeError,
     "size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0"),
    ("where broadcast", "t.where(t.tensor([True, False]), t.ones(3), 5)", RuntimeError,
     "must match the size of tensor b (3)"),
    ("int += float", "t.ones(3, dtype=t.int64).__iadd__(0.5)", RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("int add_ float tensor", "t.tensor([1, 2]).add_(t.tensor([1.5, 2]))", RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("int div_", "t.tensor([1]).div_(t.tensor(2))", RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("int /= ", "t.tensor([4, 2]).__itruediv__(2)", RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("bool += int", "t.tensor([True]).add_(1)", RuntimeError,
     "result type Long can't be cast to the desired output type Bool"),
    ("int8 mul_ float", "t.tensor([1], dtype=t.int8).mul_(1.5)", RuntimeError,
     "result type Float can't be cast to the desired output type Char"),
    ("int exp_", "t.tensor([1, 2]).exp_()", RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    ("in-place broadcast to a bigger shape", "t.ones(3).add_(t.ones(2, 3))", RuntimeError,
     "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    ("integer // 0", "t.tensor([1, 2]) // 0", RuntimeError, "ZeroDivisionError"),
    ("integer % 0", "t.tensor([1, 2]) % t.tensor([1, 0])", RuntimeError, "ZeroDivisionError"),
    ("integer div floor 0", "t.tensor([1, 2]).div(0, rounding_mode='floor')", RuntimeError,
     "ZeroDivisionError"),
    ("integer div trunc 0", "t.tensor([1, 2]).div(0, rounding_mode='trunc')", RuntimeError,
     "ZeroDivisionError"),
    ("bad rounding mode", "t.tensor([5., -5]).div(2, rounding_mode='bogus')", RuntimeError,
     "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'bogus'"),
    ("requires_grad on int", "t.tensor([1, 2]).requires_grad_()", RuntimeError,
     "floating point"),
    ("requires_grad int factory", "t.ones(3, dtype=t.int64, requires_grad=True)", RuntimeError,
     "floating point"),
    ("item of many", "t.tensor([1., 2]).item()", ValueError,
     "only one element tensors can be converted to Python scalars"),
    ("float of many", "float(t.tensor([1., 2]))", ValueError,
     "only one element tensors can be converted to Python scalars"),
    ("bool of many", "bool(t.tensor([1, 2]))", RuntimeError,
     "Boolean value of Tensor with more than one value is ambiguous"),
    ("negative integer power", "t.tensor([1, 2, 3]) ** -1", RuntimeError,
     "Integers to negative integer powers are not allowed"),
    ("negate bool", "-t.tensor([True])", RuntimeError,
     "Negation, the `-` operator, on a bool tensor is not supported"),
    ("subtract bools", "t.tensor([True]) - t.tensor([True])", RuntimeError,
     "Subtraction, the `-` operator, with two bool tensors is not supported"),
    ("subtract a bool", "t.tensor([1, 2]).sub(t.tensor([True, False]))", RuntimeError,
     "Subtraction, the `-` operator, with a bool tensor is not supported"),
    ("float alpha for ints", "t.tensor([1, 2]).add(t.tensor([1, 1]), alpha=2.5)", RuntimeError,
     "For integral input tensors, argument alpha must not be a floating point number"),
    ("where int condition", "t.where(t.tensor([1, 0]), t.tensor([1, 2]), 5)", RuntimeError,
     "where expected condition to be a boolean tensor, but got a tensor with dtype Long"),
    ("clamp without bounds", "t.tensor([1., 2]).clamp()", RuntimeError,
     "At least one of 'min' or 'max' must not be None"),
    ("clamp_ int with float", "t.tensor([1, 2]).clamp_(0, 1.5)", RuntimeError,
     "result type Float can't be cast to the desired output type"),
    ("bitwise on floats", "t.tensor([1.5]) & 1", RuntimeError,
     "\"bitwise_and_cpu\" not implemented for 'Float'"),
    ("pow of bools", "t.pow(t.tensor([True]), t.tensor([True]))", RuntimeError,
     "not implemented for 'Bool'"),
    ("floor_divide bools", "t.tensor([True]) // t.tensor([True])", RuntimeError,
     "not implemented for 'Bool'"),
    ("abs of bool", "t.abs(t.tensor([True]))", RuntimeError, "not implemented for 'Bool'"),
    ("relu of bool", "t.relu(t.tensor([True]))", RuntimeError,
     "Boolean inputs not supported for relu"),
    ("operator with a string", "t.tensor([1, 2]) + 'a'", TypeError, "unsupported operand"),
    ("operator with None", "t.tensor([1, 2]) * None", TypeError, "unsupported operand"),
    ("operator with a list", "t.tensor([1., 2]) - [1, 2]", TypeError, "unsupported operand"),
    ("negative dimension", "t.zeros(-1)", RuntimeError,
     "Trying to create tensor with negative dimension -1: [-1]"),
    ("negative dimension 2-d", "t.ones(2, -3)", RuntimeError,
     "Trying to create tensor with negative dimension -3: [2, -3]"),
    ("arange zero step", "t.arange(0, 10, 0)", RuntimeError, "step must be nonzero"),
    ("arange wrong direction", "t.arange(10, 0)", RuntimeError,
     "upper bound and larger bound inconsistent with step sign"),
    ("linspace negative steps", "t.linspace(0, 1, -1)", RuntimeError,
     "number of steps must be non-negative"),
    ("randint empty range", "t.randint(5, 3, (3,))", RuntimeError,
     "random_ expects 'from' to be less than 'to', but got from=5 >= to=3"),
    ("rand of ints", "t.rand(2, dtype=t.int64)", RuntimeError, "not implemented for 'Long'"),
    ("randn of ints", "t.randn(2, dtype=t.int32)", RuntimeError, "not implemented for 'Int'"),
    ("ragged lists", "t.tensor([[1, 2], [3]])", ValueError,
     "expected sequence of length 2 at dim 1 (got 1)"),
    ("tensor of a string", "t.tensor('abc')", TypeError, "new(): invalid data type 'str'"),
    ("tensor of None", "t.tensor(None)", RuntimeError, "Could not infer dtype of NoneType"),
    ("tensor of an object", "t.tensor(object())", RuntimeError, "Could not infer dtype of object"),
    ("int64 overflow", "t.tensor(2**63)", RuntimeError, "Overflow when unpacking long"),
    ("uint8 overflow", "t.tensor([-1, 256], dtype=t.uint8)", RuntimeError,
     "value cannot be converted to type uint8 without overflow"),
    ("int8 overflow from float", "t.tensor([200.5], dtype=t.int8)", RuntimeError,
     "value cannot be converted to type int8 without overflow"),
    ("nan to int", "t.tensor([float('nan')], dtype=t.int32)", RuntimeError,
     "value cannot be converted to type int32 without overflow"),
    ("full overflow", "t.full((2,), 300, dtype=t.uint8)", RuntimeError,
     "value cannot be converted to type uint8"),
    ("unsupported numpy dtype", "t.from_numpy(np.array([1, 2], dtype=np.uint16))", TypeError,
     "can't convert np.ndarray of type numpy.uint16"),
    ("numpy of bfloat16", "t.ones(2, dtype=t.bfloat16).numpy()", TypeError,
     "Got unsupported ScalarType BFloat16"),
    ("numpy of a grad tensor", "t.ones(2, requires_grad=True).numpy()", RuntimeError,
     "Can't call numpy() on Tensor that requires grad"),
    ("len of 0-d", "len(t.tensor(1.))", TypeError, "len() of a 0-d tensor"),
    ("size out of range", "t.zeros(2, 3).size(2)", IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    ("copy_ shape", "t.zeros(2).copy_(t.ones(3))", RuntimeError,
     "must match the size of tensor b (3)"),
    ("fill_ with a vector", "t.zeros(2).fill_(t.ones(2))", RuntimeError,
     "fill_ only supports 0-dimension value tensor"),
]


def _run(code, lib):
    return eval(code, {"t": lib, "np": np})


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_error_matches_pytorch(case):
    _, code, exc, phrase = case
    with pytest.raises(exc, match=re.escape(phrase)):
        _run(code, torch)
    with pytest.raises(exc, match=re.escape(phrase)):
        _run(code, ds)


def test_errors_leave_tensors_untouched():
    x = ds.tensor([1, 2, 3])
    v = x._version
    with pytest.raises(RuntimeError):
        x += 0.5
    with pytest.raises(RuntimeError):
        x.add_(ds.ones(2, 3, dtype=ds.int64))
    assert x.tolist() == [1, 2, 3] and x._version == v


def test_message_names_the_op():
    with pytest.raises(RuntimeError, match=r"^add_:"):
        ds.ones(3, dtype=ds.int64).add_(0.5)
    with pytest.raises(RuntimeError, match=r"add.*\[3\] and \[4\]"):
        ds.ones(3) + ds.ones(4)


def test_bitwise_ops_refuse_floats():
    # & | ^ ~ << >> work on integers and bool (test_bitwise.py); floats are PyTorch's error.
    with pytest.raises(RuntimeError, match="bitwise_and_cpu.*Float"):
        ds.tensor([6.0, 3.0]) & 5
    with pytest.raises(RuntimeError, match="bitwise_not_cpu.*Float"):
        ~ds.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="lshift_cpu.*Float"):
        ds.tensor([1.0]) << 1
    with pytest.raises(RuntimeError, match="rshift_cpu.*Bool"):
        ds.tensor([True]) >> ds.tensor([True])
