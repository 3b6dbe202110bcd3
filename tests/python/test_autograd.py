"""Autograd behaviour, checked against hand-derived values (PyTorch 1.13 semantics).

Per-op gradients live in the gradcheck table (test_gradcheck.py); this file covers the
machinery: the graph, backward/grad options, grad modes, hooks, in-place rules,
higher-order gradients and gradcheck; custom Functions are in test_autograd_function.py.
"""
import math
import warnings

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


# ------------------------------------------------------------------------- graph and flags


def test_leaf_flags_and_propagation():
    x = leaf([1.0, 2.0])
    c = ds.tensor([3.0, 4.0], dtype=ds.float64)
    y = x * c
    assert x.is_leaf and x.requires_grad and x.grad_fn is None
    assert not c.requires_grad and c.is_leaf
    assert y.requires_grad and not y.is_leaf
    assert not (c * 2).requires_grad


def test_grad_fn_name_and_next_functions():
    x = leaf([1.0, 2.0])
    c = ds.tensor([3.0, 4.0], dtype=ds.float64)
    y = x * c
    assert y.grad_fn.name() == "MulBackward0"
    (acc, nr), (none, _) = y.grad_fn.next_functions
    assert acc.name() == "AccumulateGrad" and nr == 0
    assert none is None
    z = y.exp().sum()
    assert z.grad_fn.name().startswith("SumBackward")
    assert z.grad_fn.next_functions[0][0].name() == "ExpBackward0"
    assert z.grad_fn.next_functions[0][0].next_functions[0][0] is not None


def test_integer_tensors_cannot_require_grad_and_get_no_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        ds.tensor([1, 2]).requires_grad_()
    i = ds.tensor([1, 2, 3])
    w = leaf([1.0, 1.0, 1.0])
    (i * w).sum().backward()
    close(w.grad, [1, 2, 3])
    assert i.grad is None and not i.requires_grad
    mask = ds.tensor([True, False, True])
    (w * mask).sum().backward()
    close(w.grad, [2, 2, 4])


def test_requires_grad_flag_only_on_leaves():
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="leaf"):
        (x * 2).requires_grad_(False)
    x.requires_grad_(False)
    assert not x.requires_grad


# -------------------------------------------------------------------------------- backward


def test_backward_accumulates_and_grad_can_be_reset():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    close(x.grad, [2, 4, 6])
    (x * x).sum().backward()
    close(x.grad, [4, 8, 12])
    x.grad = None
    (3 * x).sum().backward()
    close(x.grad, [3, 3, 3])
    x.grad.zero_()
    (x * x).sum().backward()
    close(x.grad, [2, 4, 6])


def test_backward_with_gradient_and_non_scalar_error():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    with pytest.raises(RuntimeError,
                       match="grad can be implicitly created only for scalar outputs"):
        y.backward()
    y.backward(ds.tensor([1.0, 0.0, 2.0], dtype=ds.float64))
    close(x.grad, [2, 0, 4])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(ds.ones(2, dtype=ds.float64))


def test_backward_twice_needs_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    close(x.grad, 2 * (np.exp([1.0, 2.0]) * (1 + np.array([1.0, 2.0]))))
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_backward_on_tensor_without_graph_raises():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        ds.ones(2).sum().backward()


def test_gradients_of_broadcast_inputs_have_input_shapes():
    a = leaf(np.ones((3, 1)))
    b = leaf(np.arange(4.0))
    c = leaf(2.0)
    ((a * b) + c).sum().backward()
    assert tuple(a.grad.shape) == (3, 1) and tuple(b.grad.shape) == (4,)
    assert tuple(c.grad.shape) == ()
    close(a.grad, [[6], [6], [6]])
    close(b.grad, [3, 3, 3, 3])
    close(c.grad, 12)


def test_autograd_backward_with_several_roots_and_inputs():
    x = leaf([1.0, 2.0])
    w = leaf([3.0, 4.0])
    ds.autograd.backward([(x * w).sum(), (x * x).sum()])
    close(x.grad, [5, 8])
    close(w.grad, [1, 2])
    x.grad = None
    w.grad = None
    (x * w).sum().backward(inputs=[w])
    assert x.grad is None
    close(w.grad, [1, 2])
    y = x * 3
    (y * y).sum().backward(inputs=[y])
    close(y.grad, [6, 12])
    assert x.grad is None
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (x * 2).sum().backward(inputs=[])


