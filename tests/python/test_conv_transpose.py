"""Transposed convolutions (F.conv_transpose1d/2d, nn.ConvTranspose1d/2d) against PyTorch
1.13: values and gradients for strides, padding, output_padding, dilation and groups, in
float64 and float32; output_size; PyTorch's errors."""
import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn as nn
import deepseek.nn.functional as F

RNG = np.random.default_rng(11)

CASES_2D = [
    ((2, 4, 5, 5), (4, 3, 3, 3), dict()),
    ((2, 4, 5, 6), (4, 3, 3, 2), dict(stride=2)),
    ((1, 4, 5, 5), (4, 3, 3, 3), dict(stride=2, padding=1, output_padding=1)),
    ((2, 4, 4, 3), (4, 2, 3, 3), dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2),
                                      groups=2)),
    ((1, 2, 4, 4), (2, 3, 2, 3), dict(dilation=2, stride=2, output_padding=1)),
    ((4, 5, 5), (4, 3, 3, 3), dict(stride=2)),  # unbatched
]
CASES_1D = [
    ((2, 4, 7), (4, 3, 3), dict()),
    ((2, 4, 7), (4, 2, 5), dict(stride=3, padding=2, output_padding=2, groups=2)),
    ((4, 6), (4, 3, 2), dict(dilation=3)),
]


def _run(lib, fn, x, w, b, kwargs, dtype):
    xt = lib.tensor(x).to(getattr(lib, dtype)).requires_grad_()
    wt = lib.tensor(w).to(getattr(lib, dtype)).requires_grad_()
    bt = lib.tensor(b).to(getattr(lib, dtype)).requires_grad_()
    out = getattr(lib.nn.functional, fn)(xt, wt, bt, **kwargs)
    (out * out).sum().backward()
    return [t.detach().numpy() for t in (out, xt.grad, wt.grad, bt.grad)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("fn,case", [("conv_transpose2d", c) for c in CASES_2D]
                         + [("conv_transpose1d", c) for c in CASES_1D])
def test_matches_torch(fn, case, dtype):
    x_shape, w_shape, kwargs = case
    x, w = RNG.standard_normal(x_shape), RNG.standard_normal(w_shape)
    b = RNG.standard_normal(w_shape[1] * kwargs.get("groups", 1))
    ours, theirs = _run(ds, fn, x, w, b, kwargs, dtype), _run(torch, fn, x, w, b, kwargs, dtype)
    tol = 1e-10 if dtype == "float64" else 2e-4
    for name, o, t in zip(("output", "input grad", "weight grad", "bias grad"), ours, theirs):
        assert o.shape == t.shape, name
        np.testing.assert_allclose(o, t, rtol=tol, atol=tol, err_msg=name)


def test_twice_differentiable():
    x = ds.tensor(RNG.standard_normal((1, 2, 3, 3)), requires_grad=True)
    w = ds.tensor(RNG.standard_normal((2, 2, 2, 2)), requires_grad=True)
    f = lambda a, b: F.conv_transpose2d(a, b, stride=2, padding=1, output_padding=1)  # noqa
    assert ds.autograd.gradcheck(f, [x, w])
    assert ds.autograd.gradgradcheck(f, [x, w])


def test_modules_match_torch_and_take_output_size():
    for ctor in ["ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, "
                 "bias=False, dilation=2)", "ConvTranspose1d(4, 6, 3)", "ConvTranspose2d(3, 5, "
                 "(3, 2), stride=(2, 1))"]:
        ours, theirs = eval("nn." + ctor), eval("torch.nn." + ctor)
        assert repr(ours) == repr(theirs)
        assert tuple(ours.weight.shape) == tuple(theirs.weight.shape)
    up = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    ref = torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(up.weight.detach().numpy()))
        ref.bias.copy_(torch.tensor(up.bias.detach().numpy()))
    x = RNG.standard_normal((1, 2, 4, 4))
    for size in (None, [8, 8], [1, 3, 7, 8]):
        ours = up(ds.tensor(x), output_size=size)
        theirs = ref(torch.tensor(x), output_size=size)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="requested an output size of"):
        up(ds.tensor(x), output_size=[10, 10])


def test_errors():
    x, w = ds.randn(1, 4, 3, 3), ds.randn(4, 2, 3, 3)
    with pytest.raises(RuntimeError, match="expected input.* to have 4 channels, but got 3"):
        F.conv_transpose2d(ds.randn(1, 3, 3, 3), w)
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride"):
        F.conv_transpose2d(x, w, stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match="expected bias to be 1-dimensional with 2 elements"):
        F.conv_transpose2d(x, w, ds.randn(3))
    with pytest.raises(ValueError, match='Only "zeros" padding mode'):
        nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")
