"""F.embedding_bag / nn.EmbeddingBag against PyTorch 1.13 in float64: every mode, 1-D input
with offsets (empty bags, include_last_offset) and 2-D input, per_sample_weights,
padding_idx; weight gradients."""
import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn as nn

RNG = np.random.default_rng(6)
WEIGHT = RNG.standard_normal((10, 4))
FLAT = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 0, 7])
OFFSETS = np.array([0, 4, 4, 8])  # the third bag is empty
GRID = np.array([[1, 2, 4], [4, 3, 0], [9, 9, 1]])

CASES = [
    ("mean-1d", dict(input=FLAT, offsets=OFFSETS, mode="mean")),
    ("sum-1d", dict(input=FLAT, offsets=OFFSETS, mode="sum")),
    ("max-1d", dict(input=FLAT, offsets=OFFSETS, mode="max")),
    ("sum-weighted", dict(input=FLAT, offsets=OFFSETS, mode="sum",
                          per_sample_weights=RNG.standard_normal(11))),
    ("mean-last-offset", dict(input=FLAT, offsets=np.array([0, 3, 7, 11]), mode="mean",
                              include_last_offset=True)),
    ("mean-2d", dict(input=GRID, mode="mean")),
    ("max-2d", dict(input=GRID, mode="max")),
    ("sum-padding", dict(input=FLAT, offsets=OFFSETS, mode="sum", padding_idx=4)),
    ("mean-padding-2d", dict(input=GRID, mode="mean", padding_idx=0)),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, kwargs):
    results = []
    for lib in (ds, torch):
        weight = lib.tensor(WEIGHT, requires_grad=True)
        args = {k: (lib.tensor(v) if isinstance(v, np.ndarray) else v)
                for k, v in kwargs.items()}
        out = lib.nn.functional.embedding_bag(weight=weight, **args)
        (out ** 2).sum().backward()
        results.append((out.detach().numpy(), weight.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)


def test_module_matches_torch():
    ours = nn.EmbeddingBag(10, 4, mode="sum", padding_idx=2).double()
    theirs = torch.nn.EmbeddingBag(10, 4, mode="sum", padding_idx=2).double()
    assert repr(ours) == repr(theirs)
    assert float(ours.weight[2].abs().sum()) == 0.0
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.weight.detach().numpy()))
    np.testing.assert_allclose(ours(ds.tensor(FLAT), ds.tensor(OFFSETS)).detach().numpy(),
                               theirs(torch.tensor(FLAT), torch.tensor(OFFSETS)).detach()
                               .numpy(), rtol=1e-12)
    frozen = nn.EmbeddingBag.from_pretrained(ds.tensor(WEIGHT))
    assert not frozen.weight.requires_grad


def test_errors():
    with pytest.raises(ValueError, match="offsets has to be None"):
        ds.nn.functional.embedding_bag(ds.tensor(GRID), ds.tensor(WEIGHT), ds.tensor([0]))
    with pytest.raises(NotImplementedError, match="per_sample_weights is only supported"):
        ds.nn.functional.embedding_bag(ds.tensor(FLAT), ds.tensor(WEIGHT), ds.tensor(OFFSETS),
                                       mode="max", per_sample_weights=ds.ones(11))
