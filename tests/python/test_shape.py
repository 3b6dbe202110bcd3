"""Shape ops against numpy: values, shapes, strides (compared with PyTorch's), and which
results are views sharing storage."""
import numpy as np
import pytest
import torch

import deepseek as ds


def _np(t):
    return t.numpy()


def _base(shape=(2, 3, 4), dtype=np.float64):
    return np.arange(np.prod(shape), dtype=dtype).reshape(shape) - 5


def _layouts(a):
    """Contiguous and non-contiguous deepseek tensors holding the values of `a` (3-D)."""
    yield "contiguous", ds.tensor(a)
    yield "permuted", ds.tensor(np.ascontiguousarray(a.transpose(2, 0, 1))).permute(1, 2, 0)
    big = np.zeros((a.shape[0], a.shape[1] * 2, a.shape[2] + 1), dtype=a.dtype)
    big[:, ::2, 1:] = a
    yield "stepped", ds.tensor(big)[:, ::2, 1:]


def _assert_same(got, expect):
    assert tuple(got.shape) == np.shape(expect), f"{tuple(got.shape)} != {np.shape(expect)}"
    np.testing.assert_array_equal(_np(got), expect)


def _strides_like_torch(got, ref):
    assert tuple(got.stride()) == tuple(ref.stride()), f"{got.stride()} != {ref.stride()}"


# ---- views ------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(6, 4), (24,), (-1,), (2, -1, 2), (4, 3, 2), (1, 24, 1),
                                   (2, 3, 4)])
def test_view_and_reshape(shape):
    a = _base()
    x = ds.tensor(a)
    v = x.view(*shape)
    _assert_same(v, a.reshape(shape))
    _strides_like_torch(v, torch.from_numpy(a).view(*shape))
    _assert_same(x.view(shape), a.reshape(shape))
    _assert_same(ds.reshape(x, shape), a.reshape(shape))
    for _, y in _layouts(a):
        _assert_same(y.reshape(shape), a.reshape(shape))
        _assert_same(y.reshape(list(shape)), a.reshape(shape))


def test_view_shares_storage_and_reshape_copies_only_when_needed():
    x = ds.zeros(2, 3, 4)
    v = x.view(6, 4)
    v[1, 2] = 5.0
    assert x[0, 1, 2].item() == 5.0
    r = x.reshape(4, 6)  # viewable: shares storage
    r[0, 0] = 1.0
    assert x[0, 0, 0].item() == 1.0
    t = x.transpose(0, 2)
    c = t.reshape(24)  # not viewable: a copy
    c[0] = 99.0
    assert x[0, 0, 0].item() == 1.0
    # A view over dims that stay contiguous after a transpose is still possible.
    w = x.permute(1, 0, 2).view(3, 2, 2, 2)
    assert tuple(w.shape) == (3, 2, 2, 2)
    ref = torch.zeros(2, 3, 4).permute(1, 0, 2).view(3, 2, 2, 2)
    _strides_like_torch(w, ref)


def test_view_of_size_one_dims_and_empty():
    a = _base((1, 4, 1))
    x = ds.tensor(a).transpose(0, 2)
    _assert_same(x.view(4), a.reshape(4))
    e = ds.zeros(0, 3)
    _assert_same(e.view(3, 0), np.zeros((3, 0)))
    _assert_same(e.view(-1, 3, 2), np.zeros((0, 3, 2)))
    s = ds.tensor(7.0)
    _assert_same(s.view(1, 1), np.array([[7.0]]))
    _assert_same(s.reshape(()), np.array(7.0))
    _assert_same(ds.tensor([7.0]).view(()), np.array(7.0))


@pytest.mark.parametrize("dims", [(0, 1, 2), (2, 0, 1), (1, 2, 0), (-1, 0, 1), (2, 1, 0)])
def test_permute(dims):
    a = _base()
    for _, x in _layouts(a):
        _assert_same(x.permute(*dims), a.transpose(dims))
        _assert_same(x.permute(dims), a.transpose(dims))
        _assert_same(ds.permute(x, list(dims)), a.transpose(dims))
    _strides_like_torch(ds.tensor(a).permute(*dims), torch.from_numpy(a).permute(*dims))


