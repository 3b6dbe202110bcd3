"""Distance functions and the less common losses (PyTorch's formulas), composed from deepseek
ops so autograd differentiates them: cosine_similarity, pairwise_distance, cdist,
margin_ranking_loss, hinge_embedding_loss, soft_margin_loss, multilabel_soft_margin_loss,
cosine_embedding_loss, triplet_margin_loss, multi_margin_loss, poisson_nll_loss,
gaussian_nll_loss."""
import math

from deepseek import _C

_REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduction(size_average, reduce, reduction):
    from deepseek.nn.functional import _reduction as resolve  # (functional imports this)
    return resolve(size_average, reduce, reduction)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """<x1, x2> / max(|x1| |x2|, eps) along dim (PyTorch 1.13's definition)."""
    dot = (x1 * x2).sum(dim)
    norms = _C.sqrt((x1 * x1).sum(dim) * (x2 * x2).sum(dim))
    return dot / _C.clamp(norms, eps, None)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """|x1 - x2 + eps|_p over the last dim."""
    return _C.norm(x1 - x2 + eps, p, -1, keepdim)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """[..., P, R] distances between the rows of x1 [..., P, M] and x2 [..., R, M]."""
    if x1.dim() < 2 or x2.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)  # [..., P, R, M]
    if p == 0:
        return (diff != 0).to(x1.dtype).sum(-1)
    return _C.norm(diff, p, -1, False)


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                        reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    loss = _C.clamp(-target * (input1 - input2) + margin, 0.0, None)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    zeros = input * 0
    margin_part = _C.where(target != 1, _C.clamp(margin - input, 0.0, None), zeros)
    own_part = _C.where(target != -1, input, zeros)
    return _reduce(margin_part + own_part, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    from deepseek.nn.functional import softplus
    return _reduce(softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    from deepseek.nn.functional import logsigmoid
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(-1) / input.shape[-1]  # mean over classes
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    eps = 1e-12  # PyTorch's EPSILON in this loss
    dim = input1.dim() - 1
    prod = (input1 * input2).sum(dim)
    mag = _C.sqrt(((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps))
    cos = prod / mag
    zeros = cos * 0
    loss = _C.where(target == 1, 1 - cos, zeros) + _C.where(
        target == -1, _C.clamp(cos - margin, 0.0, None), zeros)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _C.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(_C.clamp(margin + d_pos - d_neg, 0.0, None), reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """sum over i != y of max(0, margin - x[y] + x[i])^p / C, per sample."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.dim() == 2 else input.reshape(1, -1)
    y = target.reshape(-1, 1)
    classes = x.shape[1]
    x_y = x.gather(1, y)
    loss = _C.clamp(margin - x_y + x, 0.0, None)
    if p == 2:
        loss = loss * loss
    if weight is not None:
        loss = loss * weight.index_select(0, y.reshape(-1)).reshape(-1, 1)
    from deepseek._factories import zeros_like
    mask = zeros_like(loss, dtype=_C.bool).scatter(1, y, True)
    loss = loss.masked_fill(mask, 0).sum(1) / classes
    if input.dim() != 2:
        loss = loss.reshape([])
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = _C.exp(input) - target * input
    else:
        loss = input - target * _C.log(input + eps)
    if full:
        stirling = target * _C.log(target) - target + 0.5 * _C.log(2 * math.pi * target)
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    if var.dim() != input.dim():
        if input.shape[:-1] == var.shape:  # one variance per sample
            var = var.unsqueeze(-1)
        elif not (input.shape[:-1] == var.shape[:-1] and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    # Clamped for the value only, as PyTorch does (an untracked in-place clamp of a copy):
    # the gradient with respect to var is the unclamped one.
    from deepseek.autograd.grad_mode import no_grad
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (_C.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)
