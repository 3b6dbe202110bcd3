"""Elementwise ops beyond the basics: trigonometric/hyperbolic/log2-family unary math, trunc,
frac, nan_to_num, isfinite, signbit, one-sided clamps, atan2/hypot/fmod, isclose/allclose/
equal, lerp/addcmul/addcdiv (and in-place forms) and integer bitwise ops with shifts.
Forward values against numpy in float64 (torch 1.13 where numpy has no equivalent);
gradients are in test_gradcheck.py."""
import numpy as np
import pytest
import torch

import deepseek as ds

rng = np.random.default_rng(0)
X = rng.uniform(-3, 3, (4, 5))
UNIT = rng.uniform(-0.99, 0.99, (4, 5))
POS = rng.uniform(0.1, 5, (4, 5))


def values(t):
    return t.detach().to(ds.float64).numpy()


UNARY = [
    ("tan", np.tan, X), ("asin", np.arcsin, UNIT), ("acos", np.arccos, UNIT),
    ("atan", np.arctan, X), ("sinh", np.sinh, X), ("cosh", np.cosh, X),
    ("log2", np.log2, POS), ("log10", np.log10, POS), ("exp2", np.exp2, X),
    ("trunc", np.trunc, X), ("fix", np.trunc, X), ("frac", lambda a: a - np.trunc(a), X),
    ("arcsin", np.arcsin, UNIT), ("arccos", np.arccos, UNIT), ("arctan", np.arctan, X),
]


@pytest.mark.parametrize("name,ref,data", UNARY, ids=[u[0] for u in UNARY])
def test_unary_math_matches_numpy(name, ref, data):
    x64 = ds.tensor(data)
    np.testing.assert_allclose(values(getattr(ds, name)(x64)), ref(data), rtol=1e-7)
    np.testing.assert_allclose(values(getattr(x64, name)()), ref(data), rtol=1e-7)
    x32 = ds.tensor(data, dtype=ds.float32)
    out32 = getattr(ds, name)(x32)
    assert out32.dtype == ds.float32
    np.testing.assert_allclose(values(out32), ref(data.astype(np.float32).astype(np.float64)),
                               rtol=1e-5, atol=1e-6)
    y = x64.clone()
    assert getattr(y, name + "_")() is y
    np.testing.assert_allclose(values(y), ref(data), rtol=1e-7)


def test_unary_math_promotes_integers_and_keeps_trunc_integral():
    i = ds.tensor([1, 2, 4])
    assert ds.log2(i).dtype == ds.float32 and ds.log2(i).tolist() == [0, 1, 2]
    assert ds.trunc(i).dtype == ds.int64 and ds.trunc(i).tolist() == [1, 2, 4]
    with pytest.raises(RuntimeError, match="frac_cpu"):
        ds.frac(i)
    with pytest.raises(RuntimeError, match="result type Float can't be cast"):
        i.tan_()
    h = ds.tensor([0.5, -1.5], dtype=ds.bfloat16)
    assert ds.exp2(h).dtype == ds.bfloat16
    np.testing.assert_allclose(values(ds.exp2(h)), np.exp2([0.5, -1.5]), rtol=1e-2)


def test_nan_to_num_isfinite_signbit_match_torch():
    special = [float("nan"), float("inf"), -float("inf"), -0.0, 0.0, -2.5]
    for dtype in ("float64", "float32", "float16", "bfloat16"):
        x = ds.tensor(special, dtype=getattr(ds, dtype))
        t = torch.tensor(special, dtype=getattr(torch, dtype))
        for kw in ({}, {"nan": 1.5}, {"posinf": 9.0, "neginf": -7.0}):
            ours, theirs = ds.nan_to_num(x, **kw), torch.nan_to_num(t, **kw)
            assert ours.dtype == x.dtype
            np.testing.assert_array_equal(values(ours), theirs.double().numpy())
        assert ds.isfinite(x).tolist() == torch.isfinite(t).tolist()
        assert ds.signbit(x).tolist() == torch.signbit(t).tolist()
    y = ds.tensor(special)
    assert y.nan_to_num_(nan=0.0) is y and bool(ds.isfinite(y).all())
    i = ds.tensor([-3, 0, 4])
    assert ds.isfinite(i).tolist() == [True] * 3
    assert ds.signbit(i).tolist() == [True, False, False]
    assert ds.nan_to_num(i).tolist() == [-3, 0, 4]