def test_transpose_t_T_mT_movedim():
    a = _base()
    x = ds.tensor(a)
    _assert_same(x.transpose(0, 2), a.swapaxes(0, 2))
    _assert_same(ds.transpose(x, -1, 1), a.swapaxes(-1, 1))
    _assert_same(x.swapaxes(0, 1), a.swapaxes(0, 1))
    _assert_same(x.T, a.T)
    _assert_same(x.mT, a.swapaxes(-1, -2))
    _assert_same(ds.tensor(a[0]).t(), a[0].T)
    _assert_same(ds.tensor(a[0, 0]).t(), a[0, 0])
    _assert_same(ds.t(ds.tensor(3.0)), np.array(3.0))
    for src, dst in [(0, 2), (2, 0), (-1, 1), (1, 1)]:
        _assert_same(x.movedim(src, dst), np.moveaxis(a, src, dst))
        _assert_same(ds.movedim(x, src, dst), np.moveaxis(a, src, dst))


def test_squeeze_unsqueeze():
    a = _base((1, 3, 1, 2))
    x = ds.tensor(a)
    _assert_same(x.squeeze(), a.squeeze())
    _assert_same(x.squeeze(0), a.squeeze(0))
    _assert_same(x.squeeze(-2), a.squeeze(-2))
    _assert_same(x.squeeze(1), a)  # not size 1: unchanged
    _assert_same(ds.squeeze(x, 2), a.squeeze(2))
    for d in (0, 2, 4, -1, -5):
        _assert_same(x.unsqueeze(d), np.expand_dims(a, d))
        _strides_like_torch(x.unsqueeze(d), torch.from_numpy(a).unsqueeze(d))
    s = ds.tensor(2.0)
    _assert_same(s.unsqueeze(0), np.array([2.0]))
    _assert_same(s.squeeze(), np.array(2.0))
    _assert_same(s.squeeze(0), np.array(2.0))
    t = ds.tensor(_base((2, 3))).t()
    _assert_same(t.unsqueeze(1), np.expand_dims(_base((2, 3)).T, 1))
    _strides_like_torch(t.unsqueeze(1), torch.from_numpy(_base((2, 3))).t().unsqueeze(1))


def test_expand_and_broadcast_to():
    a = _base((3, 1))
    x = ds.tensor(a)
    _assert_same(x.expand(3, 4), np.broadcast_to(a, (3, 4)))
    _assert_same(x.expand(2, -1, 4), np.broadcast_to(a, (2, 3, 4)))
    _assert_same(x.expand((2, 3, 4)), np.broadcast_to(a, (2, 3, 4)))
    _assert_same(ds.broadcast_to(x, (5, 3, 2)), np.broadcast_to(a, (5, 3, 2)))
    _assert_same(x.expand_as(ds.zeros(3, 6)), np.broadcast_to(a, (3, 6)))
    assert tuple(x.expand(2, 3, 4).stride()) == (0, 1, 0)
    _assert_same(x.expand(0, 3, 1), np.zeros((0, 3, 1)))
    _assert_same(ds.tensor(4.0).expand(2, 2), np.full((2, 2), 4.0))
    # Writing to an expanded view's source shows through every broadcast copy.
    e = x.expand(3, 4)
    x[1, 0] = 100.0
    assert e[1].numpy().tolist() == [100.0] * 4


def test_flatten_unflatten():
    a = _base((2, 3, 4, 5))
    x = ds.tensor(a)
    _assert_same(x.flatten(), a.reshape(-1))
    _assert_same(x.flatten(1), a.reshape(2, -1))
    _assert_same(x.flatten(1, 2), a.reshape(2, 12, 5))
    _assert_same(ds.flatten(x, -2, -1), a.reshape(2, 3, 20))
    _assert_same(x.flatten(2, 2), a)
    _assert_same(ds.tensor(3.0).flatten(), np.array([3.0]))
    _assert_same(x.unflatten(1, (3, 1)), a.reshape(2, 3, 1, 4, 5))
    _assert_same(x.unflatten(-1, (-1, 5)), a.reshape(2, 3, 4, 1, 5))
    _assert_same(ds.unflatten(x, 2, (2, 2)), a.reshape(2, 3, 2, 2, 5))
    for _, y in _layouts(_base()):
        _assert_same(y.flatten(), _base().reshape(-1))


