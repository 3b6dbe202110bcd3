"""Elementwise unary and binary ops against numpy in float64, for every dtype where the op
makes sense; PyTorch 1.13 as the reference for type promotion and integer semantics.

One table row per op: (name, deepseek call, numpy reference, input domain). Inputs in a
reduced dtype are rounded first and the reference is computed from the rounded values, so
the comparison measures the op, not the input rounding.
"""
import math

import numpy as np
import pytest
import torch

import deepseek as ds
from conftest import assert_close, to_numpy64

FLOATS = [ds.float32, ds.float64, ds.float16, ds.bfloat16]
INTS = [ds.int64, ds.int32, ds.int16, ds.int8, ds.uint8]
ALL = FLOATS + INTS + [ds.bool]
NAMES = {d: repr(d).split(".")[-1] for d in ALL}


def _tdtype(d):
    return getattr(torch, NAMES[d])


_erf = np.vectorize(math.erf)


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def _round_half_even(x):
    return np.round(x)  # numpy rounds half to even, like PyTorch


# name, function, numpy reference, domain of inputs, keeps integer dtypes (else promotes)
UNARY = [
    ("neg", ds.neg, np.negative, "any", True),
    ("abs", ds.abs, np.abs, "any", True),
    ("exp", ds.exp, np.exp, "small", False),
    ("log", ds.log, np.log, "positive", False),
    ("log1p", ds.log1p, np.log1p, "positive", False),
    ("expm1", ds.expm1, np.expm1, "small", False),
    ("sqrt", ds.sqrt, np.sqrt, "positive", False),
    ("rsqrt", ds.rsqrt, lambda x: 1 / np.sqrt(x), "positive", False),
    ("sin", ds.sin, np.sin, "any", False),
    ("cos", ds.cos, np.cos, "any", False),
    ("tanh", ds.tanh, np.tanh, "any", False),
    ("sigmoid", ds.sigmoid, lambda x: 1 / (1 + np.exp(-x)), "any", False),
    ("relu", ds.relu, lambda x: np.maximum(x, 0), "any", True),
    ("gelu", ds.gelu, lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))), "any", None),
    ("gelu_tanh", lambda t: ds.gelu(t, approximate="tanh"), _gelu_tanh, "any", None),
    ("silu", ds.silu, lambda x: x / (1 + np.exp(-x)), "any", None),
    ("sign", ds.sign, np.sign, "any", True),
    ("floor", ds.floor, np.floor, "any", True),
    ("ceil", ds.ceil, np.ceil, "any", True),
    ("round", ds.round, _round_half_even, "halves", True),
    ("reciprocal", ds.reciprocal, lambda x: 1 / x, "nonzero", False),
    ("erf", ds.erf, _erf, "any", False),
    ("square", ds.square, np.square, "any", True),
]


def _values(domain, n=37, seed=0):
    rng = np.random.default_rng(seed)
    if domain == "positive":
        return rng.uniform(0.05, 20.0, n)
    if domain == "small":
        return rng.uniform(-6.0, 6.0, n)
    if domain == "halves":
        return np.concatenate([np.arange(-4.5, 5.0, 0.5), rng.uniform(-9, 9, n)])
    if domain == "nonzero":
        v = rng.uniform(0.1, 9.0, n)
        return np.where(rng.random(n) < 0.5, -v, v)
    return np.concatenate([rng.standard_normal(n) * 3, [0.0, -0.0, 1.0, -1.0, 0.5, -2.5]])


def _input(values, dtype):
    """A deepseek tensor of `dtype` built from float values (rounded/truncated as needed)."""
    if dtype == ds.bool:
        return ds.tensor(values != 0)
    if dtype == ds.uint8:
        return ds.tensor(np.abs(values).astype(np.int64) % 200, dtype=dtype)
    if dtype in INTS:
        return ds.tensor(np.clip(values, -100, 100).astype(np.int64), dtype=dtype)
    return ds.tensor(values, dtype=dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=NAMES.get)
@pytest.mark.parametrize("row", UNARY, ids=lambda r: r[0])
def test_unary_floats_match_numpy(row, dtype):
    name, fn, ref, domain, _ = row
    x = _input(_values(domain), dtype)
    out = fn(x)
    assert_close(out, ref(to_numpy64(x)), dtype=dtype)


