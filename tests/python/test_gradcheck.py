"""THE gradcheck table: one row per differentiable op.

Every row runs, in float64:
  * gradcheck      - the backward formula against central finite differences,
  * gradgradcheck  - the formula is itself differentiable and right (create_graph=True),
  * a comparison with torch (forward values and gradients), where torch is installed.

Adding an op = adding a row: Row(name, fn, inputs). `fn(lib, *inputs)` is written once and
runs with lib = deepseek and lib = torch; use `nnf(lib)` for torch.nn.functional ops. Inputs
are specs (below) that draw a float64 array for the row, or plain Python values passed as is.
Pick specs that keep inputs away from the points where the op is not differentiable (ties
for max/min, 0 for abs/relu, integers for floor/round, bounds for clamp, ...).
"""
import dataclasses
import zlib
from typing import Any, Callable, Tuple

import numpy as np
import pytest

import deepseek
import nn_reference  # references for nn.functional ops torch 1.13 lacks

# ---------------------------------------------------------------------------- input specs


@dataclasses.dataclass(frozen=True)
class Spec:
    """A tensor input: `draw(rng)` gives its values; float specs require grad by default."""
    draw: Callable[[np.random.Generator], np.ndarray]
    requires_grad: bool = True


def T(*shape, low=-1.0, high=1.0, grad=True):
    """Uniform floats in [low, high]."""
    return Spec(lambda rng: rng.uniform(low, high, shape), grad)


def Pos(*shape, low=0.5, high=2.0):
    """Positive floats (log, sqrt, pow bases)."""
    return T(*shape, low=low, high=high)


def NonZero(*shape, low=0.3, high=1.5):
    """Floats bounded away from 0 with random signs (abs, relu, sign, reciprocal)."""
    return Spec(lambda rng: rng.choice([-1.0, 1.0], shape) * rng.uniform(low, high, shape))


def Distinct(*shape, scale=1.0, offset=0.0):
    """Floats at least 0.1*scale apart, shuffled: no ties for max/min/norm(inf)/sort."""
    n = int(np.prod(shape))

    def draw(rng):
        grid = (np.arange(n) - n / 2) * 0.1 * scale + offset
        return (rng.permutation(grid) + rng.uniform(0, 0.02 * scale, n)).reshape(shape)
    return Spec(draw)


def Interleaved(*shape, phase):
    """Floats on a grid of step 0.2 shifted by `phase`: two specs with phases 0.05 and 0.15
    never tie (maximum/minimum)."""
    return Spec(lambda rng: rng.integers(-8, 8, shape) * 0.2 + phase)


def Frac(*shape):
    """Floats at least 0.2 away from every integer and half-integer (floor/ceil/round)."""
    return Spec(lambda rng: rng.integers(-3, 3, shape) + rng.choice([0.2, 0.3, 0.7, 0.8], shape))


def WithZeros(values):
    """Fixed values (prod with zeros in them)."""
    return Spec(lambda rng: np.array(values, dtype=np.float64))


@dataclasses.dataclass(frozen=True)
class Const:
    """A constant, non-differentiable tensor (indices, masks)."""
    value: Any
    dtype: str  # "int64" | "bool" | "float64"


def Index(values):
    return Const(np.array(values, dtype=np.int64), "int64")


def Mask(values):
    return Const(np.array(values, dtype=bool), "bool")


# ------------------------------------------------------------------------------- the table


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    fn: Callable[..., Any]  # fn(lib, *inputs) -> Tensor or tuple of Tensors
    inputs: Tuple[Any, ...]
    gradgrad: bool = True  # also check second derivatives
    eps: float = 1e-6
    atol: float = 1e-5
    rtol: float = 1e-3


def nnf(lib):
    """lib.nn.functional, or the same functions from deepseek's core before it has `nn`."""
    nn = getattr(lib, "nn", None)
    if nn is not None and hasattr(nn, "functional"):
        return nn.functional
    return _CoreFunctional


class _CoreFunctional:
    gelu = staticmethod(lambda x, approximate="none": deepseek.gelu(x, approximate))
    silu = staticmethod(deepseek.silu)
    relu = staticmethod(deepseek.relu)
    softmax = staticmethod(lambda x, dim: deepseek.softmax(x, dim))
    log_softmax = staticmethod(lambda x, dim: deepseek.log_softmax(x, dim))
    linear = staticmethod(lambda x, w, b=None: deepseek._C._linear(x, w, b))


def _setitem(x, key, value):
    """y = x * 1; y[key] = value (a write into a non-leaf), returns y."""
    y = x * 1
    y[key] = value
    return y


def _mul_through_view(x):
    y = x * 2
    y[:, 1] *= 3
    return y


def _fill_row(x):
    y = x * x
    y[1].fill_(0.5)
    return y


def _mul_transposed(x, y):
    z = x * 1
    z.t().mul_(y)
    return z


def _inplace(method, *args):
    def run(lib, x, *rest):
        y = x * 1
        getattr(y, method)(*rest, *args)
        return y
    return run


