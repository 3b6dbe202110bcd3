"""Activation layers beyond ReLU/GELU/SiLU (LeakyReLU, ELU, CELU, SELU, Softplus, Hardtanh,
ReLU6, Hardsigmoid, Hardswish, Mish, PReLU, the shrinks, Threshold, ...) against PyTorch
1.13 in float64: repr, values, gradients, and in-place use in the middle of a graph."""
import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn as nn

LAYERS = ["LeakyReLU()", "LeakyReLU(0.2, inplace=True)", "ELU()", "ELU(0.5, inplace=True)",
          "CELU(0.7)", "CELU(0.7, True)", "SELU()", "SELU(True)", "Softplus()", "Softplus(2, 5)",
          "Hardtanh()", "Hardtanh(-2, 2, True)", "ReLU6()", "ReLU6(True)", "Hardsigmoid()",
          "Hardsigmoid(True)", "Hardswish()", "Hardswish(True)", "Mish()", "Mish(True)",
          "PReLU()", "PReLU(4)", "PReLU(4, init=0.1)", "LogSigmoid()", "Softsign()",
          "Tanhshrink()", "Softshrink()", "Hardshrink(0.3)", "Threshold(0.1, 20)",
          "Threshold(0.1, 20, True)", "GLU()", "GLU(1)", "Softmin(1)"]


@pytest.mark.parametrize("ctor", LAYERS)
def test_layer_matches_torch(ctor):
    ours, theirs = eval("nn." + ctor).double(), eval("torch.nn." + ctor).double()
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal((3, 4, 6)) * 3
    xd = ds.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    # x * 1: a non-leaf, so the in-place variants overwrite a tensor inside the graph.
    yd, yt = ours(xd * 1), theirs(xt * 1)
    np.testing.assert_allclose(yd.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    (yd * yd).sum().backward()
    (yt * yt).sum().backward()
    # (torch rounds CELU's alpha to float32 in its backward: 1e-7.)
    np.testing.assert_allclose(xd.grad.numpy(), xt.grad.numpy(), rtol=1e-7, atol=1e-7)
    if ctor.startswith("PReLU"):
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(),
                                   rtol=1e-12)


def test_inplace_variants_write_into_their_input():
    x = ds.tensor([-2.0, 0.5, 4.0])
    out = nn.Hardswish(inplace=True)(x)
    assert out is x
    np.testing.assert_allclose(x.numpy(), [-1 / 3, 0.5 * 3.5 / 6, 4.0], rtol=1e-6)


def test_bad_arguments_raise_as_in_torch():
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        nn.Hardtanh(1.0, -1.0)
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel"):
        nn.PReLU(3)(ds.randn(2, 4))
    with pytest.raises(RuntimeError, match="lambda must be greater or equal to 0"):
        nn.Softshrink(-1.0)(ds.randn(3))