@pytest.mark.parametrize("dtype", INTS, ids=NAMES.get)
@pytest.mark.parametrize("row", UNARY, ids=lambda r: r[0])
def test_unary_integers(row, dtype):
    """Integer inputs: whole-number ops keep the dtype, transcendental ones compute in the
    default float dtype, activations that PyTorch refuses on integers raise."""
    name, fn, ref, domain, keeps = row
    values = _values(domain)
    if domain == "positive":
        values = values + 1
    if domain == "nonzero":
        values = np.where(np.abs(values) < 1, 3.0, values)
    x = _input(values, dtype)
    if dtype == ds.uint8 and name == "neg":
        expect = (-to_numpy64(x).astype(np.int64)) % 256  # wraps, as in PyTorch
        assert_close(fn(x), expect, dtype=ds.uint8)
        return
    if keeps is None:
        with pytest.raises(RuntimeError, match="not implemented for"):
            fn(x)
        return
    out = fn(x)
    expect = ref(to_numpy64(x))
    if keeps:
        assert_close(out, expect.astype(np.int64), dtype=dtype)
    else:
        assert_close(out, expect, dtype=ds.float32)


@pytest.mark.parametrize("name", ["abs", "relu", "floor", "ceil", "round"])
def test_unary_refuses_bool_like_pytorch(name):
    with pytest.raises(RuntimeError):
        getattr(ds, name)(ds.tensor([True, False]))
    with pytest.raises(RuntimeError):
        getattr(torch, name)(torch.tensor([True, False]))


def test_unary_bool_inputs_that_work():
    b = ds.tensor([True, False, True])
    assert ds.sign(b).tolist() == [True, False, True]
    assert ds.square(b).dtype == ds.int64  # as torch.square(bool)
    assert ds.exp(b).dtype == ds.float32
    assert ds.logical_not(b).tolist() == [False, True, False]
    assert (~b).tolist() == [False, True, False]


def test_unary_special_values():
    x = ds.tensor([0.0, -0.0, float("inf"), -float("inf"), float("nan"), -1.0])
    assert_close(ds.log(x), [-np.inf, -np.inf, np.inf, np.nan, np.nan, np.nan])
    assert_close(ds.sqrt(x), [0.0, -0.0, np.inf, np.nan, np.nan, np.nan])
    assert_close(ds.exp(x), [1, 1, np.inf, 0, np.nan, math.exp(-1)])
    assert_close(ds.sigmoid(x), [0.5, 0.5, 1, 0, np.nan, 1 / (1 + math.e)])
    assert_close(ds.tanh(x), [0, 0, 1, -1, np.nan, math.tanh(-1)])
    assert_close(ds.reciprocal(x), [np.inf, -np.inf, 0, 0, np.nan, -1])
    assert np.signbit(ds.abs(ds.tensor([-0.0])).numpy()[0]) == np.False_  # abs(-0.0) is +0.0
    assert_close(ds.sign(x), [0, 0, 1, -1, 0, -1])  # sign(nan) is 0, as PyTorch
    r = ds.relu(ds.tensor([float("nan"), -0.0, -1.0, 2.0]))  # as torch: NaN and -0.0 kept
    assert math.isnan(r[0].item()) and np.signbit(r.numpy()[1]) and r.tolist()[2:] == [0.0, 2.0]
    assert ds.isnan(x).tolist() == [False, False, False, False, True, False]
    assert ds.isinf(x).tolist() == [False, False, True, True, False, False]


def test_extreme_inputs_stay_finite_where_they_should():
    x = ds.tensor([-1000.0, -100.0, -20.0, 20.0, 100.0, 1000.0])
    v = to_numpy64(x)
    with np.errstate(over="ignore"):
        assert_close(ds.sigmoid(x), 1 / (1 + np.exp(-v)))
        assert_close(ds.silu(x), v / (1 + np.exp(-v)))
    assert_close(ds.tanh(x), np.tanh(v))
    assert_close(ds.gelu(x, approximate="tanh"), [-0.0, -0.0, -0.0, 20, 100, 1000])
    assert_close(ds.exp(ds.tensor([88.0, 89.0, -104.0, -80.0])),
                 [math.exp(88), np.inf, 0.0, math.exp(-80)], rtol=1e-5, atol=0)


