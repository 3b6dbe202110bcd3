"""torch.finfo and torch.iinfo: the numeric limits of deepseek's dtypes."""
from deepseek import _C

# bits, eps, max, smallest normal, decimal resolution (10 ** -digits)
_FLOATS = {
    "float16": (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 1e-3),
    "bfloat16": (16, 2.0 ** -7, 3.3895313892515355e38, 2.0 ** -126, 1e-2),
    "float32": (32, 2.0 ** -23, 3.4028234663852886e38, 2.0 ** -126, 1e-6),
    "float64": (64, 2.0 ** -52, 1.7976931348623157e308, 2.0 ** -1022, 1e-15),
}
_INTS = {"uint8": (8, 0, 255), "int8": (8, -128, 127), "int16": (16, -2 ** 15, 2 ** 15 - 1),
         "int32": (32, -2 ** 31, 2 ** 31 - 1), "int64": (64, -2 ** 63, 2 ** 63 - 1)}


def _name(dtype):
    return str(dtype).rpartition(".")[2]


class finfo:
    """finfo(dtype=default dtype): bits, eps, max, min, tiny (= smallest_normal),
    resolution and dtype of a floating-point dtype."""

    def __init__(self, type=None):
        dtype = _C.get_default_dtype() if type is None else type
        name = _name(dtype)
        if name not in _FLOATS:
            raise TypeError(f"torch.finfo() requires a floating point input type. Use "
                            f"torch.iinfo to handle '{name}'")
        self.bits, self.eps, self.max, self.smallest_normal, self.resolution = _FLOATS[name]
        self.min = -self.max
        self.tiny = self.smallest_normal
        self.dtype = name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """iinfo(dtype): bits, min, max and dtype of an integer dtype."""

    def __init__(self, type):
        name = _name(type)
        if name not in _INTS:
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo "
                            f"to handle '{name}'")
        self.bits, self.min, self.max = _INTS[name]
        self.dtype = name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
