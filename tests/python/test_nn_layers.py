"""The Python layers (Linear, activations, losses, Flatten/Unflatten), the functional
subset they use, and nn.utils (gradient clipping, parameter vectors), against torch 1.13."""
import math
import warnings

import numpy as np
import pytest
import torch

import deepseek as ds
from deepseek import nn
from deepseek.nn import functional as F


def _pair(shape, seed=0, dtype=np.float64):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return ds.tensor(a), torch.tensor(a)


def _close(got, expect, rtol=1e-7, atol=1e-9):
    np.testing.assert_allclose(got.detach().numpy(), expect.detach().numpy(), rtol=rtol, atol=atol)


# ---- Linear ----------------------------------------------------------------------------------

def test_linear_forward_backward_against_torch():
    d_lin = nn.Linear(4, 3).double()
    t_lin = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        t_lin.weight.copy_(torch.tensor(d_lin.weight.detach().numpy()))
        t_lin.bias.copy_(torch.tensor(d_lin.bias.detach().numpy()))
    dx, tx = _pair((5, 4))
    dx.requires_grad_(True)
    tx.requires_grad_(True)
    d_out, t_out = d_lin(dx), t_lin(tx)
    _close(d_out, t_out)
    d_out.square().sum().backward()
    t_out.square().sum().backward()
    _close(d_lin.weight.grad, t_lin.weight.grad)
    _close(d_lin.bias.grad, t_lin.bias.grad)
    _close(dx.grad, tx.grad)


def test_linear_default_init_bounds_and_spread():
    ds.manual_seed(0)
    fan_in = 400
    lin = nn.Linear(fan_in, 300)
    bound = 1 / math.sqrt(fan_in)
    w = lin.weight.detach().numpy()
    b = lin.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-bound, bound): std = bound / sqrt(3); 120000 draws pin it within 1%.
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert abs(w.mean()) < 0.01 * bound
    assert w.dtype == np.float32


def test_linear_options():
    lin = nn.Linear(3, 2, bias=False, dtype=ds.float64)
    assert lin.bias is None and lin.weight.dtype == ds.float64
    assert list(lin.state_dict().keys()) == ["weight"]
    x = ds.randn(2, 3, dtype=ds.float64)
    np.testing.assert_allclose(lin(x).detach().numpy(),
                               x.numpy() @ lin.weight.detach().numpy().T, rtol=1e-12)
    lin.reset_parameters()
    assert lin.weight.shape == ds.Size([2, 3])


# ---- activations -----------------------------------------------------------------------------

@pytest.mark.parametrize("name,kwargs", [
    ("ReLU", {}), ("GELU", {}), ("GELU", {"approximate": "tanh"}), ("SiLU", {}), ("Tanh", {}),
    ("Sigmoid", {}), ("Softmax", {"dim": 1}), ("Softmax", {"dim": -1}),
    ("LogSoftmax", {"dim": 0}), ("Identity", {}),
])
def test_activations_against_torch(name, kwargs):
    dx, tx = _pair((4, 5), seed=3)
    dx.requires_grad_(True)
    tx.requires_grad_(True)
    d_out = getattr(nn, name)(**kwargs)(dx)
    t_out = getattr(torch.nn, name)(**kwargs)(tx)
    _close(d_out, t_out)
    weights = np.random.default_rng(1).standard_normal((4, 5))
    (d_out * ds.tensor(weights)).sum().backward()
    (t_out * torch.tensor(weights)).sum().backward()
    _close(dx.grad, tx.grad, rtol=1e-6, atol=1e-8)


def test_inplace_relu_and_silu():
    for name in ("ReLU", "SiLU"):
        dx, tx = _pair((3, 3), seed=5)
        out = getattr(nn, name)(inplace=True)(dx)
        assert out is dx
        _close(dx, getattr(torch.nn, name)()(tx))


def test_softmax_implicit_dim_warns_and_matches_torch():
    for shape in ((5,), (2, 3), (2, 3, 4), (2, 3, 4, 5)):
        dx, tx = _pair(shape, seed=len(shape))
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            d_out = F.softmax(dx)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_out = torch.nn.functional.softmax(tx)
        _close(d_out, t_out)


# ---- losses ----------------------------------------------------------------------------------

