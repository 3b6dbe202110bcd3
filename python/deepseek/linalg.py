"""torch.linalg's norms and products: vector_norm, matrix_norm, norm, vecdot, cross,
multi_dot, matrix_power, diagonal, matmul. Decompositions (inv, solve, det, svd, qr, eigh,
cholesky) need a factorization kernel deepseek does not have yet; they raise
NotImplementedError naming themselves."""
import math

from deepseek import _C

__all__ = ["vector_norm", "matrix_norm", "norm", "vecdot", "cross", "multi_dot",
           "matrix_power", "diagonal", "matmul"]


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """(sum |x|^ord)^(1/ord) over dim (all dims when None); ord inf/-inf: max/min |x|;
    ord 0: the number of non-zeros."""
    if dtype is not None:
        x = x.to(dtype)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor "
                           f"as input. Got {str(x.dtype).rpartition('.')[2]}")
    dims = None if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    return _C.norm(x, float(ord), dims, keepdim)  # the C++ norm covers every vector order


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """'fro', or the induced norms 1, -1 (max/min column sum) and inf, -inf (max/min row
    sum). 'nuc', 2 and -2 need singular values, which are not implemented yet."""
    if dtype is not None:
        A = A.to(dtype)
    if A.dim() < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 "
                           f"dimensions.")
    rows, cols = (d % A.dim() for d in dim)
    if ord == "fro":
        return _C.sqrt((A * A).sum([rows, cols], keepdim))
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} needs singular values, "
                                  "which deepseek does not compute yet")
    if ord in (1, -1):
        sums = _C.abs(A).sum(rows, True)
        reduce_dim = cols
    elif ord in (math.inf, -math.inf):
        sums = _C.abs(A).sum(cols, True)
        reduce_dim = rows
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    result = _C.amax(sums, [reduce_dim], True) if ord in (1, math.inf) else _C.amin(
        sums, [reduce_dim], True)
    return result if keepdim else result.squeeze(max(rows, cols)).squeeze(min(rows, cols))


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """vector_norm for 1-D inputs or an int dim, matrix_norm for 2-D or a pair of dims; with
    neither ord nor dim, the 2-norm of the flattened input."""
    if dim is not None and not isinstance(dim, int) and len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is not None and dim is None and A.dim() == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def vecdot(x, y, *, dim=-1):
    return (x * y).sum(dim)


def cross(input, other, *, dim=-1):
    return _C.cross(input, other, dim)


def multi_dot(tensors):
    """A chain of matrix products (1-D ends are a row and a column vector), left to right."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first_vector, last_vector = tensors[0].dim() == 1, tensors[-1].dim() == 1
    if first_vector:
        tensors[0] = tensors[0].unsqueeze(0)
    if last_vector:
        tensors[-1] = tensors[-1].unsqueeze(1)
    out = tensors[0]
    for t in tensors[1:]:
        out = out @ t
    if first_vector:
        out = out.squeeze(0)
    if last_vector:
        out = out.squeeze(-1)
    return out


def matrix_power(A, n):
    """A^n by repeated squaring (n >= 0; negative powers need inv, not implemented yet)."""
    if A.dim() < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError("linalg.matrix_power: A must be batches of square matrices")
    if n < 0:
        raise NotImplementedError("linalg.matrix_power: negative powers need linalg.inv, "
                                  "which deepseek does not implement yet")
    if n == 0:  # the identity, still connected to A (a zero gradient), as in torch
        return _C.eye(A.shape[-1], dtype=A.dtype, device=A.device).expand(A.shape) + A * 0
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return _C.diagonal(A, offset, dim1, dim2)


def matmul(input, other):
    return input @ other


def _missing(name):
    def decomposition(*args, **kwargs):
        raise NotImplementedError(f"linalg.{name} is not implemented yet: it needs a matrix "
                                  f"factorization kernel")
    decomposition.__name__ = name
    return decomposition


for _name in ("inv", "solve", "det", "slogdet", "cholesky", "qr", "svd", "svdvals", "eig",
              "eigh", "eigvals", "eigvalsh", "lstsq", "pinv", "lu", "lu_factor", "matrix_rank",
              "cond", "inv_ex", "solve_triangular"):
    globals()[_name] = _missing(_name)
