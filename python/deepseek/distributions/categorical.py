"""Categorical(probs=None, logits=None): an index in [0, K) over the last dim."""
from deepseek import _C
from deepseek._size import Size
from deepseek.autograd.grad_mode import no_grad
from deepseek.distributions.distribution import Distribution
from deepseek.distributions.utils import as_tensors


class Categorical(Distribution):
    arg_constraints = {"probs": None, "logits": None}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            (probs,) = as_tensors(probs)
            self.probs = probs / probs.sum(-1, True)
            self.logits = _C.log(_C.clamp(self.probs, _tiny(self.probs), None))
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            (logits,) = as_tensors(logits)
            self.logits = logits - _C.logsumexp(logits, [-1], True)
            self.probs = _C.softmax(self.logits, -1, None)
        self._num_events = self.probs.shape[-1]
        super().__init__(self.probs.shape[:-1], Size(), validate_args)

    @property
    def param_shape(self):
        return self.probs.shape

    @property
    def mean(self):
        from deepseek._factories import full
        return full(tuple(self._extended_shape()), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self):
        return self.probs.argmax(-1)

    @property
    def variance(self):
        from deepseek._factories import full
        return full(tuple(self._extended_shape()), float("nan"), dtype=self.probs.dtype)

    def sample(self, sample_shape=Size()):
        sample_shape = Size(sample_shape)
        count = 1
        for n in sample_shape:
            count *= n
        with no_grad():
            flat = self.probs.reshape(-1, self._num_events)
            draws = _C.multinomial(flat, count, True)  # [batch, count]
        return draws.t().reshape(tuple(sample_shape) + tuple(self.batch_shape))

    def log_prob(self, value):
        value = value.long()
        if self._validate_args:
            self._check_value(value, (value >= 0) & (value < self._num_events),
                              f"IntegerInterval(lower_bound=0, upper_bound="
                              f"{self._num_events - 1})")
        shape = tuple(_broadcast(tuple(value.shape), tuple(self.batch_shape)))
        logits = self.logits.expand(shape + (self._num_events,))
        return logits.gather(-1, value.expand(shape).unsqueeze(-1)).squeeze(-1)

    def entropy(self):
        p_log_p = self.logits.masked_fill(self.probs == 0, 0) * self.probs
        return -p_log_p.sum(-1)

    def enumerate_support(self, expand=True):
        from deepseek._factories import arange
        values = arange(self._num_events, device=self.probs.device)
        values = values.reshape((-1,) + (1,) * len(self.batch_shape))
        return values.expand((-1,) + tuple(self.batch_shape)) if expand else values


def _tiny(t):
    return 1.1754943508222875e-38 if t.dtype != _C.float64 else 2.2250738585072014e-308


def _broadcast(a, b):
    from deepseek._functional import broadcast_shapes
    return broadcast_shapes(a, b)
