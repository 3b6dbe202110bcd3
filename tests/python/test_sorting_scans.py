"""Sorting and selection (sort, argsort, topk, kthvalue, median, unique, searchsorted), scans
(cumsum, cumprod, cummax, cummin) and counting (bincount, histc, count_nonzero), compared
with torch 1.13 (values and indices, NaN and tie handling) across dtypes and layouts.
Gradients are in test_gradcheck.py."""
import numpy as np
import pytest
import torch

import deepseek as ds

NAN = float("nan")


def pair(array, dtype=None):
    """The same data as a deepseek and a torch tensor."""
    a = np.asarray(array)
    t = torch.tensor(a)
    d = ds.tensor(a)
    if dtype is not None:
        t, d = t.to(getattr(torch, dtype)), d.to(getattr(ds, dtype))
    return d, t


def same(ours, theirs, exact=True):
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    a = ours.to(ds.float64).numpy() if ours.dtype != ds.bool else ours.numpy()
    b = theirs.double().numpy() if theirs.dtype != torch.bool else theirs.numpy()
    if exact:
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-6, equal_nan=True)


def same_pair(ours, theirs):
    assert type(ours).__name__ == type(theirs).__name__  # return_types names
    same(ours.values, theirs.values)
    same(ours.indices, theirs.indices)


rng = np.random.default_rng(0)
DATA = rng.standard_normal((4, 7))
WITH_TIES = rng.integers(0, 4, (3, 9))
WITH_NAN = np.array([[3.0, NAN, 1.0, NAN, -2.0], [0.5, 0.5, NAN, 4.0, 0.5]])


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "int16",
                                   "float16", "bfloat16"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_matches_torch(dtype, dim, descending):
    src = WITH_TIES if dtype in ("uint8", "int16", "int32", "int64") else DATA * 3
    x, t = pair(src, dtype)
    same_pair(ds.sort(x, dim, descending),
              torch.sort(t, dim=dim, descending=descending, stable=True))
    same(x.argsort(dim, descending=descending), torch.argsort(t, dim, descending))


def test_sort_nan_bool_and_layouts():
    x, t = pair(WITH_NAN)
    for desc in (False, True):
        same_pair(x.sort(1, descending=desc), t.sort(dim=1, descending=desc, stable=True))
    b, tb = pair(rng.integers(0, 2, (3, 5)).astype(bool))
    same_pair(ds.sort(b, 1), torch.sort(tb, dim=1, stable=True))
    # non-contiguous input, and a 0-dim tensor
    x, t = pair(rng.standard_normal((5, 4, 3)))
    same_pair(x.transpose(0, 2).sort(1), t.transpose(0, 2).sort(1))
    same_pair(ds.sort(ds.tensor(2.5)), torch.sort(torch.tensor(2.5)))
    same(ds.msort(x), torch.msort(t))
    # a large input sorts in parallel over rows and agrees with numpy's stable sort
    big = rng.integers(0, 50, (300, 400))
    v, i = ds.sort(ds.tensor(big), 1, stable=True)
    np.testing.assert_array_equal(i.numpy(), np.argsort(big, 1, kind="stable"))
    np.testing.assert_array_equal(v.numpy(), np.sort(big, 1))


@pytest.mark.parametrize("largest", [True, False])
def test_topk_matches_torch(largest):
    x, t = pair(DATA)
    for dim in (0, 1):
        for k in (0, 1, 3):
            same_pair(ds.topk(x, k, dim, largest), torch.topk(t, k, dim, largest))
    # NaN counts as the largest value. Among equal values the order is unspecified (torch's
    # is not stable), so with ties compare values and check that the indices point at them.
    x, t = pair(WITH_NAN)
    ours, theirs = x.topk(2, largest=largest), t.topk(2, largest=largest)
    same(ours.values, theirs.values)
    same(x.gather(1, ours.indices), ours.values)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        x.topk(6)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.topk(1, dim=2)


