"""Factory functions against numpy (values) and PyTorch 1.13 (dtypes, signatures, edge
cases): empty/zeros/ones/full, arange/linspace/eye, random factories, *_like, and tensors
from nested Python data and from numpy arrays."""
import gc
import math

import numpy as np
import pytest
import torch

import deepseek as ds
from conftest import assert_close, to_numpy64

DTYPES = [ds.float32, ds.float64, ds.float16, ds.bfloat16, ds.int64, ds.int32, ds.int16,
          ds.int8, ds.uint8, ds.bool]


def _name(d):
    return repr(d).split(".")[-1]


@pytest.mark.parametrize("dtype", DTYPES, ids=_name)
def test_zeros_ones_full_every_dtype(dtype):
    assert_close(ds.zeros(2, 3, dtype=dtype), np.zeros((2, 3)), dtype=dtype)
    assert_close(ds.ones((2, 3), dtype=dtype), np.ones((2, 3)), dtype=dtype)
    assert_close(ds.ones([4], dtype=dtype), np.ones(4), dtype=dtype)
    value = True if dtype == ds.bool else 7
    assert_close(ds.full((3, 1), value, dtype=dtype), np.full((3, 1), value), dtype=dtype)
    e = ds.empty(5, 0, 2, dtype=dtype)
    assert e.shape == (5, 0, 2) and e.dtype == dtype and e.numel() == 0


def test_factory_signatures_and_default_dtypes():
    assert ds.zeros(2, 3).shape == (2, 3) == ds.zeros((2, 3)).shape == ds.zeros([2, 3]).shape
    assert ds.zeros(size=(2, 3)).shape == (2, 3)
    assert ds.zeros(()).shape == () and ds.zeros(()).numel() == 1
    assert ds.zeros(2).dtype == ds.float32
    assert ds.full((2,), 3).dtype == ds.int64
    assert ds.full((2,), 3.0).dtype == ds.float32
    assert ds.full((2,), True).dtype == ds.bool
    assert ds.full((2, 2), 1.5, dtype=ds.int32).tolist() == [[1, 1], [1, 1]]
    assert ds.full([2], ds.tensor(4.5)).tolist() == [4.5, 4.5]
    assert ds.scalar_tensor(3).dtype == ds.float32
    assert ds.zeros(2, requires_grad=True).requires_grad


def test_arange_matches_torch():
    cases = [(5,), (1, 5), (1, 5, 2), (0, 1, 0.1), (1.0, 5), (10, 0, -3), (0, 2.5, 0.5),
             (-3, 3), (0.5, 3.2, 0.7), (5, 5)]
    for args in cases:
        got, expect = ds.arange(*args), torch.arange(*args)
        assert _name(got.dtype) == str(expect.dtype).split(".")[-1], args
        assert_close(got, expect.numpy())
    assert ds.arange(5, dtype=ds.float64).dtype == ds.float64
    assert ds.arange(0.5, 5.9, 2.2, dtype=ds.int64).tolist() == \
        torch.arange(0.5, 5.9, 2.2, dtype=torch.int64).tolist()
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        ds.arange(0, 2.5, 0.5, dtype=ds.int64)  # the step truncates to 0, as in torch
    assert ds.arange(ds.tensor(3)).tolist() == [0, 1, 2]
    assert_close(ds.arange(0, 1, 0.1), np.arange(0, 1, 0.1))
    assert ds.arange(5, dtype=ds.float16).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_linspace_matches_torch_and_numpy():
    for start, end, steps in [(0, 1, 5), (-1, 1, 7), (0, 10, 11), (1, 0, 4), (0, 1, 1),
                              (0, 1, 0), (-5.5, 2.25, 100), (3, 3, 4)]:
        got = ds.linspace(start, end, steps)
        expect = torch.linspace(start, end, steps)
        if steps < 16:  # torch's scalar path: same formula, so the same float32 bits
            np.testing.assert_array_equal(got.numpy(), expect.numpy())
        assert_close(got, expect.numpy())
        assert_close(got, np.linspace(start, end, steps))
        got64 = ds.linspace(start, end, steps, dtype=ds.float64)
        assert_close(got64, np.linspace(start, end, steps))
    assert ds.linspace(0, 10, 5, dtype=ds.int64).tolist() == [0, 2, 5, 7, 10]
    assert ds.linspace(0, 1, 3, dtype=ds.float16).tolist() == [0.0, 0.5, 1.0]


