"""PyTorch module-level API that real programs touch before they train: accelerator, onnx,
compile, backends, amp (GradScaler, autocast), distributed, DataParallel, numpy values in
checkpoints, dropout2d's legacy ranks and DataLoader workers at interpreter exit.

Where deepseek lacks the feature (ONNX export, process groups) the test pins the
explicit error; everything else is checked against torch's documented behaviour or values
computed by hand.
"""
import io
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import deepseek as torch
import deepseek.nn as nn
import deepseek.nn.functional as F

HAS_CUDA = torch.cuda.is_available()
BUILT_WITH_CUDA = bool(getattr(torch._C._cuda, "built", False))


def values(t):
    return t.detach().to("cpu").to(torch.float64).numpy()


# ------------------------------------------------------------------------------ accelerator

def test_accelerator_mirrors_cuda():
    assert torch.accelerator.is_available() is HAS_CUDA
    assert torch.accelerator.device_count() == torch.cuda.device_count()
    acc = torch.accelerator.current_accelerator()
    if BUILT_WITH_CUDA:
        assert acc.type == "cuda"
    else:
        assert acc is None
    checked = torch.accelerator.current_accelerator(check_available=True)
    assert (checked is not None) is HAS_CUDA
    torch.accelerator.synchronize()
    torch.accelerator.set_device_index(-1)  # negative: a no-op, as in torch


def test_accelerator_device_index():
    if HAS_CUDA:
        assert torch.accelerator.current_device_index() == torch.cuda.current_device()
        torch.accelerator.set_device_index(0)
        with torch.accelerator.device_index(0):
            assert torch.accelerator.current_device_index() == 0
    else:
        with pytest.raises(RuntimeError, match="accelerator"):
            torch.accelerator.current_device_index()
        with pytest.raises(RuntimeError):
            torch.accelerator.set_device_index(0)
    with pytest.raises(ValueError, match="cuda"):
        torch.accelerator.synchronize("cpu")


# ------------------------------------------------------------------------- onnx and compile

def test_onnx_export_is_an_explicit_error():
    import deepseek.onnx
    with pytest.raises(NotImplementedError, match="cannot export ONNX"):
        deepseek.onnx.export(nn.Linear(2, 2), torch.ones(1, 2), io.BytesIO())
    assert deepseek.onnx.is_in_onnx_export() is False


def test_compile_returns_the_same_module_and_function():
    lin = nn.Linear(3, 2)
    assert torch.compile(lin) is lin
    assert torch.compile(lin, mode="max-autotune", fullgraph=True) is lin

    @torch.compile
    def f(x):
        return x * 2

    @torch.compile(dynamic=True)
    def g(x):
        return x + 1

    assert f(torch.ones(2)).tolist() == [2.0, 2.0] and g(torch.ones(1)).tolist() == [2.0]
    with pytest.raises(RuntimeError, match="callable"):
        torch.compile(3)
    assert torch.compiler.is_compiling() is False
    assert torch.compiler.disable(f) is f
    torch.compiler.reset()


# -------------------------------------------------------------------------------- backends

def test_matmul_allow_tf32_round_trips():
    matmul = torch.backends.cuda.matmul
    before = matmul.allow_tf32
    assert before is False  # PyTorch's default since 1.12
    try:
        matmul.allow_tf32 = True
        assert matmul.allow_tf32 is True
        if BUILT_WITH_CUDA:  # the flag is the CUDA backend's switch itself
            assert torch._C._cuda.matmul_allow_tf32() is True
        assert torch.get_float32_matmul_precision() == "high"
        torch.set_float32_matmul_precision("highest")
        assert matmul.allow_tf32 is False
        torch.set_float32_matmul_precision("medium")
        assert matmul.allow_tf32 is True
    finally:
        matmul.allow_tf32 = before
    with pytest.raises(TypeError):
        matmul.allow_tf32 = 1
    with pytest.raises(AttributeError, match="Unknown attribute"):
        matmul.allow_fp8 = True
    with pytest.raises(RuntimeError):
        torch.set_float32_matmul_precision("low")


