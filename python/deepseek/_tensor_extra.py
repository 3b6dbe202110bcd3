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
