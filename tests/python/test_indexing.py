"""Python subscripts (x[...] and x[...] = v) and the indexing ops, against numpy.

numpy is the reference for values. Where PyTorch documents a different rule (an integer mixed
with advanced indices is a basic index in PyTorch, an advanced one in numpy), PyTorch 1.13 is
the reference, since `import deepseek as torch` must keep scripts' shapes.
"""
import itertools
import random

import numpy as np
import pytest
import torch

import deepseek as ds

SHAPE = (4, 5, 6)

# Entries a subscript may hold, as (deepseek form, torch form, numpy form) builders so every
# framework gets its own index objects (tensors are not shared between frameworks).
_INTS = [0, -1, 3, 5, -7]  # 5 and -7 are out of range for some dims
_SLICES = [slice(None), slice(1, 3), slice(None, None, 2), slice(-3, None), slice(3, 1),
           slice(1, None, 3), slice(-100, 100), slice(None, 2, 4)]
_LISTS = [[0, 2], [-1, 0, 1], [[0, 1], [2, 1]], []]
_ARRAYS = [np.array([1, 0]), np.array([[2], [0]]), np.array(3), np.array([-2, 1, 0])]
_MASKS = [np.array([True, False, True, True]), np.array([False, True, True, False, True]),
          np.array([True, False, False, True, True, False]),
          np.arange(20).reshape(4, 5) % 3 == 0, np.arange(30).reshape(5, 6) % 4 == 1,
          np.zeros(4, dtype=bool)]


def _entries():
    out = []
    for i in _INTS:
        out.append(("int", i))
    for s in _SLICES:
        out.append(("slice", s))
    out += [("none", None), ("ellipsis", Ellipsis), ("bool", True), ("bool", False)]
    for lst in _LISTS:
        out.append(("list", lst))
    for a in _ARRAYS:
        out.append(("ndarray", a))
        out.append(("tensor", a))
    for m in _MASKS:
        out.append(("mask", m))
        out.append(("masktensor", m))
    return out


ENTRIES = _entries()


def _as(kind, v, framework):
    """The index object `framework` ('ds', 'torch', 'np') receives for one entry.

    deepseek gets numpy arrays as they are (a supported index type); torch gets tensors,
    since its handling of raw numpy masks is itself inconsistent.
    """
    if kind in ("tensor", "masktensor"):
        if framework == "ds":
            return ds.tensor(v)
        if framework == "torch":
            return torch.tensor(v)
        return np.asarray(v)
    if kind in ("ndarray", "mask") and framework == "torch":
        return torch.from_numpy(v)
    if kind == "list" and framework == "np":
        return np.asarray(v, dtype=np.int64)
    return v


def _key(entries, framework):
    return tuple(_as(kind, v, framework) for kind, v in entries)


def _numpy_diverges(entries):
    """True where PyTorch's rule differs from numpy's: an int next to advanced indices is
    a basic index in PyTorch (it does not move the advanced dims to the front), and an
    ellipsis spanning no dims between advanced indices keeps them adjacent in PyTorch."""
    ints = [k == "int" or (k in ("ndarray", "tensor") and np.ndim(v) == 0) for k, v in entries]
    advanced = [k in ("list", "ndarray", "tensor", "mask", "masktensor", "bool") and not i
                for (k, _), i in zip(entries, ints)]
    kinds = [k for k, _ in entries]
    ellipsis_between = "ellipsis" in kinds and any(advanced[:kinds.index("ellipsis")]) and any(
        advanced[kinds.index("ellipsis") + 1:])
    return (any(advanced) and any(ints)) or ellipsis_between


def _torch_quirk(entries):
    """Keys where torch 1.13 fails but numpy's answer is the sensible one, which deepseek
    gives: a mask of rank >= 2 counted as one dim when other entries follow it, and repeated
    ellipses (numpy rejects them, so does deepseek)."""
    multi_mask = any(k in ("mask", "masktensor") and np.ndim(v) >= 2 for k, v in entries)
    ellipses = sum(k == "ellipsis" for k, _ in entries)
    return (multi_mask and len(entries) > 1) or ellipses > 1


def _outcome(fn):
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - the exception type is what we compare
        return None, e


