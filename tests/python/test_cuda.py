"""deepseek.cuda and the CUDA backend through Python.

The first group runs everywhere: the deepseek.cuda queries must answer (False, 0, no-ops)
on machines without a GPU, without a driver, or with a CPU-only build, and creating a
tensor on "cuda" there must raise RuntimeError. The second group needs a GPU and checks
the CUDA kernels against numpy (float64 reference) and against the CPU backend.
"""
import numpy as np
import pytest

import deepseek as ds

needs_gpu = pytest.mark.skipif(not ds.cuda.is_available(), reason="no CUDA device available")

# Tolerances by dtype, as everywhere in the tests.
RTOL = {ds.float64: 1e-7, ds.float32: 1e-5, ds.float16: 1e-2, ds.bfloat16: 1e-2}


def _numpy(t):
    """Values of a tensor on any device as a float64 numpy array."""
    return t.to("cpu").to(ds.float64).numpy()


# ---- everywhere ----

def test_queries_answer_without_a_gpu():
    available = ds.cuda.is_available()
    assert isinstance(available, bool)
    assert ds.cuda.device_count() >= (1 if available else 0)
    if not available:
        assert ds.cuda.device_count() == 0
        assert ds.cuda.current_device() == 0
        assert ds.cuda.memory_allocated() == 0
        assert ds.cuda.max_memory_allocated() == 0
        assert ds.cuda.memory_reserved() == 0
        assert ds.cuda._unavailable_reason() != ""
        assert ds.cuda.is_bf16_supported() is False
        for query in (ds.cuda.get_device_name, ds.cuda.get_device_capability,
                      ds.cuda.get_device_properties):
            with pytest.raises(RuntimeError, match="no CUDA device is available"):
                query()
    ds.cuda.synchronize()
    ds.cuda.empty_cache()
    ds.cuda.reset_peak_memory_stats()
    assert set(ds.cuda.memory_stats()) >= {"allocated_bytes", "peak_bytes", "reserved_bytes"}


@pytest.mark.skipif(ds.cuda.is_available(), reason="a CUDA device is available")
def test_cuda_tensors_raise_runtime_error_without_a_device():
    with pytest.raises(RuntimeError):
        ds.zeros(3, device="cuda")
    with pytest.raises(RuntimeError):
        ds.randn(2, 2).cuda()
    with pytest.raises(RuntimeError, match="no CUDA device is available"):
        ds.cuda.set_device(0)
    if ds._C._cuda.built:  # the backend is there but found no device: CUDA's own reason
        with pytest.raises(RuntimeError, match="CUDA error: .*is_available\\(\\) is False"):
            ds.ones(2, device="cuda")


# ---- with a GPU ----

@needs_gpu
@pytest.mark.parametrize("dtype", [ds.bool, ds.uint8, ds.int8, ds.int16, ds.int32, ds.int64,
                                   ds.float16, ds.bfloat16, ds.float32, ds.float64])
def test_round_trip_keeps_values(dtype):
    base = ds.tensor(np.arange(-12, 12).reshape(4, 6) * 0.75).to(dtype)
    dev = base.to("cuda")
    assert dev.is_cuda and dev.device == ds.device("cuda", 0)
    back = dev.cpu()
    assert back.dtype == dtype
    np.testing.assert_array_equal(_numpy(back), _numpy(base))


@needs_gpu
def test_casts_and_strided_copies_match_numpy():
    x = np.random.default_rng(0).standard_normal((5, 6))
    dev = ds.tensor(x).to("cuda")
    np.testing.assert_allclose(_numpy(dev.to(ds.float32)), x.astype(np.float32), rtol=1e-6)
    np.testing.assert_array_equal(_numpy(dev.to(ds.int32)), x.astype(np.int32))
    np.testing.assert_array_equal(_numpy(dev.to(ds.bool)), x != 0)
    np.testing.assert_array_equal(_numpy(dev.t().contiguous()), x.T)
    np.testing.assert_array_equal(_numpy(dev[:, ::2].contiguous()), x[:, ::2])
    np.testing.assert_allclose(_numpy(dev.to(ds.float16)), x.astype(np.float16), rtol=1e-3)