def test_grad_returns_without_touching_dot_grad():
    x = leaf([1.0, 2.0])
    w = leaf([5.0])
    y = (x * x).sum()
    (g,) = ds.autograd.grad(y, x, retain_graph=True)
    close(g, [2, 4])
    assert x.grad is None
    gx, gw = ds.autograd.grad(y, [x, w], allow_unused=True, retain_graph=True)
    assert gw is None
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        ds.autograd.grad(y, [x, w])


def test_grad_with_grad_outputs_and_several_outputs():
    x = leaf([1.0, 2.0])
    a, b = x * 2, x * x
    (g,) = ds.autograd.grad([a, b], x, [ds.tensor([1.0, 1.0], dtype=ds.float64),
                                        ds.tensor([1.0, 0.5], dtype=ds.float64)])
    close(g, [2 + 2, 2 + 2])


def test_grad_of_input_that_does_not_require_grad_raises():
    x = leaf([1.0])
    c = ds.ones(1, dtype=ds.float64)
    with pytest.raises(RuntimeError, match="does not require grad"):
        ds.autograd.grad((x * c).sum(), c)


def test_grad_of_intermediate_tensor():
    x = leaf([1.0, 2.0])
    y = x * 3
    z = (y * y).sum()
    (gy,) = ds.autograd.grad(z, y)
    close(gy, [6, 12])


# ------------------------------------------------------------------------------ grad modes


def test_no_grad_enable_grad_set_grad_enabled_inference_mode():
    x = leaf([1.0])
    with ds.no_grad():
        assert not ds.is_grad_enabled()
        assert not (x * 2).requires_grad
        with ds.enable_grad():
            assert (x * 2).requires_grad
        assert not ds.is_grad_enabled()
    assert ds.is_grad_enabled()
    with ds.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ds.is_grad_enabled()
    with ds.inference_mode():
        assert not (x * 2).requires_grad
    with ds.inference_mode(False):
        assert (x * 2).requires_grad
    ds.set_grad_enabled(False)
    try:
        assert not ds.is_grad_enabled()
    finally:
        ds.set_grad_enabled(True)
    assert ds.is_grad_enabled()


def test_grad_modes_as_decorators_and_restored_after_exceptions():
    x = leaf([1.0])

    @ds.no_grad()
    def frozen():
        return x * 2

    @ds.enable_grad()
    def tracked():
        return x * 2

    @ds.inference_mode()
    def inferred():
        return x * 2

    @ds.set_grad_enabled(False)
    def switched_off():
        return x * 2

    assert ds.is_grad_enabled()  # decorating does not switch the mode
    assert not switched_off().requires_grad

    @ds.no_grad()
    def fails():
        raise ValueError("boom")

    assert not frozen().requires_grad
    assert frozen.__name__ == "frozen"
    with ds.no_grad():
        assert tracked().requires_grad
    assert not inferred().requires_grad
    with pytest.raises(ValueError):
        fails()
    assert ds.is_grad_enabled()


# -------------------------------------------------------------------------- detach, retain


def test_detach_shares_storage_and_version():
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    d[0] = 10.0
    close(y, [10, 4])
    z = y.exp()
    loss = (z * z).sum()  # saves z
    z.detach().add_(1)  # bumps z's version through the alias
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_detach_inplace():
    x = leaf([1.0])
    y = x * 2
    y.detach_()
    assert not y.requires_grad and y.is_leaf and y.grad_fn is None
    v = (x * 2)[0:1]
    with pytest.raises(RuntimeError, match="Can't detach views in-place"):
        v.detach_()


def test_retain_grad_on_intermediate():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    assert y.retains_grad
    (y * y).sum().backward()
    close(y.grad, [4, 8])
    close(x.grad, [8, 16])
    z = x * 3
    (z * 1).sum().backward()
    assert z.grad is None
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        ds.ones(1).retain_grad()


# -------------------------------------------------------------------------------------- hooks


