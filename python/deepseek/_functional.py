"""Functions PyTorch builds from other ops (as its own torch/functional.py does): stacking
and splitting helpers, tensordot, kron, block_diag, rot90, log-add-exp and friends. Each is
a composition of deepseek ops, so autograd differentiates it without a formula of its own;
the C++ ops underneath do the work."""
import math
import numbers

from deepseek import _C

__all__ = [
    "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "row_stack", "dstack",
    "column_stack", "tensor_split", "hsplit", "vsplit", "dsplit", "tensordot", "kron",
    "block_diag", "rot90", "logaddexp", "logaddexp2", "copysign", "sgn", "heaviside", "nansum",
    "nanmean", "xlogy", "logit", "deg2rad", "rad2deg", "sinc", "float_power", "isposinf",
    "isneginf", "isreal", "diff", "triu_indices", "tril_indices", "aminmax", "trapezoid",
    "trapz", "cov", "corrcoef", "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled", "broadcast_shapes", "broadcast_tensors",
]


def broadcast_shapes(*shapes):
    """The shape all of `shapes` broadcast to (PyTorch's rules), or RuntimeError."""
    result = []
    for shape in shapes:
        shape = [shape] if isinstance(shape, int) else list(shape)
        if len(shape) > len(result):
            result = [1] * (len(shape) - len(result)) + result
        for i, n in enumerate(shape):
            j = len(result) - len(shape) + i
            if result[j] == 1:
                result[j] = n
            elif n != 1 and n != result[j]:
                raise RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single "
                                   f"shape.  Mismatch is between arg 0 and arg 1.")
    from deepseek._size import Size
    return Size(result)


def broadcast_tensors(*tensors):
    tensors = _tensors(tensors, "broadcast_tensors")
    shape = list(broadcast_shapes(*[tuple(t.shape) for t in tensors]))
    return tuple(t.expand(shape) for t in tensors)


def _tensors(args, name):
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = tuple(args[0])
    for t in args:
        if not isinstance(t, _C.Tensor):
            raise TypeError(f"{name}(): expected Tensors, got {type(t).__name__}")
    return args


def _atleast(args, ndim, name):
    single = len(args) == 1 and isinstance(args[0], _C.Tensor)
    out = []
    for t in _tensors(args, name):
        if t.dim() == 0:
            t = t.reshape([1] * ndim)
        elif ndim >= 2 and t.dim() == 1:
            t = t.unsqueeze(0) if ndim == 2 else t.reshape(1, t.shape[0], 1)
        elif ndim == 3 and t.dim() == 2:
            t = t.unsqueeze(2)
        out.append(t)
    return out[0] if single else tuple(out)


def atleast_1d(*tensors):
    return _atleast(tensors, 1, "atleast_1d")


def atleast_2d(*tensors):
    return _atleast(tensors, 2, "atleast_2d")


def atleast_3d(*tensors):
    return _atleast(tensors, 3, "atleast_3d")


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def hstack(tensors):
    tensors = _as_tuple(atleast_1d(*_tensors((tensors,), "hstack")))
    return _C.cat(list(tensors), 0 if tensors[0].dim() == 1 else 1)


def vstack(tensors):
    return _C.cat(list(_as_tuple(atleast_2d(*_tensors((tensors,), "vstack")))), 0)


row_stack = vstack


def dstack(tensors):
    return _C.cat(list(_as_tuple(atleast_3d(*_tensors((tensors,), "dstack")))), 2)


def column_stack(tensors):
    columns = [t.reshape(t.numel(), 1) if t.dim() <= 1 else t
               for t in _tensors((tensors,), "column_stack")]
    return _C.cat(columns, 1)


def tensor_split(input, indices_or_sections, dim=0):
    """Views of input split into `sections` nearly equal parts (the first size % sections
    one longer), or at the given indices."""
    dim = dim + input.dim() if dim < 0 else dim
    size = input.shape[dim]
    if isinstance(indices_or_sections, _C.Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, numbers.Integral):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        base, extra = divmod(size, sections)
        bounds, start = [], 0
        for i in range(sections):
            end = start + base + (1 if i < extra else 0)
            bounds.append((start, end))
            start = end
    else:
        cuts = [min(max(int(i) + (size if int(i) < 0 else 0), 0), size)
                for i in indices_or_sections]
        edges = [0] + cuts + [size]
        bounds = [(edges[i], max(edges[i], edges[i + 1])) for i in range(len(edges) - 1)]
    return tuple(input.narrow(dim, start, end - start) for start, end in bounds)


def _split_dim(input, indices_or_sections, dim, name, min_dims):
    if input.dim() < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} "
                           f"dimension, but got a tensor with {input.dim()} dimensions!")
    if isinstance(indices_or_sections, numbers.Integral) and (
            input.shape[dim] % indices_or_sections != 0):
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the "
                           f"size of the dimension {input.shape[dim]} is not divisible by the "
                           f"split_size {indices_or_sections}!")
    return tensor_split(input, indices_or_sections, dim)