@pytest.mark.parametrize("dtype", [ds.float32, ds.bfloat16, ds.float16], ids=NAMES.get)
def test_unary_long_inputs_cover_vector_and_tail_paths(dtype):
    values = np.random.default_rng(3).uniform(-8, 8, 1000 + 13)
    x = ds.tensor(values, dtype=dtype)
    v = to_numpy64(x)
    assert_close(ds.exp(x), np.exp(v))
    assert_close(ds.tanh(x), np.tanh(v))
    assert_close(ds.sigmoid(x), 1 / (1 + np.exp(-v)))
    assert_close(ds.silu(x), v / (1 + np.exp(-v)))
    assert_close(ds.gelu(x, approximate="tanh"), _gelu_tanh(v))
    assert_close(ds.gelu(x), 0.5 * v * (1 + _erf(v / math.sqrt(2))))
    assert_close(x + x, v + v)


def test_pow_scalar_exponents():
    x = ds.tensor([0.5, 1.0, 2.0, 3.0, 4.5])
    v = to_numpy64(x)
    for e in [0, 1, 2, 3, 0.5, -1, -2.5, 1.7]:
        assert_close(x ** e, v ** e)
        assert_close(ds.pow(x, e), v ** e)
    i = ds.tensor([-3, -1, 0, 2, 5])
    assert_close(i ** 3, np.array([-27, -1, 0, 8, 125]), dtype=ds.int64)
    assert_close(i ** 0, np.ones(5, dtype=np.int64), dtype=ds.int64)
    with np.errstate(invalid="ignore"):
        assert_close(i ** 0.5, np.array([-3, -1, 0, 2, 5], dtype=float) ** 0.5, dtype=ds.float32)
    assert_close(2 ** i.abs(), 2 ** np.array([3, 1, 0, 2, 5]), dtype=ds.int64)
    assert_close(2.0 ** i, 2.0 ** np.array([-3, -1, 0, 2, 5.0]), dtype=ds.float32)
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed"):
        i ** -1


def test_pow_integer_tensor_exponent_may_be_negative():
    """PyTorch computes x ** -n for integers as 1 / x ** n truncated (0 unless |x| == 1)."""
    base = ds.tensor([1, -1, -1, 2, 3, 0])
    exp = ds.tensor([-1, -1, -2, -1, 2, 3])
    assert ds.pow(base, exp).tolist() == torch.pow(torch.tensor(base.tolist()),
                                                   torch.tensor(exp.tolist())).tolist()


@pytest.mark.parametrize("dtype", ALL, ids=NAMES.get)
def test_clamp(dtype):
    x = _input(_values("any"), dtype)
    v = to_numpy64(x)
    if dtype == ds.bool:
        with pytest.raises(RuntimeError):
            ds.clamp(x, False, True)
        assert ds.clamp(x, 0, 1).dtype == ds.int64  # bool promotes with int bounds, as torch
        return
    lo, hi = (1, 4) if dtype == ds.uint8 else (-1, 2)
    assert_close(ds.clamp(x, lo, hi), np.clip(v, lo, hi), dtype=dtype)
    assert_close(x.clamp(min=lo), np.maximum(v, lo), dtype=dtype)
    assert_close(x.clamp(max=hi), np.minimum(v, hi), dtype=dtype)
    expect_dtype = dtype if dtype in FLOATS else ds.float32
    assert_close(ds.clamp(x, -1.5, 2.5), np.clip(v, -1.5, 2.5), dtype=expect_dtype)
    assert_close(ds.clip(x, lo, hi), np.clip(v, lo, hi), dtype=dtype)


