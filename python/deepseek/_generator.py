"""deepseek.Generator: a seedable random source for data shuffling and splitting.

The C++ core keeps its own Philox generator for tensor random ops (deepseek.manual_seed);
this Python Generator serves the Python-side consumers that take ``generator=``
(RandomSampler, random_split, DataLoader(shuffle=True, generator=...)). It wraps Python's
random.Random (Mersenne Twister) seeded with the generator's seed, so a given seed always
yields the same permutations. Its streams differ from PyTorch's: the same seed gives a
reproducible, not a PyTorch-identical, shuffle.
"""
import os
import random
import struct

from deepseek import _C

_DEFAULT_SEED = 67280421310721  # PyTorch's default generator seed
_MASK64 = (1 << 64) - 1
# State layout: seed (u64), Mersenne Twister version (i64), 625 words (u32), gauss flag + value.
_STATE_FORMAT = "<Qq625I?d"


class Generator:
    """Generator(device='cpu') with manual_seed, seed, initial_seed, get_state, set_state."""

    def __init__(self, device="cpu"):
        self.device = _C.device(device) if isinstance(device, str) else device
        self._random = random.Random()
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        seed = int(seed)
        if not -(1 << 63) <= seed <= _MASK64:
            raise RuntimeError(f"Overflow when unpacking long: seed {seed} does not fit in 64 bits")
        self._seed = seed & _MASK64
        self._random.seed(self._seed)
        return self

    def seed(self):
        """Seeds from the OS entropy pool and returns the new seed."""
        self.manual_seed(int.from_bytes(os.urandom(8), "little"))
        return self._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The full state as a uint8 tensor (like PyTorch's ByteTensor state)."""
        version, words, gauss = self._random.getstate()
        packed = struct.pack(_STATE_FORMAT, self._seed, version, *words, gauss is not None,
                             gauss or 0.0)
        return _C._tensor(list(packed), _C.uint8)

    def set_state(self, new_state):
        data = bytes(new_state.tolist()) if hasattr(new_state, "tolist") else bytes(new_state)
        if len(data) != struct.calcsize(_STATE_FORMAT):
            raise RuntimeError(f"Generator.set_state: expected a state of "
                               f"{struct.calcsize(_STATE_FORMAT)} bytes, got {len(data)}")
        seed, version, *rest = struct.unpack(_STATE_FORMAT, data)
        words, has_gauss, gauss = tuple(rest[:625]), rest[625], rest[626]
        self._random.setstate((version, words, gauss if has_gauss else None))
        self._seed = seed
        return self

    # ---- draws used by deepseek.utils.data ----

    def _randperm(self, n):
        """A uniformly random permutation of range(n), as a list."""
        perm = list(range(n))
        self._random.shuffle(perm)
        return perm

    def _randbelow(self, n):
        return self._random.randrange(n)

    def _weighted_choices(self, weights, k):
        return self._random.choices(range(len(weights)), weights=weights, k=k)

    def __repr__(self):
        return f"<deepseek.Generator object at {hex(id(self))}>"


def generator_from_global_seed():
    """A fresh Generator seeded from deepseek's global RNG (so manual_seed governs it).

    Used where PyTorch would draw a seed from its default generator (RandomSampler without
    a generator, random_split without a generator, DataLoader worker seeds).
    """
    seed = _C._randint(0, 1 << 62, [1], _C.int64, None, False).item()
    return Generator().manual_seed(seed)