@needs_gpu
def test_fill_and_arange_match_numpy():
    np.testing.assert_array_equal(_numpy(ds.zeros(3, 4, device="cuda")), np.zeros((3, 4)))
    np.testing.assert_array_equal(_numpy(ds.full((2, 3), 2.5, device="cuda")), np.full((2, 3), 2.5))
    t = ds.zeros(4, 6, device="cuda")
    t[:, 1::2] = 7.0
    expect = np.zeros((4, 6))
    expect[:, 1::2] = 7.0
    np.testing.assert_array_equal(_numpy(t), expect)
    np.testing.assert_allclose(_numpy(ds.arange(0, 10, 0.25, device="cuda")),
                               np.arange(0, 10, 0.25), rtol=1e-7)
    np.testing.assert_array_equal(_numpy(ds.arange(-5, 50, 3, device="cuda")),
                                  np.arange(-5, 50, 3))


@needs_gpu
def test_random_numbers_equal_the_cpu_ones_for_the_same_seed():
    ds.manual_seed(123)
    r_cpu, n_cpu, i_cpu = ds.rand(1000), ds.randn(1000), ds.randint(0, 50, (1000,))
    ds.manual_seed(123)
    r_gpu = ds.rand(1000, device="cuda")
    n_gpu = ds.randn(1000, device="cuda")
    i_gpu = ds.randint(0, 50, (1000,), device="cuda")
    np.testing.assert_array_equal(_numpy(r_gpu), _numpy(r_cpu))
    np.testing.assert_array_equal(_numpy(i_gpu), _numpy(i_cpu))
    # normals go through log1p/cos, whose last bit may differ between libm and CUDA
    np.testing.assert_allclose(_numpy(n_gpu), _numpy(n_cpu), rtol=1e-6, atol=1e-7)
    assert 0.45 < _numpy(r_gpu).mean() < 0.55  # and they are uniform-looking, not zeros


@needs_gpu
@pytest.mark.parametrize("dtype", [ds.float32, ds.float64, ds.float16, ds.bfloat16, ds.int64,
                                   ds.int32])
def test_add_mul_broadcast_with_mixed_strides(dtype):
    rng = np.random.default_rng(1)
    a_np = rng.integers(-9, 10, (5, 4)).astype(np.float64) * (0.5 if dtype.is_floating_point else 1)
    b_np = rng.integers(-9, 10, (4,)).astype(np.float64)
    a = ds.tensor(a_np).to(dtype).to("cuda").t()  # [4, 5], transposed
    b = ds.tensor(b_np).to(dtype).to("cuda").unsqueeze(1)  # [4, 1], broadcast along dim 1
    rtol = RTOL.get(dtype, 0)
    np.testing.assert_allclose(_numpy(a + b), a_np.T + b_np[:, None], rtol=rtol)
    np.testing.assert_allclose(_numpy(a * b), a_np.T * b_np[:, None], rtol=rtol)
    np.testing.assert_allclose(_numpy(a - b), a_np.T - b_np[:, None], rtol=rtol)
    np.testing.assert_array_equal(_numpy(a < b), a_np.T < b_np[:, None])
    if dtype.is_floating_point:
        nonzero = np.where(b_np == 0, 1.0, b_np)
        bz = ds.tensor(nonzero).to(dtype).to("cuda").unsqueeze(1)
        np.testing.assert_allclose(_numpy(a / bz), a_np.T / nonzero[:, None], rtol=rtol)


@needs_gpu
@pytest.mark.parametrize("dtype", [ds.float32, ds.float64, ds.float16, ds.bfloat16, ds.int64,
                                   ds.int8, ds.bool])
@pytest.mark.parametrize("n", [1, 3, 17, 1000, 4099])
def test_contiguous_binary_ops_every_length_and_alignment(dtype, n):
    # Contiguous operands take a vectorised kernel (16 bytes per thread) with a tail for the
    # last n % vector elements; views that start off the vector boundary and broadcast
    # single values must give the same values as numpy.
    rng = np.random.default_rng(n)
    a_np = rng.integers(-5, 6, n + 1).astype(np.float64)
    b_np = rng.integers(1, 6, n + 1).astype(np.float64)
    if dtype == ds.bool:
        a_np, b_np = a_np > 0, b_np > 3
    a_all = ds.tensor(a_np).to(dtype).to("cuda")
    b_all = ds.tensor(b_np).to(dtype).to("cuda")
    rtol = RTOL.get(dtype, 0)
    for a, b, x, y in [(a_all[:n], b_all[:n], a_np[:n], b_np[:n]),  # aligned
                       (a_all[1:], b_all[1:], a_np[1:], b_np[1:]),  # both off the boundary
                       (a_all[1:], b_all[:n], a_np[1:], b_np[:n]),  # one off
                       (a_all[:n], b_all[:1].expand(n), a_np[:n], np.full(n, b_np[0]))]:
        if dtype == ds.bool:
            np.testing.assert_array_equal(_numpy(a + b), np.logical_or(x, y))
            np.testing.assert_array_equal(_numpy(a * b), np.logical_and(x, y))
        else:
            np.testing.assert_allclose(_numpy(a + b), x + y, rtol=rtol)
            np.testing.assert_allclose(_numpy(b * a), y * x, rtol=rtol)
            np.testing.assert_allclose(_numpy(a - b), x - y, rtol=rtol)
            np.testing.assert_allclose(_numpy(a * 3), x * 3, rtol=rtol)  # a Python number
        np.testing.assert_array_equal(_numpy(a == b), x == y)
        np.testing.assert_array_equal(_numpy(b > a), y > x)