def test_tensor_hooks_replace_gradients_and_can_be_removed():
    x = leaf([1.0, 2.0])
    seen = []
    h_leaf = x.register_hook(lambda g: g + 1)
    y = x * 2
    h_y = y.register_hook(lambda g: g * 10)
    y.register_hook(lambda g: seen.append(g.clone()))  # returns None: gradient unchanged
    y.sum().backward()
    close(seen[0], [10, 10])
    close(x.grad, [21, 21])
    h_leaf.remove()
    h_y.remove()
    h_y.remove()  # removing twice is harmless
    x.grad = None
    (x * 2).sum().backward()
    close(x.grad, [2, 2])
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ds.ones(1).register_hook(lambda g: g)


def test_hooks_run_in_registration_order_with_retain_grad():
    x = leaf([1.0, 2.0])
    y = x * 3
    y.retain_grad()  # registered first: sees the gradient before the hook below
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    close(y.grad, [1, 1])
    close(x.grad, [30, 30])


def test_grad_captures_before_tensor_hooks():
    x = leaf([1.0, 2.0])
    y = x * 3
    y.register_hook(lambda g: g * 10)
    (gy,) = ds.autograd.grad((y * y).sum(), y, retain_graph=True)
    close(gy, [6, 12])
    (gx,) = ds.autograd.grad((y * y).sum(), x)
    close(gx, [180, 360])


def test_post_accumulate_grad_hook_sees_the_new_grad():
    x = leaf([1.0, 2.0])
    seen = []
    handle = x.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.clone()))
    (x * x).sum().backward()
    (x * x).sum().backward()
    close(seen[0], [2, 4])
    close(seen[1], [4, 8])
    handle.remove()
    (x * x).sum().backward()
    assert len(seen) == 2
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda p: None)


# ---------------------------------------------------------------------------- in-place rules


def test_modified_saved_tensor_raises_with_pytorch_message():
    x = leaf([1.0, 2.0])
    a = x * 1
    y = (a * a).sum()
    a.mul_(2)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: \[.*\], which is "
                                           r"output 0 of MulBackward0, is at version 1; expected "
                                           r"version 0 instead"):
        y.backward()
    e = x.exp()  # saves its output
    s = e.sum()
    e.add_(1)
    with pytest.raises(RuntimeError, match="output 0 of ExpBackward0"):
        s.backward()


def test_in_place_on_leaf_requiring_grad():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an "
                                           "in-place operation"):
        x.add_(1.0)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        x[0:1].mul_(2.0)
    with ds.no_grad():
        x.mul_(2.0)
    close(x, [2, 4])
    assert x.requires_grad and x.is_leaf


def test_in_place_on_non_leaf_records_history():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.exp_()
    assert y.grad_fn.name() == "ExpBackward0"
    y.sum().backward()
    close(x.grad, 2 * np.exp([2.0, 4.0]))


def test_setitem_on_non_leaf_routes_gradients():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    y[0] = 0
    y.sum().backward()
    close(x.grad, [0, 2, 2])


def test_multiply_through_a_column_view():
    x = leaf(np.ones((2, 3)))
    y = x * 2
    y[:, 1] *= 3
    (y * y).sum().backward()
    close(x.grad, [[8, 72, 8], [8, 72, 8]])


def test_setitem_with_value_requiring_grad():
    x = leaf([1.0, 2.0, 3.0])
    v = leaf([5.0, 7.0])
    y = x * 1
    y[1:] = v * v
    (y * ds.tensor([1.0, 2.0, 3.0], dtype=ds.float64)).sum().backward()
    close(x.grad, [1, 0, 0])
    close(v.grad, [20, 42])


def test_write_into_zeros_makes_the_base_require_grad():
    x = leaf([2.0, 3.0])
    buf = ds.zeros(4, dtype=ds.float64)
    buf[1:3] = x
    assert buf.requires_grad and buf.grad_fn.name() == "CopySlices"
    (buf * buf).sum().backward()
    close(x.grad, [4, 6])


def test_views_created_before_an_in_place_write_see_it():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    head = y[:2]
    y[1] = 0  # changes head[1] too
    head.sum().backward()
    close(x.grad, [2, 0, 0])


def test_in_place_through_transposed_view():
    x = leaf(np.arange(6.0).reshape(2, 3))
    z = x * 1
    z.t()[0].mul_(10)  # column 0 of z
    z.sum().backward()
    close(x.grad, [[10, 1, 1], [10, 1, 1]])