def hsplit(input, indices_or_sections):
    return _split_dim(input, indices_or_sections, 0 if input.dim() == 1 else 1, "hsplit", 1)


def vsplit(input, indices_or_sections):
    return _split_dim(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    return _split_dim(input, indices_or_sections, 2, "dsplit", 3)


def tensordot(a, b, dims=2, out=None):
    """Sums over the last `dims` dims of a and the first of b, or over the listed pairs."""
    if out is not None:
        raise TypeError("tensordot(): out= is not supported")
    if isinstance(dims, _C.Tensor):
        dims = dims.tolist()
    if isinstance(dims, numbers.Integral):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.dim() - dims, a.dim())), list(range(dims))
    else:
        dims_a, dims_b = dims
        dims_a = [dims_a] if isinstance(dims_a, numbers.Integral) else list(dims_a)
        dims_b = [dims_b] if isinstance(dims_b, numbers.Integral) else list(dims_b)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    dims_a = [d % a.dim() for d in dims_a]
    dims_b = [d % b.dim() for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[da]} in dim {da} and second has size {b.shape[db]} "
                               f"in dim {db}")
    free_a = [d for d in range(a.dim()) if d not in dims_a]
    free_b = [d for d in range(b.dim()) if d not in dims_b]
    k = math.prod(a.shape[d] for d in dims_a)
    left = a.permute(free_a + dims_a).reshape(-1, k)
    right = b.permute(dims_b + free_b).reshape(k, -1)
    return (left @ right).reshape([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])


def kron(a, b):
    ndim = max(a.dim(), b.dim())
    a = a.reshape([1] * (ndim - a.dim()) + list(a.shape))
    b = b.reshape([1] * (ndim - b.dim()) + list(b.shape))
    # a[i..., None] * b[None, j...] interleaved: [a0, b0, a1, b1, ...] then merged pairwise.
    a_shape = [s for d in a.shape for s in (d, 1)]
    b_shape = [s for d in b.shape for s in (1, d)]
    product = a.reshape(a_shape) * b.reshape(b_shape)
    return product.reshape([x * y for x, y in zip(a.shape, b.shape)])


def block_diag(*tensors):
    tensors = [t.reshape(1, 1) if t.dim() == 0 else t.reshape(1, -1) if t.dim() == 1 else t
               for t in _tensors(tensors, "block_diag")]
    for i, t in enumerate(tensors):
        if t.dim() != 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t.dim()} dimensions")
    if not tensors:
        return _C._zeros([0, 0], None, None, False)
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = _C.promote_types(dtype, t.dtype)
    rows = sum(t.shape[0] for t in tensors)
    cols = sum(t.shape[1] for t in tensors)
    blocks, col = [], 0
    for t in tensors:
        left = _C._zeros([t.shape[0], col], dtype, t.device, False)
        right = _C._zeros([t.shape[0], cols - col - t.shape[1]], dtype, t.device, False)
        blocks.append(_C.cat([left, t.to(dtype), right], 1))
        col += t.shape[1]
    return _C.cat(blocks, 0) if rows else _C._zeros([0, cols], dtype, None, False)


def rot90(input, k=1, dims=(0, 1)):
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    d0, d1 = dims[0] % input.dim(), dims[1] % input.dim()
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k %= 4
    if k == 1:
        return input.flip(d1).transpose(d0, d1)
    if k == 2:
        return input.flip([d0, d1])
    if k == 3:
        return input.flip(d0).transpose(d0, d1)
    return input.clone()


def logaddexp(input, other):
    """log(exp(a) + exp(b)) without overflow: max + log1p(exp(-|a - b|))."""
    high = _C.maximum(input, other)
    gap = (-_C.abs(input - other)).masked_fill(input == other, 0)  # (inf - inf is NaN)
    return high + _C.log1p(_C.exp(gap))


def logaddexp2(input, other):
    return logaddexp(input * math.log(2.0), other * math.log(2.0)) / math.log(2.0)


def copysign(input, other):
    if not isinstance(other, _C.Tensor):
        from deepseek._factories import full_like
        other = full_like(input, float(other), dtype=_C.float64)
    magnitude = _C.abs(input)
    if not magnitude.dtype.is_floating_point:
        magnitude = magnitude.to(_C.get_default_dtype())
    return _C.where(_C.signbit(other), -magnitude, magnitude)


def sgn(input):
    return _C.sign(input)


def heaviside(input, values):
    zero = input * 0
    return _C.where(input > 0, zero + 1, _C.where(input < 0, zero, values.to(input.dtype)))


def nansum(input, dim=None, keepdim=False, dtype=None):
    cleaned = input.masked_fill(_C.isnan(input), 0)
    if dim is None:
        return cleaned.sum(dtype=dtype)
    return cleaned.sum(dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, dtype=None):
    valid = ~_C.isnan(input)
    if dim is None:
        return nansum(input, dtype=dtype) / valid.sum()
    return nansum(input, dim, keepdim, dtype) / valid.sum(dim, keepdim)


