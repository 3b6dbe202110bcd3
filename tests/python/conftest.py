"""Helpers shared by the Python tests: tolerances by dtype and a numpy comparison.

Forward values are checked against numpy in float64 with the tolerances of DESIGN.md:
float64 1e-7, float32 1e-5 (relative), float16/bfloat16 1e-2. Integer and bool results
must match exactly.
"""
import numpy as np

import deepseek as ds

TOLERANCE = {ds.float64: 1e-7, ds.float32: 1e-5, ds.float16: 1e-2, ds.bfloat16: 1e-2}


def to_numpy64(t):
    """Values of a deepseek tensor on any device as a float64 numpy array (bool stays bool)."""
    t = t.detach().to("cpu")
    if t.dtype == ds.bool:
        return t.numpy().copy()
    return t.to(ds.float64).numpy().copy()


def assert_close(actual, expected, dtype=None, rtol=None, atol=None):
    """actual: a deepseek tensor; expected: anything numpy turns into an array.

    Checks shape, then values: exactly for integer/bool dtypes, else with the dtype's
    tolerance (relative, and the same absolute tolerance near zero). NaNs must match NaNs.
    dtype defaults to actual's dtype; pass it to check that too.
    """
    if dtype is not None:
        assert actual.dtype == dtype, f"dtype {actual.dtype} != {dtype}"
    got = to_numpy64(actual)
    expected = np.asarray(expected)
    assert got.shape == expected.shape, f"shape {got.shape} != {expected.shape}"
    tol = TOLERANCE.get(actual.dtype)
    if tol is None and rtol is None:
        np.testing.assert_array_equal(got, expected.astype(got.dtype))
        return
    rtol = tol if rtol is None else rtol
    atol = rtol if atol is None else atol
    np.testing.assert_allclose(got, expected.astype(np.float64), rtol=rtol, atol=atol,
                               equal_nan=True)