def test_clamp_with_tensor_bounds_and_nan():
    x = ds.tensor([[-2.0, 0.5, 3.0], [float("nan"), 1.0, 9.0]])
    lo = ds.tensor([0.0, 0.0, 1.0])
    hi = ds.tensor([[1.0], [5.0]])
    expect = np.array([[0.0, 0.5, 1.0], [np.nan, 1.0, 5.0]])
    assert_close(ds.clamp(x, lo, hi), expect)
    assert_close(x.clamp(min=lo), np.array([[0, 0.5, 3], [np.nan, 1, 9]]))
    assert_close(x.clamp(lo, 2), np.array([[0, 0.5, 2], [np.nan, 1, 2]]))
    # min > max gives max everywhere, as PyTorch
    assert_close(ds.clamp(ds.tensor([1.0, 5.0]), 3, 2), [2.0, 2.0])
    # NaN stays NaN with number bounds
    assert math.isnan(ds.clamp(ds.tensor([float("nan")]), 0, 1).item())


# ---- binary ----

BINARY = [
    ("add", ds.add, np.add),
    ("sub", ds.sub, np.subtract),
    ("mul", ds.mul, np.multiply),
    ("div", ds.div, np.true_divide),
    ("maximum", ds.maximum, np.maximum),
    ("minimum", ds.minimum, np.minimum),
    ("pow", ds.pow, np.power),
    ("floor_divide", ds.floor_divide, np.floor_divide),
    ("remainder", ds.remainder, np.remainder),
    ("eq", ds.eq, np.equal),
    ("ne", ds.ne, np.not_equal),
    ("lt", ds.lt, np.less),
    ("le", ds.le, np.less_equal),
    ("gt", ds.gt, np.greater),
    ("ge", ds.ge, np.greater_equal),
    ("logical_and", ds.logical_and, np.logical_and),
    ("logical_or", ds.logical_or, np.logical_or),
    ("logical_xor", ds.logical_xor, np.logical_xor),
]
BOOL_OUT = {"eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor"}


def _binary_operands(name, da, db, shape_a=(4, 5), shape_b=(5,)):
    rng = np.random.default_rng(7)
    a = _input(rng.uniform(-6, 6, shape_a).round(1), da)
    b_vals = rng.uniform(-6, 6, shape_b).round(1)
    if name in ("div", "floor_divide", "remainder", "pow"):
        b_vals = np.where(np.abs(b_vals) < 1, 2.0, b_vals)
    if name == "pow":
        b_vals = np.clip(np.abs(b_vals), 0, 3).round()
        a = _input(np.clip(rng.uniform(-3, 3, shape_a).round(), -3, 3), da)
    b = _input(b_vals, db)
    if name in ("div", "floor_divide", "remainder") and db in INTS + [ds.bool]:
        b = ds.where(b == 0, ds.ones_like(b), b) if db != ds.bool else ds.ones_like(b)
    return a, b


PAIRS = [(ds.float32, ds.float32), (ds.float64, ds.float64), (ds.float16, ds.float16),
         (ds.bfloat16, ds.bfloat16), (ds.int64, ds.int64), (ds.int32, ds.int32),
         (ds.int8, ds.int16), (ds.uint8, ds.uint8), (ds.uint8, ds.int8), (ds.int32, ds.float32),
         (ds.float16, ds.float32), (ds.bfloat16, ds.float16), (ds.int64, ds.float64),
         (ds.bool, ds.int32), (ds.float32, ds.float64)]


@pytest.mark.parametrize("da,db", PAIRS, ids=lambda d: NAMES[d])
@pytest.mark.parametrize("row", BINARY, ids=lambda r: r[0])
def test_binary_matches_numpy_with_broadcasting(row, da, db):
    name, fn, ref = row
    a, b = _binary_operands(name, da, db)
    if name == "sub" and ds.bool in (da, db):  # PyTorch refuses it too
        with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):
            fn(a, b)
        return
    out = fn(a, b)
    ta = torch.tensor(a.to(ds.float64).numpy()).to(_tdtype(da))
    tb = torch.tensor(b.to(ds.float64).numpy()).to(_tdtype(db))
    expect_dtype = torch.result_type(ta, tb)
    if name in BOOL_OUT:
        expect_dtype = torch.bool
    elif name == "div" and not expect_dtype.is_floating_point:
        expect_dtype = torch.float32
    assert NAMES[out.dtype] == str(expect_dtype).split(".")[-1]
    va, vb = to_numpy64(a), to_numpy64(b)
    expect = ref(va, vb)
    if out.dtype in INTS:  # integer results wrap around, as numpy's fixed-width ones do
        expect = expect.astype(np.int64).astype(NAMES[out.dtype]).astype(np.int64)
    assert_close(out, expect)


