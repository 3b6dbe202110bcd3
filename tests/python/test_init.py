"""nn.init: exact gains and fans against torch 1.13, distributions by their moments.

Sample sizes are chosen so that the statistical bounds hold with a wide margin (> 6 standard
errors); draws are seeded, so each run checks the same numbers.
"""
import math

import numpy as np
import pytest
import torch

import deepseek as ds
from deepseek import nn
from deepseek.nn import init

N = 200_000  # draws per statistical check


@pytest.fixture(autouse=True)
def _seed():
    ds.manual_seed(1234)


def _values(t):
    return t.detach().numpy().astype(np.float64).ravel()


def _assert_moments(values, mean, std):
    # standard error of the mean is std/sqrt(n); of the std about std/sqrt(2n)
    n = values.size
    assert abs(values.mean() - mean) < 6 * std / math.sqrt(n), (values.mean(), mean)
    assert abs(values.std() - std) < 6 * std / math.sqrt(2 * n) + 1e-12, (values.std(), std)


# ---- gains and fans --------------------------------------------------------------------------

@pytest.mark.parametrize("nonlinearity,param", [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
    ("conv_transpose1d", None), ("conv_transpose2d", None), ("conv_transpose3d", None),
    ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
    ("leaky_relu", 0.2), ("leaky_relu", 0), ("leaky_relu", 3), ("selu", None),
])
def test_calculate_gain_matches_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == \
        torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity softsign"):
        init.calculate_gain("softsign")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(5, 3), (1, 1), (4, 3, 7), (16, 8, 3, 3), (2, 3, 2, 2, 2),
                                   (0, 3)])
def test_fans_match_torch(shape):
    got = init._calculate_fan_in_and_fan_out(ds.empty(*shape))
    assert got == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    for mode in ("fan_in", "fan_out", "FAN_IN"):
        assert init._calculate_correct_fan(ds.empty(*shape), mode) == \
            torch.nn.init._calculate_correct_fan(torch.empty(*shape), mode)


