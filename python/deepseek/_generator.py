"""deepseek.Generator: the C++ Philox generator (deepseek._C.Generator), plus the draws the
Python-side consumers of ``generator=`` need (RandomSampler, random_split,
DataLoader(shuffle=True, generator=...)).

Those draws are made by the C++ random ops with the generator passed through, so they
advance its stream like any tensor op: a seed reproduces a shuffle, and
get_state()/set_state() (16 bytes: seed and Philox offset) rewind it. The streams differ
from PyTorch's: the same seed gives a reproducible, not a PyTorch-identical, permutation.
"""
from deepseek import _C

Generator = _C.Generator


def _randperm(self, n):
    """A uniformly random permutation of range(n), as a list."""
    return _C.randperm(n, generator=self).tolist()


def _randbelow(self, n):
    """A uniform integer in [0, n)."""
    return _C._randint(0, n, [1], _C.int64, None, False, self).item()


def _randbits(self, k):
    """A uniform integer of k < 63 random bits."""
    return _C._randint(0, 1 << k, [1], _C.int64, None, False, self).item()


def _weighted_choices(self, weights, k):
    """k indices drawn with replacement, index i with probability weights[i] / sum(weights)."""
    probs = _C._tensor([float(w) for w in weights], _C.float64)
    return _C.multinomial(probs, k, True, generator=self).tolist()


class _BitSource:
    """random.Random's getrandbits() over a Generator (for callers written against it)."""

    def __init__(self, generator):
        self._generator = generator

    def getrandbits(self, k):
        return _randbits(self._generator, k)


for _name, _fn in {
    "_randperm": _randperm,
    "_randbelow": _randbelow,
    "_randbits": _randbits,
    "_weighted_choices": _weighted_choices,
    "_random": property(_BitSource),
}.items():
    setattr(Generator, _name, _fn)


def generator_from_global_seed():
    """A fresh Generator seeded from deepseek's global RNG (so manual_seed governs it).

    Used where PyTorch would draw a seed from its default generator (RandomSampler without
    a generator, random_split without a generator, DataLoader worker seeds).
    """
    seed = _C._randint(0, 1 << 62, [1], _C.int64, None, False).item()
    return Generator().manual_seed(seed)
