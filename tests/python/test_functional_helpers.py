"""The ops PyTorch builds from other ops (deepseek/_functional.py, deepseek.special)
against PyTorch 1.13 in float64: values, shapes, dtypes; gradients where they are
differentiable; PyTorch's errors for bad arguments."""
import numpy as np
import pytest
import torch

import deepseek as ds
from deepseek.autograd import gradcheck

RNG = np.random.default_rng(3)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((4, 2))
V = RNG.standard_normal(5)
C3 = RNG.standard_normal((2, 3, 4))
NAN = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, 3.0]])
P = RNG.uniform(0.1, 0.9, (3, 3))
D = RNG.standard_normal((3, 4, 2))

CASES = [
    ("atleast_1d", lambda m: m.atleast_1d(m.tensor(2.0))),
    ("atleast_2d", lambda m: m.atleast_2d(m.tensor(V))),
    ("atleast_3d", lambda m: m.atleast_3d(m.tensor(A))),
    ("atleast_3d_1d", lambda m: m.atleast_3d(m.tensor(V))),
    ("hstack", lambda m: m.hstack([m.tensor(A), m.tensor(A[:, :2])])),
    ("hstack_1d", lambda m: m.hstack((m.tensor(V), m.tensor(V[:2])))),
    ("vstack", lambda m: m.vstack([m.tensor(A), m.tensor(A[0])])),
    ("row_stack", lambda m: m.row_stack([m.tensor(V), m.tensor(V)])),
    ("dstack", lambda m: m.dstack([m.tensor(A), m.tensor(A)])),
    ("column_stack", lambda m: m.column_stack([m.tensor(V), m.tensor(np.ones((5, 2)))])),
    ("tensor_split_sections", lambda m: m.tensor_split(m.tensor(np.arange(7.0)), 3)),
    ("tensor_split_indices", lambda m: m.tensor_split(m.tensor(C3), [1, 3, -1], dim=2)),
    ("tensor_split_out_of_range", lambda m: m.tensor_split(m.tensor(V), [2, 9])),
    ("hsplit", lambda m: m.hsplit(m.tensor(A), 2)),
    ("vsplit", lambda m: m.vsplit(m.tensor(C3), [1])),
    ("dsplit", lambda m: m.dsplit(m.tensor(C3), 2)),
    ("tensordot_int", lambda m: m.tensordot(m.tensor(C3), m.tensor(D), 2)),
    ("tensordot_lists",
     lambda m: m.tensordot(m.tensor(C3), m.tensor(A), dims=([1, 2], [0, 1]))),
    ("kron", lambda m: m.kron(m.tensor(A), m.tensor(B))),
    ("kron_mixed_dims", lambda m: m.kron(m.tensor(V), m.tensor(A))),
    ("block_diag", lambda m: m.block_diag(m.tensor(A), m.tensor(2.0), m.tensor(V))),
    ("rot90", lambda m: m.rot90(m.tensor(C3), 1, [1, 2])),
    ("rot90_k3", lambda m: m.rot90(m.tensor(A), 3)),
    ("rot90_neg", lambda m: m.rot90(m.tensor(A), -2)),
    ("logaddexp", lambda m: m.logaddexp(m.tensor(np.array([1e3, -1e3, 0.5, -np.inf, np.inf])),
                                        m.tensor(np.array([1e3, 2.0, -0.5, -np.inf, -np.inf])))),
    ("logaddexp2", lambda m: m.logaddexp2(m.tensor(V), m.tensor(V[::-1].copy()))),
    ("copysign", lambda m: m.copysign(m.tensor(V), m.tensor([-1.0, 0.0, -0.0, 2.0, -3.0]))),
    ("copysign_scalar", lambda m: m.copysign(m.tensor(V), -1.0)),
    ("sgn", lambda m: m.sgn(m.tensor(V))),
    ("heaviside", lambda m: m.heaviside(m.tensor([-1.5, 0.0, 2.0]), m.tensor([0.5]))),
    ("nansum", lambda m: m.nansum(m.tensor(NAN))),
    ("nansum_dim", lambda m: m.nansum(m.tensor(NAN), 1, keepdim=True)),
    ("nanmean", lambda m: m.nanmean(m.tensor(NAN), 0)),
    ("xlogy", lambda m: m.xlogy(m.tensor(np.array([0.0, 2.0, 0.0, 1.5])),
                                m.tensor(np.array([0.0, 3.0, np.nan, 0.5])))),
    ("logit", lambda m: m.logit(m.tensor(P))),
    ("logit_eps", lambda m: m.logit(m.tensor([0.0, 0.5, 1.0]), eps=1e-3)),
    ("deg2rad", lambda m: m.deg2rad(m.tensor(V * 90))),
    ("rad2deg", lambda m: m.rad2deg(m.tensor(V))),
    ("sinc", lambda m: m.sinc(m.tensor([0.0, 0.5, -1.5, 2.25]))),
    ("float_power", lambda m: m.float_power(m.tensor([1, 2, 3]), 2)),
    ("isposinf", lambda m: m.isposinf(m.tensor([np.inf, -np.inf, 1.0, np.nan]))),
    ("isneginf", lambda m: m.isneginf(m.tensor([np.inf, -np.inf, 1.0, np.nan]))),
    ("isreal", lambda m: m.isreal(m.tensor(V))),
    ("diff", lambda m: m.diff(m.tensor(C3), dim=1)),
    ("diff_n2_prepend", lambda m: m.diff(m.tensor(V), n=2, prepend=m.tensor([1.0]),
                                         append=m.tensor([0.5, 2.0]))),
    ("triu_indices", lambda m: m.triu_indices(3, 4, 1)),
    ("tril_indices", lambda m: m.tril_indices(4, 3, -1)),
    ("aminmax", lambda m: tuple(m.aminmax(m.tensor(A)))),
    ("aminmax_dim", lambda m: tuple(m.aminmax(m.tensor(A), dim=1, keepdim=True))),
    ("trapezoid", lambda m: m.trapezoid(m.tensor(A))),
    ("trapezoid_x", lambda m: m.trapezoid(m.tensor(A), m.tensor([0.0, 1.0, 3.0, 3.5]))),
    ("trapz_dx", lambda m: m.trapz(m.tensor(A), dx=0.5, dim=0)),
    ("cov", lambda m: m.cov(m.tensor(A))),
    ("corrcoef", lambda m: m.corrcoef(m.tensor(A))),
    ("special_expit", lambda m: m.special.expit(m.tensor(V))),
    ("special_logit", lambda m: m.special.logit(m.tensor(P))),
    ("method_kron", lambda m: m.tensor(A).kron(m.tensor(B))),
    ("method_diff", lambda m: m.tensor(V).diff()),
]