def test_kthvalue_and_median_match_torch():
    x, t = pair(DATA)
    for k in (1, 4, 7):
        same_pair(ds.kthvalue(x, k, 1), torch.kthvalue(t, k, 1))
    same_pair(x.kthvalue(2, 0, keepdim=True), t.kthvalue(2, 0, keepdim=True))
    same_pair(ds.median(x, 1), torch.median(t, 1))
    same_pair(x.median(0, keepdim=True), t.median(0, keepdim=True))
    same(ds.median(x), torch.median(t))
    i, ti = pair(WITH_TIES)
    same(ds.median(i, 1).values, torch.median(ti, 1).values)
    same(ds.median(i), torch.median(ti))
    n, tn = pair(WITH_NAN)
    same_pair(ds.median(n, 1), torch.median(tn, 1))  # NaN rows: NaN at its first index
    same(ds.median(n), torch.median(tn))
    same_pair(ds.kthvalue(n, 4, 1), torch.kthvalue(tn, 4, 1))  # NaN counts as largest
    with pytest.raises(IndexError, match="k out of range"):
        ds.kthvalue(x, 8, 1)
    with pytest.raises(IndexError, match="non-zero size"):
        ds.median(ds.ones(2, 0), 1)


def test_unique_matches_torch():
    x, t = pair(WITH_TIES)
    same(ds.unique(x), torch.unique(t))
    for inv in (False, True):
        for cnt in (False, True):
            ours = ds.unique(x, return_inverse=inv, return_counts=cnt)
            theirs = torch.unique(t, return_inverse=inv, return_counts=cnt)
            if not (inv or cnt):
                same(ours, theirs)
                continue
            assert len(ours) == len(theirs)
            for a, b in zip(ours, theirs):
                same(a, b)
    # Every NaN is its own value, sorted last (torch 1.13 returns them in a scrambled order).
    values, counts = ds.unique(ds.tensor([2.5, NAN, -1.0, 2.5, NAN]), return_counts=True)
    np.testing.assert_array_equal(values.numpy(), [-1.0, 2.5, NAN, NAN])
    assert counts.tolist() == [1, 2, 1, 1]
    empty, tempty = pair(np.zeros(0, dtype=np.int64))
    same(ds.unique(empty), torch.unique(tempty))


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_unique_along_a_dim_matches_torch(dim):
    values = np.random.default_rng(dim + 5).integers(0, 3, (6, 3, 2))
    for data in (values, values * 0.5):
        for inv, cnt in ((False, False), (True, False), (False, True), (True, True)):
            ours = ds.unique(ds.tensor(data), dim=dim, return_inverse=inv, return_counts=cnt)
            theirs = torch.unique(torch.tensor(data), dim=dim, return_inverse=inv,
                                  return_counts=cnt)
            ours = ours if isinstance(ours, tuple) else (ours,)
            theirs = theirs if isinstance(theirs, tuple) else (theirs,)
            assert len(ours) == len(theirs)
            for a, b in zip(ours, theirs):
                np.testing.assert_array_equal(a.numpy(), b.numpy())
    with pytest.raises(IndexError):
        ds.unique(ds.tensor(values), dim=3)


def test_searchsorted_matches_torch():
    seq, tseq = pair([1, 3, 3, 5, 9])
    v, tv = pair(rng.integers(0, 11, (3, 4)))
    for right in (False, True):
        same(ds.searchsorted(seq, v, right=right), torch.searchsorted(tseq, tv, right=right))
    same(ds.searchsorted(seq, v, side="right"), torch.searchsorted(tseq, tv, side="right"))
    same(ds.searchsorted(seq, 3), torch.searchsorted(tseq, 3))
    same(ds.searchsorted(seq, v, out_int32=True), torch.searchsorted(tseq, tv, out_int32=True))
    seq2, tseq2 = pair(np.sort(rng.standard_normal((3, 6)), 1))
    v2, tv2 = pair(rng.standard_normal((3, 4)))
    same(ds.searchsorted(seq2, v2), torch.searchsorted(tseq2, tv2))
    with pytest.raises(RuntimeError, match="first N-1 dimensions"):
        ds.searchsorted(seq2, ds.zeros(2, 4, dtype=ds.float64))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "bool",
                                   "bfloat16"])