ROWS = [
    # ---- unary
    Row("neg", lambda lib, x: lib.neg(x), (T(2, 3),)),
    Row("neg_operator", lambda lib, x: -x, (T(2, 3),)),
    Row("abs", lambda lib, x: lib.abs(x), (NonZero(2, 3),)),
    Row("exp", lambda lib, x: lib.exp(x), (T(2, 3),)),
    Row("log", lambda lib, x: lib.log(x), (Pos(2, 3),)),
    Row("log1p", lambda lib, x: lib.log1p(x), (T(2, 3, low=-0.5, high=2.0),)),
    Row("expm1", lambda lib, x: lib.expm1(x), (T(2, 3),)),
    Row("sqrt", lambda lib, x: lib.sqrt(x), (Pos(2, 3),)),
    Row("rsqrt", lambda lib, x: lib.rsqrt(x), (Pos(2, 3),)),
    Row("sin", lambda lib, x: lib.sin(x), (T(2, 3, low=-3, high=3),)),
    Row("cos", lambda lib, x: lib.cos(x), (T(2, 3, low=-3, high=3),)),
    Row("tanh", lambda lib, x: lib.tanh(x), (T(2, 3, low=-2, high=2),)),
    Row("sigmoid", lambda lib, x: lib.sigmoid(x), (T(2, 3, low=-3, high=3),)),
    Row("relu", lambda lib, x: lib.relu(x), (NonZero(2, 3),)),
    Row("gelu_none", lambda lib, x: nnf(lib).gelu(x), (T(2, 3, low=-3, high=3),)),
    Row("gelu_tanh", lambda lib, x: nnf(lib).gelu(x, approximate="tanh"),
        (T(2, 3, low=-3, high=3),)),
    Row("silu", lambda lib, x: nnf(lib).silu(x), (T(2, 3, low=-3, high=3),)),
    Row("sign", lambda lib, x: lib.sign(x), (NonZero(2, 3),)),
    Row("floor", lambda lib, x: lib.floor(x), (Frac(2, 3),)),
    Row("ceil", lambda lib, x: lib.ceil(x), (Frac(2, 3),)),
    Row("round", lambda lib, x: lib.round(x), (Frac(2, 3),)),
    Row("reciprocal", lambda lib, x: lib.reciprocal(x), (NonZero(2, 3),)),
    Row("pow_scalar_int", lambda lib, x: lib.pow(x, 3), (T(2, 3, low=-2, high=2),)),
    Row("pow_scalar_float", lambda lib, x: x ** 2.5, (Pos(2, 3),)),
    Row("pow_scalar_negative", lambda lib, x: x ** -1.5, (Pos(2, 3),)),
    Row("pow_scalar_zero", lambda lib, x: x ** 0, (T(2, 3),)),
    Row("pow_scalar_base", lambda lib, x: 2.0 ** x, (T(2, 3),)),
    Row("clamp", lambda lib, x: lib.clamp(x, -0.5, 0.5), (Distinct(3, 4, offset=0.025),)),
    Row("clamp_min", lambda lib, x: lib.clamp(x, min=0.1), (Distinct(3, 4, offset=0.025),)),
    Row("clamp_max", lambda lib, x: x.clamp(max=0.1), (Distinct(3, 4, offset=0.025),)),
    Row("square", lambda lib, x: lib.square(x), (T(2, 3),)),
    Row("erf", lambda lib, x: lib.erf(x), (T(2, 3, low=-2, high=2),)),
    # ---- binary, with broadcasting
    Row("add", lambda lib, a, b: lib.add(a, b), (T(2, 3), T(3))),
    Row("add_alpha", lambda lib, a, b: lib.add(a, b, alpha=2.5), (T(2, 1), T(1, 3))),
    Row("add_scalar", lambda lib, a: a + 1.5, (T(2, 3),)),
    Row("sub", lambda lib, a, b: lib.sub(a, b), (T(4, 1, 3), T(2, 1))),
    Row("sub_alpha", lambda lib, a, b: lib.sub(a, b, alpha=0.5), (T(2, 3), T(2, 3))),
    Row("rsub_scalar", lambda lib, a: 2.0 - a, (T(2, 3),)),
    Row("mul", lambda lib, a, b: lib.mul(a, b), (T(2, 3), T(2, 1))),
    Row("mul_scalar", lambda lib, a: a * -3.0, (T(2, 3),)),
    Row("mul_0d", lambda lib, a, b: a * b, (T(2, 3), T())),
    Row("mul_same_input", lambda lib, a: a * a, (T(2, 3),)),
    Row("div", lambda lib, a, b: lib.div(a, b), (T(3, 1), NonZero(4))),
    Row("rdiv_scalar", lambda lib, a: 1.5 / a, (NonZero(2, 3),)),
    Row("pow_tensor", lambda lib, a, b: lib.pow(a, b), (Pos(2, 3), T(3, low=-2, high=2))),
    Row("maximum", lambda lib, a, b: lib.maximum(a, b),
        (Interleaved(2, 3, phase=0.05), Interleaved(3, phase=0.15))),
    Row("minimum", lambda lib, a, b: lib.minimum(a, b),
        (Interleaved(2, 1, phase=0.05), Interleaved(2, 4, phase=0.15))),
    Row("where", lambda lib, c, a, b: lib.where(c, a, b),
        (Mask([[True, False, True], [False, False, True]]), T(2, 3), T(3))),
    Row("where_broadcast_cond", lambda lib, c, a, b: lib.where(c, a, b),
        (Mask([True, False, True]), T(2, 1), T(2, 3))),
    # ---- reductions
    Row("sum", lambda lib, x: lib.sum(x), (T(2, 3),)),
    Row("sum_dim", lambda lib, x: x.sum(1), (T(2, 3, 2),)),
    Row("sum_dims_keepdim", lambda lib, x: x.sum((0, 2), keepdim=True), (T(2, 3, 2),)),
    Row("mean", lambda lib, x: lib.mean(x), (T(2, 3),)),
    Row("mean_dim", lambda lib, x: x.mean(-1, keepdim=True), (T(2, 3),)),
    Row("prod", lambda lib, x: lib.prod(x), (T(2, 3, low=0.5, high=1.5),)),
    Row("prod_dim", lambda lib, x: x.prod(0), (T(3, 2, low=-1.5, high=1.5),)),
    Row("prod_one_zero", lambda lib, x: lib.prod(x), (WithZeros([[1.5, 0.0], [-2.0, 0.7]]),)),
    Row("prod_two_zeros", lambda lib, x: lib.prod(x), (WithZeros([0.0, 1.5, 0.0, -2.0]),)),
    Row("prod_dim_zeros", lambda lib, x: x.prod(1),
        (WithZeros([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [1.2, -0.5, 2.0]]),)),
    Row("max", lambda lib, x: lib.max(x), (Distinct(2, 3),)),
    Row("max_dim", lambda lib, x: lib.max(x, 1), (Distinct(3, 4),)),
    Row("max_dim_keepdim", lambda lib, x: x.max(0, keepdim=True)[0], (Distinct(3, 4),)),
    Row("min", lambda lib, x: lib.min(x), (Distinct(2, 3),)),
    Row("min_dim", lambda lib, x: lib.min(x, dim=0), (Distinct(3, 4),)),
    Row("amax", lambda lib, x: lib.amax(x), (Distinct(2, 3),)),
    Row("amax_dim", lambda lib, x: lib.amax(x, (0, 2)), (Distinct(2, 3, 2),)),
    Row("amin", lambda lib, x: lib.amin(x), (Distinct(2, 3),)),
    Row("amin_dim", lambda lib, x: x.amin(1, keepdim=True), (Distinct(2, 3),)),
    Row("var", lambda lib, x: lib.var(x), (T(2, 3),)),
    Row("var_dim_unbiased_false", lambda lib, x: x.var(1, unbiased=False), (T(2, 3),)),
    Row("std", lambda lib, x: lib.std(x), (T(2, 3),)),
    Row("std_dim_keepdim", lambda lib, x: x.std(0, keepdim=True), (T(3, 2),)),
    Row("logsumexp", lambda lib, x: lib.logsumexp(x, 1), (T(2, 3, low=-3, high=3),)),
    Row("logsumexp_dims", lambda lib, x: x.logsumexp((0, 1), keepdim=True), (T(2, 3),)),
    Row("norm_p1", lambda lib, x: lib.norm(x, 1), (NonZero(2, 3),)),
    Row("norm_p2", lambda lib, x: lib.norm(x), (T(2, 3),)),
    Row("norm_p3", lambda lib, x: x.norm(3), (NonZero(2, 3),)),
    Row("norm_inf", lambda lib, x: x.norm(float("inf")), (Distinct(2, 3, offset=0.05),)),
    Row("norm_p2_dim", lambda lib, x: lib.norm(x, 2, dim=1), (T(2, 3),)),
    Row("norm_inf_dim", lambda lib, x: x.norm(float("inf"), dim=0),
        (Distinct(3, 2, offset=0.05),)),
    # ---- linear algebra
    Row("matmul_1d_1d", lambda lib, a, b: lib.matmul(a, b), (T(4), T(4))),
    Row("matmul_1d_2d", lambda lib, a, b: lib.matmul(a, b), (T(3), T(3, 2))),
    Row("matmul_2d_1d", lambda lib, a, b: lib.matmul(a, b), (T(2, 3), T(3))),
    Row("matmul_2d", lambda lib, a, b: a @ b, (T(2, 3), T(3, 4))),
    Row("matmul_batched_broadcast", lambda lib, a, b: lib.matmul(a, b),
        (T(2, 1, 2, 3), T(3, 3, 2))),
    Row("matmul_batched_2d", lambda lib, a, b: lib.matmul(a, b), (T(2, 2, 3), T(3, 2))),
    Row("matmul_1d_batched", lambda lib, a, b: lib.matmul(a, b), (T(3), T(2, 3, 2))),
    Row("matmul_transposed_input", lambda lib, a, b: a.t() @ b, (T(3, 2), T(3, 2))),
    Row("mm", lambda lib, a, b: lib.mm(a, b), (T(2, 3), T(3, 2))),
    Row("bmm", lambda lib, a, b: lib.bmm(a, b), (T(2, 2, 3), T(2, 3, 2))),
    Row("addmm", lambda lib, c, a, b: lib.addmm(c, a, b), (T(2), T(3, 4), T(4, 2)),),
    Row("addmm_beta_alpha", lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=-2.0),
        (T(3, 2), T(3, 4), T(4, 2))),
    Row("linear", lambda lib, x, w, b: nnf(lib).linear(x, w, b), (T(2, 3), T(4, 3), T(4))),
    Row("linear_no_bias_3d", lambda lib, x, w: nnf(lib).linear(x, w), (T(2, 2, 3), T(2, 3))),
    Row("outer", lambda lib, a, b: lib.outer(a, b), (T(3), T(2))),
    Row("dot", lambda lib, a, b: lib.dot(a, b), (T(4), T(4))),
    # ---- shape and views
    Row("view", lambda lib, x: x.view(3, 2), (T(2, 3),)),
    Row("view_infer", lambda lib, x: x.view(-1), (T(2, 3),)),
    Row("reshape", lambda lib, x: lib.reshape(x, (3, 2)), (T(2, 3),)),
    Row("reshape_noncontiguous", lambda lib, x: x.t().reshape(6), (T(2, 3),)),
    Row("permute", lambda lib, x: lib.permute(x, (2, 0, 1)), (T(2, 3, 2),)),
    Row("transpose", lambda lib, x: lib.transpose(x, 0, 2), (T(2, 3, 2),)),
    Row("t", lambda lib, x: lib.t(x), (T(2, 3),)),
    Row("squeeze", lambda lib, x: lib.squeeze(x), (T(2, 1, 3, 1),)),
    Row("squeeze_dim", lambda lib, x: x.squeeze(1), (T(2, 1, 3),)),
    Row("unsqueeze", lambda lib, x: lib.unsqueeze(x, 1), (T(2, 3),)),
    Row("expand", lambda lib, x: x.expand(2, 3, 4), (T(3, 1),)),
    Row("expand_as", lambda lib, x, y: x.expand_as(y) * y, (T(1, 3), T(2, 3))),
    Row("broadcast_to", lambda lib, x: lib.broadcast_to(x, (2, 3)), (T(3),)),
    Row("flatten", lambda lib, x: lib.flatten(x, 1), (T(2, 3, 2),)),
    Row("unflatten", lambda lib, x: lib.unflatten(x, 1, (2, 3)), (T(2, 6),)),
    Row("contiguous", lambda lib, x: x.t().contiguous(), (T(2, 3),)),
    Row("narrow", lambda lib, x: lib.narrow(x, 1, 1, 2), (T(2, 4),)),
    Row("select", lambda lib, x: lib.select(x, 1, 2), (T(2, 4),)),
    Row("slice_step", lambda lib, x: x[::2, 1::2], (T(4, 5),)),
    Row("as_strided", lambda lib, x: lib.as_strided(x, (2, 2), (1, 3), 1), (T(3, 3),)),
    Row("as_strided_overlapping", lambda lib, x: x.as_strided((3, 3), (1, 1)), (T(6),)),
    Row("as_strided_of_transposed", lambda lib, x: x.t().as_strided((2, 3), (1, 2), 1), (T(3, 3),)),
    Row("as_strided_of_narrowed", lambda lib, x: x[1:].as_strided((2, 2), (3, 1), 4), (T(3, 3),)),
    Row("movedim", lambda lib, x: lib.movedim(x, 0, -1), (T(2, 3, 2),)),
    Row("cat", lambda lib, a, b: lib.cat([a, b], 1), (T(2, 3), T(2, 2))),
    Row("cat_dim0", lambda lib, a, b, c: lib.cat((a, b, c)), (T(1, 2), T(2, 2), T(3, 2))),
    Row("stack", lambda lib, a, b: lib.stack([a, b], 1), (T(2, 3), T(2, 3))),
    Row("split", lambda lib, x: lib.split(x, 2, 1), (T(2, 5),)),
    Row("split_sizes", lambda lib, x: x.split([1, 3], 0), (T(4, 2),)),
    Row("chunk", lambda lib, x: lib.chunk(x, 3), (T(5, 2),)),
    Row("unbind", lambda lib, x: lib.unbind(x, 1), (T(2, 3),)),
    Row("repeat", lambda lib, x: x.repeat(2, 1, 3), (T(2, 2),)),
    Row("tril", lambda lib, x: lib.tril(x), (T(3, 4),)),
    Row("tril_diagonal", lambda lib, x: lib.tril(x, -1), (T(3, 3),)),
    Row("triu", lambda lib, x: lib.triu(x, 1), (T(3, 4),)),
    Row("flip", lambda lib, x: lib.flip(x, (0, 1)), (T(2, 3),)),
    # ---- indexing
    Row("index_select", lambda lib, x, i: lib.index_select(x, 1, i), (T(2, 4), Index([3, 0, 3]))),
    Row("gather", lambda lib, x, i: lib.gather(x, 1, i),
        (T(2, 3), Index([[0, 2, 2, 1], [1, 1, 0, 0]]))),
    Row("scatter", lambda lib, x, i, s: lib.scatter(x, 0, i, s),
        (T(3, 4), Index([[0, 1, 2, 0], [2, 0, 1, 1]]), T(2, 4))),
    Row("scatter_add", lambda lib, x, i, s: lib.scatter_add(x, 1, i, s),
        (T(2, 3), Index([[0, 0, 2], [1, 1, 1]]), T(2, 3))),
    Row("masked_fill", lambda lib, x, m: lib.masked_fill(x, m, -1.5),
        (T(2, 3), Mask([True, False, True]))),
    Row("index_add", lambda lib, x, i, s: lib.index_add(x, 0, i, s),
        (T(3, 2), Index([2, 0, 2]), T(3, 2))),
    Row("index_add_alpha", lambda lib, x, i, s: x.index_add(1, i, s, alpha=2.0),
        (T(2, 3), Index([1, 1]), T(2, 2))),
    Row("getitem_int", lambda lib, x: x[1], (T(3, 2),)),
    Row("getitem_negative_int", lambda lib, x: x[-1, 0], (T(3, 2),)),
    Row("getitem_slice", lambda lib, x: x[1:3], (T(4, 2),)),
    Row("getitem_none", lambda lib, x: x[None, :, None], (T(2, 3),)),
    Row("getitem_ellipsis", lambda lib, x: x[..., 1], (T(2, 2, 3),)),
    Row("getitem_tensor", lambda lib, x, i: x[i], (T(3, 2), Index([2, 0, 2]))),
    Row("getitem_tensor_pair", lambda lib, x, i, j: x[i, j],
        (T(3, 4), Index([2, 0, 2]), Index([1, 3, 1]))),
    Row("getitem_list_and_slice", lambda lib, x: x[:, [0, 2]], (T(2, 3),)),
    Row("getitem_bool_mask", lambda lib, x, m: x[m],
        (T(2, 3), Mask([[True, False, True], [False, True, True]]))),
    Row("setitem_int", lambda lib, x: _setitem(x, 0, 0.5), (T(3, 2),)),
    Row("setitem_slice_tensor", lambda lib, x, v: _setitem(x, (slice(None), 1), v),
        (T(3, 2), T(3))),
    Row("setitem_bool_mask", lambda lib, x, m, v: _setitem(x, m, v),
        (T(2, 3), Mask([[True, False, True], [False, True, False]]), T(3))),
    Row("setitem_tensor_index", lambda lib, x, i, v: _setitem(x, i, v),
        (T(3, 2), Index([2, 0]), T(2, 2))),
    Row("inplace_through_view", lambda lib, x: _mul_through_view(x), (T(2, 3),)),
    # ---- in-place ops on non-leaf tensors
    Row("add_", _inplace("add_"), (T(2, 3), T(3))),
    Row("mul_", _inplace("mul_"), (T(2, 3), T(2, 3))),
    Row("div_", _inplace("div_"), (T(2, 3), NonZero(3))),
    Row("clamp_", _inplace("clamp_", -0.5, 0.5), (Distinct(2, 3, offset=0.025),)),
    Row("copy_", _inplace("copy_"), (T(2, 3), T(3))),
    Row("masked_fill_", _inplace("masked_fill_", 2.0),
        (T(2, 3), Mask([[True, False, True], [False, True, False]]))),
    Row("sub_", _inplace("sub_"), (T(2, 3), T(2, 1))),
    Row("exp_", _inplace("exp_"), (T(2, 3),)),
    Row("sigmoid_", _inplace("sigmoid_"), (T(2, 3),)),
    Row("tanh_", _inplace("tanh_"), (T(2, 3),)),
    Row("relu_", _inplace("relu_"), (NonZero(2, 3),)),
    Row("sqrt_", _inplace("sqrt_"), (Pos(2, 3),)),
    Row("neg_", _inplace("neg_"), (T(2, 3),)),
    Row("zero_on_view", lambda lib, x: _setitem(x, 0, 0.0).sum(0) * x.sum(), (T(3, 2),)),
    Row("fill_on_view", lambda lib, x: _fill_row(x), (T(3, 2),)),
    Row("index_add_", lambda lib, x, i, s: (x * 1).index_add_(0, i, s),
        (T(3, 2), Index([2, 2]), T(2, 2))),
    Row("scatter_", lambda lib, x, i, s: (x * 1).scatter_(1, i, s),
        (T(2, 3), Index([[2], [0]]), T(2, 1))),
    Row("scatter_add_", lambda lib, x, i, s: (x * 1).scatter_add_(1, i, s),
        (T(2, 3), Index([[2, 2], [0, 1]]), T(2, 2))),
    Row("index_put_accumulate", lambda lib, x, i, v: (x * 1).index_put_((i,), v, accumulate=True),
        (T(3, 2), Index([2, 0, 2]), T(3, 2))),
    Row("inplace_on_transposed_view", lambda lib, x, y: _mul_transposed(x, y), (T(2, 3), T(3, 2))),
    # ---- softmax
    Row("softmax", lambda lib, x: lib.softmax(x, 1), (T(2, 3, low=-2, high=2),)),
    Row("softmax_dim0", lambda lib, x: nnf(lib).softmax(x, dim=0), (T(3, 2),)),
    Row("log_softmax", lambda lib, x: lib.log_softmax(x, -1), (T(2, 3, low=-2, high=2),)),
    Row("log_softmax_3d", lambda lib, x: nnf(lib).log_softmax(x, dim=1), (T(2, 3, 2),)),
    # ---- casts and copies
    Row("to_float32_and_back", lambda lib, x: x.to(lib.float32).to(lib.float64), (T(2, 3),),
        eps=1e-3),
    Row("clone", lambda lib, x: x.clone(), (T(2, 3),)),
    # ---- nn.functional: convolution and pooling
    Row("conv2d", lambda lib, x, w, b: nnf(lib).conv2d(x, w, b, stride=2, padding=1),
        (T(2, 3, 6, 5), T(4, 3, 3, 3), T(4))),
    Row("conv2d_groups_dilation_same", lambda lib, x, w: nnf(lib).conv2d(
        x, w, padding="same", dilation=(2, 1), groups=2), (T(1, 4, 6, 5), T(4, 2, 2, 3))),
    Row("conv1d", lambda lib, x, w, b: nnf(lib).conv1d(x, w, b, stride=2, padding=2, dilation=2),
        (T(2, 2, 9), T(3, 2, 3), T(3))),
    Row("conv_transpose2d", lambda lib, x, w, b: nnf(lib).conv_transpose2d(
        x, w, b, stride=2, padding=1, output_padding=1, groups=2),
        (T(1, 4, 3, 3), T(4, 1, 3, 2), T(2))),
    Row("conv_transpose1d", lambda lib, x, w, b: nnf(lib).conv_transpose1d(
        x, w, b, stride=3, dilation=2), (T(2, 2, 4), T(2, 3, 2), T(3))),
    Row("max_pool2d", lambda lib, x: nnf(lib).max_pool2d(x, 3, 2, 1, ceil_mode=True),
        (Distinct(1, 2, 5, 6),)),
    Row("max_pool2d_dilation", lambda lib, x: nnf(lib).max_pool2d(x, 2, 1, dilation=2),
        (Distinct(1, 1, 5, 5),)),
    Row("max_pool1d", lambda lib, x: nnf(lib).max_pool1d(x, 2), (Distinct(2, 2, 6),)),
    Row("avg_pool2d", lambda lib, x: nnf(lib).avg_pool2d(x, 3, 2, 1, ceil_mode=True,
                                                         count_include_pad=False),
        (T(1, 2, 5, 6),)),
    Row("avg_pool2d_divisor", lambda lib, x: nnf(lib).avg_pool2d(x, 2, divisor_override=3),
        (T(1, 2, 4, 4),)),
    Row("avg_pool1d", lambda lib, x: nnf(lib).avg_pool1d(x, 3, 2, 1), (T(2, 2, 7),)),
    Row("adaptive_avg_pool2d", lambda lib, x: nnf(lib).adaptive_avg_pool2d(x, (3, 2)),
        (T(1, 2, 5, 5),)),
    Row("adaptive_max_pool2d", lambda lib, x: nnf(lib).adaptive_max_pool2d(x, (3, 2)),
        (Distinct(1, 2, 5, 5),)),
    # ---- nn.functional: normalisation
    Row("batch_norm_train", lambda lib, x, w, b: nnf(lib).batch_norm(x, None, None, w, b, True),
        (T(3, 2, 4), T(2), T(2))),
    Row("batch_norm_eval", lambda lib, x, w, b: nnf(lib).batch_norm(
        x, lib.tensor([0.1, -0.2], dtype=lib.float64), lib.tensor([0.5, 1.5], dtype=lib.float64),
        w, b), (T(3, 2, 2, 2), T(2), T(2))),
    Row("layer_norm", lambda lib, x, w, b: nnf(lib).layer_norm(x, (3, 4), w, b),
        (T(2, 3, 4), T(3, 4), T(3, 4))),
    Row("layer_norm_no_affine", lambda lib, x: nnf(lib).layer_norm(x, (4,)), (T(3, 4),)),
    Row("rms_norm", lambda lib, x, w: nn_reference.rms_norm(lib, x, (4,), w), (T(2, 3, 4), T(4))),
    Row("group_norm", lambda lib, x, w, b: nnf(lib).group_norm(x, 2, w, b),
        (T(2, 4, 3), T(4), T(4))),
    # ---- nn.functional: embedding, dropout, activations
    # (The padding row's zero gradient is deliberate, not the derivative: test_nn_functional
    # checks it; here the padding index is not looked up.)
    Row("embedding_padding_idx", lambda lib, i, w: nnf(lib).embedding(i, w, padding_idx=1),
        (Index([[0, 2], [3, 0]]), T(4, 3))),
    Row("dropout", lambda lib, x: nn_reference.seeded_dropout(lib, x), (T(4, 5),)),
    Row("dropout2d", lambda lib, x: nn_reference.seeded_dropout(lib, x, feature=True),
        (T(2, 3, 2, 2),)),
    Row("leaky_relu", lambda lib, x: nnf(lib).leaky_relu(x, 0.2), (NonZero(2, 3),)),
    Row("elu", lambda lib, x: nnf(lib).elu(x, 1.5), (NonZero(2, 3),)),
    Row("softplus", lambda lib, x: nnf(lib).softplus(x, beta=2.0, threshold=3.0),
        (T(2, 3, low=-3, high=3),)),
    Row("hardtanh", lambda lib, x: nnf(lib).hardtanh(x, -0.5, 0.5),
        (Distinct(3, 4, offset=0.025),)),
    Row("logsigmoid", lambda lib, x: nnf(lib).logsigmoid(x), (T(2, 3, low=-3, high=3),)),
    Row("glu", lambda lib, x: nnf(lib).glu(x, 1), (T(2, 4),)),
    Row("normalize", lambda lib, x: nnf(lib).normalize(x, dim=1), (T(2, 3),)),
    Row("relu6", lambda lib, x: nnf(lib).relu6(x * 4), (Distinct(3, 4, scale=0.5, offset=0.01),)),
    Row("softmin", lambda lib, x: nnf(lib).softmin(x, dim=1), (T(2, 3),)),
    Row("celu", lambda lib, x: nnf(lib).celu(x, 0.7), (NonZero(2, 3),)),
    Row("selu", lambda lib, x: nnf(lib).selu(x), (NonZero(2, 3),)),
    Row("hardsigmoid", lambda lib, x: nnf(lib).hardsigmoid(x * 4),
        (Distinct(3, 4, scale=0.5, offset=0.01),)),
    Row("hardswish", lambda lib, x: nnf(lib).hardswish(x * 4),
        (Distinct(3, 4, scale=0.5, offset=0.01),)),
    Row("mish", lambda lib, x: nnf(lib).mish(x), (T(2, 3, low=-3, high=3),)),
    Row("softsign", lambda lib, x: nnf(lib).softsign(x), (NonZero(2, 3),)),
    Row("tanhshrink", lambda lib, x: nnf(lib).tanhshrink(x), (T(2, 3),)),
    Row("softshrink", lambda lib, x: nnf(lib).softshrink(x, 0.5),
        (Distinct(3, 4, offset=0.025),)),
    Row("hardshrink", lambda lib, x: nnf(lib).hardshrink(x, 0.5),
        (Distinct(3, 4, offset=0.025),)),
    Row("threshold", lambda lib, x: nnf(lib).threshold(x, 0.5, -2.0),
        (Distinct(3, 4, offset=0.025),)),
    Row("prelu", lambda lib, x, w: nnf(lib).prelu(x, w), (NonZero(2, 3, 4), T(3))),
    Row("prelu_shared", lambda lib, x, w: nnf(lib).prelu(x, w), (NonZero(2, 3), T(1))),
    Row("adaptive_avg_pool1d", lambda lib, x: nnf(lib).adaptive_avg_pool1d(x, 3), (T(2, 2, 7),)),
    Row("adaptive_max_pool1d", lambda lib, x: nnf(lib).adaptive_max_pool1d(x, 3),
        (Distinct(2, 2, 7),)),
    # ---- nn.functional: losses
    Row("cross_entropy", lambda lib, x, t, w: nnf(lib).cross_entropy(
        x, t, w, ignore_index=2, label_smoothing=0.1),
        (T(4, 5, low=-2, high=2), Index([1, 2, 4, 0]), Const(np.array([0.5, 1, 2, 1, 1.5]),
                                                             "float64"))),
    Row("cross_entropy_sum_nd", lambda lib, x, t: nnf(lib).cross_entropy(x, t, reduction="sum"),
        (T(2, 3, 2, low=-2, high=2), Index([[0, 2], [1, 1]]))),
    Row("cross_entropy_probabilities", lambda lib, x, p: nnf(lib).cross_entropy(
        x, p, label_smoothing=0.2), (T(3, 4, low=-2, high=2), T(3, 4, low=0, high=1))),
    Row("nll_loss", lambda lib, x, t: nnf(lib).nll_loss(x, t, reduction="none"),
        (T(3, 4), Index([3, 0, 1]))),
    Row("mse_loss", lambda lib, a, b: nnf(lib).mse_loss(a, b), (T(2, 3), T(2, 3))),
    Row("l1_loss", lambda lib, a, b: nnf(lib).l1_loss(a, b, reduction="sum"),
        (Interleaved(2, 3, phase=0.05), Interleaved(2, 3, phase=0.15))),
    Row("smooth_l1_loss", lambda lib, a, b: nnf(lib).smooth_l1_loss(a, b, beta=0.45),
        (Interleaved(2, 3, phase=0.05), Interleaved(2, 3, phase=0.15))),
    Row("huber_loss", lambda lib, a, b: nnf(lib).huber_loss(a, b, delta=0.45),
        (Interleaved(2, 3, phase=0.05), Interleaved(2, 3, phase=0.15))),
    Row("binary_cross_entropy_with_logits", lambda lib, x, y, pw: nnf(lib)
        .binary_cross_entropy_with_logits(x, y, pos_weight=pw),
        (T(2, 3, low=-3, high=3), T(2, 3, low=0, high=1), Const(np.array([0.5, 1.0, 2.0]),
                                                                "float64"))),
    Row("binary_cross_entropy", lambda lib, x, y: nnf(lib).binary_cross_entropy(x, y),
        (T(2, 3, low=0.1, high=0.9), T(2, 3, low=0, high=1))),
    Row("kl_div", lambda lib, x, y: nnf(lib).kl_div(x, y, reduction="batchmean"),
        (T(2, 3), T(2, 3, low=0.1, high=1))),
    Row("cosine_similarity", lambda lib, x, y: nnf(lib).cosine_similarity(x, y),
        (T(3, 4), T(3, 4))),
    Row("pairwise_distance", lambda lib, x, y: nnf(lib).pairwise_distance(x, y),
        (T(3, 4), T(3, 4))),
    Row("cdist", lambda lib, x, y: lib.cdist(x, y), (T(3, 4), T(2, 4))),
    Row("margin_ranking_loss", lambda lib, x, y, t: nnf(lib).margin_ranking_loss(
        x, y, t, 0.1), (T(6), T(6), Const(np.array([1.0, -1, 1, -1, -1, 1]), "float64"))),
    Row("hinge_embedding_loss", lambda lib, x, t: nnf(lib).hinge_embedding_loss(x, t, 0.5),
        (Distinct(6, offset=0.025), Const(np.array([1.0, -1, 1, -1, -1, 1]), "float64"))),
    Row("soft_margin_loss", lambda lib, x, t: nnf(lib).soft_margin_loss(x, t),
        (T(6), Const(np.array([1.0, -1, 1, -1, -1, 1]), "float64"))),
    Row("multilabel_soft_margin_loss", lambda lib, x, t: nnf(lib).multilabel_soft_margin_loss(
        x, t), (T(3, 4), Const(np.array([[1.0, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 0]]),
                               "float64"))),
    Row("cosine_embedding_loss", lambda lib, x, y, t: nnf(lib).cosine_embedding_loss(
        x, y, t, -0.9), (T(3, 4), T(3, 4), Const(np.array([1.0, -1, 1]), "float64"))),
    Row("triplet_margin_loss", lambda lib, a, p, n: nnf(lib).triplet_margin_loss(
        a, p, n, margin=5.0), (T(3, 4), T(3, 4), T(3, 4))),
    Row("multi_margin_loss", lambda lib, x, t: nnf(lib).multi_margin_loss(x, t, p=2, margin=3.0),
        (T(3, 4), Index([0, 3, 1]))),
    Row("poisson_nll_loss", lambda lib, x, t: nnf(lib).poisson_nll_loss(x, t),
        (T(3, 4), Const(np.array([[1.0, 0, 2, 3], [0, 4, 1, 1], [2, 2, 0, 5]]), "float64"))),
    Row("gaussian_nll_loss", lambda lib, x, y, v: nnf(lib).gaussian_nll_loss(x, y, v),
        (T(3, 4), T(3, 4), T(3, 4, low=0.5, high=2.0))),
    Row("interpolate_bilinear", lambda lib, x: nnf(lib).interpolate(
        x, size=(4, 5), mode="bilinear"), (T(1, 2, 3, 3),)),
    Row("interpolate_nearest", lambda lib, x: nnf(lib).interpolate(x, scale_factor=2),
        (T(1, 2, 3),)),
    Row("instance_norm", lambda lib, x, w, b: nnf(lib).instance_norm(x, weight=w, bias=b),
        (T(2, 3, 5), T(3), T(3))),
    Row("local_response_norm", lambda lib, x: nnf(lib).local_response_norm(x, 3, 0.5, 0.75, 2.0),
        (T(2, 4, 3),)),
    Row("pixel_shuffle", lambda lib, x: nnf(lib).pixel_shuffle(x, 2), (T(1, 8, 2, 3),)),
    Row("pixel_unshuffle", lambda lib, x: nnf(lib).pixel_unshuffle(x, 2), (T(1, 2, 4, 2),)),
    Row("bilinear", lambda lib, x, y, w, b: nnf(lib).bilinear(x, y, w, b),
        (T(2, 3), T(2, 4), T(5, 3, 4), T(5))),
    Row("unfold", lambda lib, x: nnf(lib).unfold(x, (2, 3), padding=1, stride=(1, 2)),
        (T(1, 2, 4, 5),)),
    Row("fold", lambda lib, x: nnf(lib).fold(x, (4, 5), 2), (T(1, 8, 12),)),
    Row("softmax2d", lambda lib, x: lib.nn.Softmax2d()(x), (T(1, 3, 2, 2),)),
    Row("embedding_bag", lambda lib, w, p: nnf(lib).embedding_bag(
        lib.tensor([1, 2, 4, 0, 3]), w, lib.tensor([0, 2]), mode="sum", per_sample_weights=p),
        (T(5, 3), T(5))),
    Row("affine_grid", lambda lib, t: nnf(lib).affine_grid(t, [1, 1, 3, 4], align_corners=False),
        (T(1, 2, 3),)),
    Row("grid_sample", lambda lib, x, g: nnf(lib).grid_sample(x, g, align_corners=False),
        (T(1, 2, 3, 4), T(1, 2, 3, 2, low=-0.9, high=0.9))),
    # ---- nn.functional: pad, attention (whose backward is not differentiable again)
    Row("pad_constant", lambda lib, x: nnf(lib).pad(x, (1, -1, 2, 0), value=0.5), (T(2, 3, 4),)),
    Row("pad_reflect", lambda lib, x: nnf(lib).pad(x, (2, 1, 1, 2), mode="reflect"),
        (T(1, 2, 3, 4),)),
    Row("pad_replicate", lambda lib, x: nnf(lib).pad(x, (2, 1), mode="replicate"), (T(2, 3),)),
    Row("pad_circular", lambda lib, x: nnf(lib).pad(x, (1, 2, 2, 1), mode="circular"),
        (T(1, 1, 3, 3),)),
    Row("sdpa", lambda lib, q, k, v: nn_reference.sdpa(lib, q, k, v),
        (T(2, 3, 4), T(2, 5, 4), T(2, 5, 3)), gradgrad=False),
    Row("sdpa_causal_float_mask", lambda lib, q, k, v, m: nn_reference.sdpa(
        lib, q, k, v, m, is_causal=True, scale=0.7), (T(2, 5, 3), T(2, 4, 3), T(2, 4, 2),
                                                      T(5, 4)), gradgrad=False),
    Row("sdpa_window_bool_mask", lambda lib, q, k, v, m: nn_reference.sdpa(
        lib, q, k, v, m, window_size=2), (T(1, 2, 4, 3), T(1, 2, 4, 3), T(1, 2, 4, 3),
                                          Mask([True, True, False, True])), gradgrad=False),
    # ---- more unary / binary / ternary math
    Row("tan", lambda lib, x: lib.tan(x), (T(2, 3),)),
    Row("asin", lambda lib, x: lib.asin(x), (T(2, 3, low=-0.8, high=0.8),)),
    Row("acos", lambda lib, x: lib.acos(x), (T(2, 3, low=-0.8, high=0.8),)),
    Row("atan", lambda lib, x: lib.atan(x), (T(2, 3, low=-3, high=3),)),
    Row("sinh", lambda lib, x: lib.sinh(x), (T(2, 3, low=-2, high=2),)),
    Row("cosh", lambda lib, x: lib.cosh(x), (T(2, 3, low=-2, high=2),)),
    Row("log2", lambda lib, x: lib.log2(x), (Pos(2, 3),)),
    Row("log10", lambda lib, x: lib.log10(x), (Pos(2, 3),)),
    Row("exp2", lambda lib, x: lib.exp2(x), (T(2, 3),)),
    Row("trunc", lambda lib, x: lib.trunc(x), (Frac(2, 3),)),
    Row("frac", lambda lib, x: lib.frac(x), (Frac(2, 3),)),
    Row("nan_to_num", lambda lib, x, special: lib.nan_to_num(
        lib.where(lib.isnan(special), x, special), posinf=2.0, neginf=-3.0),
        (T(2, 3), Const(np.array([np.nan, np.inf, np.nan, -np.inf, np.nan, np.nan]).reshape(
            2, 3), "float64"))),
    Row("clamp_min_fn", lambda lib, x: lib.clamp_min(x, 0.1), (Distinct(3, 4, offset=0.025),)),
    Row("clamp_max_method", lambda lib, x: x.clamp_max(-0.1), (Distinct(3, 4, offset=0.025),)),
    Row("atan2", lambda lib, a, b: lib.atan2(a, b), (T(2, 3), NonZero(3))),
    Row("hypot", lambda lib, a, b: lib.hypot(a, b), (NonZero(2, 3), NonZero(2, 1))),
    Row("fmod", lambda lib, a, b: lib.fmod(a, b), (Frac(2, 3), T(3, low=0.35, high=0.45))),
    Row("lerp_scalar", lambda lib, a, b: lib.lerp(a, b, 0.3), (T(2, 3), T(3))),
    Row("lerp_tensor", lambda lib, a, b, w: lib.lerp(a, b, w),
        (T(2, 3), T(2, 3), T(2, 3, low=0, high=1))),
    Row("addcmul", lambda lib, x, a, b: lib.addcmul(x, a, b, value=-0.5), (T(2, 3), T(3), T(2, 1))),
    Row("addcdiv", lambda lib, x, a, b: lib.addcdiv(x, a, b, value=2), (T(2, 3), T(2, 3),
                                                                         NonZero(3))),
    # ---- sorting, selection, scans
    Row("sort", lambda lib, x: lib.sort(x, 1, descending=True)[0], (Distinct(3, 4),)),
    Row("sort_dim0", lambda lib, x: x.sort(0)[0], (Distinct(3, 4),)),
    Row("topk", lambda lib, x: lib.topk(x, 2)[0], (Distinct(3, 4),)),
    Row("topk_smallest_dim0", lambda lib, x: lib.topk(x, 2, dim=0, largest=False)[0],
        (Distinct(3, 4),)),
    Row("kthvalue", lambda lib, x: lib.kthvalue(x, 2, 1)[0], (Distinct(3, 4),)),
    Row("median_dim", lambda lib, x: lib.median(x, 0, keepdim=True)[0], (Distinct(3, 4),)),
    Row("median_all", lambda lib, x: lib.median(x), (Distinct(3, 4),)),
    Row("cumsum", lambda lib, x: lib.cumsum(x, 1), (T(2, 4),)),
    Row("cumsum_dim0", lambda lib, x: x.cumsum(0), (T(3, 2),)),
    Row("cumprod", lambda lib, x: lib.cumprod(x, 1), (NonZero(2, 4),)),
    Row("cumprod_zeros", lambda lib, x: lib.cumprod(x, 1),
        (WithZeros([[1.5, 0.0, 2.0, -0.5], [0.0, 0.7, 0.0, 1.2]]),)),
    Row("cummax", lambda lib, x: lib.cummax(x, 1)[0], (Distinct(3, 4),)),
    Row("cummin", lambda lib, x: lib.cummin(x, 0)[0], (Distinct(3, 4),)),
    Row("std_mean", lambda lib, x: lib.std_mean(x, 1), (T(2, 3),)),
    Row("var_mean", lambda lib, x: lib.var_mean(x, 0, unbiased=False), (T(2, 3),)),
    # ---- linear algebra, diagonals
    Row("einsum_matmul", lambda lib, a, b: lib.einsum("ij,kj->ik", a, b), (T(2, 3), T(4, 3))),
    Row("einsum_batched_ellipsis", lambda lib, a, b: lib.einsum("...ij,...jk", a, b),
        (T(2, 2, 3), T(2, 3, 2))),
    Row("einsum_trace_diag", lambda lib, a, b: lib.einsum("ii,i->i", a, b), (T(3, 3), T(3))),
    Row("einsum_three", lambda lib, a, b, c: lib.einsum("i,ij,j->", a, b, c),
        (T(2), T(2, 3), T(3))),
    Row("baddbmm", lambda lib, c, a, b: lib.baddbmm(c, a, b, beta=0.5, alpha=2.0),
        (T(2, 1, 3), T(2, 2, 4), T(2, 4, 3))),
    Row("addbmm", lambda lib, c, a, b: lib.addbmm(c, a, b), (T(2, 3), T(2, 2, 4), T(2, 4, 3))),
    Row("cross", lambda lib, a, b: lib.cross(a, b, dim=1), (T(2, 3), T(1, 3))),
    Row("diagonal", lambda lib, x: lib.diagonal(x, 1, 0, 2), (T(3, 2, 4),)),
    Row("diagonal_method_negative", lambda lib, x: x.diagonal(-1), (T(3, 4),)),
    Row("diag_vector", lambda lib, x: lib.diag(x, 1), (T(3),)),
    Row("diag_matrix", lambda lib, x: lib.diag(x, -1), (T(3, 4),)),
    Row("diag_embed", lambda lib, x: lib.diag_embed(x, 1, 0, 2), (T(2, 3),)),
    Row("trace", lambda lib, x: lib.trace(x), (T(3, 4),)),
    # ---- tiling, grids, index writes
    Row("tile", lambda lib, x: lib.tile(x, (2, 1, 2)), (T(2, 3),)),
    Row("repeat_interleave", lambda lib, x: lib.repeat_interleave(x, 2, dim=1), (T(2, 3),)),
    Row("repeat_interleave_tensor", lambda lib, x, r: x.repeat_interleave(r, dim=0),
        (T(3, 2), Index([2, 0, 1]))),
    Row("meshgrid", lambda lib, a, b: lib.meshgrid(a, b, indexing="xy"), (T(3), T(2))),
    Row("cartesian_prod", lambda lib, a, b: lib.cartesian_prod(a, b), (T(3), T(2))),
    Row("index_fill", lambda lib, x, i: x.index_fill(1, i, -1.0), (T(2, 4), Index([0, 2]))),
    Row("index_copy", lambda lib, x, i, s: x.index_copy(0, i, s),
        (T(4, 2), Index([3, 0]), T(2, 2))),
    Row("take", lambda lib, x, i: lib.take(x, i), (T(2, 3), Index([[0, -1], [4, 4]]))),
    Row("put_accumulate", lambda lib, x, i, s: x.put(i, s, accumulate=True),
        (T(2, 3), Index([5, 0, 5]), T(3))),
    Row("masked_scatter", lambda lib, x, m, s: x.masked_scatter(m, s),
        (T(2, 3), Mask([[True, False, True], [False, True, True]]), T(5))),
]