@pytest.mark.parametrize("loss", ["MSELoss", "L1Loss"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_losses_against_torch(loss, reduction):
    dx, tx = _pair((3, 4), seed=7)
    dy, ty = _pair((3, 4), seed=8)
    dx.requires_grad_(True)
    tx.requires_grad_(True)
    d_out = getattr(nn, loss)(reduction=reduction)(dx, dy)
    t_out = getattr(torch.nn, loss)(reduction=reduction)(tx, ty)
    _close(d_out, t_out)
    d_out.sum().backward()
    t_out.sum().backward()
    _close(dx.grad, tx.grad)


def test_loss_argument_errors():
    x = ds.zeros(2)
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        F.mse_loss(x, x, reduction="avg")
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        nn.L1Loss(reduction="max")(x, x)
    with pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(ds.zeros(2, 3), ds.zeros(3))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        loss = nn.MSELoss(size_average=False)
    assert loss.reduction == "sum"


# ---- Flatten / Unflatten ---------------------------------------------------------------------

@pytest.mark.parametrize("args", [(), (0,), (1, 2), (0, -1), (-2, -1)])
def test_flatten_shapes_against_torch(args):
    dx, tx = _pair((2, 3, 4, 5))
    assert tuple(nn.Flatten(*args)(dx).shape) == tuple(torch.nn.Flatten(*args)(tx).shape)


def test_unflatten_and_its_argument_checks():
    dx, tx = _pair((2, 12))
    for size in ((3, 4), [2, -1], (12,)):
        assert tuple(nn.Unflatten(1, size)(dx).shape) == \
            tuple(torch.nn.Unflatten(1, size)(tx).shape)
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints"):
        nn.Unflatten(1, 12)
    with pytest.raises(TypeError, match="found element of type float at pos 1"):
        nn.Unflatten(1, (3, 4.0))


# ---- functional helpers ----------------------------------------------------------------------

def test_one_hot_against_torch():
    labels = [0, 3, 1, 3]
    got = F.one_hot(ds.tensor(labels))
    expect = torch.nn.functional.one_hot(torch.tensor(labels))
    assert got.dtype == ds.int64
    np.testing.assert_array_equal(got.numpy(), expect.numpy())
    got = F.one_hot(ds.tensor([[1, 0], [2, 2]]), num_classes=5)
    expect = torch.nn.functional.one_hot(torch.tensor([[1, 0], [2, 2]]), num_classes=5)
    np.testing.assert_array_equal(got.numpy(), expect.numpy())
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(ds.tensor([4]), num_classes=3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(ds.tensor([-1]))
    with pytest.raises(RuntimeError, match="index tensor"):
        F.one_hot(ds.tensor([1.0]))


@pytest.mark.parametrize("pad,value", [
    ((1, 2), None), ((0, 0, 2, 1), 3.5), ((1, 1, 1, 1, 1, 1), -1.0), ((-1, 2), 0.0),
    ((2, -3, 0, 1), 1.0),
])
def test_constant_pad_against_torch(pad, value):
    dx, tx = _pair((2, 3, 4), seed=11)
    dx.requires_grad_(True)
    tx.requires_grad_(True)
    kwargs = {} if value is None else {"value": value}
    d_out = F.pad(dx, pad, **kwargs)
    t_out = torch.nn.functional.pad(tx, pad, **kwargs)
    _close(d_out, t_out)
    d_out.sum().backward()
    t_out.sum().backward()
    _close(dx.grad, tx.grad)


def test_pad_errors():
    x = ds.zeros(2, 3)
    with pytest.raises(RuntimeError, match="divisible by 2"):
        F.pad(x, (1,))
    with pytest.raises(RuntimeError, match="less than or equal to two times"):
        F.pad(x, (1, 1, 1, 1, 1, 1))


# ---- nn.utils --------------------------------------------------------------------------------

def _models_with_grads(seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    d_params, t_params = [], []
    for shape in shapes:
        value, grad = rng.standard_normal(shape), rng.standard_normal(shape) * 3
        dp, tp = nn.Parameter(ds.tensor(value)), torch.nn.Parameter(torch.tensor(value))
        dp.grad, tp.grad = ds.tensor(grad), torch.tensor(grad)
        d_params.append(dp)
        t_params.append(tp)
    return d_params, t_params


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_against_torch(norm_type, max_norm):
    d_params, t_params = _models_with_grads()
    d_total = nn.utils.clip_grad_norm_(d_params, max_norm, norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(t_params, max_norm, norm_type)
    assert d_total.dim() == 0
    np.testing.assert_allclose(d_total.item(), t_total.item(), rtol=1e-7)
    for dp, tp in zip(d_params, t_params):
        _close(dp.grad, tp.grad)


def test_clip_grad_norm_edge_cases():
    p = nn.Parameter(ds.zeros(2))
    assert nn.utils.clip_grad_norm_([p], 1.0).item() == 0.0  # no grads at all
    p.grad = ds.tensor([3.0, 4.0])
    assert nn.utils.clip_grad_norm_(p, 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    p.grad = ds.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_against_torch():
    d_params, t_params = _models_with_grads(seed=4)
    assert nn.utils.clip_grad_value_(d_params, 1.5) is None
    torch.nn.utils.clip_grad_value_(t_params, 1.5)
    for dp, tp in zip(d_params, t_params):
        _close(dp.grad, tp.grad)


def test_parameters_vector_round_trip():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1)).double()
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == ds.Size([3 * 2 + 2 + 2 + 1])
    expect = np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
    np.testing.assert_array_equal(vec.detach().numpy(), expect)
    params = list(model.parameters())
    new = ds.arange(vec.numel(), dtype=ds.float64)
    nn.utils.vector_to_parameters(new, model.parameters())
    assert list(model.parameters())[0] is params[0]
    np.testing.assert_array_equal(params[0].detach().numpy(), [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(params[3].detach().numpy(), [10])
    # as in PyTorch, the parameters now share the vector's memory
    with ds.no_grad():
        new[0] = 42.0
    assert params[0][0, 0].item() == 42.0
    with pytest.raises(TypeError, match="expected deepseek.Tensor"):
        nn.utils.vector_to_parameters([1.0], model.parameters())
