"""deepseek.backends.cuda: the CUDA matmul switch (TF32).

`deepseek.backends.cuda.matmul.allow_tf32 = True` lets float32 matmuls on CUDA run on
TensorFloat-32 tensor cores (inputs rounded to a 10-bit mantissa, about 3x faster on
Ampere and later). It is off by default, as in PyTorch since 1.12, so CUDA float32 results
match the CPU backend to float32 rounding. In a build without the CUDA backend the flag is
kept but has nothing to act on: no CUDA matmul ever runs.
"""
from deepseek import _C

__all__ = ["matmul", "is_built"]

_impl = _C._cuda


def is_built():
    """True when deepseek was built with the CUDA backend (a GPU may still be absent)."""
    return bool(getattr(_impl, "built", False))


class _MatmulFlags:
    """torch.backends.cuda.matmul: only allow_tf32 exists; other names raise AttributeError
    (deepseek has no reduced-precision-reduction switches for float16/bfloat16)."""

    def __init__(self):
        object.__setattr__(self, "_allow_tf32_without_cuda", False)

    def __getattr__(self, name):
        if name == "allow_tf32":
            if is_built():
                return bool(_impl.matmul_allow_tf32())
            return self._allow_tf32_without_cuda
        raise AttributeError(f"Unknown attribute {name}")

    def __setattr__(self, name, value):
        if name != "allow_tf32":
            raise AttributeError(f"Unknown attribute {name}")
        if not isinstance(value, bool):
            raise TypeError(f"allow_tf32 must be a bool, got {type(value).__name__}")
        if is_built():
            _impl.set_matmul_allow_tf32(value)
        else:
            object.__setattr__(self, "_allow_tf32_without_cuda", value)

    def __repr__(self):
        return f"<deepseek.backends.cuda.matmul allow_tf32={self.allow_tf32}>"


matmul = _MatmulFlags()

_PRECISIONS = ("highest", "high", "medium")


def set_float32_matmul_precision(precision):
    """torch.set_float32_matmul_precision: "highest" keeps float32 matmuls in float32;
    "high" and "medium" allow TF32 on CUDA (deepseek has no bfloat16 fallback for "medium",
    so it means TF32 too). CPU matmuls always run in float32."""
    if precision not in _PRECISIONS:
        raise RuntimeError(f"set_float32_matmul_precision: expected one of {_PRECISIONS}, "
                           f"got {precision!r}")
    matmul.allow_tf32 = precision != "highest"


def get_float32_matmul_precision():
    """"highest" when TF32 is off, "high" when it is on (what the switch allows)."""
    return "high" if matmul.allow_tf32 else "highest"
