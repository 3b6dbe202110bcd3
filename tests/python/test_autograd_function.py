"""deepseek.autograd.Function (custom forward/backward written in Python), checked against
hand-derived values (PyTorch 1.13 semantics): saved tensors and data, several outputs,
non-differentiable outputs, mark_dirty, materialize_grads, once_differentiable, errors for
bad backward results, and that the graph it builds is freed.
"""
import gc

import numpy as np
import pytest

import deepseek as ds
from deepseek.autograd import Function


def leaf(values, dtype=ds.float64):
    return ds.tensor(values, dtype=dtype, requires_grad=True)


def close(t, expected, tol=1e-10):
    assert t is not None
    np.testing.assert_allclose(t.detach().numpy(), np.asarray(expected, dtype=np.float64),
                               rtol=tol, atol=tol)


class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


class ScaleAndShift(Function):
    """Non-tensor arguments and needs_input_grad."""

    @staticmethod
    def forward(ctx, x, scale, shift, flags):
        ctx.scale = scale
        flags.extend(ctx.needs_input_grad)
        return x * scale + shift

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.scale if ctx.needs_input_grad[0] else None, None,
                grad if ctx.needs_input_grad[2] else None, None)


class SortWithIndices(Function):
    """Two outputs, one marked non-differentiable."""

    @staticmethod
    def forward(ctx, x):
        idx = x.argmax(0, keepdim=True)
        val = x.gather(0, idx)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        ctx.n = x.shape[0]
        return val, idx

    @staticmethod
    def backward(ctx, g_val, g_idx):
        (idx,) = ctx.saved_tensors
        assert g_idx is None or float(g_idx.abs().sum()) == 0
        return ds.zeros(ctx.n, dtype=g_val.dtype).scatter(0, idx, g_val)


def test_custom_function_forward_backward_and_name():
    x = leaf([0.0, 1.0])
    y = Exp.apply(x)
    assert y.grad_fn.name() == "ExpBackward"
    assert y.requires_grad
    y.sum().backward()
    close(x.grad, np.exp([0.0, 1.0]))


def test_custom_function_non_tensor_args_and_needs_input_grad():
    x = leaf([1.0, 2.0])
    shift = ds.tensor([10.0, 20.0], dtype=ds.float64)
    flags = []
    y = ScaleAndShift.apply(x, 3.0, shift, flags)
    assert flags == [True, False, False, False]
    y.sum().backward()
    close(x.grad, [3, 3])
    assert shift.grad is None


def test_custom_function_multiple_outputs_and_non_differentiable():
    x = leaf([0.5, 3.0, -1.0])
    val, idx = SortWithIndices.apply(x)
    assert val.requires_grad and not idx.requires_grad
    assert int(idx) == 1
    (val * 5).sum().backward()
    close(x.grad, [0, 5, 0])


def test_custom_function_without_grad_records_nothing():
    x = leaf([1.0])
    with ds.no_grad():
        y = Exp.apply(x)
    assert not y.requires_grad and y.grad_fn is None
    y = Exp.apply(ds.ones(1))
    assert y.grad_fn is None


def test_custom_function_second_derivative():
    x = leaf([0.5, -1.0])
    y = Exp.apply(x).sum()
    (g,) = ds.autograd.grad(y, x, create_graph=True)
    (h,) = ds.autograd.grad(g.sum(), x)
    close(h, np.exp([0.5, -1.0]))


def test_custom_function_bad_backward_results():
    class TooFew(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g

    class GradForNumber(Function):
        @staticmethod
        def forward(ctx, a, k):
            return a * k

        @staticmethod
        def backward(ctx, g):
            return g, g

    x, w = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match=r"incorrect number of gradients \(expected 2, got 1\)"):
        TooFew.apply(x, w).backward()
    with pytest.raises(RuntimeError, match="was not a Variable"):
        GradForNumber.apply(x, 2.0).backward()


def test_custom_function_gradient_of_wrong_shape():
    class BadShape(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return ds.ones(5, dtype=g.dtype)

    with pytest.raises(RuntimeError, match=r"returned an invalid gradient at index 0 - got \[5\] "
                                           r"but expected shape compatible with \[2\]"):
        BadShape.apply(leaf([1.0, 2.0])).sum().backward()


def test_custom_function_saved_tensor_modified_in_place():
    x = leaf([1.0, 2.0])
    a = x * 1
    y = Exp.apply(a)
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_custom_function_returning_its_input_keeps_the_input_graph():
    class Identity(Function):
        @staticmethod
        def forward(ctx, a):
            return a

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = leaf([1.0])
    y = Identity.apply(x)
    assert y is not x and x.is_leaf and y.grad_fn.name() == "IdentityBackward"
    y.sum().backward()
    close(x.grad, [2])


def test_custom_function_mark_dirty():
    class AddOne_(Function):
        @staticmethod
        def forward(ctx, a):
            a.add_(1)
            ctx.mark_dirty(a)
            return a

        @staticmethod
        def backward(ctx, g):
            return g

    x = leaf([1.0, 2.0])
    a = x * 3
    b = AddOne_.apply(a)
    assert b is a and a.grad_fn.name() == "AddOne_Backward"
    (a * a).sum().backward()
    close(x.grad, [24, 42])
    with pytest.raises(RuntimeError, match="leaf Variable"):
        AddOne_.apply(leaf([1.0]))


def test_custom_function_materialize_grads():
    seen = []

    class Two(Function):
        @staticmethod
        def forward(ctx, a, materialize):
            ctx.set_materialize_grads(materialize)
            return a * 1, a * 2

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1, g2))
            return (g1 if g1 is not None else 2 * g2), None

    x = leaf([1.0])
    Two.apply(x, False)[1].sum().backward()
    g1, g2 = seen[-1]
    assert g1 is None
    close(g2, [1])
    Two.apply(x, True)[1].sum().backward()
    g1, g2 = seen[-1]
    close(g1, [0])
    close(g2, [1])
    close(x.grad, [2 + 0])


def test_once_differentiable_blocks_double_backward():
    class Square(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        @ds.autograd.once_differentiable
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return 2 * a * g

    x = leaf([3.0])
    (g,) = ds.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    close(g, [6])
    with pytest.raises(RuntimeError, match="once_differentiable"):
        ds.autograd.grad(g.sum(), x)
    x.grad = None
    Square.apply(x).sum().backward()
    close(x.grad, [6])


def test_custom_function_graph_is_freed():
    class Holder(Function):
        @staticmethod
        def forward(ctx, a):
            out = a * 2
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            return g * 2

    import weakref
    x = leaf([1.0])
    y = Holder.apply(x)
    ref = weakref.ref(y)
    del y
    gc.collect()
    assert ref() is None
