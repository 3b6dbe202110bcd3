"""deepseek.linalg's norms and products against PyTorch 1.13 in float64 (values and
gradients); the decompositions say they are not implemented."""
import math

import numpy as np
import pytest
import torch

import deepseek as ds

RNG = np.random.default_rng(12)
M = RNG.standard_normal((2, 3, 4))
SQ = RNG.standard_normal((3, 3)) / 2

CASES = [
    ("vector_norm", lambda m, t: m.linalg.vector_norm(t(M))),
    ("vector_norm_3_dim", lambda m, t: m.linalg.vector_norm(t(M), 3, dim=1, keepdim=True)),
    ("vector_norm_inf", lambda m, t: m.linalg.vector_norm(t(M), math.inf, dim=(0, 2))),
    ("vector_norm_-inf", lambda m, t: m.linalg.vector_norm(t(M), -math.inf, dim=-1)),
    ("vector_norm_1", lambda m, t: m.linalg.vector_norm(t(M), 1)),
    ("vector_norm_0", lambda m, t: m.linalg.vector_norm(t(M), 0, dim=2)),
    ("matrix_norm_fro", lambda m, t: m.linalg.matrix_norm(t(M))),
    ("matrix_norm_1", lambda m, t: m.linalg.matrix_norm(t(M), 1)),
    ("matrix_norm_-1", lambda m, t: m.linalg.matrix_norm(t(M), -1, keepdim=True)),
    ("matrix_norm_inf", lambda m, t: m.linalg.matrix_norm(t(M), math.inf, dim=(0, 2))),
    ("matrix_norm_-inf", lambda m, t: m.linalg.matrix_norm(t(M), -math.inf)),
    ("norm_default", lambda m, t: m.linalg.norm(t(M))),
    ("norm_matrix_ord", lambda m, t: m.linalg.norm(t(M[0]), 1)),
    ("norm_vector_dim", lambda m, t: m.linalg.norm(t(M), 3, dim=2)),
    ("norm_pair_dims", lambda m, t: m.linalg.norm(t(M), dim=(1, 2))),
    ("vecdot", lambda m, t: m.linalg.vecdot(t(M), t(M[::-1].copy()))),
    ("cross", lambda m, t: m.linalg.cross(t(SQ), t(SQ.T.copy()))),
    ("multi_dot", lambda m, t: m.linalg.multi_dot([t(M[0, 0]), t(M[0].T.copy()), t(M[1]),
                                                    t(M[1, 0])])),
    ("matrix_power_5", lambda m, t: m.linalg.matrix_power(t(SQ), 5)),
    ("matrix_power_0", lambda m, t: m.linalg.matrix_power(t(SQ), 0)),
    ("diagonal", lambda m, t: m.linalg.diagonal(t(M), offset=1)),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, fn):
    results = []
    for lib in (ds, torch):
        leaves = []

        def t(array, lib=lib, leaves=leaves):
            leaf = lib.tensor(array, requires_grad=True)
            leaves.append(leaf)
            return leaf

        out = fn(lib, t)
        if out.requires_grad:
            (out * out).sum().backward()
        results.append((out.detach().numpy(), [leaf.grad for leaf in leaves]))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12, atol=1e-12)
    for a, b in zip(results[0][1], results[1][1]):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


def test_decompositions_say_they_are_missing():
    for name in ("inv", "solve", "det", "svd", "cholesky"):
        with pytest.raises(NotImplementedError, match=f"linalg.{name} is not implemented"):
            getattr(ds.linalg, name)(ds.eye(2))
    with pytest.raises(NotImplementedError, match="singular values"):
        ds.linalg.matrix_norm(ds.eye(2), "nuc")
