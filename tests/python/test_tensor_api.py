"""The Tensor object's Python API: geometry attributes, conversions to Python and numpy,
casts, and the dunder protocol (len, bool, int, float, index, iter, format), compared with
PyTorch 1.13."""
import numpy as np
import pytest
import torch

import deepseek as ds
from conftest import assert_close


def test_geometry_attributes():
    x = ds.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4) and isinstance(x.shape, ds.Size) and isinstance(x.shape, tuple)
    assert x.size() == (2, 3, 4) and x.size(1) == 3 and x.size(-1) == 4
    assert repr(x.shape) == "deepseek.Size([2, 3, 4])"
    assert x.shape[1:] == (3, 4) and isinstance(x.shape[1:], ds.Size)
    assert x.ndim == 3 and x.dim() == 3 and x.ndimension() == 3
    assert x.numel() == 24 and x.nelement() == 24 and ds.numel(x) == 24
    assert x.shape.numel() == 24
    assert x.dtype == ds.float32 and x.element_size() == 4
    assert x.device == ds.device("cpu") and x.device.type == "cpu" and str(x.device) == "cpu"
    assert x.device == "cpu"
    assert x.stride() == (12, 4, 1) and x.stride(0) == 12
    assert x.is_contiguous() and not x.transpose(0, 2).is_contiguous()
    assert x.is_floating_point() and not ds.zeros(2, dtype=ds.int64).is_floating_point()
    assert len(x) == 2
    s = ds.tensor(5.0)
    assert s.shape == () and s.ndim == 0 and s.numel() == 1 and s.size() == ()


def test_dtype_objects():
    assert ds.float is ds.float32 and ds.double is ds.float64 and ds.long is ds.int64
    assert ds.half is ds.float16 and ds.int is ds.int32 and ds.short is ds.int16
    assert repr(ds.float32) == "deepseek.float32"
    assert ds.float16.is_floating_point and not ds.int8.is_floating_point
    assert ds.int8.is_signed and not ds.uint8.is_signed and not ds.bool.is_signed
    assert ds.float64.itemsize == 8 and ds.bfloat16.itemsize == 2
    assert ds.promote_types(ds.uint8, ds.int8) == ds.int16
    assert ds.promote_types(ds.float16, ds.bfloat16) == ds.float32
    assert ds.get_default_dtype() == ds.float32
    assert ds.can_cast(ds.int32, ds.float16) and not ds.can_cast(ds.float32, ds.int64)


def test_item_and_python_number_conversions():
    assert ds.tensor([3]).item() == 3 and isinstance(ds.tensor([3]).item(), int)
    assert ds.tensor([[2.5]]).item() == 2.5 and isinstance(ds.tensor(2.5).item(), float)
    assert ds.tensor(True).item() is True
    assert ds.tensor(1.5, dtype=ds.bfloat16).item() == 1.5
    assert ds.tensor(7, dtype=ds.uint8).item() == 7
    x = ds.tensor([2.7])
    assert float(x) == pytest.approx(2.7) and int(x) == 2 and bool(x) is True
    assert not bool(ds.tensor([0]))
    assert [10, 20, 30][ds.tensor(1)] == 20  # __index__
    assert f"{ds.tensor(3.14159):.2f}" == "3.14"


def test_tolist_matches_torch():
    for data, dtype in [([[1, 2], [3, 4]], None), ([1.5, -2.25], None), ([True, False], None),
                        (3, None), ([[0.1, 0.2]], "float64"), ([1, 2], "int8"),
                        ([[1.5]], "bfloat16"), ([0.1], "float16")]:
        got = ds.tensor(data, dtype=getattr(ds, dtype) if dtype else None).tolist()
        expect = torch.tensor(data, dtype=getattr(torch, dtype) if dtype else None).tolist()
        assert got == expect
        assert type(got) is type(expect)
    assert ds.arange(6).reshape(2, 3).t().tolist() == [[0, 3], [1, 4], [2, 5]]
    assert ds.zeros(2, 0).tolist() == [[], []]


def test_numpy_shares_memory_and_keeps_strides():
    x = ds.arange(12, dtype=ds.float32).reshape(3, 4)
    a = x.numpy()
    assert a.dtype == np.float32 and a.shape == (3, 4)
    a[0, 0] = 42
    assert x[0, 0].item() == 42  # a view, not a copy
    t = x.t().numpy()
    assert t.shape == (4, 3) and t.tolist() == x.t().tolist()
    sliced = x[:, 1::2].numpy()
    assert sliced.tolist() == x[:, 1::2].tolist()
    x.add_(1)
    assert a[1, 1] == 6


