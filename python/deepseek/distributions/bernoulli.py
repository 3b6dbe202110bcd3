"""Bernoulli(probs=None, logits=None): 1 with probability probs, else 0."""
from deepseek import _C
from deepseek._size import Size
from deepseek.autograd.grad_mode import no_grad
from deepseek.distributions.distribution import Distribution
from deepseek.distributions.utils import as_tensors, logits_to_probs, probs_to_logits


class Bernoulli(Distribution):
    arg_constraints = {"probs": None, "logits": None}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = as_tensors(probs)
            self.logits = probs_to_logits(self.probs, is_binary=True)
            if validate_args and not bool(((self.probs >= 0) & (self.probs <= 1)).all()):
                raise ValueError("Expected parameter probs to be in [0, 1]")
        else:
            (self.logits,) = as_tensors(logits)
            self.probs = logits_to_probs(self.logits, is_binary=True)
        super().__init__(self.probs.shape, Size(), validate_args)

    @property
    def mean(self):
        return self.probs

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=Size()):
        shape = tuple(self._extended_shape(sample_shape))
        with no_grad():
            return _C.bernoulli(self.probs.expand(shape), None)

    def log_prob(self, value):
        from deepseek.nn.functional import binary_cross_entropy_with_logits
        logits, value = as_tensors(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self):
        from deepseek.nn.functional import binary_cross_entropy_with_logits
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand=True):
        from deepseek._factories import tensor
        values = tensor([0.0, 1.0], dtype=self.probs.dtype, device=self.probs.device)
        values = values.reshape((-1,) + (1,) * len(self.batch_shape))
        return values.expand((2,) + tuple(self.batch_shape)) if expand else values