def _reference_get(x_np, entries):
    """numpy's x[key], or torch 1.13's where PyTorch's rule differs; (value, exception)."""
    t_val, t_err = _outcome(lambda: torch.from_numpy(x_np)[_key(entries, "torch")].numpy())
    n_val, n_err = _outcome(lambda: np.asarray(x_np[_key(entries, "np")]))
    if _torch_quirk(entries):
        return n_val, n_err
    if _numpy_diverges(entries) or t_err is not None:
        return t_val, t_err
    assert n_err is None, f"numpy rejected a key torch accepts: {entries}: {n_err}"
    assert n_val.shape == t_val.shape and np.array_equal(n_val, t_val), entries
    return n_val, None


def _check_get(x_np, x_ds, entries):
    ref, ref_err = _reference_get(x_np, entries)
    got, got_err = _outcome(lambda: x_ds[_key(entries, "ds")])
    if ref_err is not None:
        assert got_err is not None, f"{entries}: expected {type(ref_err).__name__}, got a result"
        assert isinstance(got_err, type(ref_err)) or (
            isinstance(ref_err, IndexError) and isinstance(got_err, IndexError)), (
            f"{entries}: expected {type(ref_err).__name__}, "
            f"got {type(got_err).__name__}: {got_err}")
        return
    assert got_err is None, f"{entries}: unexpected {type(got_err).__name__}: {got_err}"
    assert tuple(got.shape) == ref.shape, f"{entries}: shape {tuple(got.shape)} != {ref.shape}"
    np.testing.assert_array_equal(got.numpy(), ref, err_msg=str(entries))


def _base_values():
    return np.arange(np.prod(SHAPE), dtype=np.float64).reshape(SHAPE) - 17.0


def _ds_input(name, base):
    """`base` as a deepseek tensor: contiguous, or ("transposed") a permuted copy viewed
    back so the values are the same but the strides are not."""
    if name == "contiguous":
        return ds.tensor(base)
    t = ds.tensor(np.ascontiguousarray(base.transpose(2, 0, 1))).permute(1, 2, 0)
    assert not t.is_contiguous()
    return t


SINGLE_AND_PAIRS = [(e,) for e in ENTRIES] + list(itertools.product(ENTRIES, repeat=2))


@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_getitem_single_and_pairs_match_numpy(layout):
    base = _base_values()
    x = _ds_input(layout, base)
    for entries in SINGLE_AND_PAIRS:
        _check_get(base, x, entries)


@pytest.mark.parametrize("seed", range(4))
def test_getitem_random_triples_and_quads_match_numpy(seed):
    rng = random.Random(seed)
    base = np.arange(np.prod(SHAPE), dtype=np.float64).reshape(SHAPE) * 0.5
    x = _ds_input("transposed" if seed % 2 else "contiguous", base)
    for _ in range(600):
        entries = tuple(rng.choice(ENTRIES) for _ in range(rng.choice([3, 4])))
        _check_get(base, x, entries)


def test_basic_indexing_returns_views_sharing_storage():
    x = ds.zeros(4, 5, 6)
    v = x[1:3, None, ..., ::2]
    assert tuple(v.shape) == (2, 1, 5, 3)
    v.fill_(7.0)
    expect = np.zeros(SHAPE)
    expect[1:3, :, ::2] = 7.0
    np.testing.assert_array_equal(x.numpy(), expect)
    # An integer tensor of 0 dims indexes like an int: still a view.
    w = x[ds.tensor(2)]
    w.fill_(1.0)
    assert float(x[2].sum()) == 30.0


def test_advanced_indexing_copies():
    x = ds.zeros(4, 5)
    y = x[[0, 1]]
    y.fill_(3.0)
    assert float(x.sum()) == 0.0


def test_int_tensor_dtypes_and_numpy_scalar_indices():
    base = np.arange(20.0).reshape(4, 5)
    x = ds.tensor(base)
    for dt in (ds.int32, ds.int64):
        idx = ds.tensor([3, 0, 1]).to(dt)
        np.testing.assert_array_equal(x[idx].numpy(), base[[3, 0, 1]])
    # uint8 tensors are masks, as in PyTorch (which deprecates them but still masks).
    byte_mask = ds.tensor([1, 0, 2, 0]).to(ds.uint8)
    np.testing.assert_array_equal(x[byte_mask].numpy(), base[[0, 2]])
    for dt in (ds.int8, ds.int16):
        with pytest.raises(IndexError, match="tensors used as indices must be long"):
            x[ds.tensor([1]).to(dt)]
    np.testing.assert_array_equal(x[np.int64(2)].numpy(), base[2])
    np.testing.assert_array_equal(x[np.int32(-1), np.int64(1)].numpy(), base[-1, 1])