@needs_gpu
def test_type_promotion_on_device():
    a = ds.tensor([[1, 2, 3]], dtype=ds.int32).to("cuda")
    b = ds.tensor([0.5, 0.25, 2.0]).to("cuda")
    c = a * b + 1
    assert c.dtype == ds.float32 and c.is_cuda
    np.testing.assert_allclose(_numpy(c), [[1.5, 1.5, 7.0]])


@needs_gpu
@pytest.mark.parametrize("dtype", [ds.float32, ds.float64, ds.float16, ds.bfloat16])
def test_matmul_matches_numpy(dtype):
    rng = np.random.default_rng(2)
    a_np, b_np = rng.standard_normal((3, 17, 33)), rng.standard_normal((33, 9))
    a = ds.tensor(a_np).to(dtype).to("cuda")
    b = ds.tensor(b_np).to(dtype).to("cuda")
    # reference on the values actually multiplied (inputs rounded to dtype)
    a_r, b_r = _numpy(a), _numpy(b)
    rtol = {ds.float64: 1e-7, ds.float32: 1e-5}.get(dtype, 1e-2)
    atol = {ds.float64: 1e-10, ds.float32: 1e-4}.get(dtype, 5e-2)
    np.testing.assert_allclose(_numpy(a @ b), a_r @ b_r, rtol=rtol, atol=atol)
    np.testing.assert_allclose(_numpy(a[0] @ b), a_r[0] @ b_r, rtol=rtol, atol=atol)
    bt = ds.tensor(b_np.T.copy()).to(dtype).to("cuda").t()  # column-major operand
    np.testing.assert_allclose(_numpy(a @ bt), a_r @ _numpy(bt), rtol=rtol, atol=atol)


@needs_gpu
def test_cross_device_operands_raise():
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        ds.ones(3) + ds.ones(3, device="cuda")
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        ds.ones(2, 3) @ ds.ones(3, 2, device="cuda")


@needs_gpu
def test_numpy_of_a_cuda_tensor_asks_for_cpu():
    with pytest.raises(TypeError, match="cpu"):
        ds.ones(2, device="cuda").numpy()


@needs_gpu
def test_memory_statistics_follow_tensors():
    ds.cuda.synchronize()
    ds.cuda.empty_cache()
    before = ds.cuda.memory_allocated()
    reserved_before = ds.cuda.memory_reserved()
    ds.cuda.reset_peak_memory_stats()
    # 64 MiB of float32: requests of 10 MiB and more get a segment of their own, so this
    # one cannot hide in memory that is already reserved.
    t = ds.empty(16 << 20, device="cuda")
    assert ds.cuda.memory_allocated() - before == 64 << 20
    assert ds.cuda.max_memory_allocated() >= before + (64 << 20)
    assert ds.cuda.memory_reserved() >= ds.cuda.memory_allocated()
    del t
    assert ds.cuda.memory_allocated() == before
    assert ds.cuda.memory_reserved() > reserved_before  # cached, not returned yet
    ds.cuda.empty_cache()
    assert ds.cuda.memory_reserved() == reserved_before
    assert ds.cuda.max_memory_allocated() >= before + (64 << 20)  # the peak remembers


@needs_gpu
def test_device_queries():
    assert ds.cuda.device_count() >= 1
    assert ds.cuda.current_device() == 0
    assert isinstance(ds.cuda.get_device_name(), str) and ds.cuda.get_device_name()
    major, minor = ds.cuda.get_device_capability()
    assert isinstance(major, int) and isinstance(minor, int) and major >= 3
    props = ds.cuda.get_device_properties(0)
    assert props.name == ds.cuda.get_device_name(0)
    assert (props.major, props.minor) == (major, minor)
    assert props.total_memory > 1 << 30 and props.multi_processor_count > 0
    assert ds.cuda.is_bf16_supported() == (major >= 8)
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        ds.cuda.get_device_capability(ds.cuda.device_count())
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        ds.cuda.set_device(ds.cuda.device_count())
