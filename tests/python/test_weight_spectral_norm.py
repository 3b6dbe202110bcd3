"""nn.utils.weight_norm and spectral_norm against PyTorch 1.13 (their hook-based forms):
parameter names, values, gradients, power-iteration state, and removal."""
import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn as nn

RNG = np.random.default_rng(13)


def _copy_into_torch(ours, theirs):
    with torch.no_grad():
        for name, value in ours.state_dict().items():
            dict(theirs.state_dict())[name].copy_(torch.tensor(value.numpy()))


@pytest.mark.parametrize("ctor,dim,shape", [("Linear(3, 4)", 0, (5, 3)),
                                            ("Conv2d(2, 3, 3)", 0, (1, 2, 5, 5)),
                                            ("Linear(3, 4)", None, (5, 3)),
                                            ("Conv2d(2, 3, 3)", 1, (1, 2, 5, 5))])
def test_weight_norm_matches_torch(ctor, dim, shape):
    ours = nn.utils.weight_norm(eval("nn." + ctor).double(), dim=dim)
    theirs = torch.nn.utils.weight_norm(eval("torch.nn." + ctor).double(), dim=dim)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    _copy_into_torch(ours, theirs)
    x = RNG.standard_normal(shape)
    yd, yt = ours(ds.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(yd.detach().numpy(), yt.detach().numpy(), rtol=1e-10)
    (yd ** 2).sum().backward()
    (yt ** 2).sum().backward()
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, err_msg=name)
    before = ours(ds.tensor(x)).detach().numpy()
    nn.utils.remove_weight_norm(ours)
    assert "weight" in dict(ours.named_parameters()) and not ours._forward_pre_hooks
    np.testing.assert_allclose(ours(ds.tensor(x)).detach().numpy(), before, rtol=1e-12)


@pytest.mark.parametrize("ctor,shape", [("Linear(6, 4)", (5, 6)),
                                        ("Conv2d(2, 3, 3)", (1, 2, 5, 5))])
def test_spectral_norm_matches_torch(ctor, shape):
    ours = nn.utils.spectral_norm(eval("nn." + ctor).double(), n_power_iterations=2)
    theirs = torch.nn.utils.spectral_norm(eval("torch.nn." + ctor).double(),
                                          n_power_iterations=2)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(dict(ours.named_buffers())) == list(dict(theirs.named_buffers()))
    _copy_into_torch(ours, theirs)
    for _ in range(3):  # training: u and v advance every forward
        x = RNG.standard_normal(shape)
        yd, yt = ours(ds.tensor(x)), theirs(torch.tensor(x))
        np.testing.assert_allclose(yd.detach().numpy(), yt.detach().numpy(), rtol=1e-9)
        (yd ** 2).sum().backward()
        (yt ** 2).sum().backward()
    np.testing.assert_allclose(ours.weight_orig.grad.numpy(), theirs.weight_orig.grad.numpy(),
                               rtol=1e-8)
    np.testing.assert_allclose(ours.weight_u.numpy(), theirs.weight_u.numpy(), rtol=1e-9)
    ours.eval(), theirs.eval()
    x = RNG.standard_normal(shape)
    np.testing.assert_allclose(ours(ds.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-9)
    # After enough iterations the weight's largest singular value is 1.
    ours.train()
    for _ in range(50):
        ours(ds.tensor(x))
    matrix = ours.weight.detach().numpy().reshape(ours.weight.shape[0], -1)
    assert abs(np.linalg.svd(matrix, compute_uv=False)[0] - 1.0) < 1e-6
    nn.utils.remove_spectral_norm(ours)
    assert "weight" in dict(ours.named_parameters()) and "weight_u" not in dict(
        ours.named_buffers())


def test_errors():
    m = nn.utils.weight_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
        nn.utils.weight_norm(m)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
        nn.utils.remove_spectral_norm(nn.Linear(2, 2))