def test_getitem_on_0dim_and_empty_tensors():
    s = ds.tensor(3.5)
    assert float(s[...]) == 3.5
    assert tuple(s[None].shape) == (1,)
    assert tuple(s[None, None].shape) == (1, 1)
    assert tuple(s[True].shape) == (1,)
    assert tuple(s[False].shape) == (0,)
    with pytest.raises(IndexError):
        s[0]
    e = ds.zeros(0, 3)
    assert tuple(e[:, 1].shape) == (0,)
    assert tuple(e[[]].shape) == (0, 3)
    assert tuple(e[ds.zeros(0, dtype=ds.bool)].shape) == (0, 3)
    assert tuple(e[:, [0, 2]].shape) == (0, 2)
    with pytest.raises(IndexError):
        e[0]


# ---- __setitem__ ----------------------------------------------------------------------------

SET_KEYS = [
    (1,), (-1, 2), (slice(1, 3),), (slice(None, None, 2), 1), (Ellipsis, 0), (None, 1),
    ([0, 2],), ([0, 2], [1, 3]), ([[0], [3]], [1, 4]), (slice(None), [4, 0], 2),
    ([1, 3], slice(None), [0, 5]), (np.array([True, False, True, True]),),
    (slice(None), np.array([True, False, True, False, True])),
    (np.arange(20).reshape(4, 5) % 3 == 0,), (Ellipsis, [-1, 0]), (0, [1, 2], slice(1, 4)),
    ([-4, 3], Ellipsis, slice(2, None)), (1, slice(None), [5, 0, 2]), (True, [0, 1]),
]


def _ds_key(key):
    return tuple(ds.tensor(k) if isinstance(k, np.ndarray) else k for k in key)


def _torch_key(key):
    return tuple(torch.tensor(k) if isinstance(k, np.ndarray) else k for k in key)


@pytest.mark.parametrize("key", SET_KEYS, ids=[str(k)[:40] for k in SET_KEYS])
@pytest.mark.parametrize("value_kind", ["scalar", "full", "broadcast_row", "python_list"])
def test_setitem_matches_torch(key, value_kind):
    base = np.arange(120.0).reshape(SHAPE)
    ref = torch.from_numpy(base.copy())
    target_shape = tuple(ref[_torch_key(key)].shape)
    rng = np.random.default_rng(0)
    if value_kind == "scalar":
        v_t, v_d = -2.5, -2.5
    elif value_kind == "full":
        vals = rng.standard_normal(target_shape)
        v_t, v_d = torch.from_numpy(vals), ds.tensor(vals)
    elif value_kind == "broadcast_row":
        if not target_shape:
            pytest.skip("a 0-dim target has no row to broadcast")
        vals = rng.standard_normal(target_shape[-1:])
        v_t, v_d = torch.from_numpy(vals), ds.tensor(vals)
    else:
        if not target_shape:
            pytest.skip("a 0-dim target takes a scalar, not a list")
        vals = rng.standard_normal(target_shape[-1:]).tolist()
        v_t, v_d = torch.tensor(vals, dtype=torch.float64), vals  # torch 1.13 rejects lists
    ref[_torch_key(key)] = v_t
    for layout in ("contiguous", "transposed"):
        x = _ds_input(layout, base.copy())
        x[_ds_key(key)] = v_d
        np.testing.assert_allclose(x.numpy(), ref.numpy(), rtol=0, atol=0, err_msg=layout)


@pytest.mark.parametrize("seed", range(2))
def test_setitem_random_keys_match_torch(seed):
    """x[key] = value for the getitem key universe: values of the target's shape or of its
    last dim (broadcast), on contiguous and transposed targets, duplicates included (the
    last write wins in both)."""
    rng = random.Random(seed)
    keys = SINGLE_AND_PAIRS[seed::2] + [tuple(rng.choice(ENTRIES) for _ in range(3))
                                        for _ in range(400)]
    checked = 0
    for entries in keys:
        if _torch_quirk(entries):
            continue
        base = np.arange(120.0).reshape(SHAPE)
        ref = torch.from_numpy(base.copy())
        try:
            target = tuple(ref[_key(entries, "torch")].shape)
        except IndexError:
            continue  # invalid keys are covered by the getitem tests
        shape = target[-1:] if target and rng.random() < 0.5 else target
        vals = np.random.default_rng(checked).standard_normal(shape)
        ref[_key(entries, "torch")] = torch.from_numpy(vals)
        for layout in ("contiguous", "transposed"):
            x = _ds_input(layout, base.copy())
            x[_key(entries, "ds")] = ds.tensor(vals)
            np.testing.assert_array_equal(x.numpy(), ref.numpy(), err_msg=f"{layout} {entries}")
        checked += 1
    assert checked > 300


