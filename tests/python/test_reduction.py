"""Reductions against numpy (float64 reference), with PyTorch 1.13 for its own rules
(NaN propagation in max/argmax, index ties, empty inputs, result dtypes)."""
import random

import numpy as np
import pytest
import torch

import deepseek as ds
from conftest import assert_close

RTOL = {np.float64: 1e-7, np.float32: 1e-5}


def _close(got, expect, rtol, atol=None):
    """assert_close with an explicit tolerance (atol defaults to rtol, as there)."""
    assert_close(got, expect, rtol=rtol, atol=atol)


def _inputs(dtype, shape=(3, 4, 5), seed=0):
    """(name, deepseek tensor, numpy values) for contiguous and non-contiguous layouts of
    the same values."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal(shape).astype(dtype)
    out = [("contiguous", ds.tensor(base), base)]
    t = ds.tensor(np.ascontiguousarray(base.transpose(2, 1, 0))).permute(2, 1, 0)
    out.append(("permuted", t, base))
    wide = rng.standard_normal((shape[0], shape[1] * 2, shape[2] + 3)).astype(dtype)
    out.append(("stepped", ds.tensor(wide)[:, ::2, 1:1 + shape[2]], wide[:, ::2, 1:1 + shape[2]]))
    row = base[:1]
    out.append(("expanded", ds.tensor(row).expand(*shape), np.broadcast_to(row, shape)))
    return out


DIMS = [None, 0, 1, -1, (0, 2), (2, 0), (0, 1, 2), (-2, -1), ()]


def _np_axis(dim):
    if dim is None or dim == ():
        return None
    return dim


NUMPY_REDUCTIONS = {
    "sum": lambda a, axis, keepdims: np.sum(a, axis=axis, keepdims=keepdims),
    "mean": lambda a, axis, keepdims: np.mean(a, axis=axis, keepdims=keepdims),
    "prod": lambda a, axis, keepdims: np.prod(a, axis=axis, keepdims=keepdims),
    "amax": lambda a, axis, keepdims: np.amax(a, axis=axis, keepdims=keepdims),
    "amin": lambda a, axis, keepdims: np.amin(a, axis=axis, keepdims=keepdims),
    "var": lambda a, axis, keepdims: np.var(a, axis=axis, keepdims=keepdims, ddof=1),
    "std": lambda a, axis, keepdims: np.std(a, axis=axis, keepdims=keepdims, ddof=1),
    "logsumexp": lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
    "norm": lambda a, axis, keepdims: np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims)),
}


@pytest.mark.parametrize("op", sorted(NUMPY_REDUCTIONS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("keepdim", [False, True])
def test_float_reductions_over_any_dims(op, dtype, keepdim):
    for layout, x, a in _inputs(dtype):
        for dim in DIMS:
            if op == "logsumexp" and dim is None:
                continue  # logsumexp requires dim in PyTorch
            if op in ("prod",) and isinstance(dim, tuple):
                continue  # prod takes a single dim in PyTorch
            kwargs = {} if dim is None else {"dim": dim}
            got = getattr(ds, op)(x, keepdim=keepdim, **kwargs)
            expect = NUMPY_REDUCTIONS[op](a.astype(np.float64), _np_axis(dim), keepdim)
            # PyTorch: dim=() reduces everything too; numpy keepdims then keeps every dim.
            _close(got, expect, RTOL[dtype] * 10 if op in ("var", "std") else RTOL[dtype])
            assert got.dtype == x.dtype, (op, layout, dim)
            # The method spelling agrees with the function.
            np.testing.assert_array_equal(getattr(x, op)(keepdim=keepdim, **kwargs).numpy(),
                                          got.numpy())


@pytest.mark.parametrize("dtype,np_dtype", [(ds.float16, np.float16), (ds.bfloat16, None)])
def test_low_precision_reductions_accumulate_wide(dtype, np_dtype):
    rng = np.random.default_rng(5)
    a = rng.random((64, 300))
    x = ds.tensor(a).to(dtype)
    ref = torch.from_numpy(a).to(getattr(torch, str(dtype).split(".")[-1]))
    a_rounded = ref.double().numpy()
    for dim in (0, 1, None):
        kw = {} if dim is None else {"dim": dim}
        got = x.sum(**kw)
        assert got.dtype == dtype
        _close(got.float(), a_rounded.sum(axis=dim), 1e-2)
        _close(x.mean(**kw).float(), a_rounded.mean(axis=dim), 1e-2)
        _close(x.amax(**kw).float(), a_rounded.max(axis=dim), 1e-2)


def test_var_std_correction_and_unbiased():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((6, 7))
    x = ds.tensor(a)
    _close(x.var(1, unbiased=False), a.var(axis=1), 1e-7)
    _close(x.std(0, unbiased=True), a.std(axis=0, ddof=1), 1e-7)
    _close(ds.var(x, dim=1, correction=0), a.var(axis=1), 1e-7)
    _close(ds.std(x, dim=(0, 1), correction=2, keepdim=True),
           np.sqrt(a.var(ddof=2)).reshape(1, 1), 1e-7)
    _close(ds.var(x), a.var(ddof=1), 1e-7)


def test_var_of_single_element_is_nan_like_torch():
    got = ds.tensor([3.0]).var()
    ref = torch.tensor([3.0]).var()
    assert np.isnan(got.item()) == np.isnan(ref.item())


@pytest.mark.parametrize("p", [1, 2, 3, 0.5, 0, float("inf"), float("-inf"), "fro"])
def test_norm_p(p):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((4, 5))
    a[1, 2] = 0.0
    x = ds.tensor(a)
    for dim in (None, 1, (0, 1)):
        kw = {} if dim is None else {"dim": dim}
        ref = torch.norm(torch.from_numpy(a), p=p, **kw)
        _close(ds.norm(x, p=p, **kw), ref.numpy(), 1e-7)
        _close(x.norm(p, **kw), ref.numpy(), 1e-7)


def test_integer_and_bool_sum_give_int64():
    a = np.arange(-6, 6, dtype=np.int32).reshape(3, 4)
    x = ds.tensor(a)
    s = x.sum(0)
    assert s.dtype == ds.int64
    np.testing.assert_array_equal(s.numpy(), a.sum(axis=0))
    b = ds.tensor(a > 0)
    assert b.sum().dtype == ds.int64 and b.sum().item() == int((a > 0).sum())
    assert x.prod(1).dtype == ds.int64
    np.testing.assert_array_equal(x.prod(1).numpy(), a.astype(np.int64).prod(axis=1))
    np.testing.assert_array_equal(x.amax(1).numpy(), a.max(axis=1))
    assert x.amax(1).dtype == ds.int32
    # dtype= overrides the result type
    assert x.sum(dtype=ds.float64).dtype == ds.float64
    _close(x.sum(1, dtype=ds.float32), a.sum(axis=1).astype(np.float32), 1e-6)


def test_int64_sum_is_exact_beyond_float_precision():
    a = np.full(1000, 2**53 + 1, dtype=np.int64)
    assert ds.tensor(a).sum().item() == int(a.sum())


def test_sum_of_ten_million_float32_ones_is_exact():
    x = ds.ones(10_000_000)
    assert x.sum().item() == 10_000_000.0
    assert x.view(10_000, 1000).sum(0).numpy().tolist() == [10_000.0] * 1000
    assert x.view(1000, 10_000).sum(1).min().item() == 10_000.0
    assert x.mean().item() == 1.0


@pytest.mark.parametrize("shape", [(100_000, 3), (4096, 257), (3, 5, 7000)])
def test_column_reductions_match_numpy(shape):
    rng = np.random.default_rng(3)
    a = rng.standard_normal(shape).astype(np.float32)
    x = ds.tensor(a)
    _close(x.sum(0), a.astype(np.float64).sum(axis=0), 1e-5, atol=1e-3)
    _close(x.amax(0), a.max(axis=0), 0)
    _close(x.mean(0), a.astype(np.float64).mean(axis=0), 1e-5, atol=1e-6)


def test_all_any():
    a = np.array([[0, 1, 2], [3, 0, 0], [1, 1, 1]], dtype=np.float32)
    x = ds.tensor(a)
    for dim in (None, 0, 1, (0, 1)):
        kw = {} if dim is None else {"dim": dim}
        got_all, got_any = ds.all(x, **kw), x.any(**kw)
        assert got_all.dtype == ds.bool and got_any.dtype == ds.bool
        np.testing.assert_array_equal(got_all.numpy(), np.all(a, axis=dim))
        np.testing.assert_array_equal(got_any.numpy(), np.any(a, axis=dim))
    assert ds.all(ds.zeros(0)).item() is True
    assert ds.any(ds.zeros(0)).item() is False
    np.testing.assert_array_equal(ds.tensor(a > 0).all(1, keepdim=True).numpy(),
                                  np.all(a > 0, axis=1, keepdims=True))


# ---- max / min with indices, argmax / argmin ------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_with_dim_return_values_and_indices(dtype, keepdim):
    rng = np.random.default_rng(4)
    a = rng.integers(0, 6, size=(5, 6, 7)).astype(dtype)  # many ties: first index wins
    ta = torch.from_numpy(a)
    for x in (ds.tensor(a), ds.tensor(np.ascontiguousarray(a.transpose(1, 0, 2))).transpose(0, 1)):
        for dim in (0, 1, 2, -1):
            for name in ("max", "min"):
                got = getattr(x, name)(dim, keepdim=keepdim)
                ref = getattr(ta, name)(dim, keepdim=keepdim)
                assert type(got).__name__ == name
                np.testing.assert_array_equal(got.values.numpy(), ref.values.numpy())
                np.testing.assert_array_equal(got.indices.numpy(), ref.indices.numpy())
                assert got.indices.dtype == ds.int64
                values, indices = getattr(ds, name)(x, dim=dim, keepdim=keepdim)
                np.testing.assert_array_equal(indices.numpy(), ref.indices.numpy())
            for name in ("argmax", "argmin"):
                got = getattr(ds, name)(x, dim, keepdim=keepdim)
                ref = getattr(torch, name)(ta, dim, keepdim=keepdim)
                np.testing.assert_array_equal(got.numpy(), ref.numpy())
        for name in ("argmax", "argmin"):
            assert getattr(x, name)().item() == getattr(ta, name)().item()
            assert tuple(getattr(x, name)(keepdim=True).shape) == (1, 1, 1)
        assert x.max().item() == a.max() and x.min().item() == a.min()


def test_nan_propagates_like_pytorch():
    a = np.array([[1.0, np.nan, 3.0, np.nan], [4.0, 2.0, -1.0, 0.5], [np.nan, 7.0, 9.0, 1.0]])
    x, t = ds.tensor(a), torch.from_numpy(a)
    for dim in (0, 1):
        for name in ("max", "min"):
            got, ref = getattr(x, name)(dim), getattr(t, name)(dim)
            np.testing.assert_array_equal(got.values.numpy(), ref.values.numpy())
            np.testing.assert_array_equal(got.indices.numpy(), ref.indices.numpy())
        for name in ("argmax", "argmin", "amax", "amin"):
            np.testing.assert_array_equal(getattr(x, name)(dim).numpy(),
                                          getattr(t, name)(dim).numpy())
    assert np.isnan(x.max().item()) and np.isnan(x.min().item())
    assert x.argmax().item() == t.argmax().item()
    assert x.argmin().item() == t.argmin().item()
    # sum/mean/prod propagate NaN, float32 too
    assert np.isnan(ds.tensor(a.astype(np.float32)).sum().item())
    np.testing.assert_array_equal(np.isnan(x.mean(1).numpy()), [True, False, True])


def test_infinities_in_max_and_argmax():
    a = np.array([-np.inf, -np.inf, -np.inf])
    x = ds.tensor(a)
    assert x.max().item() == -np.inf
    assert x.argmax().item() == 0
    b = ds.tensor([1.0, np.inf, np.inf])
    assert b.argmax().item() == 1 and b.max(0).indices.item() == 1


# ---- 0-dim and empty inputs ----------------------------------------------------------------

def test_zero_dim_inputs():
    s = ds.tensor(2.5)
    t = torch.tensor(2.5)
    for dim in (None, 0, -1):
        kw = {} if dim is None else {"dim": dim}
        for name in ("sum", "mean", "amax", "amin", "prod"):
            got = getattr(s, name)(**kw)
            assert tuple(got.shape) == () and got.item() == getattr(t, name)(**kw).item()
    v, i = s.max(0)
    assert v.item() == 2.5 and i.item() == 0 and tuple(i.shape) == ()
    assert s.argmax().item() == 0
    assert tuple(s.sum(0, keepdim=True).shape) == ()
    assert s.logsumexp(0).item() == pytest.approx(2.5)
    with pytest.raises(IndexError, match="Dimension out of range"):
        s.sum(1)


def test_empty_inputs():
    e = ds.zeros(0, 3)
    assert e.sum().item() == 0.0
    assert e.prod().item() == 1.0
    np.testing.assert_array_equal(e.sum(0).numpy(), np.zeros(3))
    assert tuple(e.sum(1).shape) == (0,)
    np.testing.assert_array_equal(e.prod(0).numpy(), np.ones(3))
    assert np.isnan(e.mean().item())
    assert np.all(np.isnan(e.mean(0).numpy()))
    assert tuple(e.amax(1).shape) == (0,)  # reducing a non-empty dim of an empty tensor
    assert tuple(e.max(1).values.shape) == (0,)
    assert tuple(e.argmax(1).shape) == (0,)
    np.testing.assert_array_equal(ds.logsumexp(e, 0).numpy(), np.full(3, -np.inf))
    unspecified = "Expected reduction dim to be specified for input.numel"
    with pytest.raises(RuntimeError, match=unspecified):
        e.amax()
    with pytest.raises(RuntimeError, match=unspecified):
        e.max()
    with pytest.raises(IndexError, match="Expected reduction dim 0 to have non-zero size"):
        e.max(0)
    with pytest.raises(IndexError, match="Expected reduction dim 0 to have non-zero size"):
        e.amax(0)
    with pytest.raises(IndexError, match=unspecified):
        e.argmax()


def test_logsumexp_extremes():
    a = np.array([[1000.0, 1000.0], [-np.inf, -np.inf], [np.inf, 1.0], [-1000.0, -1001.0]])
    got = ds.logsumexp(ds.tensor(a), 1)
    ref = torch.logsumexp(torch.from_numpy(a), 1)
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-12)
    f32 = ds.logsumexp(ds.tensor(a.astype(np.float32)), dim=1, keepdim=True)
    np.testing.assert_allclose(f32.numpy(), ref.numpy().reshape(4, 1).astype(np.float32), rtol=1e-6)


def test_logsumexp_of_integers_is_float():
    got = ds.logsumexp(ds.tensor([[1, 2], [3, 4]]), 1)
    assert got.dtype == ds.float32
    np.testing.assert_allclose(got.numpy(), np.log(np.exp([1, 3]) + np.exp([2, 4])), rtol=1e-6)


# ---- errors ----------------------------------------------------------------------------------

def test_reduction_errors():
    x = ds.zeros(3, 4)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                                         r"\[-2, 1\], but got 2\)"):
        x.sum(2)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.max(-3)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.argmax(5)
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times in the list of dims"):
        x.sum((0, 0))
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype"):
        ds.arange(4).mean()
    with pytest.raises(RuntimeError, match="floating point"):
        ds.arange(4).var()
    with pytest.raises(RuntimeError, match="floating point"):
        ds.arange(4).norm()


# ---- randomized sweep against PyTorch ---------------------------------------------------------

_SWEEP_OPS = ["sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin", "var",
              "std", "logsumexp", "all", "any", "norm", "softmax", "log_softmax"]


def _sweep_case(rng, seed):
    """A random (op, input, dims, keepdim): shapes with 0- and 1-sized dims, 0-dim inputs,
    permuted (non-contiguous) layouts, negative and out-of-range dims."""
    nd = rng.randint(0, 4)
    shape = [rng.choice([0, 1, 2, 3, 5]) for _ in range(nd)]
    a = np.random.default_rng(seed).standard_normal(shape)
    x, t = ds.tensor(a), torch.from_numpy(a)
    if nd >= 2 and rng.random() < 0.5:
        perm = list(range(nd))
        rng.shuffle(perm)
        x, t = x.permute(*perm), t.permute(*perm)
    op = rng.choice(_SWEEP_OPS)
    if op in ("softmax", "log_softmax"):
        dims = rng.choice([0, -1, 1])
    elif op in ("max", "min", "argmax", "argmin", "prod"):
        dims = rng.choice([None, 0, -1, 1, 2])
    else:
        picked = tuple(rng.sample(range(-nd, nd), rng.randint(1, min(nd, 3)))) if nd else ()
        dims = rng.choice([None, picked, picked[0] if picked else None])
    return op, x, t, dims, rng.random() < 0.5


def _sweep_call(m, xx, op, dims, keep):
    if op in ("softmax", "log_softmax"):
        return getattr(m, op)(xx, dims)
    if dims is None:
        return getattr(xx, op)()  # torch 1.13 takes no keepdim without dim
    return getattr(xx, op)(dim=dims, keepdim=keep)


def _duplicate_dims(dims, ndim):
    if not isinstance(dims, tuple) or ndim == 0:
        return False
    return len({d % ndim for d in dims}) != len(dims)


@pytest.mark.parametrize("chunk", range(3))
def test_random_reductions_match_pytorch(chunk):
    rng = random.Random(chunk)
    for i in range(700):
        op, x, t, dims, keep = _sweep_case(rng, chunk * 1000 + i)
        if op == "logsumexp" and dims is None:
            continue  # logsumexp needs dim
        if op in ("all", "any", "norm", "logsumexp") and isinstance(dims, tuple):
            continue  # torch 1.13 takes one dim for all/any; norm <= 2 dims; dim=() bug
        desc = (op, tuple(t.shape), dims, keep)
        try:
            ref = _sweep_call(torch, t, op, dims, keep)
        except (IndexError, RuntimeError) as e:
            if _duplicate_dims(dims, t.dim()):
                with pytest.raises(RuntimeError):  # ours checks duplicates first
                    _sweep_call(ds, x, op, dims, keep)
            else:
                with pytest.raises(type(e)):
                    _sweep_call(ds, x, op, dims, keep)
            continue
        got = _sweep_call(ds, x, op, dims, keep)
        pairs = [(got.values, ref.values), (got.indices, ref.indices)] if isinstance(ref, tuple) \
            else [(got, ref)]
        for g, r in pairs:
            assert str(g.dtype).split(".")[-1] == str(r.dtype).split(".")[-1], desc
            assert tuple(g.shape) == tuple(r.shape), desc
            np.testing.assert_allclose(g.numpy().astype(np.float64), r.numpy().astype(np.float64),
                                       rtol=1e-7, atol=1e-9, equal_nan=True, err_msg=str(desc))