# ----------------------------------------------------------------------- higher-order grads


def second_derivative(fn, values):
    x = leaf(values)
    (g,) = ds.autograd.grad(fn(x).sum(), x, create_graph=True)
    (h,) = ds.autograd.grad(g.sum(), x)
    return g, h


def test_second_derivatives_of_elementwise_functions():
    v = np.array([-1.3, -0.2, 0.4, 1.7])
    g, h = second_derivative(lambda x: x ** 3, v)
    close(g, 3 * v ** 2)
    close(h, 6 * v)
    t = np.tanh(v)
    g, h = second_derivative(ds.tanh, v)
    close(g, 1 - t ** 2)
    close(h, -2 * t * (1 - t ** 2))
    s = 1 / (1 + np.exp(-v))
    g, h = second_derivative(ds.sigmoid, v)
    close(h, s * (1 - s) * (1 - 2 * s))
    g, h = second_derivative(ds.exp, v)
    close(h, np.exp(v))
    g, h = second_derivative(lambda x: ds.log(x * x + 1), v)
    close(h, (2 - 2 * v ** 2) / (v ** 2 + 1) ** 2)


def test_third_derivative():
    x = leaf([0.7, -1.1])
    (g,) = ds.autograd.grad((x ** 4).sum(), x, create_graph=True)
    (h,) = ds.autograd.grad(g.sum(), x, create_graph=True)
    (t,) = ds.autograd.grad(h.sum(), x)
    close(t, 24 * np.array([0.7, -1.1]))


def test_hessian_of_softmax_entry():
    v = np.array([0.3, -0.5, 1.2])
    x = leaf(v)
    p = ds.softmax(x, 0)
    (g,) = ds.autograd.grad(p[0], x, create_graph=True)
    rows = [ds.autograd.grad(g[i], x, retain_graph=True)[0].numpy() for i in range(3)]
    s = np.exp(v) / np.exp(v).sum()
    # d2 p0 / dxi dxj = p0 ((d0i - pi)(d0j - pj) - pi (dij - pj))
    d = np.eye(3)
    expected = s[0] * (np.outer(d[0] - s, d[0] - s) - s[:, None] * (d - s[None, :]))
    np.testing.assert_allclose(np.array(rows), expected, rtol=1e-10, atol=1e-12)


def test_hessian_vector_product_of_matmul_chain():
    rng = np.random.default_rng(0)
    a_np, b_np = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    v_np = rng.standard_normal(3)
    a = ds.tensor(a_np)
    b = ds.tensor(b_np)
    x = leaf(v_np)
    # f(x) = sum(((x @ a) @ b) ** 2) = |B^T A^T x|^2, Hessian 2 A B B^T A^T
    f = ((x @ a @ b) ** 2).sum()
    (g,) = ds.autograd.grad(f, x, create_graph=True)
    u = ds.tensor([1.0, -2.0, 0.5])
    (hv,) = ds.autograd.grad((g * u).sum(), x)
    m = a_np @ b_np
    close(hv, 2 * m @ m.T @ np.array([1.0, -2.0, 0.5]), tol=1e-9)
    close(g, 2 * m @ m.T @ v_np, tol=1e-9)


def test_grad_of_grad_of_accumulated_leaf_grad():
    x = leaf([2.0])
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (h,) = ds.autograd.grad(x.grad.sum(), x)
    close(h, [12])


# -------------------------------------------------------------------------------- gradcheck