@pytest.mark.parametrize("seed", range(3))
def test_index_put_accumulate_random_matches_add_at(seed):
    rng = np.random.default_rng(seed)
    base = rng.standard_normal(SHAPE)
    for _ in range(40):
        # Two or three integer index tensors with broadcastable shapes, negatives included.
        n_idx = rng.integers(1, 4)
        bshape = tuple(rng.integers(1, 4, size=rng.integers(1, 3)))
        idx = []
        for d in range(n_idx):
            shape = tuple(s if rng.random() < 0.7 else 1 for s in bshape)
            idx.append(rng.integers(-SHAPE[d], SHAPE[d], size=shape))
        target = np.broadcast_shapes(*[i.shape for i in idx]) + SHAPE[n_idx:]
        vals = rng.standard_normal(target if rng.random() < 0.5 else target[-1:])
        expect = base.copy()
        np.add.at(expect, tuple(idx), np.broadcast_to(vals, target))
        x = ds.tensor(base)
        x.index_put_(tuple(ds.tensor(i) for i in idx), ds.tensor(vals), accumulate=True)
        np.testing.assert_allclose(x.numpy(), expect, rtol=1e-12, atol=1e-12)


def test_setitem_through_a_view_writes_the_base():
    x = ds.zeros(4, 6)
    v = x[:, ::2]
    v[[0, 3], 1] = ds.tensor([1.0, 2.0])
    expect = np.zeros((4, 6))
    expect[[0, 3], 2] = [1.0, 2.0]
    np.testing.assert_array_equal(x.numpy(), expect)


def test_setitem_casts_value_to_tensor_dtype():
    x = ds.zeros(3, dtype=ds.int64)
    x[1] = 2.7
    x[ds.tensor([0])] = ds.tensor([5.9])
    np.testing.assert_array_equal(x.numpy(), np.array([5, 2, 0]))


def test_setitem_value_shape_mismatch_raises():
    x = ds.zeros(3, 4)
    with pytest.raises(RuntimeError, match="shape mismatch"):
        x[ds.tensor([0, 1])] = ds.ones(3, 4)
    with pytest.raises(RuntimeError):
        x[:] = ds.ones(3, 5)


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_with_duplicates(accumulate):
    base = np.zeros((5, 3))
    rows = np.array([0, 2, 0, 4, 2, 0])
    vals = np.arange(18.0).reshape(6, 3)
    x = ds.tensor(base)
    x.index_put_((ds.tensor(rows),), ds.tensor(vals), accumulate=accumulate)
    expect = base.copy()
    if accumulate:
        np.add.at(expect, rows, vals)
    else:
        for r, v in zip(rows, vals):  # last write wins
            expect[r] = v
    np.testing.assert_array_equal(x.numpy(), expect)


def test_index_put_accumulate_two_indices_broadcast_value():
    x = ds.zeros(4, 5, dtype=ds.float64)
    i = np.array([[0], [3], [0]])
    j = np.array([1, 1, 4])
    x.index_put_((ds.tensor(i), ds.tensor(j)), ds.tensor(1.5), accumulate=True)
    expect = np.zeros((4, 5))
    ii, jj = np.broadcast_arrays(i, j)
    np.add.at(expect, (ii, jj), 1.5)
    np.testing.assert_array_equal(x.numpy(), expect)


def test_index_put_with_none_entries_skips_dims():
    x = ds.zeros(3, 4)
    x.index_put_((None, ds.tensor([1, 3])), ds.tensor([7.0, 8.0]))
    expect = np.zeros((3, 4))
    expect[:, [1, 3]] = [7.0, 8.0]
    np.testing.assert_array_equal(x.numpy(), expect)


# ---- index ops -----------------------------------------------------------------------------

