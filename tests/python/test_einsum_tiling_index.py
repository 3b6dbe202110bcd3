"""einsum, baddbmm/addbmm/cross, diagonals (diagonal, diag, diag_embed, trace), tiling and
grids (tile, repeat_interleave, meshgrid, cartesian_prod) and index writes (index_fill,
index_copy, take, put, masked_scatter): forward values against numpy in float64 or torch
1.13, views and in-place semantics, and the errors. Gradients are in test_gradcheck.py."""
import numpy as np
import pytest
import torch

import deepseek as ds

rng = np.random.default_rng(0)


def values(t):
    return t.detach().to(ds.float64).numpy()


def arr(*shape):
    return rng.standard_normal(shape)


EINSUM = [
    ("ij,jk->ik", (3, 4), (4, 5)),
    ("ij,kj->ik", (3, 4), (5, 4)),
    ("bij,bjk->bik", (2, 3, 4), (2, 4, 5)),
    ("bhqd,bhkd->bhqk", (2, 3, 4, 5), (2, 3, 6, 5)),
    ("i,i->", (5,), (5,)),
    ("i,j->ij", (3,), (4,)),
    ("i,j", (3,), (4,)),
    ("ij->ji", (3, 4)),
    ("ij->", (3, 4)),
    ("ij->j", (3, 4)),
    ("ii->i", (4, 4)),
    ("ii", (4, 4)),
    ("iij->j", (3, 3, 2)),
    ("...ij,...jk", (2, 3, 4), (2, 4, 5)),
    ("...ij,...jk->...ik", (2, 1, 3, 4), (5, 4, 2)),
    ("b...i,bi->b...", (2, 3, 4), (2, 4)),
    ("ij,jk,kl->il", (2, 3), (3, 4), (4, 5)),
    ("i,ij,j->", (2,), (2, 3), (3,)),
    ("bn,anm,bm->ba", (2, 3), (4, 3, 5), (2, 5)),
    ("ab,ab->ab", (3, 4), (3, 4)),
    ("ij,ij->i", (3, 1), (3, 4)),
    ("Ab,bC->AC", (2, 3), (3, 2)),
    (" i j , j k -> i k ", (2, 3), (3, 2)),
]


@pytest.mark.parametrize("spec", EINSUM, ids=[e[0].replace(" ", "_") for e in EINSUM])
def test_einsum_matches_numpy(spec):
    equation, *shapes = spec
    arrays = [arr(*s) for s in shapes]
    expected = np.einsum(equation.replace(" ", ""), *arrays)
    got = ds.einsum(equation, *[ds.tensor(a) for a in arrays])
    assert tuple(got.shape) == expected.shape
    np.testing.assert_allclose(values(got), expected, rtol=1e-10, atol=1e-12)
    # the list form, as torch accepts it
    listed = ds.einsum(equation, [ds.tensor(a) for a in arrays])
    np.testing.assert_allclose(values(listed), expected, rtol=1e-10, atol=1e-12)


def test_einsum_float32_and_errors():
    a, b = arr(3, 4).astype(np.float32), arr(4, 2).astype(np.float32)
    got = ds.einsum("ij,jk", ds.tensor(a), ds.tensor(b))
    assert got.dtype == ds.float32
    np.testing.assert_allclose(values(got), a.astype(np.float64) @ b, rtol=1e-5)
    x = ds.ones(2, 3)
    with pytest.raises(RuntimeError, match="number of subscripts"):
        ds.einsum("ijk", x)
    with pytest.raises(ValueError, match="operands"):
        ds.einsum("ij,jk", x)
    with pytest.raises(ValueError, match="subscripts must be in \\[a-zA-Z\\]"):
        ds.einsum("i1", x)
    with pytest.raises(ValueError, match="does not appear"):
        ds.einsum("ij->k", x)
    with pytest.raises(RuntimeError, match="sizes don't match"):
        ds.einsum("ii", x)
    with pytest.raises(RuntimeError, match="broadcast"):
        ds.einsum("ij,ij->i", ds.ones(2, 3), ds.ones(2, 4))


