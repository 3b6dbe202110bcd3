"""deepseek.nn.functional: stateless layer functions (the math behind nn modules).

Signatures follow torch.nn.functional. This module only parses PyTorch's flexible
arguments (an int or a tuple for spatial sizes, padding strings, the legacy
size_average/reduce flags, None for "keep this size") and calls the C++ ops in
deepseek._C._nn, where validation, kernels and backward formulas live.
"""
import warnings

from deepseek import _C
from deepseek._C import Tensor

_nn = _C._nn
_REDUCTIONS = ("none", "mean", "sum")

__all__ = [
    "relu", "relu_", "gelu", "silu", "tanh", "sigmoid", "leaky_relu", "elu", "softplus",
    "hardtanh", "relu6", "logsigmoid", "glu", "softmax", "log_softmax", "softmin", "normalize",
    "celu", "selu", "hardsigmoid", "hardswish", "mish", "softsign", "tanhshrink", "softshrink",
    "hardshrink", "threshold", "prelu", "interpolate", "upsample", "cosine_similarity",
    "pairwise_distance", "cdist", "margin_ranking_loss", "hinge_embedding_loss",
    "soft_margin_loss", "multilabel_soft_margin_loss", "cosine_embedding_loss",
    "triplet_margin_loss", "multi_margin_loss", "poisson_nll_loss", "gaussian_nll_loss",
    "instance_norm", "local_response_norm", "pixel_shuffle", "pixel_unshuffle",
    "channel_shuffle", "bilinear", "unfold", "fold", "softmax2d", "alpha_dropout",
    "feature_alpha_dropout", "embedding_bag", "affine_grid", "grid_sample",
    "linear", "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool1d",
    "max_pool2d", "max_pool1d_with_indices",
    "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d", "batch_norm",
    "layer_norm", "rms_norm", "group_norm", "embedding", "one_hot", "dropout", "dropout1d",
    "dropout2d", "dropout3d", "cross_entropy", "nll_loss", "mse_loss", "l1_loss",
    "smooth_l1_loss", "huber_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "kl_div", "pad", "scaled_dot_product_attention",
]


# ------------------------------------------------------------------------ argument helpers

def _int_list(value, name="argument"):
    """An int or a sequence of ints as a list of ints (PyTorch's `int or tuple`)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int or a tuple of ints, got bool")
    if isinstance(value, int):
        return [value]
    try:
        return [int(v) for v in value]
    except TypeError:
        raise TypeError(f"{name} must be an int or a tuple of ints, got "
                        f"{type(value).__name__}") from None


def _optional_tensor(value, name):
    if value is not None and not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a Tensor or None, got {type(value).__name__}")
    return value


def _legacy_reduction(size_average, reduce):
    """Maps the deprecated size_average/reduce flags to a reduction string."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  "reduction='{}' instead.".format(
                      "none" if not reduce else "mean" if size_average else "sum"))
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce)
    return reduction


def _check_tensors(name, *tensors):
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): expected Tensor arguments, got {type(t).__name__}")


# ------------------------------------------------------------------------------ activations

def relu(input, inplace=False):
    return input.relu_() if inplace else _C.relu(input)


def relu_(input):
    return input.relu_()


def gelu(input, approximate="none"):
    return _C.gelu(input, approximate)


def silu(input, inplace=False):
    if inplace:
        return input.copy_(_C.silu(input))
    return _C.silu(input)


def tanh(input):
    return _C.tanh(input)


def sigmoid(input):
    return _C.sigmoid(input)


def _maybe_inplace(input, result, inplace):
    return input.copy_(result) if inplace else result


def _activation(input, compute, inplace):
    """compute(input), written into input when inplace. Under autograd the computation reads
    a copy: the ops behind it save their input for backward, and overwriting that input
    would invalidate what they saved."""
    if not inplace:
        return compute(input)
    source = input.clone() if input.requires_grad and _C.is_grad_enabled() else input
    return input.copy_(compute(source))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _activation(input, lambda x: _C.where(x > 0, x, x * negative_slope), inplace)