def test_gradcheck_detects_a_wrong_backward():
    class WrongSin(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a.sin()

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * a.cos() * 1.01

    x = leaf([0.3, 1.2])
    with pytest.raises(ds.autograd.GradcheckError, match="Jacobian mismatch"):
        ds.autograd.gradcheck(WrongSin.apply, (x,))
    assert ds.autograd.gradcheck(WrongSin.apply, (x,), raise_exception=False) is False
    assert ds.autograd.gradcheck(ds.sin, (x,))


def test_gradgradcheck_detects_a_non_differentiable_backward():
    class DetachedBackward(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return 2 * a.detach() * g

    x = leaf([0.3, 1.2])
    assert ds.autograd.gradcheck(DetachedBackward.apply, (x,))
    with pytest.raises(ds.autograd.GradcheckError):
        ds.autograd.gradgradcheck(DetachedBackward.apply, (x,))


def test_gradcheck_warns_for_float32_and_needs_an_input_requiring_grad():
    x = leaf([0.5], dtype=ds.float32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds.autograd.gradcheck(lambda a: a * 2, (x,), eps=1e-3, atol=1e-2, rtol=1e-2)
    assert any("double precision" in str(w.message) for w in caught)
    with pytest.raises(ValueError, match="requires_grad=True"):
        ds.autograd.gradcheck(lambda a: a * 2, (ds.ones(1),))


def test_gradcheck_on_several_inputs_and_outputs():
    a, b = leaf([0.1, 0.2]), leaf([1.5, -0.5])
    assert ds.autograd.gradcheck(lambda x, y: (x * y, (x - y).exp(), math.pi), (a, b))


def test_gradgradcheck_with_non_contiguous_grad_outputs_and_option_checks():
    a, b = leaf(np.arange(6.0).reshape(2, 3) / 7), leaf(np.arange(12.0).reshape(3, 4) / 5)
    assert ds.autograd.gradgradcheck(lambda x, y: (x @ y).tanh(), (a, b),
                                     gen_non_contig_grad_outputs=True)
    assert ds.autograd.gradcheck(ds.exp, (a,), check_batched_grad=False, fast_mode=False)
    with pytest.raises(NotImplementedError, match="fast_mode"):
        ds.autograd.gradcheck(ds.exp, (a,), fast_mode=True)
    with pytest.raises(TypeError, match="unexpected keyword"):
        ds.autograd.gradcheck(ds.exp, (a,), no_such_option=1)


# ---- summing the gradients that reach one tensor ----

def test_gradients_of_many_slices_sum_exactly():
    # An RNN reads its input gates one time step at a time: every slice sends back a
    # full-size gradient, and the engine sums them (in place, in its own buffer).
    x = ds.randn(35, 4, 8, dtype=ds.float64, requires_grad=True)
    weights = ds.randn(35, 4, 8, dtype=ds.float64)
    loss = sum((x[t] * weights[t]).sum() for t in range(35))
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), weights.numpy())
    # Twice through each slice, and once more through the whole tensor.
    y = ds.randn(6, 3, dtype=ds.float64, requires_grad=True)
    (sum(y[t].sum() * 2 + y[t].sum() for t in range(6)) + y.sum()).backward()
    np.testing.assert_array_equal(y.grad.numpy(), np.full((6, 3), 4.0))


def test_summing_gradients_never_writes_into_tensors_the_user_holds():
    x = ds.randn(5, 3, dtype=ds.float64, requires_grad=True)
    a = x * 1
    b = a * 1  # b's gradient reaches a, where the user's gradient for a already is
    given = ds.ones(5, 3, dtype=ds.float64)
    ds.autograd.backward([a, b], [given, ds.ones(5, 3, dtype=ds.float64)])
    np.testing.assert_array_equal(given.numpy(), np.ones((5, 3)))
    np.testing.assert_array_equal(x.grad.numpy(), np.full((5, 3), 2.0))
    # The same with numpy memory whose tensor the user no longer holds.
    array = np.ones((5, 3))
    x.grad = None
    a = x * 1
    b = a * 1
    ds.autograd.backward([a, b], [ds.from_numpy(array), ds.ones(5, 3, dtype=ds.float64)])
    np.testing.assert_array_equal(array, np.ones((5, 3)))
    np.testing.assert_array_equal(x.grad.numpy(), np.full((5, 3), 2.0))


def test_summed_gradients_stay_differentiable_with_create_graph():
    x = ds.tensor([1.0, 2.0], dtype=ds.float64, requires_grad=True)
    y = x * x
    (g,) = ds.autograd.grad((y + y * x).sum(), x, create_graph=True)  # 2x + 3x^2
    np.testing.assert_allclose(g.detach().numpy(), [2 + 3, 4 + 12])
    (gg,) = ds.autograd.grad(g.sum(), x)  # 2 + 6x
    np.testing.assert_allclose(gg.numpy(), [8.0, 14.0])