def test_baddbmm_addbmm_cross_match_torch():
    i, b1, b2 = arr(2, 3, 5), arr(2, 3, 4), arr(2, 4, 5)
    ours = ds.baddbmm(ds.tensor(i), ds.tensor(b1), ds.tensor(b2), beta=0.5, alpha=-2)
    theirs = torch.baddbmm(torch.tensor(i), torch.tensor(b1), torch.tensor(b2), beta=0.5,
                           alpha=-2)
    np.testing.assert_allclose(values(ours), theirs.numpy(), rtol=1e-10)
    nan_input = ds.full((2, 3, 5), float("nan"), dtype=ds.float64)
    assert bool(ds.isfinite(nan_input.baddbmm(ds.tensor(b1), ds.tensor(b2), beta=0)).all())
    c = arr(3, 5)
    np.testing.assert_allclose(values(ds.addbmm(ds.tensor(c), ds.tensor(b1), ds.tensor(b2))),
                               torch.addbmm(torch.tensor(c), torch.tensor(b1),
                                            torch.tensor(b2)).numpy(), rtol=1e-10)
    u, v = arr(4, 3), arr(4, 3)
    np.testing.assert_allclose(values(ds.cross(ds.tensor(u), ds.tensor(v), dim=1)),
                               np.cross(u, v), rtol=1e-10)
    np.testing.assert_allclose(values(ds.tensor(u.T).cross(ds.tensor(v.T))), np.cross(u, v).T,
                               rtol=1e-10)  # no dim: the first dim of size 3
    with pytest.raises(RuntimeError, match="must have length 3"):
        ds.cross(ds.ones(2, 4), ds.ones(2, 4), dim=1)


def test_diagonal_is_a_view_and_matches_numpy():
    x = ds.tensor(arr(3, 4, 5))
    for offset, d1, d2 in ((0, 0, 1), (1, 0, 2), (-2, 2, 1), (7, 0, 1)):
        d = ds.diagonal(x, offset, d1, d2)
        np.testing.assert_array_equal(values(d), np.diagonal(x.numpy(), offset, d1, d2))
    m = ds.zeros(3, 3)
    m.diagonal().fill_(2.0)  # writes through the view
    assert m.tolist() == [[2, 0, 0], [0, 2, 0], [0, 0, 2]]
    t = ds.tensor(arr(4, 4)).t()  # non-contiguous input
    np.testing.assert_array_equal(values(t.diagonal(1)), np.diagonal(t.numpy(), 1))
    with pytest.raises(RuntimeError, match="cannot be identical"):
        ds.diagonal(x, 0, 1, 1)


def test_diag_diag_embed_trace_match_torch():
    v, tv = ds.tensor(arr(4)), None
    tv = torch.tensor(v.numpy())
    for k in (-2, 0, 1):
        np.testing.assert_array_equal(values(ds.diag(v, k)), torch.diag(tv, k).numpy())
    m = arr(3, 5)
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(values(ds.tensor(m).diag(k)), np.diag(m, k))
    x = arr(2, 3)
    for offset, d1, d2 in ((0, -2, -1), (1, 0, 2), (-1, 2, 0)):
        np.testing.assert_array_equal(
            values(ds.diag_embed(ds.tensor(x), offset, d1, d2)),
            torch.diag_embed(torch.tensor(x), offset, d1, d2).numpy())
    assert float(ds.trace(ds.tensor(m))) == pytest.approx(np.trace(m), rel=1e-12)
    assert ds.trace(ds.tensor([[1, 2], [3, 4]])).tolist() == 5
    with pytest.raises(RuntimeError, match="1D or 2D"):
        ds.diag(ds.ones(2, 2, 2))
    with pytest.raises(RuntimeError, match="expected a matrix"):
        ds.trace(ds.ones(3))


def test_tile_and_repeat_interleave_match_torch():
    x = arr(2, 3)
    for reps in ((2,), (2, 1), (1, 2, 3)):
        np.testing.assert_array_equal(values(ds.tile(ds.tensor(x), reps)), np.tile(x, reps))
    np.testing.assert_array_equal(values(ds.tensor(x).tile(2, 2)), np.tile(x, (2, 2)))
    t = torch.tensor(x)
    cases = [((2,), {}), ((3,), {"dim": 1}), ((torch.tensor([1, 0, 2]),), {"dim": 1}),
             ((torch.tensor([2]),), {"dim": 0})]
    for args, kw in cases:
        ours_args = tuple(ds.tensor(a.numpy()) if isinstance(a, torch.Tensor) else a
                          for a in args)
        np.testing.assert_array_equal(values(ds.repeat_interleave(ds.tensor(x), *ours_args, **kw)),
                                      torch.repeat_interleave(t, *args, **kw).numpy())
    counts = [2, 0, 3, 1, 0]
    assert ds.repeat_interleave(ds.tensor(counts)).tolist() == \
        torch.repeat_interleave(torch.tensor(counts)).tolist()
    assert ds.repeat_interleave(ds.tensor([0, 0])).tolist() == []
    with pytest.raises(RuntimeError, match="same size as input along dim"):
        ds.repeat_interleave(ds.tensor(x), ds.tensor([1, 2]), dim=1)
    with pytest.raises(RuntimeError, match="negative"):
        ds.repeat_interleave(ds.tensor(x), -1)