def test_iteration_and_unbind():
    x = ds.tensor([[1, 2], [3, 4]])
    rows = list(x)
    assert len(rows) == 2 and rows[1].tolist() == [3, 4]
    assert [v.item() for v in ds.tensor([5, 6])] == [5, 6]


def test_to_device_and_dtype_keywords():
    x = ds.tensor([1.0, 2.0])
    assert x.to(device="cpu") is x
    assert x.to(ds.device("cpu"), dtype=ds.float64).dtype == ds.float64
    assert x.cpu() is x
    y = x.to(ds.float16)
    assert y.dtype == ds.float16 and y.tolist() == [1.0, 2.0]
    with pytest.raises(TypeError):
        x.to(3.5)


def test_to_positional_flags_are_non_blocking_then_copy_as_in_torch():
    x = ds.tensor([1.0, 2.0])
    assert x.to(ds.float32, True) is x  # non_blocking: no copy needed
    y = x.to(ds.float32, False, True)  # copy
    assert y is not x and y.tolist() == [1.0, 2.0]
    assert x.to(None) is x
    with pytest.raises(TypeError, match="too many bool"):
        x.to(ds.float32, True, True, True)


def test_module_to_shares_the_tensor_argument_rules():
    model = ds.nn.Linear(2, 2)
    assert model.to(None) is model
    assert model.to("cpu", ds.float64, True) is model  # positional non_blocking
    assert model.weight.dtype == ds.float64
    with pytest.raises(TypeError, match="does not accept copy"):
        model.to(ds.float32, copy=True)


def test_requires_grad_and_detach_attributes():
    x = ds.ones(2, requires_grad=True)
    assert x.requires_grad and x.is_leaf and x.grad is None
    y = x * 2
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    assert_close(d, [2.0, 2.0])
    z = ds.zeros(3)
    assert z.requires_grad_() is z and z.requires_grad


def test_clone_contiguous_and_copy_semantics():
    x = ds.arange(6.0).reshape(2, 3).t()
    c = x.contiguous()
    assert c.is_contiguous() and c.tolist() == x.tolist()
    k = x.clone()
    k.add_(1)
    assert x.tolist()[0] == [0.0, 3.0]
    assert ds.clone(x).tolist() == x.tolist()
    dst = ds.zeros(2, 3)
    dst.copy_(ds.tensor([1, 2, 3]))  # broadcast and cast
    assert dst.tolist() == [[1.0, 2.0, 3.0]] * 2


def test_new_factories_follow_self():
    x = ds.ones(2, dtype=ds.float64)
    assert x.new_zeros(3).dtype == ds.float64 and x.new_zeros(3).shape == (3,)
    assert x.new_ones((2, 2)).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert x.new_full((2,), 7).tolist() == [7.0, 7.0]
    assert x.new_tensor([1, 2]).dtype == ds.float64
    assert x.new_empty(4).shape == (4,)


def test_type_and_legacy_typed_constructors():
    x = ds.tensor([1.5, 2.5])
    assert x.type() == "torch.FloatTensor" == torch.tensor([1.5]).type()
    assert ds.tensor([1]).type() == "torch.LongTensor"
    assert x.type(ds.int64).tolist() == [1, 2]
    assert x.type("torch.DoubleTensor").dtype == ds.float64
    assert x.type(ds.IntTensor).dtype == ds.int32
    with pytest.raises(ValueError, match="invalid type"):
        x.type("torch.NopeTensor")
    z = ds.LongTensor(6).zero_().view(-1, 2)
    assert z.dtype == ds.int64 and z.shape == (3, 2) and z.sum().item() == 0
    assert ds.FloatTensor([1, 2]).tolist() == [1.0, 2.0]
    assert ds.FloatTensor(2, 3).shape == (2, 3)
    assert ds.DoubleTensor(ds.Size([4])).shape == (4,)
    assert ds.ByteTensor([1, 2]).dtype == ds.uint8
    assert ds.BoolTensor().shape == (0,)
    assert isinstance(ds.ones(2), ds.FloatTensor)
    assert not isinstance(ds.ones(2), ds.LongTensor)


def test_data_assignment_swaps_memory_keeping_identity():
    import deepseek as ds
    p = ds.zeros(2, 3, requires_grad=True)
    new = ds.arange(8, dtype=ds.float32)
    p.data = new
    assert p.shape == (8,) and p.requires_grad and p.is_leaf
    new[0] = 5.0  # p views new's memory, as in PyTorch
    assert p[0].item() == 5.0
