"""Matrix products and softmax against numpy (float64 reference)."""
import numpy as np
import pytest
import torch

import deepseek as ds
from conftest import assert_close

TOL = {np.float64: 1e-7, np.float32: 1e-5}


def _close(got, expect, rtol, atol=None):
    """assert_close with an explicit tolerance (atol defaults to rtol, as there)."""
    assert_close(got, expect, rtol=rtol, atol=atol)


def _rand(shape, dtype=np.float64, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)),
    ((1, 2, 3), (6, 3, 4)), ((2, 1, 4, 3), (1, 5, 3, 2)), ((7, 3), (3,)), ((4, 6, 3), (3,)),
    ((3,), (4, 3, 2)), ((0, 3), (3, 4)), ((2, 0), (0, 4)), ((2, 3), (3, 0)), ((0, 2, 3), (3, 4)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matmul_broadcasting_matches_numpy(shapes, dtype):
    a, b = _rand(shapes[0], dtype, 1), _rand(shapes[1], dtype, 2)
    expect = np.matmul(a.astype(np.float64), b.astype(np.float64))
    got = ds.matmul(ds.tensor(a), ds.tensor(b))
    assert got.dtype == ds.tensor(a).dtype
    _close(got, expect, TOL[dtype])
    _close(ds.tensor(a) @ ds.tensor(b), expect, TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matmul_non_contiguous_operands(dtype):
    a, b = _rand((6, 8), dtype, 3), _rand((8, 10), dtype, 4)
    xa, xb = ds.tensor(a), ds.tensor(b)
    cases = [
        (ds.tensor(np.ascontiguousarray(a.T)).t(), xb, a, b),                  # column-major A
        (xa, ds.tensor(np.ascontiguousarray(b.T)).t(), a, b),                  # column-major B
        (xa[:, ::2], xb[::2, :], a[:, ::2], b[::2, :]),                        # stepped
        (xa[1:5, 2:7], xb[2:7, 3:9], a[1:5, 2:7], b[2:7, 3:9]),                # sub-blocks
        (ds.tensor(a[:1]).expand(6, 8), xb, np.broadcast_to(a[:1], (6, 8)), b),  # expanded rows
        (xa, ds.tensor(b[:, :1]).expand(8, 10), a, np.broadcast_to(b[:, :1], (8, 10))),
    ]
    for ta, tb, na, nb in cases:
        expect = na.astype(np.float64) @ nb.astype(np.float64)
        _close(ds.matmul(ta, tb), expect, TOL[dtype])
        _close(ds.mm(ta, tb), expect, TOL[dtype])
    # Batched, with transposed and expanded batches.
    ba, bb = _rand((4, 5, 6), dtype, 5), _rand((4, 6, 3), dtype, 6)
    ta = ds.tensor(np.ascontiguousarray(ba.transpose(0, 2, 1))).transpose(1, 2)
    tb = ds.tensor(bb[:1]).expand(4, 6, 3)
    _close(ds.bmm(ta, tb), np.matmul(ba, np.broadcast_to(bb[:1], (4, 6, 3))).astype(np.float64),
           TOL[dtype])
    # batch not the outermost dim in memory
    tp = ds.tensor(np.ascontiguousarray(ba.transpose(1, 0, 2))).transpose(0, 1)
    _close(ds.bmm(tp, ds.tensor(bb)), np.matmul(ba, bb), TOL[dtype])


@pytest.mark.parametrize("dt,tol", [(ds.bfloat16, 2e-2), (ds.float16, 1e-2)])
def test_low_precision_matmul(dt, tol):
    tdt = getattr(torch, str(dt).split(".")[-1])
    a, b = _rand((4, 16, 32), np.float32, 7), _rand((32, 24), np.float32, 8)
    ra = torch.from_numpy(a).to(tdt).double()
    rb = torch.from_numpy(b).to(tdt).double()
    expect = (ra @ rb).numpy()
    got = ds.matmul(ds.tensor(a).to(dt), ds.tensor(b).to(dt))
    assert got.dtype == dt
    _close(got, expect, tol, atol=tol * np.abs(expect).max())
    got_t = ds.matmul(ds.tensor(a).to(dt), ds.tensor(np.ascontiguousarray(b.T)).to(dt).t())
    _close(got_t, expect, tol, atol=tol * np.abs(expect).max())


@pytest.mark.parametrize("np_dtype", [np.int64, np.int32, np.int16, np.uint8])
def test_integer_matmul_is_exact(np_dtype):
    rng = np.random.default_rng(9)
    a = rng.integers(0, 5, size=(3, 4, 5)).astype(np_dtype)
    b = rng.integers(0, 5, size=(5, 6)).astype(np_dtype)
    got = ds.matmul(ds.tensor(a), ds.tensor(b))
    ref = torch.matmul(torch.from_numpy(a), torch.from_numpy(b))
    assert str(got.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
    np.testing.assert_array_equal(got.numpy(), ref.numpy())
    # Products that overflow the dtype wrap around exactly as in PyTorch, transposed B too.
    lo = 0 if np_dtype == np.uint8 else -100
    a = rng.integers(lo, 100, size=(7, 300)).astype(np_dtype)
    bt = rng.integers(lo, 100, size=(9, 300)).astype(np_dtype)
    got = ds.tensor(a) @ ds.tensor(bt).t()
    ref = torch.from_numpy(a) @ torch.from_numpy(bt).t()
    np.testing.assert_array_equal(got.numpy(), ref.numpy())


def test_float64_matmul_transposed_and_batched_operands():
    a, b = _rand((3, 40, 150), seed=14), _rand((3, 130, 150), seed=15)
    xa, xb = ds.tensor(a), ds.tensor(b)
    _close(ds.bmm(xa, xb.transpose(1, 2)), a @ b.transpose(0, 2, 1), 1e-7)
    _close(ds.matmul(xa.transpose(1, 2)[:, ::3], xa[0, :, :5]),
           a.transpose(0, 2, 1)[:, ::3] @ a[0, :, :5], 1e-7)


def test_float32_matmul_large_inner_dim_accuracy():
    a, b = _rand((8, 4096), np.float32, 10), _rand((4096, 8), np.float32, 11)
    expect = a.astype(np.float64) @ b.astype(np.float64)
    _close(ds.mm(ds.tensor(a), ds.tensor(b)), expect, 1e-4, atol=1e-3)


def test_mm_bmm_dot_outer_addmm_linear():
    a, b = _rand((3, 4)), _rand((4, 5))
    _close(ds.mm(ds.tensor(a), ds.tensor(b)), a @ b, 1e-7)
    _close(ds.tensor(a).mm(ds.tensor(b)), a @ b, 1e-7)
    ba, bb = _rand((2, 3, 4)), _rand((2, 4, 5))
    _close(ds.bmm(ds.tensor(ba), ds.tensor(bb)), ba @ bb, 1e-7)
    u, v = _rand(6, seed=1), _rand(6, seed=2)
    d = ds.dot(ds.tensor(u), ds.tensor(v))
    assert tuple(d.shape) == ()
    assert d.item() == pytest.approx(float(u @ v), rel=1e-12)
    _close(ds.outer(ds.tensor(u), ds.tensor(v[:4])), np.outer(u, v[:4]), 1e-7)
    c = _rand((3, 5), seed=3)
    _close(ds.addmm(ds.tensor(c), ds.tensor(a), ds.tensor(b)), c + a @ b, 1e-7)
    _close(ds.addmm(ds.tensor(c), ds.tensor(a), ds.tensor(b), beta=0.5, alpha=-2.0),
           0.5 * c - 2.0 * (a @ b), 1e-7)
    _close(ds.addmm(ds.tensor(c[0]), ds.tensor(a), ds.tensor(b)), c[0] + a @ b, 1e-7)
    # beta=0 ignores NaN in input, as in PyTorch
    nan_in = np.full((3, 5), np.nan)
    _close(ds.addmm(ds.tensor(nan_in), ds.tensor(a), ds.tensor(b), beta=0), a @ b, 1e-7)
    x, w, bias = _rand((2, 7, 4)), _rand((5, 4), seed=4), _rand(5, seed=5)
    _close(ds._C._linear(ds.tensor(x), ds.tensor(w), ds.tensor(bias)), x @ w.T + bias, 1e-7)
    _close(ds._C._linear(ds.tensor(x), ds.tensor(w)), x @ w.T, 1e-7)


def test_matmul_errors():
    mismatch = r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"
    with pytest.raises(RuntimeError, match=mismatch):
        ds.mm(ds.zeros(2, 3), ds.zeros(4, 5))
    with pytest.raises(RuntimeError, match=mismatch):
        ds.matmul(ds.zeros(2, 3), ds.zeros(4, 5))
    with pytest.raises(RuntimeError, match=mismatch):
        ds._C._linear(ds.zeros(2, 3), ds.zeros(5, 4))
    with pytest.raises(RuntimeError, match=r"shapes cannot be multiplied \(3x4 and 5x3\)"):
        ds.addmm(ds.zeros(3, 3), ds.zeros(3, 4), ds.zeros(5, 3))
    with pytest.raises(RuntimeError, match="must match the size"):
        ds.matmul(ds.zeros(7, 2, 3), ds.zeros(6, 3, 5))
    with pytest.raises(RuntimeError, match="cannot be multiplied|Expected size"):
        ds.matmul(ds.zeros(7, 2, 3), ds.zeros(7, 4, 5))
    with pytest.raises(RuntimeError, match="both arguments to matmul need to be at least 1D"):
        ds.matmul(ds.tensor(1.0), ds.zeros(3))
    with pytest.raises(RuntimeError, match="inconsistent tensor size"):
        ds.dot(ds.zeros(3), ds.zeros(4))
    with pytest.raises(RuntimeError, match="1D tensors expected"):
        ds.dot(ds.zeros(3, 1), ds.zeros(3))
    with pytest.raises(RuntimeError, match="self must be a matrix"):
        ds.mm(ds.zeros(3), ds.zeros(3, 4))
    with pytest.raises(RuntimeError, match="3D"):
        ds.bmm(ds.zeros(2, 3), ds.zeros(2, 3, 4))
    with pytest.raises(RuntimeError, match="Expected size for first two dimensions of batch2"):
        ds.bmm(ds.zeros(2, 2, 3), ds.zeros(2, 4, 4))
    with pytest.raises(RuntimeError, match="float32|float64|Float|Double"):
        ds.mm(ds.zeros(2, 3), ds.zeros(3, 4, dtype=ds.float64))
    with pytest.raises(RuntimeError, match="1-D"):
        ds.outer(ds.zeros(3, 4), ds.zeros(3))


# ---- softmax --------------------------------------------------------------------------------

def _np_softmax(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(a - m)
    return e / e.sum(axis=axis, keepdims=True)


def _np_log_softmax(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return a - m - np.log(np.exp(a - m).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_and_log_softmax_any_dim(dim, dtype):
    a = (_rand((3, 4, 5), dtype, 12) * 4).astype(dtype)
    layouts = [
        (ds.tensor(a), a),
        (ds.tensor(np.ascontiguousarray(a.transpose(2, 0, 1))).permute(1, 2, 0), a),
        (ds.tensor(a[:1]).expand(3, 4, 5), np.broadcast_to(a[:1], a.shape)),
    ]
    for x, ref in layouts:
        ref64 = ref.astype(np.float64)
        _close(ds.softmax(x, dim), _np_softmax(ref64, dim), TOL[dtype])
        _close(x.log_softmax(dim), _np_log_softmax(ref64, dim), TOL[dtype])
        assert ds.softmax(x, dim).dtype == x.dtype


def test_softmax_large_logits_and_inf_rows():
    a = np.array([[1000.0, 999.0, -1000.0], [-np.inf, -np.inf, -np.inf],
                  [-np.inf, 0.0, -np.inf], [np.nan, 1.0, 2.0], [3e38, 3e38, 0.0]])
    for dtype in (np.float64, np.float32):
        t = torch.from_numpy(a.astype(dtype))
        x = ds.tensor(a.astype(dtype))
        for dim in (1, 0):
            np.testing.assert_allclose(ds.softmax(x, dim).numpy(), torch.softmax(t, dim).numpy(),
                                       rtol=1e-6, atol=1e-30, equal_nan=True)
            np.testing.assert_allclose(ds.log_softmax(x, dim).numpy(),
                                       torch.log_softmax(t, dim).numpy(), rtol=1e-6,
                                       equal_nan=True)


def test_softmax_low_precision_and_dtype_argument():
    a = _rand((4, 33), np.float32, 13) * 3
    for dt in (ds.bfloat16, ds.float16):
        x = ds.tensor(a).to(dt)
        ref = _np_softmax(x.float().numpy().astype(np.float64), 1)
        got = ds.softmax(x, 1)
        assert got.dtype == dt
        _close(got, ref, 1e-2, atol=1e-3)
        up = ds.softmax(x, 1, dtype=ds.float32)
        assert up.dtype == ds.float32
        _close(up, ref, 1e-5, atol=1e-6)
    logs = ds.log_softmax(ds.tensor([[1, 2, 3]]), 1, dtype=ds.float64)
    _close(logs, _np_log_softmax(np.array([[1.0, 2.0, 3.0]]), 1), 1e-7)


def test_softmax_edge_shapes():
    s = ds.tensor(3.0)
    assert ds.softmax(s, 0).item() == 1.0
    assert ds.log_softmax(s, -1).item() == 0.0
    e = ds.zeros(0, 4)
    assert tuple(ds.softmax(e, 1).shape) == (0, 4)
    assert tuple(ds.softmax(ds.zeros(3, 0), 1).shape) == (3, 0)
    one = ds.softmax(ds.tensor([[5.0], [7.0]]), 1)
    np.testing.assert_array_equal(one.numpy(), [[1.0], [1.0]])


def test_softmax_errors():
    with pytest.raises(IndexError, match="Dimension out of range"):
        ds.softmax(ds.zeros(3, 4), 2)
    with pytest.raises(RuntimeError, match="not implemented for"):
        ds.softmax(ds.arange(4), 0)
