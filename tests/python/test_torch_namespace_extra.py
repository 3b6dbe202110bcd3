"""finfo/iinfo, torch.testing.assert_close, torch.version, torch.jit's eager stand-ins,
empty_strided and frombuffer, against PyTorch 1.13 where it has them."""
import array

import pytest
import torch

import deepseek as ds


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_finfo_matches_torch(name):
    ours, theirs = ds.finfo(getattr(ds, name)), torch.finfo(getattr(torch, name))
    assert repr(ours) == repr(theirs)
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert ds.finfo().eps == torch.finfo().eps


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_matches_torch(name):
    ours, theirs = ds.iinfo(getattr(ds, name)), torch.iinfo(getattr(torch, name))
    assert (ours.bits, ours.min, ours.max) == (theirs.bits, theirs.min, theirs.max)
    assert repr(ours) == repr(theirs)
    with pytest.raises(TypeError, match="requires an integer input type"):
        ds.iinfo(ds.float32)
    with pytest.raises(TypeError, match="requires a floating point input type"):
        ds.finfo(ds.int32)


def test_assert_close():
    ds.testing.assert_close(ds.ones(3), ds.ones(3) + 1e-6)
    ds.testing.assert_close({"a": [ds.ones(2)], "b": 1.0}, {"a": [ds.ones(2)], "b": 1.0})
    with pytest.raises(AssertionError, match="Mismatched elements: 1 / 3"):
        ds.testing.assert_close(ds.tensor([1.0, 2.0, 3.0]), ds.tensor([1.0, 2.5, 3.0]))
    with pytest.raises(AssertionError, match="'dtype' do not match"):
        ds.testing.assert_close(ds.ones(2), ds.ones(2, dtype=ds.float64))
    with pytest.raises(AssertionError, match="'shape' do not match"):
        ds.testing.assert_close(ds.ones(2), ds.ones(3))
    ds.testing.assert_close(ds.tensor([1.0, 2.0]), ds.tensor([1.0, 2.1]), rtol=0.1, atol=0.0)
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        ds.testing.assert_close(ds.ones(1), ds.ones(1), rtol=0.1)


def test_version_and_jit_stand_ins():
    assert ds.version.__version__ == ds.__version__
    assert ds.version.cuda is None or isinstance(ds.version.cuda, str)

    @ds.jit.script
    def double(x):
        return x * 2

    assert double(ds.ones(2)).tolist() == [2.0, 2.0]
    model = ds.nn.Linear(2, 2)
    assert ds.jit.trace(model, ds.ones(1, 2)) is model
    assert not ds.jit.is_scripting()
    with pytest.raises(NotImplementedError, match="no TorchScript"):
        ds.jit.save(model, "model.pt")


def test_empty_strided_and_frombuffer_match_torch():
    ours = ds.empty_strided((2, 3), (1, 2))
    theirs = torch.empty_strided((2, 3), (1, 2))
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.stride() == theirs.stride()
    raw = bytearray(array.array("f", [1, 2, 3, 4]).tobytes())
    view = ds.frombuffer(raw, dtype=ds.float32, count=3, offset=4)
    assert view.tolist() == torch.frombuffer(raw, dtype=torch.float32, count=3,
                                             offset=4).tolist()
    view[0] = 9.0  # shares the buffer's memory
    assert array.array("f", bytes(raw))[1] == 9.0