def test_fan_errors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ds.empty(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(ds.empty(3, 3), mode="fan_avg")


# ---- simple fills ----------------------------------------------------------------------------

def test_fills_are_in_place_and_return_the_tensor():
    t = ds.empty(3, 4)
    assert init.zeros_(t) is t and not _values(t).any()
    assert init.ones_(t) is t and (_values(t) == 1).all()
    assert init.constant_(t, 2.5) is t and (_values(t) == 2.5).all()
    assert init.eye_(t) is t
    np.testing.assert_array_equal(t.numpy(), np.eye(3, 4, dtype=np.float32))
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(ds.empty(2, 2, 2))


def test_initializers_do_not_record_autograd():
    p = nn.Parameter(ds.empty(50, 40))
    version = p._version
    for fn in (init.uniform_, init.normal_, init.xavier_uniform_, init.kaiming_normal_,
               init.trunc_normal_, init.orthogonal_, init.zeros_):
        assert fn(p) is p
        assert p.is_leaf and p.grad_fn is None and p.requires_grad
    assert p._version > version
    p.sum().backward()  # still a working leaf
    assert p.grad is not None


# ---- distributions ---------------------------------------------------------------------------

def test_uniform_and_normal_moments():
    t = init.uniform_(ds.empty(N), -2.0, 3.0)
    v = _values(t)
    assert v.min() >= -2.0 and v.max() <= 3.0
    _assert_moments(v, 0.5, 5 / math.sqrt(12))
    v = _values(init.normal_(ds.empty(N, dtype=ds.float64), 1.5, 0.25))
    _assert_moments(v, 1.5, 0.25)


@pytest.mark.parametrize("shape,gain", [((400, 500), 1.0), ((64, 32, 3, 3), math.sqrt(2))])
def test_xavier(shape, gain):
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    v = _values(init.xavier_uniform_(ds.empty(*shape), gain=gain))
    assert np.abs(v).max() <= math.sqrt(3.0) * std * (1 + 1e-6)
    _assert_moments(v, 0.0, std)
    _assert_moments(_values(init.xavier_normal_(ds.empty(*shape), gain=gain)), 0.0, std)


@pytest.mark.parametrize("a,mode,nonlinearity", [
    (0, "fan_in", "leaky_relu"), (math.sqrt(5), "fan_in", "leaky_relu"),
    (0, "fan_out", "relu"), (0.1, "fan_out", "leaky_relu"), (0, "fan_in", "tanh"),
    (0, "fan_in", "linear"),
])
def test_kaiming(a, mode, nonlinearity):
    shape = (300, 200, 2)
    ref = torch.empty(*shape)
    std = torch.nn.init.calculate_gain(nonlinearity, a) / math.sqrt(
        torch.nn.init._calculate_correct_fan(ref, mode))
    v = _values(init.kaiming_uniform_(ds.empty(*shape), a=a, mode=mode,
                                      nonlinearity=nonlinearity))
    assert np.abs(v).max() <= math.sqrt(3.0) * std * (1 + 1e-6)
    _assert_moments(v, 0.0, std)
    v = _values(init.kaiming_normal_(ds.empty(*shape), a=a, mode=mode,
                                     nonlinearity=nonlinearity))
    _assert_moments(v, 0.0, std)


def test_kaiming_on_empty_tensor_warns():
    t = ds.empty(0, 3)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert init.kaiming_uniform_(t) is t


def test_erfinv_helper_matches_torch():
    y = np.linspace(-0.999999, 0.999999, 20001)
    got = init._erfinv(ds.tensor(y)).numpy()
    # near |y| = 1 erfinv is ill-conditioned (dx/dy ~ 1e5), which bounds any float64 result
    np.testing.assert_allclose(got, torch.erfinv(torch.tensor(y)).numpy(), rtol=1e-10,
                               atol=1e-12)


def _truncated_normal_moments(mean, std, a, b):
    alpha, beta = (a - mean) / std, (b - mean) / std

    def pdf(x):
        return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    def cdf(x):
        return (1 + math.erf(x / math.sqrt(2))) / 2

    z = cdf(beta) - cdf(alpha)
    shift = (pdf(alpha) - pdf(beta)) / z
    var = 1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - shift ** 2
    return mean + std * shift, std * math.sqrt(var)


@pytest.mark.parametrize("mean,std,a,b,dtype", [
    (0.0, 1.0, -2.0, 2.0, ds.float32), (0.0, 0.02, -0.04, 0.04, ds.float32),
    (1.0, 2.0, 0.0, 3.0, ds.float64), (0.0, 1.0, -0.5, 4.0, ds.float64),
])
def test_trunc_normal(mean, std, a, b, dtype):
    v = _values(init.trunc_normal_(ds.empty(N, dtype=dtype), mean, std, a, b))
    assert v.min() >= a and v.max() <= b
    expect_mean, expect_std = _truncated_normal_moments(mean, std, a, b)
    _assert_moments(v, expect_mean, expect_std)


def test_trunc_normal_warns_far_mean():
    with pytest.warns(UserWarning, match="mean is more than 2 std"):
        init.trunc_normal_(ds.empty(10), mean=10.0, std=1.0, a=-2.0, b=2.0)


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (7, 3), (4, 2, 3, 3)])
@pytest.mark.parametrize("dtype,tol", [(ds.float32, 1e-5), (ds.float64, 1e-12)])
def test_orthogonal(shape, dtype, tol):
    t = init.orthogonal_(ds.empty(*shape, dtype=dtype))
    w = t.detach().numpy().astype(np.float64).reshape(shape[0], -1)
    rows, cols = w.shape
    gram = w @ w.T if rows <= cols else w.T @ w
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=tol)


def test_orthogonal_gain_and_errors():
    w = init.orthogonal_(ds.empty(4, 4, dtype=ds.float64), gain=2.0).numpy()
    np.testing.assert_allclose(w @ w.T, 4 * np.eye(4), atol=1e-12)
    ds.manual_seed(7)
    first = init.orthogonal_(ds.empty(3, 3)).numpy()
    ds.manual_seed(7)
    np.testing.assert_array_equal(init.orthogonal_(ds.empty(3, 3)).numpy(), first)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions"):
        init.orthogonal_(ds.empty(3))


@pytest.mark.parametrize("shape,groups", [((4, 2, 3), 1), ((6, 2, 3, 3), 2),
                                          ((2, 4, 3, 3, 3), 1)])
def test_dirac_matches_torch(shape, groups):
    ours = nn.init.dirac_(ds.empty(*shape), groups)
    theirs = torch.nn.init.dirac_(torch.empty(*shape), groups)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.init.dirac_(ds.empty(3, 2, 3), 2)


def test_sparse_zeros_a_share_of_each_column():
    ds.manual_seed(0)
    w = nn.init.sparse_(ds.empty(10, 5), 0.3, std=0.1)
    assert [int((w[:, c] == 0).sum()) for c in range(5)] == [3] * 5
    assert 0.02 < float(w.std()) < 0.2


def test_skip_init_and_to_empty_keep_shapes_and_parameters():
    m = nn.utils.skip_init(nn.Linear, 3, 4)
    assert tuple(m.weight.shape) == (4, 3) and isinstance(m.weight, nn.Parameter)
    weight = m.weight
    assert m.to_empty(device="cpu") is m and m.weight is weight  # same Parameter, new memory
