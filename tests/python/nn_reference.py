"""Reference forms of nn.functional ops for the comparison with torch 1.13, which lacks
some of them (rms_norm, scaled_dot_product_attention): with lib = torch they are composed
from plain torch ops, with lib = deepseek they call deepseek's own op. Used by the
gradcheck table (test_gradcheck.py) and test_nn_functional.py.
"""
import deepseek


def _functional(lib):
    return lib.nn.functional


def rms_norm(lib, x, normalized_shape, weight=None, eps=1e-6):
    f = _functional(lib)
    if lib is deepseek or hasattr(f, "rms_norm"):
        return f.rms_norm(x, normalized_shape, weight, eps)
    dims = tuple(range(-len(normalized_shape), 0))
    y = x * lib.rsqrt((x * x).mean(dims, keepdim=True) + eps)
    return y if weight is None else y * weight


def sdpa(lib, q, k, v, attn_mask=None, is_causal=False, scale=None, window_size=None):
    """softmax(q k^T * scale + mask) v; window_size: keys i - w < j <= i (deepseek's
    extension, composed from masks for the reference)."""
    if lib is deepseek:
        return deepseek.nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask, is_causal=is_causal, scale=scale, window_size=window_size)
    L, S = q.shape[-2], k.shape[-2]
    s = (q @ k.transpose(-2, -1)) * (q.shape[-1] ** -0.5 if scale is None else scale)
    if is_causal or window_size:
        keep = lib.ones(L, S, dtype=lib.bool).tril()
        if window_size:
            keep = keep & ~lib.ones(L, S, dtype=lib.bool).tril(-window_size)
        s = s.masked_fill(~keep, float("-inf"))
    if attn_mask is not None:
        s = s.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == lib.bool \
            else s + attn_mask
    return lib.softmax(s, -1) @ v


def seeded_dropout(lib, x, p=0.4, seed=1234, feature=False):
    """deepseek's dropout with a fixed seed (deterministic, so gradcheck can difference it).
    For torch the same mask, taken from deepseek, is applied: dropout is x * mask / (1 - p)."""
    deepseek.manual_seed(seed)
    drop = deepseek.nn.functional.dropout2d if feature else deepseek.nn.functional.dropout
    if lib is deepseek:
        return drop(x, p, training=True)
    ones = deepseek.ones(tuple(x.shape), dtype=deepseek.float64)
    mask = lib.tensor(drop(ones, p, training=True).numpy())
    return x * mask
