"""Tensor.unfold, fill_diagonal_, log_normal_/cauchy_/geometric_ and the CPU memory
no-ops, against PyTorch 1.13 (values) or their distributions (random fills)."""
import numpy as np
import pytest
import torch

import deepseek as ds

X = np.arange(24.0).reshape(4, 6)


@pytest.mark.parametrize("args", [(1, 3, 2), (0, 2, 1), (1, 6, 1), (-1, 1, 4), (0, 4, 3)])
def test_unfold_matches_torch_and_is_a_differentiable_view(args):
    ours, theirs = ds.tensor(X).unfold(*args), torch.tensor(X).unfold(*args)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    x = ds.tensor(X, requires_grad=True)
    x.unfold(*args).sum().backward()
    xt = torch.tensor(X, requires_grad=True)
    xt.unfold(*args).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())
    with pytest.raises(RuntimeError, match="maximum size for tensor at dimension 1 is 6"):
        ds.tensor(X).unfold(1, 7, 1)


@pytest.mark.parametrize("shape,wrap", [((3, 3), False), ((5, 3), False), ((7, 3), True),
                                        ((3, 5), False), ((2, 2, 2), False)])
def test_fill_diagonal_matches_torch(shape, wrap):
    ours = ds.zeros(*shape).fill_diagonal_(5.0, wrap)
    theirs = torch.zeros(*shape).fill_diagonal_(5.0, wrap)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_random_fills_have_their_distributions():
    ds.manual_seed(0)
    n = 50000
    geometric = ds.empty(n).geometric_(0.25)
    assert float(geometric.min()) >= 1 and abs(float(geometric.mean()) - 4.0) < 0.1
    log_normal = ds.empty(n, dtype=ds.float64).log_normal_(0.5, 0.25).log()
    assert abs(float(log_normal.mean()) - 0.5) < 0.01
    assert abs(float(log_normal.std()) - 0.25) < 0.01
    cauchy = ds.empty(n, dtype=ds.float64).cauchy_(1.0, 2.0)
    assert abs(float(cauchy.median()) - 1.0) < 0.1  # (no mean: the median)
    quartiles = np.quantile(cauchy.numpy(), [0.25, 0.75])
    np.testing.assert_allclose(quartiles, [-1.0, 3.0], atol=0.15)  # median -/+ sigma


def test_memory_placement_no_ops():
    x = ds.ones(3)
    assert x.pin_memory() is x and not x.is_pinned()
    assert x.share_memory_() is x and not x.is_shared()


@pytest.mark.parametrize("reduce", ["sum", "mean"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_scatter_reduce_matches_torch(reduce, include_self, dtype):
    base = np.arange(12).reshape(3, 4) * 1.5
    src = np.arange(10).reshape(2, 5) * 2.0 - 3
    index = np.array([[0, 1, 2, 0, 0], [2, 2, 1, 0, 1]])
    results = []
    for lib in (ds, torch):
        x = lib.tensor(base).to(getattr(lib, dtype))
        s = lib.tensor(src).to(getattr(lib, dtype))
        i = lib.tensor(index)
        if dtype == "float64":
            x.requires_grad_()
            s.requires_grad_()
        out = x.scatter_reduce(0, i[:, :4], s[:, :4], reduce, include_self=include_self)
        if dtype == "float64":
            (out ** 2).sum().backward()
            results.append((out.detach().numpy(), x.grad.numpy(), s.grad.numpy()))
        else:
            results.append((out.numpy(),))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_scatter_reduce_says_which_reductions_are_missing():
    with pytest.raises(NotImplementedError, match="reduce='amax' is not implemented yet"):
        ds.zeros(3).scatter_reduce(0, ds.tensor([0, 1]), ds.ones(2), "amax")


A = np.random.default_rng(30).standard_normal((3, 4))

SMALL_CASES = [
    ("mH", lambda m: m.tensor(A).mH), ("H", lambda m: m.tensor(A).H),
    ("sum_to_size", lambda m: m.tensor(np.ones((2, 3, 4))).sum_to_size(3, 1)),
    ("asinh", lambda m: m.asinh(m.tensor(np.array([-1e3, -2.5, -1e-8, 0.0, 0.3, 40.0])))),
    ("acosh", lambda m: m.acosh(m.tensor(np.array([1.0, 1.5, 10.0, 1e3])))),
    ("atanh", lambda m: m.atanh(m.tensor(np.array([-0.99, -0.3, 0.0, 1e-9, 0.7])))),
    ("diagflat", lambda m: m.diagflat(m.tensor(A[:2, :2]), 1)),
    ("inner", lambda m: m.inner(m.tensor(A), m.tensor(A[:2]))),
    ("dist", lambda m: m.dist(m.tensor(A), m.tensor(A * 2), 3)),
    ("isin", lambda m: m.isin(m.tensor([1, 2, 3, 4]), m.tensor([2, 4, 9]))),
    ("quantile", lambda m: m.quantile(m.tensor(A), 0.3)),
    ("quantile_dim", lambda m: m.quantile(m.tensor(A), m.tensor([0.1, 0.5, 0.9]).double(), dim=1,
                                          keepdim=True)),
    ("quantile_nearest", lambda m: m.quantile(m.tensor(A), 0.4, dim=0,
                                              interpolation="nearest")),
    ("ravel", lambda m: m.tensor(A).t().ravel()), ("fliplr", lambda m: m.fliplr(m.tensor(A))),
    ("flipud", lambda m: m.flipud(m.tensor(A))),
    ("moveaxis", lambda m: m.moveaxis(m.tensor(np.ones((2, 3, 4))), 0, 2)),
    ("triu_", lambda m: m.tensor(A).triu_(1)),
]


@pytest.mark.parametrize("name,fn", SMALL_CASES, ids=[c[0] for c in SMALL_CASES])
def test_small_methods_match_torch(name, fn):
    ours, theirs = fn(ds), fn(torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-15)


def test_size_and_kind_queries():
    x = ds.ones(3, 4)
    assert (x.itemsize, x.nbytes) == (4, 48)
    assert not x.is_complex() and x.is_signed() and not ds.ones(2, dtype=ds.uint8).is_signed()
    assert x.positive() is x and not x.is_inference()