def test_one_sided_clamps():
    x = ds.tensor(X)
    np.testing.assert_array_equal(values(ds.clamp_min(x, 0.5)), np.maximum(X, 0.5))
    np.testing.assert_array_equal(values(x.clamp_max(-0.5)), np.minimum(X, -0.5))
    bound = ds.tensor(X[0])
    np.testing.assert_array_equal(values(ds.clamp_min(x, bound)), np.maximum(X, X[0]))
    y = x.clone()
    assert y.clamp_max_(0.0) is y and float(y.max()) <= 0.0
    y.clamp_min_(-1.0)
    np.testing.assert_array_equal(values(y), np.clip(X, -1.0, 0.0))


def test_atan2_hypot_fmod_match_numpy():
    a, b = X, X[::-1].copy()
    np.testing.assert_allclose(values(ds.atan2(ds.tensor(a), ds.tensor(b))), np.arctan2(a, b),
                               rtol=1e-7)
    np.testing.assert_allclose(values(ds.tensor(a).arctan2(ds.tensor(b))), np.arctan2(a, b),
                               rtol=1e-7)
    np.testing.assert_allclose(values(ds.hypot(ds.tensor(a), ds.tensor(b))), np.hypot(a, b),
                               rtol=1e-7)
    np.testing.assert_allclose(values(ds.fmod(ds.tensor(a * 4), ds.tensor(b))),
                               np.fmod(a * 4, b), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(values(ds.fmod(ds.tensor(a * 4), 1.5)), np.fmod(a * 4, 1.5),
                               rtol=1e-7, atol=1e-12)
    ints = rng.integers(-20, 20, 12)
    divs = rng.choice([-7, -3, 2, 5], 12)
    assert ds.fmod(ds.tensor(ints), ds.tensor(divs)).tolist() == np.fmod(ints, divs).tolist()
    assert ds.atan2(ds.tensor([1, -1]), ds.tensor([0, 0])).dtype == ds.float32
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ds.fmod(ds.tensor([3]), 0)
    with pytest.raises(RuntimeError, match="hypot_cpu"):
        ds.hypot(ds.tensor([3]), ds.tensor([4]))
    y = ds.tensor([5.5, -5.5])
    assert y.fmod_(2) is y and y.tolist() == [1.5, -1.5]


def test_isclose_allclose_equal_match_torch():
    a = [1.0, float("nan"), float("inf"), 1e-9, 100.0, -float("inf")]
    b = [1.0 + 1e-6, float("nan"), float("inf"), 0.0, 100.1, float("inf")]
    x, y = ds.tensor(a), ds.tensor(b)
    tx, ty = torch.tensor(a), torch.tensor(b)
    for kw in ({}, {"equal_nan": True}, {"rtol": 1e-2}, {"rtol": 0.0, "atol": 0.0}):
        assert ds.isclose(x, y, **kw).tolist() == torch.isclose(tx, ty, **kw).tolist()
        assert ds.allclose(x[:3], y[:3], **kw) == torch.allclose(tx[:3], ty[:3], **kw)
    assert x.isclose(y, equal_nan=True).tolist() == tx.isclose(ty, equal_nan=True).tolist()
    i, j = ds.tensor([1, 5, 100]), ds.tensor([1, 6, 101])
    assert ds.isclose(i, j, rtol=0.01, atol=0).tolist() == [True, False, True]
    assert ds.allclose(ds.ones(3), ds.ones(3)) is True
    with pytest.raises(RuntimeError, match="same dtype"):
        ds.isclose(ds.ones(2), ds.ones(2, dtype=ds.float64))
    assert ds.equal(ds.tensor([1, 2]), ds.tensor([1, 2])) is True
    assert ds.equal(ds.tensor([1, 2]), ds.tensor([1, 3])) is False
    assert ds.equal(ds.tensor([1, 2]), ds.tensor([[1, 2]])) is False
    assert ds.tensor([1.0]).equal(ds.tensor([1.0]))


def test_lerp_addcmul_addcdiv_match_torch():
    s, e, w = X, X[::-1].copy() * 2, rng.uniform(0, 1, (4, 5))
    ts, te, tw = torch.tensor(s), torch.tensor(e), torch.tensor(w)
    ds_s, ds_e, ds_w = ds.tensor(s), ds.tensor(e), ds.tensor(w)
    np.testing.assert_allclose(values(ds.lerp(ds_s, ds_e, 0.3)), torch.lerp(ts, te, 0.3).numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(values(ds_s.lerp(ds_e, ds_w)), ts.lerp(te, tw).numpy(),
                               rtol=1e-12)
    np.testing.assert_array_equal(values(ds.lerp(ds_s, ds_e, 1.0)), e)  # exact at the ends
    np.testing.assert_allclose(values(ds.addcmul(ds_s, ds_e, ds_w, value=-2)),
                               torch.addcmul(ts, te, tw, value=-2).numpy(), rtol=1e-12)
    np.testing.assert_allclose(values(ds.addcdiv(ds_s, ds_e, ds_w + 1, value=0.5)),
                               torch.addcdiv(ts, te, tw + 1, value=0.5).numpy(), rtol=1e-12)
    y = ds_s.clone()
    assert y.addcmul_(ds_e, ds_w) is y
    np.testing.assert_allclose(values(y), s + e * w, rtol=1e-12)
    y.addcdiv_(ds_e, ds_w + 1, value=3).lerp_(ds_e, 0.5)
    np.testing.assert_allclose(values(y), ((s + e * w + 3 * e / (w + 1)) + e) / 2, rtol=1e-12)
    with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
        ds.addcdiv(ds.ones(2), ds.tensor([1, 2]), ds.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="lerp"):
        ds.lerp(ds.ones(2), ds.ones(2, dtype=ds.float64), 0.5)


INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("dtype", INT_DTYPES + ["bool"])
def test_bitwise_ops_match_numpy(dtype):
    hi = 2 if dtype == "bool" else 100
    a = rng.integers(0 if dtype in ("uint8", "bool") else -hi, hi, 16).astype(dtype)
    b = rng.integers(0 if dtype in ("uint8", "bool") else -hi, hi, 16).astype(dtype)
    x, y = ds.tensor(a), ds.tensor(b)
    assert x.dtype == getattr(ds, dtype)
    for op, ref in ((ds.bitwise_and, np.bitwise_and), (ds.bitwise_or, np.bitwise_or),
                    (ds.bitwise_xor, np.bitwise_xor)):
        out = op(x, y)
        assert out.dtype == x.dtype and out.numpy().tolist() == ref(a, b).tolist()
    assert (x & y).numpy().tolist() == (a & b).tolist()
    assert (x | y).numpy().tolist() == (a | b).tolist()
    assert (x ^ y).numpy().tolist() == (a ^ b).tolist()
    assert (~x).numpy().tolist() == (~a).tolist()
    assert ds.bitwise_not(x).numpy().tolist() == np.invert(a).tolist()
    z = x.clone()
    z &= y
    z |= x
    z ^= y
    assert z.numpy().tolist() == (((a & b) | a) ^ b).tolist()
    assert z.bitwise_not_() is z and z.numpy().tolist() == (~(((a & b) | a) ^ b)).tolist()


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_shifts_match_torch_within_the_width(dtype):
    bits = np.dtype(dtype).itemsize * 8
    a = rng.integers(0 if dtype == "uint8" else -50, 50, 20).astype(dtype)
    counts = rng.integers(0, bits, 20).astype(dtype)
    x, c = ds.tensor(a), ds.tensor(counts)
    t, tc = torch.tensor(a), torch.tensor(counts)
    assert (x << c).tolist() == (t << tc).tolist()
    assert (x >> c).tolist() == (t >> tc).tolist()
    assert ds.bitwise_left_shift(x, 2).tolist() == torch.bitwise_left_shift(t, 2).tolist()
    assert x.bitwise_right_shift(1).tolist() == t.bitwise_right_shift(1).tolist()
    y = x.clone()
    y <<= 1
    y >>= 1
    assert y.tolist() == ((t << 1) >> 1).tolist()
    assert (3 << ds.tensor([1, 2])).tolist() == [6, 12]
    assert (64 >> ds.tensor([1, 2])).tolist() == [32, 16]


def test_shift_counts_outside_the_width_are_defined():
    # PyTorch 2's rule (1.13 left these to the hardware): everything shifted out.
    x = ds.tensor([5, -5])
    assert (x << 64).tolist() == [0, 0] and (x << -1).tolist() == [0, 0]
    assert (x >> 64).tolist() == [0, -1] and (x >> -3).tolist() == [0, -1]
    assert (ds.tensor([3], dtype=ds.int8) << 7).tolist() == [-128]


def test_bitwise_type_promotion_and_errors():
    assert (ds.tensor([1, 2], dtype=ds.int8) & ds.tensor([3, 3])).dtype == ds.int64
    assert (ds.tensor([True, False]) & 1).dtype == ds.int64
    assert (ds.tensor([True, False]) & True).tolist() == [True, False]
    with pytest.raises(RuntimeError, match="bitwise_or_cpu.*Float"):
        ds.ones(2) | ds.ones(2)
    with pytest.raises(RuntimeError, match="result type Long can't be cast"):
        x = ds.tensor([True])
        x &= ds.tensor([1])
    with pytest.raises(RuntimeError, match="bitwise_and: The size of tensor a"):
        ds.tensor([1, 2]) & ds.tensor([1, 2, 3])
