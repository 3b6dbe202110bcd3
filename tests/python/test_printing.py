"""repr(tensor) must read exactly as PyTorch 1.13 prints the same tensor, once "torch." is
spelled "deepseek.": element formatting (integer-valued floats, scientific notation, nan and
inf), alignment, line wrapping at 80 columns, summaries of large tensors, and the dtype /
grad suffixes."""
import numpy as np
import pytest
import torch

import deepseek as ds

RNG = np.random.default_rng(2024)
NORMAL = RNG.standard_normal(5000)


def _data(kind, shape):
    n = int(np.prod(shape)) if shape else 1
    if kind == "normal":
        v = NORMAL[:n]
    elif kind == "ints":
        v = np.arange(n) * 3 - 7
    elif kind == "intfloat":
        v = (np.arange(n) * 3 - 7).astype(float)
    elif kind == "wide":
        v = np.exp(RNG.uniform(-12, 12, n))
    elif kind == "tiny":
        v = NORMAL[:n] * 1e-6
    elif kind == "huge":
        v = NORMAL[:n] * 1e9
    elif kind == "special":
        v = np.resize([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.25], n)
    elif kind == "special_int":
        v = np.resize([np.nan, np.inf, -np.inf, 0.0, 3.0, -2.0], n)
    elif kind == "bool":
        v = NORMAL[:n] > 0
    else:
        raise ValueError(kind)
    return np.asarray(v).reshape(shape)


CASES = [
    # (description, data kind, shape, dtype name or None)
    ("int vector", "ints", (5,), "int64"),
    ("int matrix", "ints", (3, 4), "int64"),
    ("int32", "ints", (6,), "int32"),
    ("int8", "ints", (4,), "int8"),
    ("uint8", "bool", (5,), "uint8"),
    ("bool", "bool", (7,), "bool"),
    ("bool 0-dim", "bool", (), "bool"),
    ("float", "normal", (6,), None),
    ("float matrix", "normal", (4, 5), None),
    ("float 3-d", "normal", (2, 3, 4), None),
    ("float 4-d", "normal", (2, 2, 2, 3), None),
    ("float 0-dim", "normal", (), None),
    ("int 0-dim", "ints", (), "int64"),
    ("integer-valued floats", "intfloat", (6,), None),
    ("integer-valued wide", "wide", (1,), None),
    ("sci: wide range", "wide", (8,), None),
    ("sci: tiny", "tiny", (5,), None),
    ("sci: huge", "huge", (3, 3), None),
    ("nan and inf", "special", (7,), None),
    ("nan and inf integer-valued", "special_int", (6,), None),
    ("float64", "normal", (5,), "float64"),
    ("float16", "normal", (5,), "float16"),
    ("bfloat16", "normal", (2, 3), "bfloat16"),
    ("float64 wide", "wide", (6,), "float64"),
    ("wide row wraps", "normal", (30,), None),
    ("wide int row wraps", "ints", (60,), "int64"),
    ("wide rows in a matrix", "normal", (3, 25), None),
    ("wide sci rows", "wide", (2, 15), "float64"),
    ("summary 1-d", "normal", (1500,), None),
    ("summary int 1-d", "ints", (2000,), "int64"),
    ("summary 2-d", "normal", (50, 40), None),
    ("summary 2-d narrow", "normal", (1001, 1), None),
    ("summary 3-d", "normal", (10, 12, 11), None),
    ("summary 3-d float64", "normal", (4, 30, 10), "float64"),
    ("summary bool", "bool", (40, 30), "bool"),
    ("summary int-valued", "intfloat", (1200,), None),
    ("summary wide", "wide", (1100,), None),
]


def _pair(kind, shape, dtype):
    data = _data(kind, shape)
    t = torch.tensor(data, dtype=getattr(torch, dtype) if dtype else None)
    d = ds.tensor(data, dtype=getattr(ds, dtype) if dtype else None)
    if dtype is None and t.dtype == torch.float64:
        t, d = t.float(), d.float()
    return t, d


def _same_repr(t, d):
    expect = repr(t).replace("torch.", "deepseek.")
    assert repr(d) == expect
    assert str(d) == expect


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_repr_matches_torch(case):
    _, kind, shape, dtype = case
    _same_repr(*_pair(kind, shape, dtype))


@pytest.mark.parametrize("values", [
    [0.0], [-0.0, 0.0], [1e-5, 1.0], [1e-4, 1.0], [1e8, 1.0], [1.5e8], [123456789.0],
    [1000.0, 0.5], [1001.0, 0.5], [0.001, 1.0], [1e-3, 1e3, 1e4], [100000.5], [1e10, 1.5],
    [1e-20, 1.0], [1.0, 2.0, 3.0], [-1.0, 2.0], [0.1, 0.25], [2.5, -7.125, 100.0625],
    [np.nan], [np.inf, -np.inf], [np.nan, 1.0], [np.nan, 1.5], [1e300], [5e-324, 1.0],
])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_float_formatting_edge_cases(values, dtype):
    _same_repr(torch.tensor(values, dtype=getattr(torch, dtype)),
               ds.tensor(values, dtype=getattr(ds, dtype)))


