"""float64 exp, tanh and sigmoid (the CPU backend's own vectorised versions) against numpy
over the whole double range: a few units in the last place, and numpy's answers at the
edges (overflow, subnormal results, infinities, NaN, signed zero)."""
import numpy as np
import pytest

import deepseek as ds

EDGES = [0.0, -0.0, np.inf, -np.inf, np.nan, 709.782712893384, 709.79, -708.39, -708.4,
         -745.13, -745.14, 1e-300, -1e-300, 5e-324, 0.25, -0.25, np.nextafter(0.25, 0), 19.06,
         20.0, -20.0, 36.8, -36.8, 1e-8, -1e-8]


def _points():
    rng = np.random.default_rng(7)
    return np.concatenate([rng.uniform(-750, 720, 200_000), rng.uniform(-2, 2, 100_000),
                           rng.uniform(-0.3, 0.3, 100_000), rng.standard_normal(50_000) * 1e-6,
                           EDGES])


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize("name,ours,reference,max_ulps", [
    ("exp", ds.exp, np.exp, 2),
    ("tanh", ds.tanh, np.tanh, 6),
    ("sigmoid", ds.sigmoid, _sigmoid, 6),
])
def test_float64_transcendentals_match_numpy(name, ours, reference, max_ulps):
    x = _points()
    with np.errstate(over="ignore"):
        want = reference(x)
    got = ours(ds.from_numpy(x)).numpy()
    finite = np.isfinite(want) & (want != 0)
    ulps = np.abs(got[finite] - want[finite]) / np.spacing(np.abs(want[finite]))
    assert ulps.max() <= max_ulps, f"{name}: {ulps.max()} ulps at x = {x[finite][ulps.argmax()]}"
    # Zeros, infinities and NaN exactly, signs included.
    special = ~finite
    np.testing.assert_array_equal(np.isnan(got[special]), np.isnan(want[special]))
    same = ~np.isnan(want[special])
    np.testing.assert_array_equal(got[special][same], want[special][same])
    np.testing.assert_array_equal(np.signbit(got[special][same]), np.signbit(want[special][same]))


def test_float64_transcendentals_on_strided_views():
    x = _points()[:10_000].reshape(100, 100)
    t = ds.from_numpy(x).t()  # the strided loop, not the contiguous one
    np.testing.assert_allclose(ds.tanh(t).numpy(), np.tanh(x.T), rtol=1e-15, atol=0)
