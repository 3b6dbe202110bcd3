"""F.interpolate and the Upsample modules against PyTorch 1.13: every mode, sizes and scale
factors (up and down, fractional), align_corners, float32 and float64, and gradients."""
import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn as nn
import deepseek.nn.functional as F
from deepseek.autograd import gradcheck

RNG = np.random.default_rng(5)
X1 = RNG.standard_normal((2, 3, 7))
X2 = RNG.standard_normal((2, 3, 5, 6))
X3 = RNG.standard_normal((1, 2, 3, 4, 5))

CASES = [
    (X1, dict(scale_factor=2)), (X1, dict(size=4)), (X1, dict(size=11, mode="linear")),
    (X1, dict(scale_factor=0.5, mode="linear", align_corners=True)),
    (X1, dict(scale_factor=1.7, mode="nearest-exact")), (X1, dict(size=3, mode="area")),
    (X2, dict(scale_factor=2)), (X2, dict(size=(3, 4))), (X2, dict(scale_factor=(1.5, 0.7))),
    (X2, dict(size=(9, 13), mode="bilinear")), (X2, dict(size=(9, 13), mode="bilinear",
                                                      align_corners=True)),
    (X2, dict(scale_factor=0.6, mode="bilinear")), (X2, dict(scale_factor=3, mode="bilinear")),
    (X2, dict(scale_factor=2.5, mode="bilinear", recompute_scale_factor=True)),
    (X2, dict(size=(1, 1), mode="bilinear", align_corners=True)),
    (X2, dict(size=(7, 3), mode="nearest-exact")), (X2, dict(size=(2, 3), mode="area")),
    (X3, dict(scale_factor=2)), (X3, dict(size=(4, 3, 7), mode="trilinear")),
    (X3, dict(scale_factor=(2, 1.5, 0.5), mode="trilinear", align_corners=True)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("x,kwargs", CASES, ids=[str(k) for _, k in CASES])
def test_matches_torch(x, kwargs, dtype):
    ours = F.interpolate(ds.tensor(x).to(getattr(ds, dtype)), **kwargs)
    theirs = torch.nn.functional.interpolate(torch.tensor(x).to(getattr(torch, dtype)),
                                             **kwargs)
    assert tuple(ours.shape) == tuple(theirs.shape)
    tol = 1e-12 if dtype == "float64" else 1e-6
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("kwargs", [dict(scale_factor=2), dict(size=(4, 3), mode="bilinear"),
                                    dict(scale_factor=1.5, mode="bilinear", align_corners=True),
                                    dict(size=(2, 2), mode="area")])
def test_gradients(kwargs):
    x = ds.tensor(RNG.standard_normal((1, 2, 3, 4)), requires_grad=True)
    assert gradcheck(lambda v: F.interpolate(v, **kwargs), [x])


def test_upsample_modules_match_torch():
    x = RNG.standard_normal((1, 2, 3, 4))
    for ctor in ["Upsample(scale_factor=2)", "Upsample(size=(5, 7), mode='bilinear')",
                 "Upsample(scale_factor=(2, 3), mode='nearest')", "UpsamplingNearest2d(size=6)",
                 "UpsamplingBilinear2d(scale_factor=2)"]:
        ours, theirs = eval("nn." + ctor), eval("torch.nn." + ctor)
        assert repr(ours) == repr(theirs)
        np.testing.assert_allclose(ours(ds.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(),
                                   rtol=1e-12, atol=1e-12)


def test_errors():
    x = ds.ones(1, 1, 4, 4)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=2, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(NotImplementedError, match="bilinear mode needs 4D input"):
        F.interpolate(ds.ones(1, 1, 4), scale_factor=2, mode="bilinear")
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(NotImplementedError, match="bicubic"):
        F.interpolate(x, scale_factor=2, mode="bicubic")
