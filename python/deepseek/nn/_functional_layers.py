"""nn.functional ops composed from other deepseek ops (PyTorch's formulas; autograd
differentiates the compositions): instance_norm, local_response_norm, pixel_shuffle,
pixel_unshuffle, channel_shuffle, bilinear, unfold (im2col), fold (col2im), softmax2d,
alpha_dropout, feature_alpha_dropout and embedding_bag.

unfold is a grouped convolution with one-hot kernels (one output channel per channel and
kernel position, in PyTorch's order), and fold is its adjoint, the transposed convolution
with the same kernels, so both are exact and differentiable to any order.
"""
import math

from deepseek import _C


def _pair(value, name):
    if isinstance(value, int):
        return [value, value]
    value = list(value)
    if len(value) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value}")
    return [int(v) for v in value]


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalizes each (sample, channel) over its spatial positions."""
    if input.dim() < 3:
        raise ValueError(f"instance_norm: expected an input with at least 3 dims [N, C, *], "
                         f"got {input.dim()}")
    n, c = input.shape[0], input.shape[1]
    dims = list(range(2, input.dim()))
    shape = [1, c] + [1] * (input.dim() - 2)
    if use_input_stats:
        mean = input.mean(dims, True)
        var = input.var(dims, unbiased=False, keepdim=True)
        if running_mean is not None or running_var is not None:
            from deepseek.autograd.grad_mode import no_grad
            count = math.prod(input.shape[2:])
            with no_grad():
                if running_mean is not None:
                    running_mean.mul_(1 - momentum).add_(
                        mean.reshape(n, c).mean(0) * momentum)
                if running_var is not None:
                    unbiased = var.reshape(n, c).mean(0) * (count / max(count - 1, 1))
                    running_var.mul_(1 - momentum).add_(unbiased * momentum)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    out = (input - mean) / _C.sqrt(var + eps)
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """input / (k + alpha * mean of squares over `size` neighbouring channels) ** beta."""
    from deepseek.nn.functional import avg_pool2d, pad
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.dim()} "
                         "dimensions)")
    if input.numel() == 0:
        return input
    n, c = input.shape[0], input.shape[1]
    squares = (input * input).reshape(n, 1, c, -1)  # channels as height: pool along them
    squares = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(squares, (size, 1), stride=1).reshape(input.shape)
    return input / (div * alpha + k) ** beta


def pixel_shuffle(input, upscale_factor):
    """[*, C * r^2, H, W] -> [*, C, H * r, W * r]."""
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.dim()} dimension(s)")
    *batch, c, h, w = input.shape
    if c % (r * r) != 0:
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    oc = c // (r * r)
    x = input.reshape(-1, oc, r, r, h, w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(list(batch) + [oc, h * r, w * r])


def pixel_unshuffle(input, downscale_factor):
    """[*, C, H * r, W * r] -> [*, C * r^2, H, W]."""
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.dim()} dimension(s)")
    *batch, c, h, w = input.shape
    if h % r != 0 or w % r != 0:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by "
                           f"downscale_factor, but input.size(-2)={h}, input.size(-1)={w} and "
                           f"downscale_factor={r}")
    x = input.reshape(-1, c, h // r, r, w // r, r).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(list(batch) + [c * r * r, h // r, w // r])


def channel_shuffle(input, groups):
    n, c = input.shape[0], input.shape[1]
    if c % groups != 0:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    rest = list(input.shape[2:])
    return input.reshape([n, groups, c // groups] + rest).transpose(1, 2).reshape(
        [n, c] + rest)


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o]."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}")
    lead = list(input1.shape[:-1])
    x1 = input1.reshape(-1, input1.shape[-1])
    x2 = input2.reshape(-1, input2.shape[-1])
    out = _C.einsum("bi,oij,bj->bo", [x1, weight, x2])
    if bias is not None:
        out = out + bias
    return out.reshape(lead + [weight.shape[0]])


def _one_hot_kernels(channels, kh, kw, like):
    """[channels * kh * kw, 1, kh, kw]: output channel (c, i, j) picks kernel position (i, j)
    of input channel c (a grouped convolution with groups = channels)."""
    positions = _C.eye(kh * kw, dtype=like.dtype, device=like.device).reshape(kh * kw, 1, kh, kw)
    return positions.repeat(channels, 1, 1, 1)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: [N, C, H, W] -> [N, C * kh * kw, L] sliding blocks."""
    if input.dim() not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported "
                                  f"(got {input.dim()}D)")
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    kh, kw = _pair(kernel_size, "kernel_size")
    channels = x.shape[1]
    from deepseek.nn.functional import conv2d
    cols = conv2d(x, _one_hot_kernels(channels, kh, kw, x), None, _pair(stride, "stride"),
                  _pair(padding, "padding"), _pair(dilation, "dilation"), channels)
    cols = cols.reshape(x.shape[0], channels * kh * kw, -1)
    return cols if batched else cols.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im: [N, C * kh * kw, L] -> [N, C, H, W], summing overlapping blocks."""
    if input.dim() not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input "
                                  f"Tensors are supported (got {input.dim()}D)")
    batched = input.dim() == 3
    cols = input if batched else input.unsqueeze(0)
    (oh, ow), (kh, kw) = _pair(output_size, "output_size"), _pair(kernel_size, "kernel_size")
    (dh, dw), (ph, pw) = _pair(dilation, "dilation"), _pair(padding, "padding")
    sh, sw = _pair(stride, "stride")
    if cols.shape[1] % (kh * kw) != 0:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the "
                           f"product of kernel_size, but got input.size(1)={cols.shape[1]} "
                           f"and kernel_size=({kh}, {kw})")
    blocks_h = (oh + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    blocks_w = (ow + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if blocks_h * blocks_w != cols.shape[2]:
        raise RuntimeError(f"Given output_size=({oh}, {ow}), kernel_size=({kh}, {kw}), "
                           f"dilation=({dh}, {dw}), padding=({ph}, {pw}), stride=({sh}, {sw}), "
                           f"expected size of input's dimension 2 to match the calculated "
                           f"number of sliding blocks {blocks_h} * {blocks_w} = "
                           f"{blocks_h * blocks_w}, but got input.size(2)={cols.shape[2]}.")
    channels = cols.shape[1] // (kh * kw)
    grid = cols.reshape(cols.shape[0], channels * kh * kw, blocks_h, blocks_w)
    # The transposed convolution reaches (blocks - 1) * stride - 2 * pad + dilated kernel;
    # output_padding (always < stride, by the block count above) adds the rest.
    reach_h = (blocks_h - 1) * sh - 2 * ph + dh * (kh - 1) + 1
    reach_w = (blocks_w - 1) * sw - 2 * pw + dw * (kw - 1) + 1
    from deepseek.nn.functional import conv_transpose2d
    out = conv_transpose2d(grid, _one_hot_kernels(channels, kh, kw, cols), None, [sh, sw],
                           [ph, pw], [oh - reach_h, ow - reach_w], channels, [dh, dw])
    return out if batched else out.squeeze(0)


def softmax2d(input):
    if input.dim() not in (3, 4):
        raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                         "instead")
    return _C.softmax(input, -3, None)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _alpha_dropout(input, p, training, feature):
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        return input * 0
    alpha = -_SELU_ALPHA * _SELU_SCALE  # the value SELU saturates to
    a = ((1 - p) * (1 + p * alpha ** 2)) ** -0.5
    b = -a * alpha * p
    from deepseek._factories import empty
    mask_shape = list(input.shape[:2]) + [1] * (input.dim() - 2) if feature else list(
        input.shape)
    keep = empty(tuple(mask_shape), dtype=input.dtype, device=input.device).bernoulli_(1 - p)
    return (input * keep + alpha * (1 - keep)) * a + b


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    result = _alpha_dropout(input, p, training, feature=False)
    return input.copy_(result) if inplace and result is not input else result


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    result = _alpha_dropout(input, p, training, feature=True)
    return input.copy_(result) if inplace and result is not input else result


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sums, means or maxima of bags of embedding rows: input [B, N] (B bags of N) or a 1-D
    input cut into bags at `offsets`. padding_idx entries take no part; an empty bag gives
    zeros."""
    from deepseek._factories import tensor, zeros
    from deepseek.nn.functional import embedding
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode!r}")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse gradients are not supported")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences.")
        bags, length = input.shape
        offsets_list = [i * length for i in range(bags)]
        flat = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        offsets_list = [int(o) for o in offsets.tolist()]
        if include_last_offset:
            offsets_list = offsets_list[:-1]
        flat = input
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    n = flat.shape[0]
    ends = offsets_list[1:] + [n if not include_last_offset or input.dim() == 2
                               else int(offsets.tolist()[-1])]
    ids = flat.tolist()
    segment, keep = [], []
    for bag, (start, end) in enumerate(zip(offsets_list, ends)):
        for k in range(start, end):
            if padding_idx is None or ids[k] != padding_idx:
                segment.append(bag)
                keep.append(k)
    bags = len(offsets_list)
    dim = weight.shape[1]
    keep_t = tensor(keep, dtype=_C.int64, device=weight.device)
    rows = embedding(flat.index_select(0, keep_t), weight, None, max_norm, norm_type,
                     scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.index_select(0, keep_t).unsqueeze(1)
    segment_t = tensor(segment, dtype=_C.int64, device=weight.device)
    base = zeros(bags, dim, dtype=weight.dtype, device=weight.device)
    counts = [0] * bags
    for s in segment:
        counts[s] += 1
    if mode == "max":
        # Bags are consecutive runs of rows (segment ids only grow).
        out, start = [], 0
        for bag, count in enumerate(counts):
            out.append(rows.narrow(0, start, count).max(0).values if count else base[bag])
            start += count
        return _C.stack(out, 0) if out else base
    total = base.index_add(0, segment_t, rows)
    if mode == "sum":
        return total
    divisor = tensor([max(c, 1) for c in counts], dtype=weight.dtype, device=weight.device)
    return total / divisor.unsqueeze(1)


def affine_grid(theta, size, align_corners=None):
    """[N, H, W, 2] sampling grid: theta [N, 2, 3] applied to the output pixels' normalized
    coordinates (x, y, 1) in [-1, 1] (pixel centres unless align_corners)."""
    align_corners = bool(align_corners)
    if theta.dim() != 3 or tuple(theta.shape[1:]) != (2, 3):
        raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                         f"{list(size)}. Got {list(theta.shape)}.")
    if len(size) != 4:
        raise NotImplementedError("affine_grid only supports 4D sizes, for 2D affine "
                                  "transformations.")
    n, _, h, w = (int(s) for s in size)
    if n != theta.shape[0]:
        raise ValueError(f"Expected theta to have a batch of {n} matrices, got "
                         f"{theta.shape[0]}")

    def axis(steps):  # PyTorch's linspace_from_neg_one, value for value
        if steps <= 1:
            return _C._zeros([steps], theta.dtype, theta.device, False)
        r = _C.linspace(-1.0, 1.0, steps, dtype=theta.dtype, device=theta.device)
        return r if align_corners else r * (steps - 1) / steps

    xs = axis(w).reshape(1, w).expand(h, w)
    ys = axis(h).reshape(h, 1).expand(h, w)
    base = _C.stack([xs, ys, xs * 0 + 1], 2).reshape(1, h * w, 3)  # [1, H*W, 3]
    return (base @ theta.transpose(1, 2)).reshape(n, h, w, 2)