@pytest.mark.parametrize("dtype", [ds.float32, ds.float64, ds.int64, ds.int32, ds.float16],
                         ids=NAMES.get)
def test_python_scalars_on_either_side(dtype):
    x = _input(np.array([-3.0, -1.0, 2.0, 5.0, 7.0]), dtype)
    v = to_numpy64(x)
    floating = dtype in FLOATS
    cases = [
        (x + 2, v + 2), (2 + x, 2 + v), (x - 2, v - 2), (2 - x, 2 - v), (x * 3, v * 3),
        (3 * x, 3 * v), (x / 2, v / 2), (12 / x, 12 / v), (x // 2, np.floor_divide(v, 2)),
        (13 // x, np.floor_divide(13, v)), (x % 3, np.remainder(v, 3)),
        (13 % x, np.remainder(13, v)), (x ** 2, v ** 2), (x + 2.5, v + 2.5),
        (2.5 * x, 2.5 * v),
    ]
    for out, expect in cases:
        assert_close(out, expect)
    with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):
        x - True
    assert (x + 2).dtype == dtype
    assert (x + 2.5).dtype == (dtype if floating else ds.float32)
    assert (x / 2).dtype == (dtype if floating else ds.float32)
    assert (x < 2).tolist() == (v < 2).tolist()
    assert (2 < x).tolist() == (2 < v).tolist()
    assert (x == 2).tolist() == (v == 2).tolist()
    assert (x != 2.5).tolist() == (v != 2.5).tolist()
    assert (x >= -1).tolist() == (v >= -1).tolist()


def test_integer_arithmetic_wraps_like_pytorch():
    a = ds.tensor([100, -100, 127], dtype=ds.int8)
    assert (a + a).tolist() == torch.tensor([100, -100, 127], dtype=torch.int8).mul(2).tolist()
    assert (a * 3).tolist() == (torch.tensor([100, -100, 127], dtype=torch.int8) * 3).tolist()
    u = ds.tensor([200, 5], dtype=ds.uint8)
    assert (u + 100).tolist() == [44, 105]
    assert (u - 10).tolist() == [190, 251]
    big = ds.tensor([2 ** 62, -(2 ** 63)])
    assert (big * 4).tolist() == [0, 0]
    assert (-big).tolist() == [-(2 ** 62), -(2 ** 63)]  # -INT64_MIN wraps
    assert (big // -1).tolist() == [-(2 ** 62), -(2 ** 63)]  # no SIGFPE on INT64_MIN // -1
    assert (big % -1).tolist() == [0, 0]
    assert (a + ds.tensor([1000])).dtype == ds.int64  # a dimensioned tensor promotes


def test_integer_division_semantics():
    a = ds.tensor([7, -7, 7, -7, 0])
    b = ds.tensor([2, 2, -2, -2, 3])
    ta, tb = torch.tensor(a.tolist()), torch.tensor(b.tolist())
    assert (a // b).tolist() == (ta // tb).tolist()
    assert (a % b).tolist() == (ta % tb).tolist()
    for mode in ("trunc", "floor"):
        assert ds.div(a, b, rounding_mode=mode).tolist() == \
            torch.div(ta, tb, rounding_mode=mode).tolist()
    assert_close(a / b, ta.numpy() / tb.numpy(), dtype=ds.float32)
    big = ds.tensor([2 ** 62 + 1, -(2 ** 62) - 1])
    assert ds.div(big, 2, rounding_mode="trunc").tolist() == [2 ** 61, -(2 ** 61)]  # exact


def test_float_floor_divide_and_remainder_follow_python():
    a = ds.tensor([5.0, -5.0, 0.3, -1.5, 7.5, -0.0], dtype=ds.float64)
    b = ds.tensor([0.0, 0.0, 0.1, 0.3, -2.0, 3.0], dtype=ds.float64)
    ta = torch.tensor(a.tolist(), dtype=torch.float64)
    tb = torch.tensor(b.tolist(), dtype=torch.float64)
    assert_close(a // b, (ta // tb).numpy())
    assert_close(a % b, (ta % tb).numpy())
    assert_close(ds.div(a, b, rounding_mode="trunc"),
                 torch.div(ta, tb, rounding_mode="trunc").numpy())
    assert (a // b).tolist()[2:5] == [0.3 // 0.1, -1.5 // 0.3, 7.5 // -2.0]


def test_maximum_minimum_propagate_nan():
    a = ds.tensor([1.0, float("nan"), 3.0])
    b = ds.tensor([float("nan"), 2.0, 1.0])
    assert_close(ds.maximum(a, b), [np.nan, np.nan, 3.0])
    assert_close(ds.minimum(a, b), [np.nan, np.nan, 1.0])


def test_where():
    c = ds.tensor([[True, False, True]])
    a = ds.tensor([[1], [2]])
    b = ds.tensor([10.0, 20.0, 30.0])
    out = ds.where(c, a, b)
    assert out.dtype == ds.float32 and out.shape == (2, 3)
    assert_close(out, [[1, 20, 1], [2, 20, 2]])
    assert ds.where(c, 1, 0).tolist() == [[1, 0, 1]]
    assert ds.where(c, 1, 0.5).dtype == ds.float32
    assert ds.where(c, ds.tensor([1], dtype=ds.int8), 0).dtype == ds.int8
    assert a.where(ds.tensor([[True], [False]]), 0).tolist() == [[1], [0]]


@pytest.mark.parametrize("dtype", [ds.bool, ds.int64, ds.float32, ds.uint8], ids=NAMES.get)
def test_logical_ops_on_any_dtype(dtype):
    a = _input(np.array([0.0, 1.0, 2.0, 0.0]), dtype)
    b = _input(np.array([0.0, 0.0, 3.0, 5.0]), dtype)
    assert ds.logical_and(a, b).tolist() == [False, False, True, False]
    assert ds.logical_or(a, b).tolist() == [False, True, True, True]
    assert ds.logical_xor(a, b).tolist() == [False, True, False, True]
    assert ds.logical_not(a).tolist() == [True, False, False, True]


def test_bool_operators():
    a = ds.tensor([True, True, False, False])
    b = ds.tensor([True, False, True, False])
    assert (a & b).tolist() == [True, False, False, False]
    assert (a | b).tolist() == [True, True, True, False]
    assert (a ^ b).tolist() == [False, True, True, False]
    assert (~a).tolist() == [False, False, True, True]
    assert (a & True).tolist() == [True, True, False, False]
    assert (False | a).tolist() == [True, True, False, False]


def test_add_sub_alpha():
    a = ds.tensor([1.0, 2.0])
    b = ds.tensor([10.0, 20.0])
    assert_close(ds.add(a, b, alpha=2), [21.0, 42.0])
    assert_close(a.sub(b, alpha=0.5), [-4.0, -8.0])
    small = ds.tensor([100], dtype=ds.int8)
    # alpha scales in the result dtype: int64 + 2 * int8(100) is 201, not a wrapped int8
    assert ds.add(ds.tensor([1]), small, alpha=2).tolist() == [201]


@pytest.mark.parametrize("layout", ["transposed", "strided", "expanded"])
def test_non_contiguous_operands(layout):
    base = np.random.default_rng(1).standard_normal((6, 8))
    t = ds.tensor(base)
    if layout == "transposed":
        x, v = t.t(), base.T
    elif layout == "strided":
        x, v = t[::2, 1::3], base[::2, 1::3]
    else:
        x, v = t[:1].expand(6, 8), np.broadcast_to(base[:1], (6, 8))
    assert not x.is_contiguous()
    assert_close(ds.exp(x), np.exp(v))
    assert_close(x * x + 1, v * v + 1)
    other, other_v = (x, v) if layout == "expanded" else (x.flip(0), v[::-1])
    assert_close(ds.maximum(x, other), np.maximum(v, other_v))
    h = x.to(ds.float16)
    assert_close(h + h, v.astype(np.float16).astype(np.float64) * 2)


# ---- in place ----

def test_inplace_ops_write_into_self_and_bump_version():
    x = ds.tensor([1.0, 2.0, 4.0])
    xid, v0 = id(x), x._version
    x += 1
    assert id(x) == xid and x.tolist() == [2.0, 3.0, 5.0]
    x *= 2
    x -= 1
    x /= 3
    assert_close(x, [1.0, 5.0 / 3, 3.0])
    assert x._version == v0 + 4
    x.add_(ds.tensor([1.0, 1.0, 1.0]), alpha=2).mul_(2).sub_(1)
    x.zero_()
    assert x.tolist() == [0.0, 0.0, 0.0]
    x.fill_(2.5)
    assert x.tolist() == [2.5, 2.5, 2.5]
    x.copy_(ds.tensor([1, 2, 3]))
    assert x.tolist() == [1.0, 2.0, 3.0] and x.dtype == ds.float32
    x.clamp_(1.5, 2.5)
    assert x.tolist() == [1.5, 2.0, 2.5]
    assert x._version == v0 + 11


def test_inplace_unary_methods():
    v = np.array([0.5, 1.5, 2.5])
    for name, ref in [("exp_", np.exp), ("log_", np.log), ("sqrt_", np.sqrt), ("abs_", np.abs),
                      ("neg_", np.negative), ("sin_", np.sin), ("cos_", np.cos),
                      ("tanh_", np.tanh), ("sigmoid_", lambda a: 1 / (1 + np.exp(-a))),
                      ("floor_", np.floor), ("ceil_", np.ceil), ("round_", np.round),
                      ("reciprocal_", lambda a: 1 / a), ("relu_", lambda a: np.maximum(a, 0)),
                      ("rsqrt_", lambda a: 1 / np.sqrt(a)), ("square_", np.square)]:
        x = ds.tensor(v)
        before = x._version
        out = getattr(x, name)()
        assert out is x, name
        assert x._version == before + 1, name
        assert_close(x, ref(v.astype(np.float32).astype(np.float64)))


def test_inplace_operators_for_floor_mod_pow_and_logic():
    x = ds.tensor([7, -7, 9])
    x //= 2
    assert x.tolist() == [3, -4, 4]
    x %= 3
    assert x.tolist() == [0, 2, 1]
    x **= 2
    assert x.tolist() == [0, 4, 1]
    m = ds.tensor([True, False, True])
    m &= ds.tensor([True, True, False])
    assert m.tolist() == [True, False, False]
    m |= ds.tensor([False, True, False])
    assert m.tolist() == [True, True, False]
    m ^= True
    assert m.tolist() == [False, False, True]
    f = ds.tensor([2.0, 3.0])
    f.pow_(ds.tensor([2.0, 0.5]))
    assert_close(f, [4.0, math.sqrt(3.0)])
    f.floor_divide_(1.5)
    assert_close(f, [2.0, 1.0])


def test_inplace_through_a_view_updates_the_base():
    base = ds.zeros(3, 4)
    row = base[1]
    row += 5
    row[::2].mul_(2)
    assert base.tolist()[1] == [10.0, 5.0, 10.0, 5.0]
    assert base.sum().item() == 30.0


def test_inplace_autograd_names_and_gradients_match_pytorch():
    for name in ["exp_", "sigmoid_", "tanh_", "sin_", "square_", "reciprocal_"]:
        x = ds.tensor([0.3, 0.7], requires_grad=True)
        tx = torch.tensor([0.3, 0.7], requires_grad=True)
        y = x * 1
        ty = tx * 1
        getattr(y, name)()
        getattr(ty, name)()
        assert y.grad_fn.name() == type(ty.grad_fn).__name__, name
        y.sum().backward()
        ty.sum().backward()
        assert_close(x.grad, tx.grad.numpy())
    x = ds.tensor([0.5, 2.0], requires_grad=True)
    y = x * 1
    y.clamp_(0.6, 1.5)
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    x = ds.tensor([2.0, 3.0], requires_grad=True)
    e = ds.tensor([3.0, 2.0], requires_grad=True)
    y = x * 1
    y.pow_(e)
    y.sum().backward()
    assert_close(x.grad, [3 * 4.0, 2 * 3.0])
    assert_close(e.grad, [8 * math.log(2), 9 * math.log(3)])


# ---- type promotion ----

SCALARS = [True, 3, -2.5]


@pytest.mark.parametrize("da", ALL, ids=NAMES.get)
def test_type_promotion_matches_torch_result_type(da):
    for db in ALL:
        for ndim_a, ndim_b in [(1, 1), (1, 0), (0, 1), (0, 0)]:
            a = ds.ones([2] * ndim_a, dtype=da)
            b = ds.ones([2] * ndim_b, dtype=db)
            ta = torch.ones([2] * ndim_a, dtype=_tdtype(da))
            tb = torch.ones([2] * ndim_b, dtype=_tdtype(db))
            expect = str(torch.result_type(ta, tb)).split(".")[-1]
            assert NAMES[ds.result_type(a, b)] == expect, (da, db, ndim_a, ndim_b)
            if da != ds.bool or db != ds.bool:
                assert NAMES[(a * b).dtype] == expect
    for s in SCALARS:
        for ndim in (0, 1):
            a = ds.ones([2] * ndim, dtype=da)
            ta = torch.ones([2] * ndim, dtype=_tdtype(da))
            expect = str(torch.result_type(ta, s)).split(".")[-1]
            assert NAMES[(a * s).dtype] == expect, (da, s, ndim)
            assert NAMES[(s * a).dtype] == expect, (da, s, ndim)


def test_default_dtype_governs_python_floats():
    ds.set_default_dtype(ds.float64)
    try:
        assert (ds.tensor([1, 2]) * 0.5).dtype == ds.float64
        assert ds.tensor([1.5]).dtype == ds.float64
        assert (ds.tensor([1.0], dtype=ds.float32) * 0.5).dtype == ds.float32
    finally:
        ds.set_default_dtype(ds.float32)
    assert ds.tensor([1.5]).dtype == ds.float32


# ---- casts ----

@pytest.mark.parametrize("src", ALL, ids=NAMES.get)
def test_casts_between_all_dtypes(src):
    x = _input(np.array([-3.7, -1.0, 0.0, 0.5, 2.5, 100.9]), src)
    v = to_numpy64(x)
    for dst in ALL:
        y = x.to(dst)
        assert y.dtype == dst
        if dst == ds.bool:
            expect = v != 0
        elif dst in INTS:
            if dst == ds.uint8 and (v < 0).any():
                continue  # negative floats to uint8 are implementation-defined
            expect = np.trunc(v).astype(np.int64)
        else:
            expect = v.astype(np.float64)
        assert_close(y, expect, rtol=(1e-2 if dst in (ds.float16, ds.bfloat16) else None))


def test_cast_methods():
    x = ds.tensor([1.6, -2.4])
    assert x.float().dtype == ds.float32
    assert x.double().dtype == ds.float64
    assert x.half().dtype == ds.float16
    assert x.bfloat16().dtype == ds.bfloat16
    assert x.long().tolist() == [1, -2] and x.long().dtype == ds.int64
    assert x.int().dtype == ds.int32
    assert x.bool().tolist() == [True, True]
    assert x.to(ds.float32) is x  # nothing to do: the same tensor
    assert x.to(ds.float32, copy=True) is not x
    assert x.to("cpu").dtype == ds.float32
    assert x.to("cpu", ds.float64).dtype == ds.float64
    assert x.to(ds.tensor([1], dtype=ds.int8)).dtype == ds.int8
    assert x.to(dtype=ds.int16, device="cpu").dtype == ds.int16
    assert x.type_as(ds.tensor([1])).dtype == ds.int64
    assert_close(ds.tensor([70000.0, 1e-8]).half(), [np.inf, 0.0], rtol=0, atol=0)
    assert ds.tensor([3.14159265]).bfloat16().item() == 3.140625


def test_half_and_bfloat16_rounding_is_to_nearest_even():
    values = np.array([1.0 + 2 ** -11, 1.0 + 3 * 2 ** -11, 65504.0, 65520.0, 6e-8, 1e-7],
                      dtype=np.float32)
    h = ds.tensor(values).half()
    with np.errstate(over="ignore"):  # 65520 rounds up to inf in both
        np.testing.assert_array_equal(h.numpy(), values.astype(np.float16))
    b = ds.tensor([1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, float("nan")]).bfloat16().float().tolist()
    assert b[:2] == [1.0, 1.0 + 2 ** -6]
    assert math.isnan(b[2])
