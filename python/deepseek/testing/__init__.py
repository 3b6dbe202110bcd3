"""torch.testing.assert_close: tensors (or nested lists/tuples/dicts of them, or numbers)
equal within rtol/atol chosen by dtype (PyTorch's defaults), with a message that says where
and by how much they differ."""
import numbers

from deepseek import _C

__all__ = ["assert_close", "assert_allclose"]

# PyTorch's default (rtol, atol) by dtype; integers and bool compare exactly.
_TOLERANCES = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5),
               "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def _as_tensor(value):
    if isinstance(value, _C.Tensor):
        return value
    from deepseek._factories import tensor
    return tensor(value)


def _compare(actual, expected, rtol, atol, equal_nan, check_dtype, check_device, path):
    if isinstance(expected, (list, tuple)) and not isinstance(actual, _C.Tensor):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch{path}: {len(actual)} "
                                 f"!= {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, rtol, atol, equal_nan, check_dtype, check_device, f"{path}[{i}]")
        return
    if isinstance(expected, dict):
        if set(actual) != set(expected):
            raise AssertionError(f"The keys of the mappings do not match{path}")
        for key in expected:
            _compare(actual[key], expected[key], rtol, atol, equal_nan, check_dtype,
                     check_device, f"{path}[{key!r}]")
        return
    a, e = _as_tensor(actual), _as_tensor(expected)
    where = f" at {path}" if path else ""
    if tuple(a.shape) != tuple(e.shape):
        raise AssertionError(f"The values for attribute 'shape' do not match{where}: "
                             f"{a.shape} != {e.shape}.")
    if check_dtype and a.dtype != e.dtype:
        raise AssertionError(f"The values for attribute 'dtype' do not match{where}: "
                             f"{a.dtype} != {e.dtype}.")
    if check_device and a.device != e.device:
        raise AssertionError(f"The values for attribute 'device' do not match{where}: "
                             f"{a.device} != {e.device}.")
    name = str(a.dtype).rpartition(".")[2]
    default_rtol, default_atol = _TOLERANCES.get(name, (0.0, 0.0))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    av = a.detach().cpu().to(_C.float64)
    ev = e.detach().cpu().to(_C.float64)
    close = _C.isclose(av, ev, rtol, atol, equal_nan)
    if bool(close.all()):
        return
    mismatched = int((~close).sum())
    diff = _C.abs(av - ev).masked_fill(close, 0)
    worst = int(diff.reshape(-1).argmax())
    raise AssertionError(
        f"Tensor-likes are not close!{where}\n\nMismatched elements: {mismatched} / "
        f"{a.numel()} ({100.0 * mismatched / max(a.numel(), 1):.1f}%)\nGreatest absolute "
        f"difference: {float(diff.reshape(-1)[worst])} at index {worst} (up to {atol} "
        f"allowed)\nGreatest relative difference: "
        f"{float((diff / _C.abs(ev).clamp_min(1e-300)).reshape(-1).max())} (up to {rtol} "
        f"allowed)")


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but "
                         f"got no {'rtol' if rtol is None else 'atol'}.")
    if isinstance(expected, numbers.Number) and isinstance(actual, numbers.Number):
        actual, expected = _as_tensor(actual), _as_tensor(expected)
    try:
        _compare(actual, expected, rtol, atol, equal_nan, check_dtype, check_device, "")
    except AssertionError as error:
        if msg is None:
            raise
        raise AssertionError(msg(str(error)) if callable(msg) else msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """The deprecated form: dtypes need not match."""
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False,
                 msg=msg or None)