def elu(input, alpha=1.0, inplace=False):
    return _activation(
        input, lambda x: _C.where(x > 0, x, _C.expm1(_C.clamp(x, None, 0.0)) * alpha), inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    scaled = input * beta
    # log1p(exp(-|z|)) + max(z, 0) never overflows.
    smooth = (_C.log1p(_C.exp(-_C.abs(scaled))) + _C.clamp(scaled, 0.0, None)) / beta
    return _C.where(scaled > threshold, input, smooth)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _activation(input, lambda x: _C.clamp(x, min_val, max_val), inplace)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def logsigmoid(input):
    return -softplus(-input)


def celu(input, alpha=1.0, inplace=False):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: celu: alpha must not be 0")
    return _activation(
        input, lambda x: _C.where(x > 0, x, _C.expm1(_C.clamp(x / alpha, None, 0.0)) * alpha),
        inplace)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    return _activation(input, lambda x: elu(x, _SELU_ALPHA) * _SELU_SCALE, inplace)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    return _activation(input, lambda x: _C.clamp(x + 3.0, 0.0, 6.0) / 6.0, inplace)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    return _activation(input, lambda x: x * (_C.clamp(x + 3.0, 0.0, 6.0) / 6.0), inplace)


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    return _activation(input, lambda x: x * _C.tanh(softplus(x)), inplace)


def softsign(input):
    return input / (_C.abs(input) + 1.0)


def tanhshrink(input):
    return input - _C.tanh(input)


def softshrink(input, lambd=0.5):
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return _C.where(input > lambd, input - lambd,
                    _C.where(input < -lambd, input + lambd, input * 0.0))


def hardshrink(input, lambd=0.5):
    return _C.where((input > lambd) | (input < -lambd), input, input * 0.0)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value."""
    # (NaN gets value, as in torch)
    return _activation(input, lambda x: x.masked_fill(~(x > threshold), value), inplace)


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), with one weight, or one per channel (dim 1)."""
    if not isinstance(weight, _C.Tensor):
        raise TypeError(f"prelu(): weight must be a Tensor, got {type(weight).__name__}")
    if weight.dim() > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.dim()}")
    channels = input.shape[1] if input.dim() >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {weight.numel()} and channel size = {channels}.")
    if weight.numel() != 1 and input.dim() >= 2:
        weight = weight.reshape([channels] + [1] * (input.dim() - 2))
    elif weight.numel() == 1:
        weight = weight.reshape([])
    return _C.where(input > 0, input, input * weight)


def glu(input, dim=-1):
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if input.shape[dim] % 2 != 0:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size "
                           f"{input.shape[dim]}")
    a, b = _C.chunk(input, 2, dim)
    return a * _C.sigmoid(b)


def _implicit_softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_softmax_dim("softmax", input.dim())
    return _C.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_softmax_dim("log_softmax", input.dim())
    return _C.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_softmax_dim("softmin", input.dim())
    return _C.softmax(-input, dim, dtype)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    if out is not None:
        raise TypeError("normalize(): out= is not supported")
    denom = _C.clamp(_C.norm(input, p, dim, True), eps, None)
    return input / denom.expand_as(input)


# ----------------------------------------------------------------------------------- linear

def linear(input, weight, bias=None):
    """y = input @ weight.T + bias (weight is [out_features, in_features])."""
    return _C._linear(input, weight, bias)


# ---------------------------------------------------------------------------- convolutions

def _conv(fn, input, weight, bias, stride, padding, dilation, groups):
    _check_tensors(fn, input, weight)
    _optional_tensor(bias, "bias")
    if not isinstance(padding, str):
        padding = _int_list(padding, "padding")
    return getattr(_nn, fn)(input, weight, bias, _int_list(stride, "stride"), padding,
                            _int_list(dilation, "dilation"), int(groups))


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv("conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv("conv2d", input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(fn, input, weight, bias, stride, padding, output_padding, groups,
                    dilation):
    _check_tensors(fn, input, weight)
    _optional_tensor(bias, "bias")
    return getattr(_nn, fn)(input, weight, bias, _int_list(stride, "stride"),
                            _int_list(padding, "padding"),
                            _int_list(output_padding, "output_padding"), int(groups),
                            _int_list(dilation, "dilation"))


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose("conv_transpose1d", input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose("conv_transpose2d", input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


# --------------------------------------------------------------------------------- pooling

def _stride(stride, kernel_size):
    """PyTorch: stride None (or an empty list) means stride = kernel_size."""
    if stride is None or (not isinstance(stride, int) and len(stride) == 0):
        return []
    return _int_list(stride, "stride")


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return _nn.max_pool1d_with_indices(input, _int_list(kernel_size, "kernel_size"),
                                       _stride(stride, kernel_size), _int_list(padding, "padding"),
                                       _int_list(dilation, "dilation"), bool(ceil_mode))


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return _nn.max_pool2d_with_indices(input, _int_list(kernel_size, "kernel_size"),
                                       _stride(stride, kernel_size), _int_list(padding, "padding"),
                                       _int_list(dilation, "dilation"), bool(ceil_mode))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    out, indices = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation,
                                           ceil_mode)
    return (out, indices) if return_indices else out


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    out, indices = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation,
                                           ceil_mode)
    return (out, indices) if return_indices else out


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return _nn.avg_pool1d(input, _int_list(kernel_size, "kernel_size"),
                          _stride(stride, kernel_size), _int_list(padding, "padding"),
                          bool(ceil_mode), bool(count_include_pad))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _nn.avg_pool2d(input, _int_list(kernel_size, "kernel_size"),
                          _stride(stride, kernel_size), _int_list(padding, "padding"),
                          bool(ceil_mode), bool(count_include_pad), divisor_override)


