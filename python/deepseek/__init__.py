"""deepseek: a deep-learning training framework with PyTorch's Python API.

`import deepseek as torch` is meant to work for scripts that use the features built so far.
The heavy lifting happens in the C++ library (libdeepseek) through deepseek._C; this
package adds what is naturally Python: argument parsing for PyTorch's flexible
signatures, context managers, nn.Module and friends.
"""
import os as _os

# GNU OpenMP spins ~300k iterations waiting for work before sleeping. When other processes
# share the cores, those spinning threads steal them and a 20 µs op can take milliseconds;
# a short spin keeps the speed of a quiet machine (measured: same µs per small op) and
# stays fast under load. Set before libgomp loads with _C; an explicit user setting wins.
if "GOMP_SPINCOUNT" not in _os.environ and "OMP_WAIT_POLICY" not in _os.environ:
    _os.environ["GOMP_SPINCOUNT"] = "1000"

from deepseek import _C
from deepseek._C import (  # noqa: F401  (re-exported API)
    Tensor, dtype, device,
    bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
    float, double, half, long, int, short,
    get_default_dtype, set_default_dtype, promote_types, manual_seed, initial_seed, seed,
    get_rng_state, set_rng_state, default_generator, Generator,
    from_numpy, is_grad_enabled, get_num_threads, set_num_threads,
    # math
    neg, negative, abs, exp, log, log1p, expm1, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu,
    silu, gelu, sign, floor, ceil, round, reciprocal, erf, square, logical_not, isnan, isinf,
    clamp, clip, add, sub, mul, multiply, div, true_divide, floor_divide, remainder, pow,
    maximum, minimum, eq, ne, lt, le, gt, ge, logical_and, logical_or, logical_xor, where,
    absolute, subtract, divide, greater, less, bitwise_and, bitwise_or, bitwise_xor,
    bitwise_not, result_type, can_cast, clone,
    tan, asin, acos, atan, arcsin, arccos, arctan, sinh, cosh, log2, log10, exp2, trunc, fix,
    frac, isfinite, signbit, nan_to_num, clamp_min, clamp_max, atan2, arctan2, hypot, fmod,
    isclose, allclose, equal, lerp, addcmul, addcdiv, bitwise_left_shift, bitwise_right_shift,
    std_mean, var_mean, count_nonzero, sort, argsort, msort, topk, kthvalue, median, unique,
    searchsorted, cumsum, cumprod, cummax, cummin, bincount, histc,
    baddbmm, addbmm, cross, einsum, diagonal, diag_embed, diag, trace,
    sum, mean, prod, amax, amin, max, min, argmax, argmin, var, std, logsumexp, norm, all, any,
    matmul, mm, bmm, dot, outer, addmm, softmax, log_softmax,
    # shape and indexing
    reshape, broadcast_to, permute, transpose, swapaxes, t, squeeze, unsqueeze, flatten,
    unflatten, narrow, select, as_strided, movedim, cat, concat, stack, split, chunk, unbind,
    tril, triu, flip, roll, index_select, gather, scatter, scatter_add, index_add, masked_fill,
    masked_select, nonzero, index_fill, index_copy, take, put, masked_scatter, tile,
    repeat_interleave, cartesian_prod,
    # creation
    linspace, eye, randperm, multinomial, bernoulli,
)
from deepseek._size import Size  # noqa: F401
from deepseek import _tensor  # noqa: F401  (attaches Python-side Tensor methods)
from deepseek import _tensor_extra  # noqa: F401  (and these)
from deepseek._tensor_extra import (  # noqa: F401
    scatter_reduce, asinh, acosh, atanh, diagflat, inner, dist, isin, quantile,
)
arcsinh, arccosh, arctanh = asinh, acosh, atanh
ravel = _C.Tensor.ravel
swapdims, moveaxis, fliplr, flipud = (_C.Tensor.swapdims, _C.Tensor.moveaxis,
                                      _C.Tensor.fliplr, _C.Tensor.flipud)
from deepseek._tensor import set_printoptions  # noqa: F401
from deepseek._factories import (  # noqa: F401
    tensor, as_tensor, empty, zeros, ones, full, arange, rand, randn, randint,
    empty_like, zeros_like, ones_like, full_like, rand_like, randn_like, randint_like,
    scalar_tensor, is_tensor, is_floating_point, numel, normal, meshgrid, empty_strided,
    frombuffer,
    FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor, LongTensor, IntTensor, ShortTensor,
    CharTensor, ByteTensor, BoolTensor,
)
from deepseek.autograd.grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode  # noqa: F401
from deepseek import autograd  # noqa: F401
from deepseek import return_types  # noqa: F401
from deepseek.serialization import save, load  # noqa: F401
from deepseek import cuda  # noqa: F401
from deepseek import _generator  # noqa: F401  (attaches utils.data's draws to Generator)
from deepseek import random  # noqa: F401
from deepseek import nn, optim, utils  # noqa: F401
from deepseek import accelerator, amp, backends, compiler, cpu, distributed, onnx  # noqa: F401
from deepseek.amp import autocast  # noqa: F401
from deepseek.amp.autocast_mode import (  # noqa: F401  (torch's top-level autocast state)
    is_autocast_enabled, set_autocast_enabled, is_autocast_cpu_enabled, set_autocast_cpu_enabled,
    get_autocast_dtype, set_autocast_dtype, get_autocast_cpu_dtype, set_autocast_cpu_dtype,
    get_autocast_gpu_dtype, set_autocast_gpu_dtype, autocast_increment_nesting,
    autocast_decrement_nesting, clear_autocast_cache, is_autocast_cache_enabled,
    set_autocast_cache_enabled,
)
from deepseek.compiler import compile  # noqa: F401  (returns the model unchanged)
from deepseek._functional import (  # noqa: F401
    atleast_1d, atleast_2d, atleast_3d, hstack, vstack, row_stack, dstack, column_stack,
    tensor_split, hsplit, vsplit, dsplit, tensordot, kron, block_diag, rot90, logaddexp,
    logaddexp2, copysign, sgn, heaviside, nansum, nanmean, xlogy, logit, deg2rad, rad2deg, sinc,
    float_power, isposinf, isneginf, isreal, diff, triu_indices, tril_indices, aminmax,
    trapezoid, trapz, cov, corrcoef, use_deterministic_algorithms,
    are_deterministic_algorithms_enabled, is_deterministic_algorithms_warn_only_enabled,
    broadcast_shapes, broadcast_tensors,
)
from deepseek import special  # noqa: F401
from deepseek import distributions  # noqa: F401,E402
from deepseek import jit, linalg, multiprocessing, profiler, testing, version  # noqa: F401,E402
from deepseek._type_info import finfo, iinfo  # noqa: F401,E402
from deepseek.nn._losses_extra import cdist  # noqa: F401,E402
from deepseek.backends.cuda import (  # noqa: F401
    set_float32_matmul_precision, get_float32_matmul_precision,
)

__version__ = "0.1.0"


def is_nonzero(input):
    return input.item() != 0