def test_cudnn_mps_mkldnn_openmp_flags():
    cudnn = torch.backends.cudnn
    assert cudnn.is_available() is False and cudnn.version() is None
    assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32) == (
        True, False, False, True)
    with cudnn.flags(enabled=True, benchmark=True, deterministic=True, allow_tf32=False):
        assert cudnn.benchmark and cudnn.deterministic and not cudnn.allow_tf32
    assert not cudnn.benchmark and cudnn.allow_tf32
    cudnn.benchmark = True  # scripts assign these directly
    cudnn.benchmark = False
    assert torch.backends.mps.is_available() is False and torch.backends.mps.is_built() is False
    assert torch.backends.mkldnn.is_available() is True
    assert torch.backends.openmp.is_available() is True


def test_cpu_capability_matches_the_cpu_flags():
    capability = torch.backends.cpu.get_cpu_capability()
    assert capability in ("DEFAULT", "AVX2", "AVX512")
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":")[1].split() for line in f
                          if line.startswith("flags")), [])
    except OSError:
        flags = []
    if "avx512bw" in flags and "avx512vl" in flags and "avx512dq" in flags:
        assert capability == "AVX512"
    elif "avx2" in flags and "fma" in flags:
        assert capability == "AVX2"
    else:
        assert capability == "DEFAULT"


# ---------------------------------------------------------------------------------- amp

def quadratic_step(scaler, opt, p, factor=1.0):
    """One scaled iteration on loss = factor * sum(p^2); returns what scaler.step returned."""
    opt.zero_grad()
    scaler.scale(factor * (p * p).sum()).backward()
    result = scaler.step(opt)
    scaler.update()
    return result


def test_grad_scaler_scales_unscales_and_steps():
    p = nn.Parameter(torch.tensor([1.0, -2.0]))
    opt = torch.optim.SGD([p], lr=0.25)
    scaler = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3)
    assert scaler.get_scale() == 8.0 and scaler.is_enabled()
    loss = (p * p).sum()
    scaled = scaler.scale(loss)
    assert scaled.item() == 8.0 * 5.0
    scaled.backward()
    np.testing.assert_array_equal(values(p.grad), [16.0, -32.0])  # 8 * 2p
    scaler.unscale_(opt)
    np.testing.assert_array_equal(values(p.grad), [2.0, -4.0])
    with pytest.raises(RuntimeError, match="already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)  # does not unscale a second time
    np.testing.assert_allclose(values(p), [0.5, -1.0])
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        scaler.step(opt)
    with pytest.raises(RuntimeError, match="after step"):
        scaler.unscale_(opt)
    scaler.update()
    assert scaler.get_scale() == 8.0 and scaler._get_growth_tracker() == 1


def test_grad_scaler_skips_non_finite_steps_and_adapts_the_scale():
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    opt = torch.optim.SGD([p], lr=0.5)
    scaler = torch.amp.GradScaler("cpu", init_scale=4.0, growth_factor=2.0,
                                  backoff_factor=0.25, growth_interval=2)
    assert quadratic_step(scaler, opt, p, factor=float("inf")) is None  # skipped
    np.testing.assert_array_equal(values(p), [1.0, 2.0])
    assert scaler.get_scale() == 1.0 and scaler._get_growth_tracker() == 0  # 4 * 0.25
    quadratic_step(scaler, opt, p)  # a clean step: p - 0.5 * 2p = 0
    np.testing.assert_array_equal(values(p), [0.0, 0.0])
    assert scaler.get_scale() == 1.0 and scaler._get_growth_tracker() == 1
    quadratic_step(scaler, opt, p)  # second clean step in a row: grow
    assert scaler.get_scale() == 2.0 and scaler._get_growth_tracker() == 0
    p.data.fill_(float("nan"))
    quadratic_step(scaler, opt, p)  # nan gradients: skipped as well
    assert scaler.get_scale() == 0.5


def test_grad_scaler_growth_never_overflows_float32():
    p = nn.Parameter(torch.tensor([0.0]))
    opt = torch.optim.SGD([p], lr=0.0)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**127, growth_interval=1)
    quadratic_step(scaler, opt, p)
    assert scaler.get_scale() == 2.0**127  # 2^128 is inf in float32: kept