def test_contiguous():
    a = _base()
    for name, x in _layouts(a):
        c = x.contiguous()
        assert c.is_contiguous()
        _assert_same(c, a)
        assert tuple(c.stride()) == (12, 4, 1)
        if name == "contiguous":
            c[0, 0, 0] = 42.0  # contiguous() of a contiguous tensor returns itself
            assert x[0, 0, 0].item() == 42.0
        else:
            assert not x.is_contiguous()


def test_narrow_select_slice_with_steps():
    a = _base((5, 6, 7))
    x = ds.tensor(a)
    _assert_same(x.narrow(0, 1, 3), a[1:4])
    _assert_same(x.narrow(-1, -3, 2), a[..., -3:-1])
    _assert_same(ds.narrow(x, 1, 0, 0), a[:, 0:0])
    _assert_same(x.select(1, 2), a[:, 2])
    _assert_same(x.select(-1, -1), a[..., -1])
    _assert_same(ds.select(x, 0, 4), a[4])
    for sl in [slice(None, None, 2), slice(1, None, 3), slice(-4, -1, 2), slice(10, 20),
               slice(-100, 3, 5), slice(4, 2)]:
        _assert_same(x[sl], a[sl])
        _assert_same(x[:, sl], a[:, sl])
        _assert_same(x[..., sl], a[..., sl])
        _strides_like_torch(x[:, sl], torch.from_numpy(a)[:, sl])
    # Steps compose with transposes and each other.
    _assert_same(x.transpose(0, 2)[::2, 1::2][:, ::2], a.transpose(2, 1, 0)[::2, 1::2][:, ::2])
    v = x[1::2, ::3]
    v.fill_(0.5)
    b = a.copy()
    b[1::2, ::3] = 0.5
    _assert_same(x, b)


def test_unbind_split_chunk():
    a = _base((5, 4))
    x = ds.tensor(a)
    for d in (0, 1, -1):
        parts = x.unbind(d)
        assert isinstance(parts, tuple) and len(parts) == a.shape[d]
        for i, p in enumerate(parts):
            _assert_same(p, np.take(a, i, axis=d))
        assert len(ds.unbind(x, d)) == a.shape[d]
    for size in (1, 2, 3, 5, 7):
        parts = x.split(size)
        expect = np.split(a, range(size, 5, size))
        assert len(parts) == len(expect)
        for p, e in zip(parts, expect):
            _assert_same(p, e)
    parts = ds.split(x, [1, 4, 0], dim=0)
    assert len(parts) == 3
    for p, e in zip(parts, [a[:1], a[1:5], a[5:5]]):
        _assert_same(p, e)
    parts = x.split([3, 1], 1)
    _assert_same(parts[0], a[:, :3])
    _assert_same(parts[1], a[:, 3:])
    for chunks in (1, 2, 3, 5, 6):
        got = x.chunk(chunks)
        ref = torch.from_numpy(a).chunk(chunks)
        assert len(got) == len(ref)
        for g, r in zip(got, ref):
            _assert_same(g, r.numpy())
    got = ds.chunk(x, 3, dim=1)
    ref = torch.from_numpy(a).chunk(3, dim=1)
    assert [tuple(g.shape) for g in got] == [tuple(r.shape) for r in ref]
    # Split pieces are views.
    x.split(2)[1][0, 0] = -1.0
    assert x[2, 0].item() == -1.0


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_cat_and_stack(dim):
    rng = np.random.default_rng(0)
    pieces = []
    for n in (1, 3, 0, 2):
        shape = [2, 3, 4]
        shape[dim] = n
        pieces.append(rng.standard_normal(shape))
    ts = [ds.tensor(p) for p in pieces]
    ts[1] = ds.tensor(np.ascontiguousarray(pieces[1].transpose(2, 1, 0))).permute(2, 1, 0)
    _assert_same(ds.cat(ts, dim), np.concatenate(pieces, axis=dim))
    _assert_same(ds.cat(ts, dim=dim), np.concatenate(pieces, axis=dim))
    _assert_same(ds.concat(ts, dim), np.concatenate(pieces, axis=dim))
    same = [rng.standard_normal((2, 3)) for _ in range(3)]
    for d in (0, 1, 2, -1, -3):
        _assert_same(ds.stack([ds.tensor(s) for s in same], d), np.stack(same, axis=d))
    _assert_same(ds.stack([ds.tensor(1.0), ds.tensor(2.0)]), np.array([1.0, 2.0]))


