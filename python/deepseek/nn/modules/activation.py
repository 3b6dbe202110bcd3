"""Activation modules: thin shells over deepseek.nn.functional; and MultiheadAttention,
which PyTorch keeps in this file too (code imports it from here)."""
import math

from deepseek import _C
from deepseek.nn import functional as F
from deepseek.nn import init
from deepseek.nn.modules.linear import NonDynamicallyQuantizableLinear
from deepseek.nn.modules.module import Module
from deepseek.nn.parameter import Parameter


class _InplaceActivation(Module):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class ReLU(_InplaceActivation):
    def forward(self, input):
        return F.relu(input, inplace=self.inplace)


class SiLU(_InplaceActivation):
    def forward(self, input):
        return F.silu(input, inplace=self.inplace)


class GELU(Module):
    """GELU(approximate='none' | 'tanh')."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Tanh(Module):
    def forward(self, input):
        return F.tanh(input)


class Sigmoid(Module):
    def forward(self, input):
        return F.sigmoid(input)


class LeakyReLU(_InplaceActivation):
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__(inplace)
        self.negative_slope = negative_slope

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace
                                                           else "")


class ELU(_InplaceActivation):
    def __init__(self, alpha=1.0, inplace=False):
        super().__init__(inplace)
        self.alpha = alpha

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class CELU(ELU):
    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)


class SELU(_InplaceActivation):
    def forward(self, input):
        return F.selu(input, self.inplace)


class Hardtanh(_InplaceActivation):
    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__(inplace)
        if min_val > max_val:
            raise ValueError("min_val cannot be greater than max_val")
        self.min_val, self.max_val = min_val, max_val

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return (f"min_val={self.min_val}, max_val={self.max_val}"
                + (", inplace=True" if self.inplace else ""))


class ReLU6(Hardtanh):
    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Hardsigmoid(_InplaceActivation):
    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)

    def extra_repr(self):
        return ""  # (torch does not show inplace here)


class Hardswish(_InplaceActivation):
    def forward(self, input):
        return F.hardswish(input, self.inplace)

    def extra_repr(self):
        return ""  # (torch does not show inplace here)


class Mish(_InplaceActivation):
    def forward(self, input):
        return F.mish(input, self.inplace)


class Threshold(_InplaceActivation):
    def __init__(self, threshold, value, inplace=False):
        super().__init__(inplace)
        self.threshold, self.value = threshold, value

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return (f"threshold={self.threshold}, value={self.value}"
                + (", inplace=True" if self.inplace else ""))


class Softplus(Module):
    def __init__(self, beta=1, threshold=20):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class _Shrink(Module):
    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def extra_repr(self):
        return str(self.lambd)


class Softshrink(_Shrink):
    def forward(self, input):
        return F.softshrink(input, self.lambd)


class Hardshrink(_Shrink):
    def forward(self, input):
        return F.hardshrink(input, self.lambd)


class LogSigmoid(Module):
    def forward(self, input):
        return F.logsigmoid(input)


class Softsign(Module):
    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    def forward(self, input):
        return F.tanhshrink(input)


class GLU(Module):
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class PReLU(Module):
    """max(0, x) + a * min(0, x) with a learnable `a`: one, or one per channel."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(_C._empty([num_parameters], dtype, device, False))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class _SoftmaxBase(Module):
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        self.__dict__.update(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)


class LogSoftmax(_SoftmaxBase):
    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)


class Softmax2d(Module):
    """Softmax over the channels of [N, C, H, W] (or [C, H, W]) input."""

    def forward(self, input):
        return F.softmax2d(input)


class Softmin(_SoftmaxBase):
    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)


# ----------------------------------------------------------------------- MultiheadAttention

def _additive_mask(mask, name, dtype):
    """A bool mask (True = do not attend) or a float mask (added to the scores) as a float
    mask of `dtype`: 0 where attending, -inf where not."""
    if mask is None:
        return None
    if mask.dtype == _C.bool:
        return _C._zeros(list(mask.shape), dtype, mask.device, False).masked_fill(
            mask, float("-inf"))
    if not mask.dtype.is_floating_point:
        raise TypeError(f"only bool and floating types of {name} are supported, got "
                        f"{mask.dtype}")
    return mask.to(dtype)