def test_meshgrid_and_cartesian_prod_match_torch():
    a, b, c = arr(3), arr(2), arr(4)
    for indexing in ("ij", "xy"):
        ours = ds.meshgrid(ds.tensor(a), ds.tensor(b), ds.tensor(c), indexing=indexing)
        theirs = torch.meshgrid(torch.tensor(a), torch.tensor(b), torch.tensor(c),
                                indexing=indexing)
        assert len(ours) == 3
        for o, t in zip(ours, theirs):
            np.testing.assert_array_equal(values(o), t.numpy())
    listed = ds.meshgrid([ds.tensor(a), ds.tensor(b)])
    assert listed[0].shape == (3, 2)
    np.testing.assert_array_equal(
        values(ds.cartesian_prod(ds.tensor(a), ds.tensor(b), ds.tensor(c))),
        torch.cartesian_prod(torch.tensor(a), torch.tensor(b), torch.tensor(c)).numpy())
    with pytest.raises(ValueError, match="indexing must be one of"):
        ds.meshgrid(ds.tensor(a), indexing="yx")


def test_index_fill_and_index_copy_match_torch():
    x, t = ds.tensor(arr(3, 4)), None
    t = torch.tensor(x.numpy())
    idx = [2, 0]
    np.testing.assert_array_equal(values(x.index_fill(1, ds.tensor(idx), -1.5)),
                                  t.index_fill(1, torch.tensor(idx), -1.5).numpy())
    np.testing.assert_array_equal(values(ds.index_fill(x, 0, ds.tensor([-1]), 7)),
                                  t.index_fill(0, torch.tensor([-1]), 7).numpy())
    src = arr(2, 4)
    np.testing.assert_array_equal(
        values(x.index_copy(0, ds.tensor(idx), ds.tensor(src))),
        t.index_copy(0, torch.tensor(idx), torch.tensor(src)).numpy())
    y = x.clone()
    assert y.index_fill_(0, ds.tensor([1]), 0.0) is y and float(y[1].abs().sum()) == 0
    assert y.index_copy_(1, ds.tensor([3]), ds.ones(3, 1, dtype=ds.float64)) is y
    assert y[:, 3].tolist() == [1, 1, 1]
    with pytest.raises(IndexError, match="out of range"):
        x.index_fill(1, ds.tensor([4]), 0)
    with pytest.raises(IndexError, match="long tensor"):
        x.index_fill(1, ds.tensor([1.0]), 0)
    with pytest.raises(RuntimeError, match="same slice shapes"):
        x.index_copy(0, ds.tensor([0]), ds.ones(1, 3, dtype=ds.float64))
    with pytest.raises(RuntimeError, match="same dtype"):
        x.index_copy(0, ds.tensor([0]), ds.ones(1, 4))


def test_take_put_masked_scatter_match_torch():
    data = arr(3, 4)
    x, t = ds.tensor(data), torch.tensor(data)
    idx = [[0, -1], [5, 5]]
    np.testing.assert_array_equal(values(ds.take(x, ds.tensor(idx))),
                                  torch.take(t, torch.tensor(idx)).numpy())
    src = [1.0, 2.0, 3.0]
    for accumulate in (False, True):
        ours = x.clone().put_(ds.tensor([1, -2, 7]), ds.tensor(src, dtype=ds.float64), accumulate)
        theirs = t.clone().put_(torch.tensor([1, -2, 7]), torch.tensor(src, dtype=torch.float64),
                                accumulate)
        np.testing.assert_array_equal(values(ours), theirs.numpy())
    np.testing.assert_array_equal(
        values(ds.put(x, ds.tensor([0, 0]), ds.tensor([1.0, 2.0], dtype=ds.float64), True)),
        t.put(torch.tensor([0, 0]), torch.tensor([1.0, 2.0], dtype=torch.float64), True).numpy())
    mask = data > 0
    source = np.arange(20.0)
    np.testing.assert_array_equal(
        values(x.masked_scatter(ds.tensor(mask), ds.tensor(source))),
        t.masked_scatter(torch.tensor(mask), torch.tensor(source)).numpy())
    row_mask = np.array([True, False, True, False])  # broadcast over rows
    y = x.clone()
    assert y.masked_scatter_(ds.tensor(row_mask), ds.tensor(source)) is y
    np.testing.assert_array_equal(
        values(y), t.masked_scatter(torch.tensor(row_mask), torch.tensor(source)).numpy())
    with pytest.raises(IndexError, match="out of range"):
        ds.take(x, ds.tensor([12]))
    with pytest.raises(RuntimeError, match="same number of elements"):
        x.put_(ds.tensor([0, 1]), ds.tensor([1.0], dtype=ds.float64))
    with pytest.raises(RuntimeError, match="Number of elements of source"):
        x.masked_scatter(ds.tensor(mask), ds.tensor([1.0], dtype=ds.float64))
