"""F.interpolate: resizing along the last 1, 2 or 3 dims (modes nearest, nearest-exact,
linear, bilinear, trilinear, area).

Each mode is separable, so it is done one spatial dim at a time as gathers of whole slices
(index_select) and a weighted sum; autograd differentiates through those. Source indices
and weights follow PyTorch's kernels exactly, including their arithmetic precision (float
for float32/float16/bfloat16 inputs, double for float64), so outputs match PyTorch's.
"""
import math

import numpy as np

from deepseek import _C

_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3}
_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "area", "bicubic")


def _per_dim(value, count, name):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(f"Input and {name} must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{count} and {name} of {list(value)}.")
        return list(value)
    return [value] * count


def _output_sizes(input, size, scale_factor, spatial):
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not None
                         else "either size or scale_factor should be defined")
    in_sizes = list(input.shape[-spatial:])
    if size is not None:
        sizes = [int(s) for s in _per_dim(size, spatial, "output_size")]
        return in_sizes, sizes, None
    scales = [float(s) for s in _per_dim(scale_factor, spatial, "scale_factor")]
    return in_sizes, [int(math.floor(n * s)) for n, s in zip(in_sizes, scales)], scales


def _compute_type(dtype):
    return np.float64 if dtype == _C.float64 else np.float32


def _scale(in_size, out_size, scale, align_corners, ctype):
    """PyTorch's area_pixel_compute_scale."""
    if align_corners:
        return ctype(in_size - 1) / ctype(out_size - 1) if out_size > 1 else ctype(0)
    if scale is not None and scale > 0:
        return ctype(1.0 / scale)
    return ctype(in_size) / ctype(out_size)


def _nearest_indices(in_size, out_size, scale, exact):
    dst = np.arange(out_size)
    if out_size == in_size and not exact:
        return dst
    if out_size == 2 * in_size and not exact:
        return dst >> 1
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else (
        np.float32(in_size) / np.float32(out_size))
    offset = np.float32(0.5) if exact else np.float32(0.0)
    src = np.floor((dst.astype(np.float32) + offset) * s).astype(np.int64)
    return np.minimum(src, in_size - 1)


def _linear_indices(in_size, out_size, scale, align_corners, ctype):
    s = _scale(in_size, out_size, scale, align_corners, ctype)
    dst = np.arange(out_size).astype(ctype)
    if align_corners:
        src = s * dst
    else:
        src = np.maximum(s * (dst + ctype(0.5)) - ctype(0.5), ctype(0))
    i0 = src.astype(np.int64)
    i1 = i0 + (i0 < in_size - 1)
    lambda1 = (src - i0.astype(ctype)).astype(ctype)
    return i0, i1, (ctype(1) - lambda1), lambda1


def _gather(x, dim, indices):
    index = _C.from_numpy(np.ascontiguousarray(indices, dtype=np.int64))
    return _C.index_select(x, dim, index if x.device == _C.device("cpu") else index.to(x.device))


def _weights(values, x, dim):
    shape = [1] * x.dim()
    shape[dim] = len(values)
    w = _C.from_numpy(np.ascontiguousarray(values, dtype=np.float64)).to(x.dtype)
    w = w if x.device == _C.device("cpu") else w.to(x.device)
    return w.reshape(shape)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    if not isinstance(input, _C.Tensor):
        raise TypeError(f"interpolate(): input must be a Tensor, got {type(input).__name__}")
    if mode not in _MODES:
        raise NotImplementedError(f"Input Error: mode {mode!r} is not one of {_MODES}")
    if mode == "bicubic":
        raise NotImplementedError("interpolate(): mode='bicubic' is not implemented yet")
    if antialias:
        raise NotImplementedError("interpolate(): antialias=True is not implemented yet")
    spatial = input.dim() - 2
    if spatial not in (1, 2, 3):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported "
                                  f"(got {input.dim()}D) for the modes: nearest | linear | "
                                  f"bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    linear = mode in _DIMS
    if linear and _DIMS[mode] != spatial:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{_DIMS[mode] + 2}D input")
    if align_corners is not None and not linear:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    align_corners = bool(align_corners)
    in_sizes, out_sizes, scales = _output_sizes(input, size, scale_factor, spatial)
    if recompute_scale_factor:
        scales = None
    for n in out_sizes:
        if n <= 0:
            raise RuntimeError(f"Input and output sizes should be greater than 0, but got "
                               f"input ({', '.join(map(str, in_sizes))}) and output "
                               f"({', '.join(map(str, out_sizes))})")
    if mode == "area":
        from deepseek.nn import functional as F  # (it imports this module)
        if spatial == 1:
            return F.adaptive_avg_pool1d(input, out_sizes[0])
        if spatial == 2:
            return F.adaptive_avg_pool2d(input, out_sizes)
        raise NotImplementedError("interpolate(): mode='area' on 5-D input is not implemented")
    if not input.dtype.is_floating_point and linear:
        raise RuntimeError(f"\"upsample_{mode}\" not implemented for '{str(input.dtype)[9:]}'")
    ctype = _compute_type(input.dtype)
    x = input
    # Innermost dim first: PyTorch's weighted sums nest the same way.
    for k in reversed(range(spatial)):
        dim = 2 + k
        scale = scales[k] if scales is not None else None
        if not linear:
            x = _gather(x, dim, _nearest_indices(in_sizes[k], out_sizes[k], scale,
                                                 mode == "nearest-exact"))
            continue
        i0, i1, w0, w1 = _linear_indices(in_sizes[k], out_sizes[k], scale, align_corners,
                                         ctype)
        x = _gather(x, dim, i0) * _weights(w0, x, dim) + _gather(x, dim, i1) * _weights(
            w1, x, dim)
    return x


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)

