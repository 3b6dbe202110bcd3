"""Tensor methods built from other ops: unfold (sliding windows as a view), fill_diagonal_,
the remaining random fills (log_normal_, cauchy_, geometric_), scatter_reduce ('sum' and
'mean') and the memory-placement no-ops of a CPU tensor (pin_memory, share_memory_)."""
import math

from deepseek import _C


def unfold(self, dimension, size, step):
    """A view with every window of `size` elements along `dimension`, `step` apart, in a new
    last dim."""
    dim = dimension + self.dim() if dimension < 0 else dimension
    length = self.shape[dim] if self.dim() > 0 else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {length} but size "
                           f"is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if self.dim() == 0:
        return self.reshape(1)
    sizes, strides = list(self.shape), list(self.stride())
    sizes[dim] = (length - size) // step + 1
    window_stride = strides[dim]
    strides[dim] = window_stride * step
    return self.as_strided(sizes + [size], strides + [window_stride], self.storage_offset())


def fill_diagonal_(self, fill_value, wrap=False):
    """Writes fill_value on the main diagonal (all dims equal, or 2-D; wrap restarts the
    diagonal every columns + 1 rows of a tall matrix, as numpy and torch do)."""
    if self.dim() < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.dim() > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = min(self.shape)
    index = [list(range(n))] * self.dim()
    if wrap and self.dim() == 2 and self.shape[0] > self.shape[1] + 1:
        rows, cols = [], []
        start = 0
        while start < self.shape[0]:
            count = min(self.shape[1], self.shape[0] - start)
            rows += list(range(start, start + count))
            cols += list(range(count))
            start += self.shape[1] + 1
        index = [rows, cols]
    from deepseek._factories import tensor
    positions = tuple(tensor(i, dtype=_C.int64) for i in index)
    self[positions] = fill_value
    return self


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """exp of normal(mean, std) draws."""
    return self.normal_(mean, std, generator=generator).exp_()


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """median + sigma * tan(pi * (u - 1/2)) for uniform u."""
    u = self.uniform_(0.0, 1.0, generator=generator)
    return u.sub_(0.5).mul_(math.pi).tan_().mul_(sigma).add_(median)


def geometric_(self, p, *, generator=None):
    """The number of Bernoulli(p) trials to the first success (>= 1)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    from deepseek._factories import empty
    u = empty(tuple(self.shape), dtype=_C.float64).uniform_(0.0, 1.0, generator=generator)
    draws = _C.ceil(_C.log1p(-u) / math.log1p(-p)).clamp_(1, None)
    return self.copy_(draws)


def pin_memory(self, device=None):
    """CPU tensors stay as they are: the CUDA backend copies from pageable memory."""
    return self


def is_pinned(self, device=None):
    return False


def share_memory_(self):
    """A no-op: DataLoader workers hand tensors over through their own transport."""
    return self


def is_shared(self):
    return False


for _name in ("unfold", "fill_diagonal_", "log_normal_", "cauchy_", "geometric_", "pin_memory",
              "is_pinned", "share_memory_", "is_shared"):
    if not hasattr(_C.Tensor, _name):
        setattr(_C.Tensor, _name, globals()[_name])


def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
    """self with src's elements reduced into it at index along dim: 'sum' or 'mean'
    ('prod', 'amax' and 'amin' need a kernel deepseek does not have yet)."""
    if reduce not in ("sum", "mean", "prod", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if reduce not in ("sum", "mean"):
        raise NotImplementedError(f"scatter_reduce: reduce='{reduce}' is not implemented yet "
                                  f"('sum' and 'mean' are)")
    from deepseek._factories import ones_like, zeros_like
    touched = zeros_like(self, dtype=_C.bool).scatter(dim, index, True)
    base = self if include_self else self.masked_fill(touched, 0)
    total = base.scatter_add(dim, index, src)
    if reduce == "sum":
        return total
    counts = zeros_like(self).scatter_add(dim, index, ones_like(src, dtype=self.dtype))
    if include_self:
        counts = counts + 1
    mean = total / counts.clamp_min(1)
    if not self.dtype.is_floating_point:
        mean = _C.floor_divide(total, counts.clamp_min(1)).to(self.dtype)
    return _C.where(touched, mean, self)


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    return self.copy_(scatter_reduce(self, dim, index, src, reduce, include_self=include_self))


for _name in ("scatter_reduce", "scatter_reduce_"):
    if not hasattr(_C.Tensor, _name):
        setattr(_C.Tensor, _name, globals()[_name])


# ---- small compositions PyTorch has as Tensor methods (and most as torch functions) ----

def _is_signed(self):
    return self.dtype not in (_C.uint8, _C.bool)


def sum_to_size(self, *size):
    """Sums self down to `size` (a shape self broadcasts from)."""
    if len(size) == 1 and not isinstance(size[0], int):
        size = tuple(size[0])
    lead = self.dim() - len(size)
    if lead < 0:
        raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size "
                           f"{{{', '.join(map(str, self.shape))}}}.")
    out = self.sum(list(range(lead))) if lead else self
    keep = [d for d, n in enumerate(size) if n == 1 and out.shape[d] != 1]
    return out.sum(keep, True) if keep else out


def asinh(self):
    """log(|x| + sqrt(x^2 + 1)) with x's sign (exact symmetry, no cancellation for x < 0)."""
    a = _C.abs(self)
    return _C.sign(self) * _C.log1p(a + a * a / (_C.sqrt(a * a + 1) + 1))