def _output_size(input, output_size, dims):
    """output_size as a list of `dims` ints; None entries keep the input's size."""
    if output_size is None or isinstance(output_size, int):
        output_size = [output_size] * dims
    sizes = list(output_size)
    if len(sizes) == 1 and dims > 1:
        sizes = sizes * dims
    if len(sizes) != dims:
        raise RuntimeError(f"adaptive pooling: output_size must be an int or a tuple of {dims} "
                           f"ints, got {output_size}")
    spatial = input.shape[input.dim() - dims:]
    return [int(spatial[i]) if s is None else int(s) for i, s in enumerate(sizes)]


def adaptive_avg_pool1d(input, output_size):
    return _nn.adaptive_avg_pool1d(input, _output_size(input, output_size, 1))


def adaptive_avg_pool2d(input, output_size):
    return _nn.adaptive_avg_pool2d(input, _output_size(input, output_size, 2))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    out, indices = _nn.adaptive_max_pool1d_with_indices(input, _output_size(input, output_size, 1))
    return (out, indices) if return_indices else out


def adaptive_max_pool2d(input, output_size, return_indices=False):
    out, indices = _nn.adaptive_max_pool2d_with_indices(input, _output_size(input, output_size, 2))
    return (out, indices) if return_indices else out


# --------------------------------------------------------------------------- normalisation

def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    return _nn.batch_norm(input, running_mean, running_var, weight, bias, bool(training),
                          float(momentum), float(eps))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    return _nn.layer_norm(input, _int_list(normalized_shape, "normalized_shape"), weight, bias,
                          float(eps))


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return _nn.rms_norm(input, _int_list(normalized_shape, "normalized_shape"), weight,
                        None if eps is None else float(eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    return _nn.group_norm(input, int(num_groups), weight, bias, float(eps))


# -------------------------------------------------------------------- embedding and dropout

def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    if sparse:
        raise NotImplementedError("embedding: sparse gradients are not supported; use "
                                  "sparse=False")
    return _nn.embedding(input, weight, padding_idx,
                         None if max_norm is None else float(max_norm), float(norm_type),
                         bool(scale_grad_by_freq))


def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape tensor.shape + (num_classes,) with a 1 at each class index."""
    if not isinstance(tensor, Tensor):
        raise RuntimeError("one_hot is only applicable to index tensor.")
    return _nn.one_hot(tensor, int(num_classes))


def _check_dropout_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p=0.5, training=True, inplace=False):
    _check_dropout_p(p)
    return _maybe_inplace(input, _nn.dropout(input, float(p), bool(training)),
                          inplace and training)


def _feature_dropout(input, p, training, inplace, spatial_dims):
    _check_dropout_p(p)
    return _maybe_inplace(input, _nn.feature_dropout(input, float(p), bool(training),
                                                     spatial_dims), inplace and training)


def dropout1d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 1)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of [N, C, H, W] input. Like PyTorch (1.13 through 2.x), other
    ranks warn and zero input[n, c] slices of [N, C, *] (a 3-D input counts as [N, C, L],
    a 2-D input loses single elements); 1-D input is an error."""
    _check_dropout_p(p)
    if input.dim() != 4:
        _warn_dropout2d_rank(input.dim())
        if input.dim() < 2:
            raise RuntimeError(f"dropout2d: Feature dropout requires at least 2 dimensions in "
                               f"the input, got a {input.dim()}-D input")
        # Masking every dimension after the first two: [N, C, 1, ...] (nothing for 2-D).
        result = _nn.feature_dropout(input, float(p), bool(training), input.dim() - 2)
        return _maybe_inplace(input, result, inplace and training)
    return _feature_dropout(input, p, training, inplace, 2)


def _warn_dropout2d_rank(dim):
    if dim != 3:
        warnings.warn(f"dropout2d: Received a {dim}-D input to dropout2d, which is deprecated "
                      "and will result in an error in a future release. To retain the behavior "
                      "and silence this warning, please use dropout instead. Note that dropout2d "
                      "exists to provide channel-wise dropout on inputs with 2 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. "
                      "3D or 4D inputs).", stacklevel=3)
    else:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                      "channel-wise 1D dropout behavior is desired - input is interpreted as "
                      "shape (N, C, L), where C is the channel dim. This behavior will change in "
                      "a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
                      "behavior, please switch to using dropout1d instead.", stacklevel=3)


def dropout3d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 3)