def test_cumsum_cumprod_match_torch(dtype):
    src = rng.integers(-3, 4, (4, 5)) if dtype != "bool" else rng.integers(0, 2, (4, 5))
    if dtype == "uint8":
        src = np.abs(src)
    x, t = pair(src, dtype)
    for dim in (0, 1, -1):
        same(ds.cumsum(x, dim), torch.cumsum(t, dim))
        same(x.cumprod(dim), t.cumprod(dim))
    same(ds.cumsum(x, 1, dtype=ds.float64), torch.cumsum(t, 1, dtype=torch.float64))


def test_cumsum_accumulates_wide_and_handles_layouts():
    # float32 running sums accumulate in double, as PyTorch's CPU kernel does.
    x32 = np.full(100000, 0.1, dtype=np.float32)
    x, t = pair(x32)
    same(ds.cumsum(x, 0), torch.cumsum(t, 0), exact=False)
    x, t = pair(rng.standard_normal((3, 4, 5)))
    same(x.permute(2, 0, 1).cumsum(1), t.permute(2, 0, 1).cumsum(1), exact=False)
    same(ds.cumsum(ds.tensor(2.0), 0), torch.cumsum(torch.tensor(2.0), 0))
    y = ds.arange(6.0).view(2, 3)
    assert y.cumsum_(1) is y and y.tolist() == [[0, 1, 3], [3, 7, 12]]
    z = ds.tensor([1, 2, 3])
    z.cumprod_(0)
    assert z.tolist() == [1, 2, 6] and z.dtype == ds.int64


def test_cummax_cummin_match_torch():
    for src in (WITH_TIES, DATA, WITH_NAN):
        x, t = pair(src)
        for dim in (0, 1):
            same_pair(ds.cummax(x, dim), torch.cummax(t, dim))
            same_pair(x.cummin(dim), t.cummin(dim))


def test_bincount_histc_count_nonzero_match_torch():
    x, t = pair([0, 1, 1, 3, 7, 1])
    same(ds.bincount(x), torch.bincount(t))
    same(ds.bincount(x, minlength=10), torch.bincount(t, minlength=10))
    for wdtype in ("float32", "float64", "int64"):
        w, tw = pair([0.5, 1, 2, 3, 4, 5], wdtype)
        same(ds.bincount(x, w), torch.bincount(t, tw))
    empty, tempty = pair(np.zeros(0, dtype=np.int64))
    same(ds.bincount(empty), torch.bincount(tempty))
    with pytest.raises(RuntimeError, match="non-negative integral"):
        ds.bincount(ds.tensor([1, -1]))
    with pytest.raises(RuntimeError, match="1-d non-negative integral"):
        ds.bincount(ds.tensor([1.0]))
    f, tf = pair(rng.standard_normal(1000).astype(np.float32))
    same(ds.histc(f, bins=10, min=-2, max=2), torch.histc(tf, bins=10, min=-2, max=2))
    same(ds.histc(f, bins=13), torch.histc(tf, bins=13))
    same(ds.histc(ds.tensor([1.0, 1.0]), bins=4), torch.histc(torch.tensor([1.0, 1.0]), bins=4))
    with pytest.raises(RuntimeError, match="not implemented for 'Long'"):
        ds.histc(ds.tensor([1, 2]))
    i, ti = pair(rng.integers(-1, 2, (3, 4)))
    same(ds.count_nonzero(i), torch.count_nonzero(ti))
    same(i.count_nonzero(dim=1), ti.count_nonzero(dim=1))
    same(ds.count_nonzero(i, dim=(0, 1)), torch.count_nonzero(ti, dim=(0, 1)))