# ------------------------------------------------------------------------------ the runner


def _materialize(lib, row):
    """The row's inputs as `lib` tensors, drawn from a generator seeded by the row name."""
    rng = np.random.default_rng(zlib.crc32(row.name.encode()))
    out = []
    for spec in row.inputs:
        if isinstance(spec, Spec):
            out.append(lib.tensor(spec.draw(rng), dtype=lib.float64,
                                  requires_grad=spec.requires_grad))
        elif isinstance(spec, Const):
            out.append(lib.tensor(spec.value, dtype=getattr(lib, spec.dtype)))
        else:
            out.append(spec)
    return out


def _call(lib, row, inputs):
    result = row.fn(lib, *inputs)
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def _floating(outputs):
    return [o for o in outputs if o.dtype.is_floating_point]


def test_row_names_are_unique():
    names = [row.name for row in ROWS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_gradcheck(row):
    inputs = _materialize(deepseek, row)
    assert any(getattr(x, "requires_grad", False) for x in inputs)
    fn = lambda *xs: row.fn(deepseek, *xs)  # noqa: E731
    tol = dict(eps=row.eps, atol=row.atol, rtol=row.rtol)
    assert deepseek.autograd.gradcheck(fn, inputs, **tol)
    if row.gradgrad:
        assert deepseek.autograd.gradgradcheck(fn, inputs, **tol)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_matches_torch(row):
    torch = pytest.importorskip("torch", reason="torch is the reference for this comparison")
    ours, theirs = _materialize(deepseek, row), _materialize(torch, row)
    out_ours, out_theirs = _call(deepseek, row, ours), _call(torch, row, theirs)
    assert len(out_ours) == len(out_theirs)
    for a, b in zip(out_ours, out_theirs):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-7, atol=1e-12)
    # The same random grad_outputs through both backward passes.
    rng = np.random.default_rng(1)
    pairs = [(a, b) for a, b in zip(_floating(out_ours), _floating(out_theirs)) if b.requires_grad]
    seeds = [rng.standard_normal(tuple(b.shape)) for _, b in pairs]
    wrt = [i for i, x in enumerate(theirs) if getattr(x, "requires_grad", False)]
    g_theirs = torch.autograd.grad([b for _, b in pairs], [theirs[i] for i in wrt],
                                   [torch.tensor(s) for s in seeds], allow_unused=True)
    g_ours = deepseek.autograd.grad([a for a, _ in pairs], [ours[i] for i in wrt],
                                    [deepseek.tensor(s) for s in seeds], allow_unused=True)
    for i, go, gt in zip(wrt, g_ours, g_theirs):
        if gt is None:
            assert go is None or np.all(go.numpy() == 0), f"input {i}"
            continue
        assert go is not None, f"no gradient for input {i}"
        np.testing.assert_allclose(go.numpy(), gt.numpy(), rtol=1e-7, atol=1e-12,
                                   err_msg=f"input {i}")
