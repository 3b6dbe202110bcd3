"""autograd.functional (vjp, jvp, jacobian, hessian, hvp, vhp) against PyTorch 1.13 in
float64, for single and tuple inputs and outputs, and with create_graph."""
import numpy as np
import pytest
import torch

import deepseek as ds

RNG = np.random.default_rng(9)
A, B = RNG.standard_normal((2, 3)), RNG.standard_normal(3)
V_OUT, V_IN = RNG.standard_normal(2), RNG.standard_normal((2, 3))


def f_single(lib):
    return lambda x: (x.tanh() * x).sum(1)  # [2, 3] -> [2]


def f_pair(lib):
    return lambda x, y: ((x * y).sum(1), (x ** 2).sum() + y.sin().sum())


def scalar(lib):
    return lambda x, y: (x.exp() * y).sum() + (y ** 3).sum()


def _numpy(value):
    if isinstance(value, tuple):
        return tuple(_numpy(v) for v in value)
    return value.detach().numpy()


def _same(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
        return
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


CASES = [
    ("vjp", lambda lib: lib.autograd.functional.vjp(f_single(lib), lib.tensor(A),
                                                     lib.tensor(V_OUT))),
    ("vjp_pair", lambda lib: lib.autograd.functional.vjp(
        f_pair(lib), (lib.tensor(A), lib.tensor(B)), (lib.tensor(V_OUT), lib.tensor(1.5)))),
    ("jvp", lambda lib: lib.autograd.functional.jvp(f_single(lib), lib.tensor(A),
                                                     lib.tensor(V_IN))),
    ("jvp_pair", lambda lib: lib.autograd.functional.jvp(
        f_pair(lib), (lib.tensor(A), lib.tensor(B)), (lib.tensor(V_IN), lib.tensor(B * 2)))),
    ("jacobian", lambda lib: lib.autograd.functional.jacobian(f_single(lib), lib.tensor(A))),
    ("jacobian_pair", lambda lib: lib.autograd.functional.jacobian(
        f_pair(lib), (lib.tensor(A), lib.tensor(B)))),
    ("hessian", lambda lib: lib.autograd.functional.hessian(
        lambda x: (x.sin() * x).sum(), lib.tensor(B))),
    ("hessian_pair", lambda lib: lib.autograd.functional.hessian(
        scalar(lib), (lib.tensor(A), lib.tensor(B)))),
    ("hvp", lambda lib: lib.autograd.functional.hvp(
        scalar(lib), (lib.tensor(A), lib.tensor(B)), (lib.tensor(V_IN), lib.tensor(B)))),
    ("vhp", lambda lib: lib.autograd.functional.vhp(
        lambda x: (x ** 4).sum(), lib.tensor(B), lib.tensor(A[0]))),
]


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, call):
    _same(_numpy(call(ds)), _numpy(call(torch)))


def test_create_graph_results_are_differentiable():
    x = ds.tensor(B, requires_grad=True)
    jac = ds.autograd.functional.jacobian(lambda v: v ** 3, x, create_graph=True)
    jac.trace().backward()  # d/dx sum(3 x^2) = 6 x
    np.testing.assert_allclose(x.grad.numpy(), 6 * B, rtol=1e-12)
    _, g = ds.autograd.functional.vjp(lambda v: (v ** 2).sum(), ds.tensor(B))
    assert not g.requires_grad


def test_errors():
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        ds.autograd.functional.jacobian(lambda v: v, [ds.ones(2)])
    with pytest.raises(RuntimeError, match="single Tensor with a single element"):
        ds.autograd.functional.hessian(lambda v: v * 2, ds.ones(2))
