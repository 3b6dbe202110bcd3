"""Normal(loc, scale)."""
import math

from deepseek import _C
from deepseek._size import Size
from deepseek.distributions.distribution import Distribution
from deepseek.distributions.utils import as_tensors


class Normal(Distribution):
    arg_constraints = {"loc": None, "scale": None}
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = as_tensors(loc, scale)
        super().__init__(self.loc.shape, Size(), validate_args)
        if self._validate_args and not bool((self.scale > 0).all()):
            raise ValueError(f"Expected parameter scale of distribution {self} to satisfy the "
                             f"constraint GreaterThan(lower_bound=0.0), but found invalid "
                             f"values:\n{self.scale}")

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale * self.scale

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        return self.loc + _standard_normal(shape, self.loc) * self.scale

    def log_prob(self, value):
        var = self.scale * self.scale
        return (-((value - self.loc) ** 2) / (2 * var) - _C.log(self.scale)
                - math.log(math.sqrt(2 * math.pi)))

    def cdf(self, value):
        return 0.5 * (1 + _C.erf((value - self.loc) / (self.scale * math.sqrt(2))))

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + _C.log(self.scale)


def _standard_normal(shape, like):
    from deepseek._factories import randn
    return randn(tuple(shape), dtype=like.dtype, device=like.device)