def test_grad_scaler_state_dict_and_misuse():
    scaler = torch.amp.GradScaler("cpu", init_scale=16.0, growth_interval=7)
    p = nn.Parameter(torch.tensor([3.0]))
    opt = torch.optim.SGD([p], lr=0.1)
    with pytest.raises(AssertionError, match="did not use scaler.scale"):
        scaler.step(opt)
    with pytest.raises(RuntimeError, match="Closure"):
        scaler.step(opt, closure=lambda: 0)
    quadratic_step(scaler, opt, p)
    sd = scaler.state_dict()
    assert sd == {"scale": 16.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                  "growth_interval": 7, "_growth_tracker": 1}
    other = torch.amp.GradScaler("cpu")
    other.load_state_dict(sd)
    assert other.get_scale() == 16.0 and other._get_growth_tracker() == 1
    assert other.get_growth_interval() == 7
    with pytest.raises(RuntimeError, match="empty"):
        other.load_state_dict({})
    with pytest.raises(AssertionError, match="No inf checks"):
        other.scale(torch.ones(1))
        other.update()
    half = nn.Parameter(torch.ones(2, dtype=torch.float16))
    half.grad = torch.ones(2, dtype=torch.float16)
    with pytest.raises(ValueError, match="FP16 gradients"):
        other.unscale_(torch.optim.SGD([half], lr=1.0))
    scaler.update(new_scale=3.0)
    assert scaler.get_scale() == 3.0
    with pytest.raises(AssertionError):
        torch.amp.GradScaler("cpu", growth_factor=0.5)


def test_grad_scaler_scales_nested_outputs():
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0)
    a, b, c = torch.ones(1), torch.ones(2), torch.ones(3)
    out = scaler.scale([a, (b, c)])
    assert isinstance(out, list) and isinstance(out[1], tuple)
    assert values(out[1][1]).tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(ValueError, match="iterable of Tensors"):
        scaler.scale(3)


def test_grad_scaler_for_cuda_without_cuda_disables_itself():
    if HAS_CUDA:
        assert torch.cuda.amp.GradScaler().is_enabled()
        return
    for make in (lambda: torch.cuda.amp.GradScaler(), lambda: torch.amp.GradScaler("cuda"),
                 lambda: torch.amp.GradScaler(torch.device("cuda:0"))):
        with pytest.warns(UserWarning, match="CUDA is not available"):
            scaler = make()
        assert scaler.is_enabled() is False and scaler.get_scale() == 1.0
        assert scaler.state_dict() == {}


def test_autocast_disabled_is_a_no_op_and_enabled_casts():
    lin = nn.Linear(2, 2)
    x = torch.ones(1, 2)
    for ctx in (torch.autocast("cpu", enabled=False),
                torch.amp.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=False),
                torch.cpu.amp.autocast(enabled=False), torch.cuda.amp.autocast(enabled=False)):
        with ctx:
            assert lin(x).dtype == torch.float32

    @torch.autocast("cpu", enabled=False)
    def forward(x):
        return lin(x)

    assert forward(x).dtype == torch.float32
    for make in (lambda: torch.autocast("cpu", dtype=torch.bfloat16),
                 lambda: torch.amp.autocast("cpu"), lambda: torch.cpu.amp.autocast()):
        with make():
            assert lin(x).dtype == torch.bfloat16
    if not HAS_CUDA:  # PyTorch warns and disables CUDA autocast without CUDA
        with pytest.warns(UserWarning, match="CUDA is not available"):
            with torch.autocast("cuda", dtype=torch.float16):
                assert lin(x).dtype == torch.float32
    with pytest.raises(ValueError):
        torch.autocast(torch.device("cpu"))
    assert torch.amp.is_autocast_available("cpu") is True


def test_custom_fwd_bwd_wrap_the_function():
    # Details (casting, the state backward runs under) are in test_autocast.py.
    class Ctx:
        pass

    def f(ctx, x):
        return x

    x = torch.ones(2)
    for decorated in (torch.amp.custom_fwd(f, device_type="cuda"),
                      torch.cuda.amp.custom_fwd(cast_inputs=torch.float32)(f)):
        ctx = Ctx()
        assert decorated(ctx, x) is x and ctx._fwd_used_autocast is False
    assert torch.amp.custom_bwd(f, device_type="cuda")(ctx, x) is x


def test_is_bf16_supported_without_a_device_is_false():
    if not HAS_CUDA:
        assert torch.cuda.is_bf16_supported() is False
    else:
        assert torch.cuda.is_bf16_supported() in (True, False)


# ------------------------------------------------------------------------------ distributed

