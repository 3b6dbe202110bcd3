"""Distances and the less common losses against PyTorch 1.13 in float64: values for every
reduction, gradients, and the modules' constructors."""
import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn as nn

RNG = np.random.default_rng(21)
X = RNG.standard_normal((4, 5))
Y = RNG.standard_normal((4, 5))
Z = RNG.standard_normal((4, 5))
S1, S2 = RNG.standard_normal(6), RNG.standard_normal(6)
SIGN6 = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
SIGN4 = np.array([1.0, -1.0, -1.0, 1.0])
LABELS = (RNG.uniform(size=(4, 5)) > 0.5).astype(np.float64)
CLASSES = np.array([0, 3, 4, 1])
COUNTS = RNG.integers(0, 6, (4, 5)).astype(np.float64)
VAR = RNG.uniform(0.5, 2.0, (4, 5))

CASES = [
    ("cosine_similarity", lambda m, t, c: m.nn.functional.cosine_similarity(t(X), t(Y)), None),
    ("cosine_similarity_dim0", lambda m, t, c: m.nn.functional.cosine_similarity(t(X), t(Y), 0),
     None),
    ("pairwise_distance", lambda m, t, c: m.nn.functional.pairwise_distance(t(X), t(Y)), None),
    ("pairwise_distance_p1", lambda m, t, c: m.nn.functional.pairwise_distance(
        t(X), t(Y), 1.0, keepdim=True), None),
    ("cdist", lambda m, t, c: m.cdist(t(X), t(Y[:3])), None),
    ("cdist_p1", lambda m, t, c: m.cdist(t(X), t(Z), p=1.0), None),
    ("margin_ranking", lambda m, t, r, c: m.nn.functional.margin_ranking_loss(
        t(S1), t(S2), c(SIGN6), 0.3, reduction=r), "r"),
    ("hinge_embedding", lambda m, t, r, c: m.nn.functional.hinge_embedding_loss(
        t(S1), c(SIGN6), 0.5, reduction=r), "r"),
    ("soft_margin", lambda m, t, r, c: m.nn.functional.soft_margin_loss(t(S1), c(SIGN6),
                                                                   reduction=r), "r"),
    ("multilabel_soft_margin", lambda m, t, r, c: m.nn.functional.multilabel_soft_margin_loss(
        t(X), c(LABELS), reduction=r), "r"),
    ("multilabel_soft_margin_weight", lambda m, t, r, c:
        m.nn.functional.multilabel_soft_margin_loss(t(X), c(LABELS), c(VAR[0]), reduction=r),
     "r"),
    ("cosine_embedding", lambda m, t, r, c: m.nn.functional.cosine_embedding_loss(
        t(X), t(Y), c(SIGN4), 0.2, reduction=r), "r"),
    ("triplet_margin", lambda m, t, r, c: m.nn.functional.triplet_margin_loss(
        t(X), t(Y), t(Z), reduction=r), "r"),
    ("triplet_margin_swap_p1", lambda m, t, r, c: m.nn.functional.triplet_margin_loss(
        t(X), t(Y), t(Z), 0.5, 1, swap=True, reduction=r), "r"),
    ("multi_margin", lambda m, t, r, c: m.nn.functional.multi_margin_loss(
        t(X), m.tensor(CLASSES), reduction=r), "r"),
    ("multi_margin_p2_weight", lambda m, t, r, c: m.nn.functional.multi_margin_loss(
        t(X), m.tensor(CLASSES), 2, 0.7, c(VAR[0]), reduction=r), "r"),
    ("poisson_nll", lambda m, t, r, c: m.nn.functional.poisson_nll_loss(t(X), c(COUNTS),
                                                                   reduction=r), "r"),
    ("poisson_nll_full_rate", lambda m, t, r, c: m.nn.functional.poisson_nll_loss(
        t(VAR), c(COUNTS), log_input=False, full=True, reduction=r), "r"),
    ("gaussian_nll", lambda m, t, r, c: m.nn.functional.gaussian_nll_loss(
        t(X), t(Y), t(VAR), reduction=r), "r"),
    ("gaussian_nll_per_sample_var_full", lambda m, t, r, c: m.nn.functional.gaussian_nll_loss(
        t(X), t(Y), t(VAR[:, 0]), full=True, reduction=r), "r"),
]


def _expand(cases):
    for name, fn, kind in cases:
        if kind is None:
            yield name, fn
        else:
            for r in ("none", "mean", "sum"):
                yield f"{name}-{r}", (lambda fn, r: lambda m, t, c: fn(m, t, r, c))(fn, r)


@pytest.mark.parametrize("name,fn", list(_expand(CASES)), ids=[n for n, _ in _expand(CASES)])
def test_matches_torch(name, fn):
    made = {}

    def tensor_maker(lib):
        def t(array):
            leaf = lib.tensor(array).requires_grad_()
            made.setdefault(lib.__name__, []).append(leaf)
            return leaf
        return t

    ours = fn(ds, tensor_maker(ds), ds.tensor)
    theirs = fn(torch, tensor_maker(torch), torch.tensor)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    (ours * ours).sum().backward()
    (theirs * theirs).sum().backward()
    for a, b in zip(made["deepseek"], made["torch"]):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_modules_match_torch():
    pairs = [("CosineSimilarity(dim=0)", (X, Y)), ("PairwiseDistance(p=3.0)", (X, Y)),
             ("MarginRankingLoss(0.1)", (S1, S2, SIGN6)), ("HingeEmbeddingLoss()", (S1, SIGN6)),
             ("SoftMarginLoss(reduction='sum')", (S1, SIGN6)),
             ("MultiLabelSoftMarginLoss()", (X, LABELS)),
             ("CosineEmbeddingLoss(0.3)", (X, Y, SIGN4)), ("TripletMarginLoss(swap=True)",
                                                           (X, Y, Z)),
             ("PoissonNLLLoss(full=True)", (X, COUNTS)), ("GaussianNLLLoss()", (X, Y, VAR))]
    for ctor, args in pairs:
        ours, theirs = eval("nn." + ctor), eval("torch.nn." + ctor)
        assert repr(ours) == repr(theirs)
        got = ours(*[ds.tensor(a) for a in args]).numpy()
        want = theirs(*[torch.tensor(a) for a in args]).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-10)
    got = nn.MultiMarginLoss(p=2)(ds.tensor(X), ds.tensor(CLASSES)).numpy()
    want = torch.nn.MultiMarginLoss(p=2)(torch.tensor(X), torch.tensor(CLASSES)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_errors():
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="var has negative"):
        nn.GaussianNLLLoss()(ds.ones(2), ds.ones(2), -ds.ones(2))
    with pytest.raises(RuntimeError, match="same number of columns"):
        ds.cdist(ds.ones(2, 3), ds.ones(2, 4))