@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_index_select(dim, dtype):
    base = (np.arange(60).reshape(3, 4, 5) - 30).astype(dtype)
    n = base.shape[dim]
    idx = np.array([n - 1, 0, 0, 1])
    permuted = ds.tensor(np.ascontiguousarray(base.transpose(2, 1, 0))).permute(2, 1, 0)
    for x in (ds.tensor(base), permuted):
        got = ds.index_select(x, dim, ds.tensor(idx))
        np.testing.assert_array_equal(got.numpy(), np.take(base, idx, axis=dim))
        assert got.dtype == x.dtype
    assert tuple(ds.tensor(base).index_select(dim, ds.tensor([], dtype=ds.int64)).shape) == \
        tuple(np.take(base, np.array([], dtype=np.int64), axis=dim).shape)


def test_index_select_0dim():
    # The result has the input's number of dims (PyTorch's rule), so one index value only.
    s = ds.tensor(4.0)
    for idx in ([0], 0):
        got = s.index_select(0, ds.tensor(idx))
        ref = torch.tensor(4.0).index_select(0, torch.tensor(idx))
        assert tuple(got.shape) == tuple(ref.shape) == ()
        assert got.item() == 4.0
    with pytest.raises(IndexError, match="Index to scalar can have only 1 value"):
        s.index_select(0, ds.tensor([0, 0]))
    with pytest.raises(IndexError):
        s.index_select(0, ds.tensor([1]))


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_gather_matches_take_along_axis(dim):
    rng = np.random.default_rng(1)
    base = rng.standard_normal((3, 4, 5))
    shape = list(base.shape)
    shape[dim] = 6
    idx = rng.integers(0, base.shape[dim], size=shape)
    got = ds.gather(ds.tensor(base), dim, ds.tensor(idx))
    np.testing.assert_array_equal(got.numpy(), np.take_along_axis(base, idx, axis=dim))
    # A smaller index than the input in the other dims is allowed (PyTorch).
    small = idx[:2, :3, :4] if dim != 0 else idx[:, :3, :4]
    ref = torch.gather(torch.from_numpy(base), dim, torch.from_numpy(small))
    np.testing.assert_array_equal(ds.tensor(base).gather(dim, ds.tensor(small)).numpy(),
                                  ref.numpy())


def test_gather_noncontiguous_input_and_index():
    rng = np.random.default_rng(2)
    base = rng.standard_normal((5, 6))
    x = ds.tensor(base).t()
    idx_np = rng.integers(0, 5, size=(4, 6))
    idx = ds.tensor(idx_np).t()
    ref = torch.from_numpy(base).t().gather(1, torch.from_numpy(idx_np).t())
    np.testing.assert_array_equal(x.gather(1, idx).numpy(), ref.numpy())


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_scatter_and_scatter_add(dim):
    rng = np.random.default_rng(3)
    base = rng.standard_normal((4, 5))
    shape = [3, 4]
    idx = rng.integers(0, base.shape[dim], size=shape)
    src = rng.standard_normal((4, 5))  # larger than index: only its leading window is used
    t_base, t_idx, t_src = torch.from_numpy(base), torch.from_numpy(idx), torch.from_numpy(src)
    got_add = ds.scatter_add(ds.tensor(base), dim, ds.tensor(idx), ds.tensor(src))
    np.testing.assert_allclose(got_add.numpy(),
                               torch.scatter_add(t_base, dim, t_idx, t_src).numpy(),
                               rtol=1e-12, atol=1e-12)
    # Plain scatter with unique targets per line (duplicates are unordered in PyTorch).
    d = dim % 2
    perm = np.stack([rng.permutation(base.shape[d])[:shape[d]] for _ in range(shape[1 - d])],
                    axis=1 - d)
    got = ds.tensor(base).scatter(dim, ds.tensor(perm), ds.tensor(src))
    t_perm = torch.from_numpy(perm)
    np.testing.assert_array_equal(got.numpy(), t_base.scatter(dim, t_perm, t_src).numpy())
    got_v = ds.tensor(base).scatter(dim, ds.tensor(perm), 9.0)
    np.testing.assert_array_equal(got_v.numpy(), t_base.scatter(dim, t_perm, 9.0).numpy())


def test_scatter_add_int_and_inplace():
    x = ds.zeros(5, dtype=ds.int64)
    idx = ds.tensor([0, 1, 0, 4, 4, 4])
    x.scatter_add_(0, idx, ds.ones(6, dtype=ds.int64))
    np.testing.assert_array_equal(x.numpy(), [2, 1, 0, 0, 3])
    y = ds.zeros(2, 3)
    y.scatter_(1, ds.tensor([[2], [0]]), ds.tensor([[1.0], [2.0]]))
    np.testing.assert_array_equal(y.numpy(), [[0, 0, 1], [2, 0, 0]])