def _causal_mask(length, source_length, dtype, device):
    """[length, source_length] float mask: -inf above the diagonal (key j > query i)."""
    ones = _C._ones([length, source_length], _C.bool, device, False)
    return _C._zeros([length, source_length], dtype, device, False).masked_fill(
        ones.triu(1), float("-inf"))


class MultiheadAttention(Module):
    """softmax(Q K^T / sqrt(head_dim) + masks) V over num_heads heads, with PyTorch's
    parameters (in_proj_weight/in_proj_bias, or q/k/v_proj_weight when kdim or vdim differ
    from embed_dim; out_proj; optional bias_k/bias_v), init, masks and return values.

    forward(query, key, value) takes [L, N, E] (or [N, L, E] with batch_first, or unbatched
    [L, E]) and returns (output, weights): weights are [N, L, S] (averaged over heads) or
    [N, num_heads, L, S], or None with need_weights=False, which runs the fused
    scaled_dot_product_attention. Masks: key_padding_mask [N, S] and attn_mask [L, S] or
    [N * num_heads, L, S], bool (True = may not attend) or float (added to the scores).
    is_causal=True applies the causal mask; given with attn_mask it is a hint that attn_mask
    is that mask (PyTorch's meaning). Unlike PyTorch, is_causal without attn_mask is
    accepted and applies the causal mask instead of raising.
    """

    __constants__ = ["batch_first"]

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        if embed_dim % num_heads != 0:
            raise ValueError(f"embed_dim must be divisible by num_heads, got embed_dim="
                             f"{embed_dim} and num_heads={num_heads}")
        super().__init__()
        if isinstance(device, str):
            device = _C.device(device)
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads

        def empty(*shape):
            return Parameter(_C._empty(list(shape), dtype, device, False))
        if self._qkv_same_embed_dim:
            self.in_proj_weight = empty(3 * embed_dim, embed_dim)
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = empty(embed_dim, embed_dim)
            self.k_proj_weight = empty(embed_dim, self.kdim)
            self.v_proj_weight = empty(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = empty(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        device=device, dtype=dtype)
        if add_bias_kv:
            self.bias_k = empty(1, 1, embed_dim)
            self.bias_v = empty(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def _project(self, query, key, value):
        """The q, k, v input projections ([N, L|S, E] each)."""
        bias = self.in_proj_bias
        b_q = b_k = b_v = None
        if bias is not None:
            b_q, b_k, b_v = bias.chunk(3)
        if not self._qkv_same_embed_dim:
            return (F.linear(query, self.q_proj_weight, b_q),
                    F.linear(key, self.k_proj_weight, b_k),
                    F.linear(value, self.v_proj_weight, b_v))
        if query is key and key is value:  # self-attention: one GEMM for all three
            return F.linear(query, self.in_proj_weight, bias).chunk(3, -1)
        w_q, w_k, w_v = self.in_proj_weight.chunk(3)
        return F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)

    def _check_shapes(self, query, key, value, key_padding_mask, attn_mask):
        if query.dim() not in (2, 3):
            raise ValueError("query should be unbatched 2D or batched 3D tensor but received "
                             f"{query.dim()}-D query tensor")
        if key.dim() != query.dim() or value.dim() != query.dim():
            raise ValueError(f"For {'batched (3-D)' if query.dim() == 3 else 'unbatched (2-D)'}"
                             f" `query`, expected `key` and `value` to be {query.dim()}-D but "
                             f"found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if query.shape[-1] != self.embed_dim:
            raise ValueError(f"was expecting embedding dimension of {self.embed_dim}, but got "
                             f"{query.shape[-1]}")
        if key.shape[-1] != self.kdim or value.shape[-1] != self.vdim:
            raise ValueError(f"expected key and value feature sizes {self.kdim} and "
                             f"{self.vdim}, got {key.shape[-1]} and {value.shape[-1]}")
        if key.shape[:-1] != value.shape[:-1]:
            raise ValueError(f"key shape {list(key.shape)} does not match value shape "
                             f"{list(value.shape)}")
        if key_padding_mask is not None:
            expected = [key.shape[0]] if query.dim() == 2 else \
                [key.shape[0 if self.batch_first else 1], key.shape[1 if self.batch_first else 0]]
            if list(key_padding_mask.shape) != expected:
                raise ValueError(f"expecting key_padding_mask shape of {expected}, but got "
                                 f"{list(key_padding_mask.shape)}")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        self._check_shapes(query, key, value, key_padding_mask, attn_mask)
        batched = query.dim() == 3
        if not batched:  # one sequence: a batch of one
            query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif not self.batch_first:  # work batch-first: [N, L, E]
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        output, weights = self._attend(query, key, value, key_padding_mask, need_weights,
                                       attn_mask, is_causal)
        if weights is not None and average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            output = output.squeeze(0)
            weights = None if weights is None else weights.squeeze(0)
        elif not self.batch_first:
            output = output.transpose(0, 1)
        return output, weights

    def _attend(self, query, key, value, key_padding_mask, need_weights, attn_mask, is_causal):
        """Batch-first attention: returns ([N, L, E] output, [N, H, L, S] weights or None)."""
        batch, length, source = query.shape[0], query.shape[1], key.shape[1]
        heads, head_dim = self.num_heads, self.head_dim
        q, k, v = self._project(query, key, value)
        dtype = q.dtype
        attn_mask = _additive_mask(attn_mask, "attn_mask", dtype)
        key_padding_mask = _additive_mask(key_padding_mask, "key_padding_mask", dtype)
        if attn_mask is not None:
            expected = [length, source] if attn_mask.dim() == 2 else \
                [batch * heads, length, source]
            if list(attn_mask.shape) != expected:
                raise RuntimeError(f"The shape of the {attn_mask.dim()}D attn_mask is "
                                   f"{list(attn_mask.shape)}, but should be {expected}.")
            if attn_mask.dim() == 3:
                attn_mask = attn_mask.view(batch, heads, length, source)
        elif is_causal:
            attn_mask = _causal_mask(length, source, dtype, q.device)
        extra_keys = 0
        if self.bias_k is not None:
            k = _C.cat([k, self.bias_k.expand(batch, 1, self.embed_dim)], 1)
            v = _C.cat([v, self.bias_v.expand(batch, 1, self.embed_dim)], 1)
            extra_keys += 1
        # [N, L, E] -> [N, H, L, head_dim]
        q = q.reshape(batch, length, heads, head_dim).transpose(1, 2)
        k = k.reshape(batch, source + extra_keys, heads, head_dim).transpose(1, 2)
        v = v.reshape(batch, source + extra_keys, heads, head_dim).transpose(1, 2)
        if self.add_zero_attn:
            zeros = _C._zeros([batch, heads, 1, head_dim], dtype, q.device, False)
            k, v = _C.cat([k, zeros], 2), _C.cat([v, zeros], 2)
            extra_keys += 1
        if extra_keys:  # the appended keys are attended by every query
            if attn_mask is not None:
                attn_mask = F.pad(attn_mask, [0, extra_keys])
            if key_padding_mask is not None:
                key_padding_mask = F.pad(key_padding_mask, [0, extra_keys])
        mask = attn_mask
        if key_padding_mask is not None:
            padding = key_padding_mask.view(batch, 1, 1, source + extra_keys)
            mask = padding if mask is None else mask + padding
        dropout_p = self.dropout if self.training else 0.0
        if need_weights:
            scores = (q * (1.0 / math.sqrt(head_dim))) @ k.transpose(-2, -1)
            if mask is not None:
                scores = scores + mask
            weights = F.softmax(scores, -1)
            if dropout_p > 0.0:
                weights = F.dropout(weights, dropout_p)
            out = weights @ v
        else:
            weights = None
            # The hint: with no padding mask the given attn_mask is the causal mask, which the
            # fused kernel applies without reading a mask.
            causal = is_causal and key_padding_mask is None and not extra_keys
            out = F.scaled_dot_product_attention(q, k, v, None if causal else mask, dropout_p,
                                                 is_causal=causal)
        out = out.transpose(1, 2).reshape(batch, length, self.embed_dim)
        return F.linear(out, self.out_proj.weight, self.out_proj.bias), weights