def test_eye():
    assert_close(ds.eye(3), np.eye(3), dtype=ds.float32)
    assert_close(ds.eye(2, 4), np.eye(2, 4))
    assert_close(ds.eye(4, 2, dtype=ds.int64), np.eye(4, 2), dtype=ds.int64)
    assert ds.eye(0).shape == (0, 0)
    assert ds.eye(3, requires_grad=True).requires_grad


def test_random_factories_ranges_and_dtypes():
    ds.manual_seed(0)
    r = ds.rand(10000)
    v = r.numpy()
    assert r.dtype == ds.float32 and v.min() >= 0 and v.max() < 1
    assert abs(v.mean() - 0.5) < 0.02
    n = ds.randn(20000, dtype=ds.float64).numpy()
    assert abs(n.mean()) < 0.03 and abs(n.std() - 1) < 0.03
    i = ds.randint(3, 10, (5000,))
    assert i.dtype == ds.int64 and i.numpy().min() == 3 and i.numpy().max() == 9
    assert ds.randint(10, (2, 3)).shape == (2, 3)  # randint(high, size)
    assert ds.randint(10, (4,), dtype=ds.float32).dtype == ds.float32
    assert ds.rand(2, 3, dtype=ds.bfloat16).dtype == ds.bfloat16
    # the same seed gives the same numbers
    ds.manual_seed(123)
    a = ds.randn(7).tolist()
    ds.manual_seed(123)
    assert ds.randn(7).tolist() == a


def test_like_factories():
    base = ds.ones(2, 3, dtype=ds.int32)
    assert ds.zeros_like(base).dtype == ds.int32 and ds.zeros_like(base).shape == (2, 3)
    assert ds.ones_like(base, dtype=ds.float64).dtype == ds.float64
    assert ds.full_like(base, 7).tolist() == [[7] * 3] * 2
    assert ds.full_like(base, 7.9).tolist() == [[7] * 3] * 2  # the like tensor's dtype
    assert ds.empty_like(base).shape == (2, 3)
    f = ds.ones(4, 5)
    assert ds.rand_like(f).shape == (4, 5) and ds.randn_like(f).dtype == ds.float32
    assert ds.randint_like(base, 5).dtype == ds.int32
    assert ds.zeros_like(f, requires_grad=True).requires_grad


# ---- from Python data ----

def test_tensor_from_nested_lists_infers_like_torch():
    cases = [[1, 2, 3], [1.0, 2.0], [1, 2.5, True], [True, False], [True, 2], [[1, 2], [3, 4]],
             [], [[], []], 3, 2.5, True, [[1.5]], [[[1], [2]], [[3], [4]]]]
    for data in cases:
        got, expect = ds.tensor(data), torch.tensor(data)
        assert got.shape == tuple(expect.shape), data
        assert _name(got.dtype) == str(expect.dtype).split(".")[-1], data
        assert got.tolist() == expect.tolist(), data