def acosh(self):
    return _C.log(self + _C.sqrt(self * self - 1))


def atanh(self):
    return 0.5 * _C.log1p(2 * self / (1 - self))


def diagflat(self, offset=0):
    return _C.diag(self.reshape(-1), offset)


def inner(self, other):
    if self.dim() == 0 or other.dim() == 0:
        return self * other
    from deepseek._functional import tensordot
    return tensordot(self, other, ([-1], [-1]))


def dist(self, other, p=2):
    return _C.norm(self - other, p, None, False)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    if not isinstance(test_elements, _C.Tensor):
        from deepseek._factories import tensor
        test_elements = tensor(test_elements)
    if not isinstance(elements, _C.Tensor):
        from deepseek._factories import tensor
        elements = tensor(elements)
    found = (elements.unsqueeze(-1) == test_elements.reshape(-1)).any(-1)
    return ~found if invert else found


def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles (q a number or a 1-D tensor, in [0, 1]) along dim (all of self
    when None), interpolating between the order statistics around q * (n - 1)."""
    import math
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise ValueError(f"quantile() interpolation must be one of linear, lower, higher, "
                         f"midpoint or nearest. Got {interpolation}.")
    x = self.reshape(-1) if dim is None else self
    d = 0 if dim is None else dim % self.dim()
    values = x.sort(d).values
    n = values.shape[d]
    qs = q.tolist() if isinstance(q, _C.Tensor) else q
    scalar_q = not isinstance(qs, list)
    outs = []
    for p in ([qs] if scalar_q else qs):
        if not 0 <= p <= 1:
            raise RuntimeError("quantile() q values must be in the range [0, 1]")
        pos = p * (n - 1)
        lo, hi = int(math.floor(pos)), int(math.ceil(pos))
        low, high = values.select(d, lo), values.select(d, hi)
        if interpolation == "lower":
            r = low
        elif interpolation == "higher":
            r = high
        elif interpolation == "midpoint":
            r = (low + high) / 2
        elif interpolation == "nearest":
            r = low if round(pos) == lo else high  # (round half to even, as torch)
        else:
            r = low + (high - low) * (pos - lo)
        if keepdim:
            r = r.unsqueeze(d) if dim is not None else r.reshape([1] * self.dim())
        outs.append(r)
    return outs[0] if scalar_q else _C.stack(outs, 0)


_ALIASES = {
    "H": property(lambda self: self.t() if self.dim() == 2 else self),
    "mH": property(lambda self: self.transpose(-2, -1)),
    "itemsize": property(lambda self: self.element_size()),
    "nbytes": property(lambda self: self.numel() * self.element_size()),
    "is_complex": lambda self: False,
    "is_inference": lambda self: False,
    "is_signed": _is_signed,
    "positive": lambda self: self,
    "ravel": lambda self: self.reshape(-1),
    "swapdims": lambda self, dim0, dim1: self.transpose(dim0, dim1),
    "moveaxis": lambda self, source, destination: self.movedim(source, destination),
    "fliplr": lambda self: self.flip(1),
    "flipud": lambda self: self.flip(0),
    "tril_": lambda self, diagonal=0: self.copy_(self.tril(diagonal)),
    "triu_": lambda self, diagonal=0: self.copy_(self.triu(diagonal)),
    "sum_to_size": sum_to_size, "asinh": asinh, "arcsinh": asinh, "acosh": acosh,
    "arccosh": acosh, "atanh": atanh, "arctanh": atanh, "diagflat": diagflat, "inner": inner,
    "dist": dist, "isin": isin, "quantile": quantile,
}
for _name, _value in _ALIASES.items():
    if not hasattr(_C.Tensor, _name):
        setattr(_C.Tensor, _name, _value)