def _unnormalize(coord, size, align_corners):
    # PyTorch's operation order, so that positions on pixel boundaries round the same way.
    if align_corners:
        return ((coord + 1) / 2) * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _clip_coordinates(coord, high):
    """coord clamped to [0, high]; like PyTorch's, its gradient is 0 on the bounds too (a
    plain clamp passes it there)."""
    inside = (coord > 0) & (coord < high)
    return _C.where(inside, coord, _C.clamp(coord, 0.0, high).detach())


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Samples input [N, C, H, W] at grid [N, Ho, Wo, 2] ((x, y) in [-1, 1]); modes bilinear
    and nearest, padding zeros or border."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if mode == "bicubic" or padding_mode == "reflection":
        raise NotImplementedError(f"grid_sample: mode='{mode}' with padding_mode="
                                  f"'{padding_mode}' is not implemented yet (bilinear or "
                                  f"nearest with zeros or border padding are)")
    if input.dim() != 4 or grid.dim() != 4 or grid.shape[-1] != 2:
        raise RuntimeError(f"grid_sample: expected 4-D input and a grid [N, H_out, W_out, 2], "
                           f"got input {list(input.shape)} and grid {list(grid.shape)}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got input with sizes {list(input.shape)} and grid with sizes "
                           f"{list(grid.shape)}")
    align_corners = bool(align_corners)
    n, c, h, w = input.shape
    ho, wo = grid.shape[1], grid.shape[2]
    ix = _unnormalize(grid[..., 0], w, align_corners)
    iy = _unnormalize(grid[..., 1], h, align_corners)
    if padding_mode == "border":
        ix, iy = _clip_coordinates(ix, w - 1.0), _clip_coordinates(iy, h - 1.0)
    flat = input.reshape(n, c, h * w)

    def sample(x, y):
        """input at integer positions (float tensors x, y [N, Ho, Wo]), 0 outside."""
        inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
        index = (_C.clamp(y, 0, h - 1) * w + _C.clamp(x, 0, w - 1)).to(_C.int64)
        picked = flat.gather(2, index.reshape(n, 1, ho * wo).expand(n, c, ho * wo))
        return picked.reshape(n, c, ho, wo) * inside.unsqueeze(1).to(input.dtype)

    if mode == "nearest":
        return sample(_C.round(ix).detach(), _C.round(iy).detach())
    x0, y0 = _C.floor(ix).detach(), _C.floor(iy).detach()
    x1, y1 = x0 + 1, y0 + 1
    wx1, wy1 = (ix - x0).unsqueeze(1), (iy - y0).unsqueeze(1)
    wx0, wy0 = 1 - wx1, 1 - wy1
    return (sample(x0, y0) * wx0 * wy0 + sample(x1, y0) * wx1 * wy0
            + sample(x0, y1) * wx0 * wy1 + sample(x1, y1) * wx1 * wy1)