def test_tensor_with_explicit_dtype():
    assert ds.tensor([1, 2], dtype=ds.float16).dtype == ds.float16
    assert ds.tensor([1.7, -1.7], dtype=ds.int32).tolist() == [1, -1]
    assert ds.tensor([0.5, 0.0], dtype=ds.bool).tolist() == [True, False]
    assert ds.tensor([-1, 255], dtype=ds.uint8).tolist() == [255, 255]  # -1 wraps, as torch
    assert ds.tensor(2.5, dtype=ds.int32).tolist() == 2
    assert ds.tensor([[1, 2], [3, 4]], dtype=ds.float64).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    t = ds.tensor([1.0, 2.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf


def test_tensor_from_numpy_scalars_and_tensors():
    assert ds.tensor(np.float32(2.5)).dtype == ds.float32
    assert ds.tensor(np.float64(2.5)).dtype == ds.float64
    assert ds.tensor([np.float32(1.0), np.float32(2.0)]).dtype == ds.float32
    assert ds.tensor(np.int32(3)).dtype == ds.int32
    assert ds.tensor([np.int64(1), 2.5]).dtype == ds.float32
    assert ds.tensor([ds.tensor(1.5), ds.tensor(2.5)]).tolist() == [1.5, 2.5]
    assert ds.tensor([ds.tensor(1, dtype=ds.int8), 2]).dtype == ds.int64
    assert ds.tensor([np.array([1, 2]), np.array([3, 4])]).tolist() == [[1, 2], [3, 4]]
    src = ds.tensor([1.0, 2.0])
    copy = ds.tensor(src)
    copy.add_(1)
    assert src.tolist() == [1.0, 2.0]


class _FreshItems:
    """A sequence that makes a new object for every item it is asked for and keeps none (as
    a numpy array does with its scalars): the reader must hold each item while reading it."""

    def __init__(self, values):
        self.values = values

    def __len__(self):
        return len(self.values)

    def __getitem__(self, i):
        if i >= len(self.values):
            raise IndexError(i)
        return float(str(self.values[i]))  # a fresh float object, referenced by no one


def test_tensor_from_sequences_that_make_their_items():
    values = [0.5 + i for i in range(64)]
    for _ in range(20):
        assert ds.tensor(_FreshItems(values)).tolist() == values
        rows = ds.tensor([np.arange(4) + 10 * i for i in range(8)])
        assert rows.dtype == ds.int64
        assert rows.tolist() == [[10 * i + j for j in range(4)] for i in range(8)]
    gc.collect()


@pytest.mark.parametrize("np_dtype", ["float64", "float32", "float16", "int64", "int32",
                                      "int16", "int8", "uint8", "bool"])
def test_from_numpy_shares_memory(np_dtype):
    arr = (np.arange(12).reshape(3, 4) % 3).astype(np_dtype)
    t = ds.from_numpy(arr)
    assert _name(t.dtype) == np_dtype
    assert t.shape == (3, 4) and t.tolist() == arr.tolist()
    arr[0, 0] = 1
    assert t[0, 0].item() == arr[0, 0]
    t[2, 3] = 0
    assert arr[2, 3] == 0
    assert t.numpy().ctypes.data == arr.ctypes.data


def test_from_numpy_keeps_strides_and_lifetime():
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    t = ds.from_numpy(base[::2, 1::2])
    assert t.shape == (2, 3) and t.stride() == (12, 2)
    assert t.tolist() == base[::2, 1::2].tolist()
    t2 = ds.from_numpy(base.T)
    assert t2.stride() == (1, 6) and not t2.is_contiguous()
    del base
    assert t.sum().item() == sum(sum(r) for r in t.tolist())  # memory still alive


def test_tensor_from_numpy_copies():
    arr = np.array([[1.5, 2.5], [3.5, 4.5]], dtype=np.float64)
    t = ds.tensor(arr)
    assert t.dtype == ds.float64
    arr[0, 0] = 100
    assert t[0, 0].item() == 1.5
    assert ds.tensor(arr.T).tolist() == arr.T.tolist()
    assert ds.tensor(np.array([1, 2], dtype=np.int32)).dtype == ds.int32
    assert ds.tensor(np.array([1, 2]), dtype=ds.float16).dtype == ds.float16
    assert ds.tensor(np.array(3.0)).shape == ()
    assert ds.as_tensor(arr).dtype == ds.float64


def test_numpy_round_trip_every_dtype():
    for d in DTYPES:
        if d == ds.bfloat16:
            continue  # numpy has no bfloat16
        t = ds.tensor([[1, 0], [3, 4]], dtype=d)
        a = t.numpy()
        assert a.dtype == np.dtype(_name(d))
        back = ds.from_numpy(a)
        assert back.dtype == d and back.tolist() == t.tolist()


def test_large_values_survive_creation():
    big = 2 ** 62 + 1
    assert ds.tensor([big]).item() == big
    assert ds.full((1,), big).item() == big
    assert ds.tensor([1e300], dtype=ds.float64).item() == 1e300
    assert math.isinf(ds.tensor([1e300]).item())  # float32 overflows to inf, as torch
    assert to_numpy64(ds.tensor([70000.0], dtype=ds.float16))[0] == np.inf