# ----------------------------------------------------------------------------------- losses

def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    _check_tensors("cross_entropy", input, target)
    return _nn.cross_entropy(input, target, weight, int(ignore_index),
                             _reduction(size_average, reduce, reduction), float(label_smoothing))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    _check_tensors("nll_loss", input, target)
    return _nn.nll_loss(input, target, weight, int(ignore_index),
                        _reduction(size_average, reduce, reduction))


def _pointwise(name, input, target, size_average, reduce, reduction):
    reduction = _reduction(size_average, reduce, reduction)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if not isinstance(input, Tensor) or not isinstance(target, Tensor):
        raise TypeError(f"{name}(): input and target must be Tensors, got "
                        f"{type(input).__name__} and {type(target).__name__}")
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.", stacklevel=3)
    return reduction


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _pointwise("mse_loss", input, target, size_average, reduce, reduction)
    return _nn.mse_loss(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _pointwise("l1_loss", input, target, size_average, reduce, reduction)
    return _nn.l1_loss(input, target, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    reduction = _pointwise("smooth_l1_loss", input, target, size_average, reduce, reduction)
    return _nn.smooth_l1_loss(input, target, reduction, float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0):
    reduction = _pointwise("huber_loss", input, target, None, None, reduction)
    return _nn.huber_loss(input, target, reduction, float(delta))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    _check_tensors("binary_cross_entropy_with_logits", input, target)
    return _nn.binary_cross_entropy_with_logits(
        input, target, weight, _reduction(size_average, reduce, reduction), pos_weight)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    _check_tensors("binary_cross_entropy", input, target)
    return _nn.binary_cross_entropy(input, target, weight,
                                    _reduction(size_average, reduce, reduction))


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    reduction = _reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.")
    return _nn.kl_div(input, target, reduction, bool(log_target))


# ------------------------------------------------------------------------ padding, attention

def pad(input, pad, mode="constant", value=None):
    """Pads the last len(pad)//2 dims: pad = (last_left, last_right, prev_left, ...).

    Modes: constant (negative amounts crop), reflect, replicate, circular.
    """
    return _nn.pad(input, _int_list(pad, "pad"), mode, None if value is None else float(value))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, *, window_size=None):
    """softmax(query @ key.T * scale + mask) @ value without materialising the scores.

    attn_mask: bool (True = attend) or additive float, broadcastable to [..., L, S].
    window_size (an extension): query i attends only to keys i - window_size < j <= i, a
    causal sliding window. Double backward is not supported.
    """
    return _nn.scaled_dot_product_attention(
        query, key, value, attn_mask, float(dropout_p), bool(is_causal),
        None if scale is None else float(scale), 0 if window_size is None else int(window_size))


from deepseek.nn._interpolate import interpolate, upsample  # noqa: E402,F401
from deepseek.nn._losses_extra import (  # noqa: E402,F401
    cosine_similarity, pairwise_distance, cdist, margin_ranking_loss, hinge_embedding_loss,
    soft_margin_loss, multilabel_soft_margin_loss, cosine_embedding_loss, triplet_margin_loss,
    multi_margin_loss, poisson_nll_loss, gaussian_nll_loss,
)
from deepseek.nn._functional_layers import (  # noqa: E402,F401
    instance_norm, local_response_norm, pixel_shuffle, pixel_unshuffle, channel_shuffle,
    bilinear, unfold, fold, softmax2d, alpha_dropout, feature_alpha_dropout, embedding_bag,
    affine_grid, grid_sample,
)
