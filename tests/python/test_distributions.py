"""deepseek.distributions against PyTorch 1.13's: log_prob, entropy, mean/variance, cdf,
kl_divergence and shapes exactly; samples by their statistics (the random streams differ);
rsample's gradients."""
import numpy as np
import pytest
import torch

import deepseek as ds
from deepseek import distributions as D

RNG = np.random.default_rng(8)
LOC, SCALE = RNG.standard_normal((3, 2)), RNG.uniform(0.5, 2.0, (3, 2))
LOW, HIGH = RNG.standard_normal(4), RNG.standard_normal(4) + 3
P = RNG.uniform(0.05, 0.95, (2, 3))
PROBS = RNG.uniform(0.1, 1.0, (2, 4))
LOGITS = RNG.standard_normal((2, 4))


def make(lib, name):
    d = lib.distributions
    t = lib.tensor
    return {
        "normal": lambda: d.Normal(t(LOC), t(SCALE)),
        "normal_scalar": lambda: d.Normal(0.5, 2.0),
        "uniform": lambda: d.Uniform(t(LOW), t(HIGH)),
        "bernoulli_probs": lambda: d.Bernoulli(probs=t(P)),
        "bernoulli_logits": lambda: d.Bernoulli(logits=t(LOGITS)),
        "categorical_probs": lambda: d.Categorical(probs=t(PROBS)),
        "categorical_logits": lambda: d.Categorical(logits=t(LOGITS)),
    }[name]()


VALUES = {
    "normal": RNG.standard_normal((5, 3, 2)), "normal_scalar": RNG.standard_normal(4),
    "uniform": LOW + 1.0, "bernoulli_probs": (RNG.uniform(size=(2, 3)) > 0.5) * 1.0,
    "bernoulli_logits": (RNG.uniform(size=(2, 4)) > 0.5) * 1.0,
    "categorical_probs": np.array([[0, 3], [1, 2]]).T, "categorical_logits": np.array([3, 1]),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_matches_torch(name):
    ours, theirs = make(ds, name), make(torch, name)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    value = VALUES[name]
    np.testing.assert_allclose(ours.log_prob(ds.tensor(value)).numpy(),
                               theirs.log_prob(torch.tensor(value)).numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.entropy().numpy(), theirs.entropy().numpy(), rtol=1e-10)
    for attr in ("mean", "variance", "stddev"):
        np.testing.assert_allclose(getattr(ours, attr).numpy(), getattr(theirs, attr).numpy(),
                                   rtol=1e-10, equal_nan=True)
    assert tuple(ours.sample((7,)).shape) == tuple(theirs.sample((7,)).shape)
    assert repr(ours).split("(")[0] == repr(theirs).split("(")[0]


@pytest.mark.parametrize("pair", ["normal", "uniform", "bernoulli_probs", "categorical_logits"])
def test_kl_divergence_matches_torch(pair):
    shifted = {
        "normal": lambda lib: lib.distributions.Normal(lib.tensor(LOC + 0.3),
                                                       lib.tensor(SCALE * 1.2)),
        "uniform": lambda lib: lib.distributions.Uniform(lib.tensor(LOW - 1), lib.tensor(HIGH)),
        "bernoulli_probs": lambda lib: lib.distributions.Bernoulli(lib.tensor(P[::-1].copy())),
        "categorical_logits": lambda lib: lib.distributions.Categorical(
            logits=lib.tensor(LOGITS[::-1].copy())),
    }[pair]
    ours = ds.distributions.kl_divergence(make(ds, pair), shifted(ds))
    theirs = torch.distributions.kl_divergence(make(torch, pair), shifted(torch))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)


def test_samples_have_the_right_statistics():
    ds.manual_seed(0)
    n = 40000
    normal = D.Normal(ds.tensor([1.0, -2.0]), ds.tensor([0.5, 3.0])).sample((n,))
    np.testing.assert_allclose(normal.mean(0).numpy(), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(normal.std(0).numpy(), [0.5, 3.0], rtol=0.03)
    uniform = D.Uniform(2.0, 5.0).sample((n,))
    assert float(uniform.min()) >= 2.0 and float(uniform.max()) < 5.0
    assert abs(float(uniform.mean()) - 3.5) < 0.03
    bern = D.Bernoulli(probs=ds.tensor([0.2, 0.9])).sample((n,))
    np.testing.assert_allclose(bern.mean(0).numpy(), [0.2, 0.9], atol=0.01)
    cat = D.Categorical(probs=ds.tensor([0.1, 0.6, 0.3])).sample((n,))
    counts = np.bincount(cat.numpy(), minlength=3) / n
    np.testing.assert_allclose(counts, [0.1, 0.6, 0.3], atol=0.01)
    assert cat.dtype == ds.int64


def test_rsample_carries_gradients_to_the_parameters():
    loc = ds.tensor([0.5], requires_grad=True)
    scale = ds.tensor([2.0], requires_grad=True)
    draws = D.Normal(loc, scale).rsample((1000,))
    draws.mean().backward()
    assert abs(float(loc.grad) - 1.0) < 1e-6  # d mean / d loc
    assert not D.Normal(loc, scale).sample((3,)).requires_grad


def test_errors():
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.Categorical()
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Uniform(0.0, 1.0))
    with pytest.raises(ValueError, match="scale"):
        D.Normal(0.0, -1.0, validate_args=True)