def test_distributed_without_process_groups():
    import deepseek.distributed as dist
    assert dist.is_available() is False and dist.is_initialized() is False
    assert dist.is_nccl_available() is False
    with pytest.raises(NotImplementedError, match="not available in this build"):
        dist.init_process_group(backend="nccl")
    for call in (dist.get_rank, dist.get_world_size, dist.barrier, dist.destroy_process_group,
                 lambda: dist.all_reduce(torch.ones(1), op=dist.ReduceOp.SUM)):
        with pytest.raises(RuntimeError, match="has not been initialized"):
            call()
    assert dist.Backend("NCCL") == "nccl"


def test_is_torchelastic_launched_reads_the_environment(monkeypatch):
    import deepseek.distributed as dist
    monkeypatch.delenv("TORCHELASTIC_RUN_ID", raising=False)
    assert dist.is_torchelastic_launched() is False
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "abc")
    assert dist.is_torchelastic_launched() is True


def test_ddp_construction_is_an_explicit_error():
    from deepseek.nn.parallel import DistributedDataParallel as DDP
    with pytest.raises(NotImplementedError, match="DistributedDataParallel"):
        DDP(nn.Linear(2, 2), device_ids=[0])


def test_data_parallel_single_device():
    torch.manual_seed(0)
    lin = nn.Linear(3, 2)
    x = torch.randn(4, 3)
    expected = values(lin(x))
    dp = nn.DataParallel(lin)
    assert dp.module is lin
    assert sorted(dp.state_dict()) == ["module.bias", "module.weight"]
    y = dp(x)
    np.testing.assert_allclose(values(y), expected, rtol=1e-5, atol=1e-6)
    if HAS_CUDA:
        assert dp.device_ids == [0] or torch.cuda.device_count() > 1
        assert y.device.type == "cuda" and lin.weight.device.type == "cuda"
    else:
        assert dp.device_ids == [] and y.device.type == "cpu"


@pytest.mark.skipif(not HAS_CUDA, reason="several device_ids only matter where CUDA exists "
                    "(without it torch and deepseek ignore them)")
def test_data_parallel_several_devices_is_an_explicit_error():
    with pytest.raises(NotImplementedError, match="several GPUs"):
        nn.DataParallel(nn.Linear(2, 2), device_ids=[0, 1])


# ------------------------------------------------------------------- checkpoint extensions

def round_trip(obj, **load_kw):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, **load_kw)


def test_numpy_values_round_trip_with_dtype_and_shape():
    shared = np.arange(6, dtype=np.int16).reshape(2, 3)
    obj = {"a": shared, "nested": [shared, (np.float32(2.5), np.bool_(True))],
           "empty": np.zeros((0, 4)), "zero_d": np.array(7.25),
           "strided": np.arange(12.0).reshape(3, 4)[:, ::2], "t": torch.ones(2),
           "f16": np.linspace(0, 1, 5).astype(np.float16), "u8": np.arange(3, dtype=np.uint8)}
    back = round_trip(obj)
    for key in ("a", "empty", "zero_d", "strided", "f16", "u8"):
        assert isinstance(back[key], np.ndarray), key
        assert back[key].dtype == obj[key].dtype and back[key].shape == obj[key].shape, key
        np.testing.assert_array_equal(back[key], obj[key])
    assert back["nested"][0] is back["a"]  # one array saved once loads as one array
    scalar, flag = back["nested"][1]
    assert type(scalar) is np.float32 and scalar == 2.5
    assert type(flag) is np.bool_ and flag
    assert isinstance(back["t"], torch.Tensor)


def test_numpy_top_level_and_file_path(tmp_path):
    data = np.sin(np.arange(12.0).reshape(3, 4))
    torch.save(data, tmp_path / "traindata.pt")
    back = torch.load(tmp_path / "traindata.pt", map_location="cpu")
    assert isinstance(back, np.ndarray) and back.dtype == np.float64
    np.testing.assert_array_equal(back, data)
    back[0, 0] = 5.0  # writable, like pickle's arrays


def test_numpy_unsupported_dtype_and_reserved_key_raise():
    with pytest.raises(TypeError, match=r"numpy array at \['x'\]\[0\].*uint32"):
        torch.save({"x": [np.zeros(2, dtype=np.uint32)]}, io.BytesIO())
    with pytest.raises(ValueError, match="reserves"):
        torch.save({"__deepseek_numpy_array__": 1}, io.BytesIO())


