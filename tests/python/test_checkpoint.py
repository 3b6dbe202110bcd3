"""Activation checkpointing (deepseek.utils.checkpoint): the same loss and gradients as
without it, dropout included, and less memory held between forward and backward."""
import warnings

import numpy as np
import pytest

import deepseek as ds
import deepseek.nn as nn
from deepseek import _C
from deepseek.utils.checkpoint import checkpoint, checkpoint_sequential


def _net():
    ds.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 16),
                         nn.Tanh(), nn.Linear(16, 4)).double()


def _loss_and_grads(net, x, run):
    net.zero_grad()
    x.grad = None
    ds.manual_seed(1)
    loss = run(net, x).pow(2).sum()
    loss.backward()
    return loss.item(), x.grad.numpy().copy(), [p.grad.numpy().copy() for p in net.parameters()]


@pytest.mark.parametrize("run", [
    lambda net, x: checkpoint(net, x, use_reentrant=False),
    lambda net, x: checkpoint(net, x, use_reentrant=True),
    lambda net, x: checkpoint_sequential(net, 3, x, use_reentrant=False),
    lambda net, x: net[5](checkpoint(lambda h: net[3:5](h), net[:3](x), use_reentrant=False)),
], ids=["whole", "reentrant", "sequential", "middle"])
def test_same_loss_and_gradients_as_without(run):
    net = _net()
    x = ds.randn(5, 8, dtype=ds.float64, requires_grad=True)
    want = _loss_and_grads(net, x, lambda n, v: n(v))
    got = _loss_and_grads(net, x, run)
    assert got[0] == want[0]  # dropout drew the same elements in the rerun
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12)
    for a, b in zip(got[2], want[2]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_arguments_that_are_not_tensors_and_several_outputs():
    w = ds.randn(3, 3, dtype=ds.float64, requires_grad=True)

    def block(x, scale, *, shift):
        return x @ w * scale + shift, x.sum()

    x = ds.randn(2, 3, dtype=ds.float64, requires_grad=True)
    out, total = checkpoint(block, x, 2.0, shift=1.0, use_reentrant=False)
    (out.sum() + total).backward()
    np.testing.assert_allclose(w.grad.numpy(), 2.0 * x.detach().numpy().T @ np.ones((2, 3)))
    np.testing.assert_allclose(x.grad.numpy(), 2.0 * np.ones((2, 3)) @ w.detach().numpy().T + 1)


def test_checkpointing_holds_fewer_activations():
    ds.manual_seed(0)
    layers = nn.Sequential(*[nn.Sequential(nn.Linear(256, 256), nn.Tanh()) for _ in range(8)])
    x = ds.randn(512, 256, requires_grad=True)

    def held_after_forward(run):
        before = _C._cpu_memory_stats()["allocated_bytes"]
        loss = run(x).sum()
        held = _C._cpu_memory_stats()["allocated_bytes"] - before
        loss.backward()
        return held

    plain = held_after_forward(layers)
    checkpointed = held_after_forward(lambda v: checkpoint(layers, v, use_reentrant=False))
    activation = 512 * 256 * 4
    assert plain >= 8 * activation  # each Tanh output (the next Linear saves it too)
    assert checkpointed <= 1.5 * activation  # the output alone


def test_warns_without_use_reentrant_and_refuses_pointless_checkpoints():
    with pytest.warns(UserWarning, match="use_reentrant"):
        checkpoint(lambda v: v * 2, ds.ones(2, requires_grad=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = checkpoint(lambda v: v * 2, ds.ones(2), use_reentrant=False)
    assert not out.requires_grad