def xlogy(input, other):
    """input * log(other), 0 where input == 0 (unless other is NaN)."""
    from deepseek._factories import full_like
    if not isinstance(input, _C.Tensor):
        input = full_like(other, input)
    if not isinstance(other, _C.Tensor):
        other = full_like(input, other)
    product = input * _C.log(other)
    return product.masked_fill((input == 0) & ~_C.isnan(other), 0)


def logit(input, eps=None):
    if eps is not None:
        input = _C.clamp(input, eps, 1.0 - eps)
    return _C.log(input / (1.0 - input))


def deg2rad(input):
    return input * (math.pi / 180.0)


def rad2deg(input):
    return input * (180.0 / math.pi)


def sinc(input):
    """sin(pi x) / (pi x), 1 at 0."""
    scaled = input * math.pi
    safe = _C.where(input == 0, scaled * 0 + 1, scaled)
    return _C.where(input == 0, scaled * 0 + 1, _C.sin(safe) / safe)


def float_power(input, exponent):
    base = input.to(_C.float64) if isinstance(input, _C.Tensor) else input
    if isinstance(exponent, _C.Tensor):
        exponent = exponent.to(_C.float64)
    return _C.pow(base, exponent)


def isposinf(input):
    return _C.isinf(input) & (input > 0)


def isneginf(input):
    return _C.isinf(input) & (input < 0)


def isreal(input):
    return (input == input) | (input != input)  # every real number is real


def diff(input, n=1, dim=-1, prepend=None, append=None):
    parts = [t for t in (prepend, input, append) if t is not None]
    x = _C.cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        x = x.narrow(dim, 1, length - 1) - x.narrow(dim, 0, length - 1) if (
            x.dtype != _C.bool) else x.narrow(dim, 1, length - 1) ^ x.narrow(dim, 0, length - 1)
    return x


def _index_pair(rows, cols, dtype, device):
    from deepseek._factories import tensor
    return tensor([rows, cols], dtype=dtype or _C.int64, device=device)


def triu_indices(row, col, offset=0, dtype=None, device=None, layout=None):
    return _index_pair(*_pairs(row, col, offset, True), dtype, device)


def tril_indices(row, col, offset=0, dtype=None, device=None, layout=None):
    return _index_pair(*_pairs(row, col, offset, False), dtype, device)


def _pairs(row, col, offset, upper):
    rows, cols = [], []
    for i in range(row):
        for j in range(col):
            if (j - i >= offset) if upper else (j - i <= offset):
                rows.append(i)
                cols.append(j)
    return rows, cols


def aminmax(input, *, dim=None, keepdim=False):
    from deepseek.return_types import aminmax as result
    if dim is None:
        return result(_C.amin(input), _C.amax(input))
    return result(_C.amin(input, dim, keepdim), _C.amax(input, dim, keepdim))


def trapezoid(y, x=None, *, dx=None, dim=-1):
    length = y.shape[dim]
    if length == 0:
        return y.sum(dim)
    pairs = (y.narrow(dim, 1, length - 1) + y.narrow(dim, 0, length - 1)) / 2
    if x is None:
        return pairs.sum(dim) * (1.0 if dx is None else dx)
    spacing = diff(x, dim=dim if x.dim() == y.dim() else -1)
    if x.dim() == 1 and y.dim() > 1:
        shape = [1] * y.dim()
        shape[dim] = spacing.shape[0]
        spacing = spacing.reshape(shape)
    return (pairs * spacing).sum(dim)


def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


def cov(input, *, correction=1, fweights=None, aweights=None):
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov(): fweights and aweights are not supported")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    centered = x - x.mean(1, True)
    n = x.shape[1]
    return (centered @ centered.t()).squeeze() / max(n - correction, 0)


def corrcoef(input):
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = _C.sqrt(_C.diagonal(c, 0, 0, 1))
    return _C.clamp(c / d.reshape(-1, 1) / d.reshape(1, -1), -1.0, 1.0)


_deterministic = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Recorded for are_deterministic_algorithms_enabled(). deepseek's CPU kernels give the
    same results run to run already (fixed reduction orders, counter-based RNG)."""
    _deterministic["mode"], _deterministic["warn_only"] = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled():
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    return _deterministic["warn_only"]


# Tensor methods PyTorch has for these.
for _name in ("tensor_split", "hsplit", "vsplit", "dsplit", "kron", "rot90", "logaddexp",
              "logaddexp2", "copysign", "sgn", "heaviside", "nansum", "nanmean", "xlogy",
              "logit", "deg2rad", "rad2deg", "sinc", "float_power", "isposinf", "isneginf",
              "isreal", "diff", "aminmax", "cov", "corrcoef"):
    if not hasattr(_C.Tensor, _name):
        setattr(_C.Tensor, _name, globals()[_name])