def test_saving_optimizers_points_to_state_dict():
    # (Whole nn.Modules can be saved: test_save_modules.py.)
    opt = torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=0.1)
    with pytest.raises(TypeError, match="'SGD' at the top level.*state_dict"):
        torch.save(opt, io.BytesIO())


def test_safe_globals_bookkeeping():
    ser = torch.serialization
    ser.clear_safe_globals()
    ser.add_safe_globals([np.dtype])
    with ser.safe_globals([nn.Linear]):
        assert ser.get_safe_globals() == [np.dtype, nn.Linear]
        assert round_trip({"w": torch.ones(1)})["w"].tolist() == [1.0]
    assert ser.get_safe_globals() == [np.dtype]
    ser.clear_safe_globals()
    assert ser.get_safe_globals() == []


# ---------------------------------------------------------------------- dropout2d's ranks

def test_dropout2d_2d_input_warns_and_drops_elements():
    torch.manual_seed(0)
    with pytest.warns(UserWarning, match="Received a 2-D input"):
        y = values(nn.Dropout2d(0.5)(torch.ones(16, 400)))
    assert set(np.unique(y)) == {0.0, 2.0}
    rows_mixed = [(row == 0).any() and (row != 0).any() for row in y]
    assert all(rows_mixed)  # elements, not whole rows, are dropped
    assert 0.4 < (y == 0).mean() < 0.6


def test_dropout2d_3d_input_is_n_c_l():
    torch.manual_seed(1)
    with pytest.warns(UserWarning, match="interpreted as shape \\(N, C, L\\)"):
        z = values(F.dropout2d(torch.ones(3, 40, 7), 0.5))
    assert (z == z[:, :, :1]).all()
    assert (z[:, :, 0] == 0).any() and (z[:, :, 0] == 2).any()


def test_dropout2d_other_ranks():
    torch.manual_seed(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 4-D is the supported rank: no warning
        y = values(F.dropout2d(torch.ones(2, 30, 2, 2), 0.5))
    assert (y == y[:, :, :1, :1]).all()
    with pytest.warns(UserWarning, match="5-D input"):
        w = values(F.dropout2d(torch.ones(2, 30, 2, 2, 2), 0.5))
    assert (w == w[:, :, :1, :1, :1]).all()
    with pytest.warns(UserWarning):
        with pytest.raises(RuntimeError, match="at least 2 dimensions"):
            F.dropout2d(torch.ones(5), 0.5)
    with pytest.warns(UserWarning):
        assert values(F.dropout2d(torch.ones(3, 4), 0.5, training=False)).sum() == 12.0
    x = torch.ones(4, 50)
    with pytest.warns(UserWarning):
        F.dropout2d(x, 0.5, inplace=True)
    assert set(np.unique(values(x))) == {0.0, 2.0}


# ------------------------------------------------------------- DataLoader at interpreter exit

_EXIT_SCRIPT = textwrap.dedent("""
    import sys
    import deepseek
    from deepseek.utils.data import DataLoader, Dataset

    class Numbers(Dataset):
        def __len__(self):
            return 100000

        def __getitem__(self, i):
            return i

    # The iterator stays alive (a global) until the interpreter exits, with workers busy.
    it = iter(DataLoader(Numbers(), batch_size=1, num_workers=3, prefetch_factor=50))
    for i, batch in enumerate(it):
        if i == 20:
            break
    if sys.argv[1] == "held-lock":
        # As if a worker had been killed while holding the done event's lock: a shutdown
        # that waits for that lock at exit would never return.
        it._done_event._cond.acquire()
    print("exiting", flush=True)
""")


def run_exit_script(mode):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return subprocess.run([sys.executable, "-c", _EXIT_SCRIPT, mode], env=env,
                          capture_output=True, text=True, timeout=60)


def test_multiworker_iterator_alive_at_exit_does_not_hang():
    for _ in range(20):
        done = run_exit_script("plain")
        assert done.returncode == 0 and done.stdout == "exiting\n", done.stderr


def test_exit_does_not_wait_on_locks_dead_workers_hold():
    done = run_exit_script("held-lock")
    assert done.returncode == 0 and done.stdout == "exiting\n", done.stderr