@pytest.mark.parametrize("shape,dtype", [
    ((0,), None), ((2, 0), None), ((0, 3), None), ((0,), "int64"), ((0,), "float64"),
    ((0,), "bool"), ((1, 0, 2), "int32"), ((0,), "float16"),
])
def test_empty_tensors(shape, dtype):
    _same_repr(torch.zeros(shape, dtype=getattr(torch, dtype) if dtype else None),
               ds.zeros(shape, dtype=getattr(ds, dtype) if dtype else None))


def test_grad_suffixes():
    data = NORMAL[:6].reshape(2, 3)
    t = torch.tensor(data, dtype=torch.float32, requires_grad=True)
    d = ds.tensor(data, dtype=ds.float32, requires_grad=True)
    _same_repr(t, d)
    _same_repr(t * 2, d * 2)
    _same_repr(t + 1, d + 1)
    _same_repr(t.exp(), d.exp())
    _same_repr((t * t)[0, 1], (d * d)[0, 1])
    _same_repr(t.double(), d.double())
    wide = NORMAL[:40].reshape(4, 10)
    tw = torch.tensor(wide, dtype=torch.float64, requires_grad=True)
    dw = ds.tensor(wide, dtype=ds.float64, requires_grad=True)
    _same_repr(tw, dw)  # the suffixes wrap onto a new line
    _same_repr(tw * 3, dw * 3)
    h = ds.tensor([1.0, 2.0], dtype=ds.float16, requires_grad=True)
    _same_repr(torch.tensor([1.0, 2.0], dtype=torch.float16, requires_grad=True), h)
    _same_repr(torch.tensor(NORMAL[:3], requires_grad=True).float().view(3)[1:],
               ds.tensor(NORMAL[:3], requires_grad=True).float().view(3)[1:])


def test_non_contiguous_views_print_their_values():
    data = NORMAL[:24].reshape(4, 6)
    t, d = torch.tensor(data), ds.tensor(data)
    _same_repr(t.t(), d.t())
    _same_repr(t[::2, 1::2], d[::2, 1::2])
    big = torch.tensor(NORMAL[:4000].reshape(40, 100)).float()
    dbig = ds.tensor(NORMAL[:4000].reshape(40, 100)).float()
    _same_repr(big.t(), dbig.t())
    _same_repr(big[:, ::3], dbig[:, ::3])


class _Torch2Formatter(torch._tensor_str._Formatter):
    """torch 2's element width under a forced sci_mode: that of the forced format. torch 1.13
    (the reference here) kept the automatic format's width, so forced scientific numbers
    ran together unpadded; deepseek prints as torch 2 does (2.11 seen)."""

    def __init__(self, tensor):
        super().__init__(tensor)
        forced = torch._tensor_str.PRINT_OPTS.sci_mode
        if forced is None or not self.floating_dtype:
            return
        values = tensor.reshape(-1).double()
        values = values[values.isfinite() & values.ne(0)].tolist()
        precision = torch._tensor_str.PRINT_OPTS.precision
        self.max_width = 1
        for value in values:
            if forced:
                text = f"{value:.{precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}."
            else:
                text = f"{value:.{precision}f}"
            self.max_width = max(self.max_width, len(text))


@pytest.fixture
def torch2_printing(monkeypatch):
    if int(torch.__version__.split(".")[0]) < 2:
        monkeypatch.setattr(torch._tensor_str, "_Formatter", _Torch2Formatter)


@pytest.mark.parametrize("options", [
    dict(precision=2), dict(precision=6), dict(threshold=5), dict(edgeitems=1, threshold=10),
    dict(linewidth=40), dict(sci_mode=True), dict(sci_mode=False), dict(profile="short"),
    dict(profile="full"),
])
def test_set_printoptions(options, torch2_printing):
    torch.set_printoptions(**options)
    ds.set_printoptions(**options)
    try:
        for kind, shape, dtype in [("normal", (20,), None), ("normal", (5, 7), None),
                                   ("wide", (3, 4), None), ("ints", (30,), "int64"),
                                   ("normal", (1200,), None), ("intfloat", (12,), None)]:
            _same_repr(*_pair(kind, shape, dtype))
    finally:
        torch.set_printoptions(profile="default")
        ds.set_printoptions(profile="default")


def test_default_dtype_changes_the_suffix():
    ds.set_default_dtype(ds.float64)
    torch.set_default_dtype(torch.float64)
    try:
        _same_repr(torch.tensor([1.5, 2.0]), ds.tensor([1.5, 2.0]))
        _same_repr(torch.tensor([1.5, 2.0], dtype=torch.float32),
                   ds.tensor([1.5, 2.0], dtype=ds.float32))
        _same_repr(torch.zeros(0), ds.zeros(0))
    finally:
        ds.set_default_dtype(ds.float32)
        torch.set_default_dtype(torch.float32)