def test_index_add():
    base = np.zeros((4, 3))
    idx = np.array([0, 3, 0])
    src = np.arange(9.0).reshape(3, 3)
    got = ds.index_add(ds.tensor(base), 0, ds.tensor(idx), ds.tensor(src), alpha=2)
    expect = base.copy()
    np.add.at(expect, idx, 2 * src)
    np.testing.assert_array_equal(got.numpy(), expect)


@pytest.mark.parametrize("mask_shape", [(3, 4), (4,), (3, 1), (1, 4)])
def test_masked_fill_broadcasting_mask(mask_shape):
    rng = np.random.default_rng(4)
    base = rng.standard_normal((3, 4))
    mask = rng.random(mask_shape) > 0.5
    expect = np.where(mask, -1.5, base)
    np.testing.assert_array_equal(ds.tensor(base).masked_fill(ds.tensor(mask), -1.5).numpy(),
                                  expect)
    np.testing.assert_array_equal(
        ds.tensor(base).masked_fill(ds.tensor(mask), ds.tensor(-1.5)).numpy(), expect)
    y = ds.tensor(base)
    y.masked_fill_(ds.tensor(mask), -1.5)
    np.testing.assert_array_equal(y.numpy(), expect)
    # -inf fill (attention masks), float32
    z = ds.tensor(base.astype(np.float32)).masked_fill(ds.tensor(mask), float("-inf"))
    np.testing.assert_array_equal(z.numpy(), np.where(mask, -np.inf, base.astype(np.float32)))


def test_masked_fill_on_noncontiguous_inplace():
    base = np.arange(12.0).reshape(3, 4)
    x = ds.tensor(base)
    xt = x.t()
    mask = (np.arange(12).reshape(4, 3) % 2) == 0
    xt.masked_fill_(ds.tensor(mask), 0.0)
    expect = base.T.copy()
    expect[mask] = 0.0
    np.testing.assert_array_equal(x.numpy(), expect.T)


def test_masked_select_and_nonzero():
    base = np.arange(12.0).reshape(3, 4)
    mask = base % 5 == 1
    np.testing.assert_array_equal(ds.tensor(base).masked_select(ds.tensor(mask)).numpy(),
                                  base[mask])
    np.testing.assert_array_equal(ds.nonzero(ds.tensor(mask)).numpy(), np.argwhere(mask))
    rows, cols = ds.tensor(mask).nonzero(as_tuple=True)
    np.testing.assert_array_equal(rows.numpy(), np.nonzero(mask)[0])
    np.testing.assert_array_equal(cols.numpy(), np.nonzero(mask)[1])


# ---- errors ----------------------------------------------------------------------------------

def test_index_errors_have_pytorch_types_and_phrases():
    x = ds.zeros(3, 4)
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        x[5]
    with pytest.raises(IndexError, match="index -5 is out of bounds for dimension 1 with size 4"):
        x[:, -5]
    with pytest.raises(IndexError, match="index 7 is out of bounds"):
        x[ds.tensor([0, 7])]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
        x[[0], [0], [0]]
    with pytest.raises(IndexError, match=r"The shape of the mask \[3, 3\] at index 1 does not"):
        x[ds.ones(3, 3, dtype=ds.bool)]
    with pytest.raises(IndexError, match="tensors used as indices must be long"):
        x[ds.tensor([1.0])]
    with pytest.raises(IndexError, match="out of range|out of bounds"):
        x.index_select(0, ds.tensor([3]))
    with pytest.raises(RuntimeError, match="index 7 is out of bounds for dimension 1 with size 4"):
        x.gather(1, ds.tensor([[0, 7]]))
    with pytest.raises(RuntimeError, match="index 5 is out of bounds"):
        x.scatter(1, ds.tensor([[5]]), ds.ones(1, 1))
    with pytest.raises(RuntimeError, match="Index tensor must have the same number of dimensions"):
        x.gather(1, ds.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="Expected dtype int32 or int64 for index"):
        x.index_select(0, ds.tensor([1.0]))
    with pytest.raises(ValueError, match="step"):
        x[::0]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]
    with pytest.raises(RuntimeError, match="boolean"):
        x.masked_fill(ds.ones(3, 4), 1.0)
    # Errors leave the tensor usable and unchanged.
    assert float(x.sum()) == 0.0
