"""Uniform(low, high): values in [low, high)."""
from deepseek import _C
from deepseek._size import Size
from deepseek.distributions.distribution import Distribution
from deepseek.distributions.utils import as_tensors


class Uniform(Distribution):
    arg_constraints = {"low": None, "high": None}
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = as_tensors(low, high)
        super().__init__(self.low.shape, Size(), validate_args)
        if self._validate_args and not bool((self.low < self.high).all()):
            raise ValueError(f"Expected parameter low of distribution {self} to be less than "
                             f"high")

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12

    def rsample(self, sample_shape=Size()):
        from deepseek._factories import rand
        u = rand(tuple(self._extended_shape(sample_shape)), dtype=self.low.dtype,
                 device=self.low.device)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        inside = (value >= self.low) & (value < self.high)
        self._check_value(value, inside, "an interval")
        density = -_C.log(self.high - self.low)
        return _C.where(inside, density, density * 0 + float("-inf"))

    def cdf(self, value):
        return _C.clamp((value - self.low) / (self.high - self.low), 0.0, 1.0)

    def entropy(self):
        return _C.log(self.high - self.low)
