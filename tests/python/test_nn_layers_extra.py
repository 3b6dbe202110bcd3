"""Padding layers, InstanceNorm, LocalResponseNorm, pixel and channel shuffles, Bilinear,
Fold/Unfold, Softmax2d and alpha dropout against PyTorch 1.13 in float64: repr, values,
gradients (and running statistics, folding's overlaps, dropout's moments)."""
import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn as nn
import deepseek.nn.functional as F
from deepseek.autograd import gradcheck

RNG = np.random.default_rng(4)

CASES = [
    ("ZeroPad2d((1, 2, 3, 0))", (2, 3, 4, 5)), ("ConstantPad1d(2, 3.5)", (2, 3, 4)),
    ("ConstantPad2d((1, 1, 2, 0), 0.5)", (1, 2, 3, 3)), ("ReflectionPad1d(2)", (2, 3, 5)),
    ("ReflectionPad2d(1)", (1, 2, 4, 4)), ("ReplicationPad1d((1, 2))", (2, 3, 4)),
    ("ReplicationPad2d(2)", (1, 2, 3, 3)), ("InstanceNorm1d(3)", (4, 3, 6)),
    ("InstanceNorm2d(3, affine=True)", (2, 3, 4, 5)), ("LocalResponseNorm(3)", (2, 5, 4)),
    ("LocalResponseNorm(4, alpha=0.5, beta=0.5, k=2.0)", (2, 6, 3, 3)),
    ("PixelShuffle(2)", (2, 8, 3, 2)), ("PixelUnshuffle(2)", (1, 2, 4, 6)),
    ("ChannelShuffle(3)", (2, 6, 2, 2)), ("Softmax2d()", (2, 3, 4, 4)),
    ("Unfold(3, padding=1, stride=2)", (2, 3, 5, 6)), ("Unfold((2, 3), dilation=2)", (1, 2, 6, 7)),
    ("Fold((4, 5), 2)", (2, 12, 12)), ("Fold((7, 6), (3, 2), padding=1, stride=(2, 1))",
                                        (1, 6, 28)),
]


@pytest.mark.parametrize("ctor,shape", CASES, ids=[c for c, _ in CASES])
def test_layer_matches_torch(ctor, shape):
    ours, theirs = eval("nn." + ctor).double(), eval("torch.nn." + ctor).double()
    assert repr(ours) == repr(theirs)
    x = RNG.standard_normal(shape)
    xd, xt = ds.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yd, yt = ours(xd), theirs(xt)
    np.testing.assert_allclose(yd.detach().numpy(), yt.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    if ctor.startswith("ChannelShuffle"):  # (torch 1.13 has no derivative for it)
        assert gradcheck(lambda v: ours(v), [xd])
        return
    (yd * yd).sum().backward()
    (yt * yt).sum().backward()
    np.testing.assert_allclose(xd.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_instance_norm_running_statistics_match_torch():
    ours = nn.InstanceNorm2d(3, affine=True, track_running_stats=True).double()
    theirs = torch.nn.InstanceNorm2d(3, affine=True, track_running_stats=True).double()
    for _ in range(3):
        x = RNG.standard_normal((4, 3, 5, 5)) * 2 + 1
        ours(ds.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(),
                               rtol=1e-10)
    np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(),
                               rtol=1e-10)
    assert ours.num_batches_tracked.item() == 3
    ours.eval(), theirs.eval()
    x = RNG.standard_normal((2, 3, 4, 4))
    np.testing.assert_allclose(ours(ds.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10)


def test_bilinear_matches_torch():
    ours = nn.Bilinear(3, 4, 5).double()
    theirs = torch.nn.Bilinear(3, 4, 5).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.weight.detach().numpy()))
        theirs.bias.copy_(torch.tensor(ours.bias.detach().numpy()))
    a, b = RNG.standard_normal((2, 6, 3)), RNG.standard_normal((2, 6, 4))
    np.testing.assert_allclose(ours(ds.tensor(a), ds.tensor(b)).detach().numpy(),
                               theirs(torch.tensor(a), torch.tensor(b)).detach().numpy(),
                               rtol=1e-10)
    assert gradcheck(lambda x, y, w: F.bilinear(x, y, w),
                     [ds.tensor(a[0], requires_grad=True), ds.tensor(b[0], requires_grad=True),
                      ds.tensor(RNG.standard_normal((2, 3, 4)), requires_grad=True)])


def test_fold_of_unfold_counts_overlaps():
    # fold(unfold(x)) multiplies each element by the number of blocks covering it.
    x = ds.tensor(RNG.standard_normal((1, 2, 5, 6)))
    cols = F.unfold(x, 3, padding=1)
    counts = F.fold(F.unfold(ds.ones(1, 2, 5, 6, dtype=ds.float64), 3, padding=1), (5, 6), 3,
                    padding=1)
    np.testing.assert_allclose(F.fold(cols, (5, 6), 3, padding=1).numpy(),
                               (x * counts).numpy(), rtol=1e-12)
    assert gradcheck(lambda v: F.fold(v, (4, 5), 2, stride=(2, 1)),
                     [ds.tensor(RNG.standard_normal((1, 8, 8)), requires_grad=True)])


def test_alpha_dropout_keeps_mean_and_variance():
    ds.manual_seed(0)
    x = ds.randn(200000, dtype=ds.float64)
    y = F.alpha_dropout(x, 0.3, training=True)
    assert abs(float(y.mean())) < 0.01 and abs(float(y.std()) - 1.0) < 0.01
    assert F.alpha_dropout(x, 0.3, training=False) is x
    z = F.feature_alpha_dropout(ds.randn(4, 6, 3, 3), 0.5, training=True)
    per_channel = z.reshape(4, 6, 9)
    assert bool(((per_channel.max(2).values - per_channel.min(2).values) >= 0).all())


def test_errors():
    with pytest.raises(RuntimeError, match="divisible by the square of upscale_factor"):
        F.pixel_shuffle(ds.ones(1, 3, 2, 2), 2)
    with pytest.raises(RuntimeError, match="number of sliding blocks"):
        F.fold(ds.ones(1, 4, 5), (4, 4), 2)
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.InstanceNorm1d(3)(ds.ones(3))