def _numpy(x):
    if isinstance(x, (tuple, list)):
        return [_numpy(v) for v in x]
    return x.detach().cpu().numpy()


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, make):
    ours, theirs = make(ds), make(torch)
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        pairs = list(zip(ours, theirs))
    else:
        pairs = [(ours, theirs)]
    for o, t in pairs:
        assert tuple(o.shape) == tuple(t.shape)
        assert str(o.dtype).split(".")[1] == str(t.dtype).split(".")[1]
        np.testing.assert_allclose(_numpy(o), _numpy(t), rtol=1e-12, atol=1e-12)


GRAD_CASES = [
    ("tensordot", lambda x, y: ds.tensordot(x, y, 1), [(3, 4), (4, 2)]),
    ("kron", lambda x, y: ds.kron(x, y), [(2, 3), (2, 2)]),
    ("block_diag", lambda x, y: ds.block_diag(x, y), [(2, 3), (2, 2)]),
    ("hstack", lambda x, y: ds.hstack([x, y]), [(2, 3), (2, 2)]),
    ("rot90", lambda x: ds.rot90(x, 1), [(2, 3)]),
    ("logaddexp", lambda x, y: ds.logaddexp(x, y), [(2, 3), (2, 3)]),
    ("xlogy", lambda x, y: ds.xlogy(x, y.abs() + 0.5), [(2, 3), (2, 3)]),
    ("logit", lambda x: ds.logit(x.sigmoid()), [(2, 3)]),
    ("sinc", lambda x: ds.sinc(x), [(2, 3)]),
    ("nanmean", lambda x: ds.nanmean(x, 1), [(2, 3)]),
    ("cov", lambda x: ds.cov(x), [(2, 5)]),
    ("trapezoid", lambda x: ds.trapezoid(x), [(2, 5)]),
]


@pytest.mark.parametrize("name,fn,shapes", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients(name, fn, shapes):
    inputs = [ds.tensor(RNG.standard_normal(s), requires_grad=True) for s in shapes]
    assert gradcheck(fn, inputs)


def test_errors_match_torch():
    with pytest.raises(RuntimeError, match="number of sections must be larger than 0"):
        ds.tensor_split(ds.ones(3), 0)
    with pytest.raises(RuntimeError, match="is not divisible by the split_size"):
        ds.hsplit(ds.ones(2, 5), 2)
    with pytest.raises(RuntimeError, match="contracted dimensions need to match"):
        ds.tensordot(ds.ones(2, 3), ds.ones(4, 2), 1)
    with pytest.raises(RuntimeError, match="expected rotation dims to be different"):
        ds.rot90(ds.ones(2, 2), 1, [0, 0])
    ds.use_deterministic_algorithms(True)
    assert ds.are_deterministic_algorithms_enabled()
    ds.use_deterministic_algorithms(False)
    assert not ds.are_deterministic_algorithms_enabled()