def test_cat_type_promotion_and_legacy_empty():
    a = ds.tensor([1, 2], dtype=ds.int64)
    b = ds.tensor([0.5])
    got = ds.cat([a, b])
    ref = torch.cat([torch.tensor([1, 2]), torch.tensor([0.5])])
    assert str(got.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
    _assert_same(got, ref.numpy())
    # A 1-D empty tensor is skipped whatever the other shapes are (legacy PyTorch rule).
    _assert_same(ds.cat([ds.zeros(0), ds.ones(2, 2)], 1), np.ones((2, 2)))


def test_repeat():
    a = _base((2, 3))
    x = ds.tensor(a)
    for reps in [(1, 1), (2, 1), (2, 3), (3, 1, 2), (0, 2), (2, 2, 2, 1)]:
        _assert_same(x.repeat(*reps), np.tile(a, reps))
        _assert_same(x.repeat(reps), np.tile(a, reps))
    _assert_same(ds.tensor(5.0).repeat(3), np.full(3, 5.0))
    _assert_same(x.t().repeat(2, 1), np.tile(a.T, (2, 1)))


@pytest.mark.parametrize("k", [-5, -1, 0, 1, 2, 10])
def test_tril_triu(k):
    a = _base((3, 4, 5))
    x = ds.tensor(a)
    _assert_same(x.tril(k), np.tril(a, k))
    _assert_same(ds.triu(x, k), np.triu(a, k))
    _assert_same(ds.tril(x, diagonal=k), np.tril(a, k))
    _assert_same(x.transpose(1, 2).triu(k), np.triu(a.swapaxes(1, 2), k))
    i = ds.tensor(np.arange(12).reshape(3, 4))
    _assert_same(i.tril(k), np.tril(np.arange(12).reshape(3, 4), k))
    assert i.tril(k).dtype == ds.int64
    b = ds.ones(4, 4, dtype=ds.bool)
    _assert_same(b.triu(k), np.triu(np.ones((4, 4), dtype=bool), k))


def test_flip():
    a = _base()
    for _, x in _layouts(a):
        for dims in [(0,), (1, 2), (-1,), (0, 1, 2), (2, 0)]:
            _assert_same(x.flip(*dims), np.flip(a, dims))
            _assert_same(ds.flip(x, dims), np.flip(a, dims))
    _assert_same(ds.flip(ds.tensor(1.0), []), np.array(1.0))
    _assert_same(ds.zeros(0, 2).flip(0), np.zeros((0, 2)))


def test_as_strided():
    a = np.arange(10.0)
    x = ds.tensor(a)
    got = x.as_strided((3, 3), (2, 1), 1)
    ref = torch.from_numpy(a).as_strided((3, 3), (2, 1), 1)
    _assert_same(got, ref.numpy())
    _assert_same(ds.as_strided(x, (4,), (3,)), a[::3][:4])


def test_dtypes_pass_through_shape_ops():
    for dt in (ds.float16, ds.bfloat16, ds.int8, ds.int32, ds.bool, ds.uint8):
        x = ds.ones(2, 3, dtype=dt)
        for y in (x.t().contiguous(), x.view(6), x.permute(1, 0), ds.cat([x, x]), x.flip(0),
                  x.repeat(2, 1), x[:, ::2], x.unsqueeze(0).expand(2, 2, 3).reshape(4, 3)):
            assert y.dtype == dt
            assert y.float().sum().item() == y.numel()


def test_roll():
    a = _base((3, 4, 2))
    for _, x in _layouts(a):
        for shifts, dims in [(1, 1), (-1, 0), (5, 2), ((1, -2), (0, 1)), ((2, 1, 7), (2, 0, 1)),
                             (0, 0), (9, -1)]:
            _assert_same(x.roll(shifts, dims), np.roll(a, shifts, dims))
            _assert_same(ds._C.roll(x, shifts, dims), np.roll(a, shifts, dims))
        _assert_same(x.roll(5), np.roll(a, 5))
        _assert_same(x.roll(-3, None), np.roll(a, -3))
    y = ds.tensor(a)
    r = y.roll(0, 0)
    r[0, 0, 0] = 100.0  # a roll is new memory even when nothing moves
    assert y[0, 0, 0].item() == a[0, 0, 0]
    _assert_same(ds.zeros(0, 3).roll(2, 0), np.zeros((0, 3)))
    with pytest.raises(RuntimeError, match="shifts and dimensions must align"):
        y.roll((1, 2), 0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        y.roll(1, 3)
