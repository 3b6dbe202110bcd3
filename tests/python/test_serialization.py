"""deepseek.save / deepseek.load: safetensors checkpoints of nested Python objects.

Round trips of every supported value, interop with the reference safetensors package,
atomic writes under injected faults and a real crash, the malformed-file corpus in
tests/data/safetensors_malformed, and PyTorch's map_location / weights_only arguments.
"""
import importlib.util
import io
import json
import math
import os
import pathlib
import subprocess
import sys
from collections import OrderedDict, namedtuple

import numpy as np
import pytest

import deepseek as ds

DATA_DIR = pathlib.Path(__file__).resolve().parent.parent / "data"
CORPUS_DIR = DATA_DIR / "safetensors_malformed"

HAVE_SAFETENSORS = importlib.util.find_spec("safetensors") is not None
needs_safetensors = pytest.mark.skipif(not HAVE_SAFETENSORS,
                                       reason="safetensors package not installed")

ALL_DTYPES = [ds.float64, ds.float32, ds.float16, ds.bfloat16, ds.int64, ds.int32, ds.int16,
              ds.int8, ds.uint8, ds.bool]


def _sample(dtype, shape=(3, 4), seed=0):
    values = np.random.default_rng(seed).standard_normal(shape) * 5
    if dtype == ds.bool:
        return ds.tensor(values > 0)
    if dtype == ds.uint8:
        return ds.tensor(np.abs(values)).to(dtype)
    return ds.tensor(values).to(dtype)


def _as_numpy(t):
    if t.dtype == ds.bfloat16:
        return t.float().numpy()
    return t.numpy()


def assert_same(a, b, where="obj"):
    """Deep equality that also checks types (tuple vs list, int vs float vs bool) and
    tensors bit for bit."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, ds.Tensor):
        assert a.dtype == b.dtype and tuple(a.shape) == tuple(b.shape), where
        assert a.requires_grad == b.requires_grad, where
        np.testing.assert_array_equal(_as_numpy(a.detach()), _as_numpy(b.detach()), err_msg=where)
    elif isinstance(a, dict):
        assert list(a.keys()) == list(b.keys()), where
        for k in a:
            assert type(k) is type(next(x for x in b if x == k)), f"{where}: key type of {k!r}"
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    elif isinstance(a, float):
        assert a == b and math.copysign(1, a) == math.copysign(1, b), f"{where}: {a} != {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _checkpoint():
    w = ds.randn(4, 3)
    return {
        "model": {"fc.weight": w, "fc.bias": ds.zeros(4)},
        "optim": {"state": {0: {"step": 3, "exp_avg": ds.ones(4, 3)}, 1: {"step": 3}},
                  "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1],
                                    "foreach": None, "amsgrad": False}]},
        "epoch": 7,
        "best": math.inf, "worst": -math.inf, "nan": math.nan, "neg_zero": -0.0,
        "big": 2**63 - 1, "small": -2**63,
        "name": "run-\u4e00\u00e9",
        "empty": {}, "nothing": [], "unit": (),
    }


# ---- round trips ----

def test_round_trips_nested_values(tmp_path):
    obj = _checkpoint()
    ds.save(obj, tmp_path / "ckpt.safetensors")
    assert_same(obj, ds.load(tmp_path / "ckpt.safetensors"))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_every_dtype_round_trips_bit_exact(tmp_path, dtype):
    tensors = {"matrix": _sample(dtype), "scalar": _sample(dtype, ()),
               "empty": _sample(dtype, (0, 5)),
               "transposed": _sample(dtype, (5, 2)).t(),  # not contiguous
               "sliced": _sample(dtype, (6, 6))[1::2, ::3]}
    ds.save(tensors, str(tmp_path / "t.safetensors"))
    back = ds.load(str(tmp_path / "t.safetensors"))
    for name, t in tensors.items():
        assert back[name].dtype == dtype
        assert back[name].shape == t.shape
        np.testing.assert_array_equal(_as_numpy(back[name]), _as_numpy(t), err_msg=name)


def test_tuples_int_keys_and_order_survive():
    point = namedtuple("Point", "x y")
    obj = OrderedDict([("z", 1), (3, (1, [2, (3,)])), ("a", point(1.5, True)), (-7, None)])
    back = ds.load(io.BytesIO(_to_bytes(obj)))
    assert type(back) is dict and list(back) == ["z", 3, "a", -7]
    assert back[3] == (1, [2, (3,)]) and type(back[3][1][1]) is tuple
    assert back["a"] == (1.5, True) and type(back["a"]) is tuple  # namedtuple -> tuple
    assert type(back["a"][1]) is bool


def test_shared_tensors_load_as_one_object():
    w = ds.randn(3)
    back = ds.load(io.BytesIO(_to_bytes({"encoder": w, "decoder": w, "other": w.clone()})))
    assert back["encoder"] is back["decoder"]
    assert back["other"] is not back["encoder"]


def test_requires_grad_is_kept():
    p = ds.randn(2, 2).requires_grad_()
    back = ds.load(io.BytesIO(_to_bytes({"p": p, "y": p * 2})))
    assert back["p"].requires_grad and back["p"].is_leaf
    assert back["y"].requires_grad and back["y"].is_leaf  # saved data only, no graph
    np.testing.assert_allclose(back["y"].detach().numpy(), (p * 2).detach().numpy())


def test_file_objects_and_path_types(tmp_path):
    obj = {"w": ds.arange(6).reshape(2, 3)}
    buffer = io.BytesIO()
    ds.save(obj, buffer)
    buffer.seek(0)
    assert_same(obj, ds.load(buffer))
    with open(tmp_path / "f.safetensors", "wb") as f:
        ds.save(obj, f)
    with open(tmp_path / "f.safetensors", "rb") as f:
        assert_same(obj, ds.load(f))
    ds.save(obj, os.fsencode(tmp_path / "b.safetensors"))
    assert_same(obj, ds.load(os.fsencode(tmp_path / "b.safetensors")))
    assert_same(obj, ds.load(pathlib.Path(tmp_path) / "b.safetensors"))


def test_training_resumes_exactly_from_a_checkpoint(tmp_path):
    def make():
        ds.manual_seed(0)
        model = ds.nn.Linear(3, 2)
        return model, ds.optim.Adam(model.parameters(), lr=0.1)

    def step(model, opt, i):
        x = ds.arange(6, dtype=ds.float32).reshape(2, 3) * (i + 1) / 10
        opt.zero_grad()
        (model(x) ** 2).sum().backward()
        opt.step()

    model, opt = make()
    for i in range(2):
        step(model, opt, i)
    ds.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 2},
            tmp_path / "ckpt.safetensors")
    for i in range(2, 4):
        step(model, opt, i)

    resumed, resumed_opt = make()
    ckpt = ds.load(tmp_path / "ckpt.safetensors", weights_only=True)
    resumed.load_state_dict(ckpt["model"])
    resumed_opt.load_state_dict(ckpt["optim"])
    assert ckpt["epoch"] == 2
    for i in range(ckpt["epoch"], 4):
        step(resumed, resumed_opt, i)
    for (name, a), (_, b) in zip(model.state_dict().items(), resumed.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)


# ---- what cannot be saved ----

@pytest.mark.parametrize("obj, error, phrase", [
    ({"a": [1, object()]}, TypeError, "type 'object' at ['a'][1]"),
    ({"a": 1j}, TypeError, "type 'complex' at ['a']"),
    ({"a": b"raw"}, TypeError, "type 'bytes' at ['a']"),
    ({"a": np.zeros(2, dtype=np.complex64)}, TypeError, "numpy array at ['a']"),
    ({(1, 2): 3}, TypeError, "has a key of type 'tuple'; keys must be str or int"),
    ({True: 3}, TypeError, "has a key of type 'bool'"),
    ({"n": 2**64}, ValueError, "the int at ['n'] does not fit in 64 bits"),
    ({"s": "\ud800"}, ValueError, "cannot be encoded as UTF-8"),
])
def test_unsupported_values_raise_naming_the_path(obj, error, phrase):
    with pytest.raises(error) as info:
        ds.save(obj, io.BytesIO())
    assert phrase in str(info.value)


def test_cycles_and_deep_nesting_raise():
    loop = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        ds.save(loop, io.BytesIO())
    deep = 1
    for _ in range(1001):
        deep = [deep]
    with pytest.raises(ValueError, match="nests deeper than 1000 levels"):
        ds.save(deep, io.BytesIO())


# ---- map_location, weights_only and friends ----

def test_map_location_forms(tmp_path):
    path = tmp_path / "m.safetensors"
    ds.save({"w": ds.ones(2), "v": [ds.zeros(1)]}, path)
    for where in ["cpu", ds.device("cpu"), {"cpu": "cpu"}, {"cuda:0": "cpu"},
                  lambda storage, loc: storage, lambda storage, loc: None]:
        back = ds.load(path, map_location=where)
        assert back["w"].device == ds.device("cpu")
        np.testing.assert_array_equal(back["w"].numpy(), [1, 1])
    seen = []
    back = ds.load(path, map_location=lambda t, loc: seen.append(loc) or t.double())
    assert seen == ["cpu", "cpu"] and back["v"][0].dtype == ds.float64
    with pytest.raises(TypeError, match="map_location must be"):
        ds.load(path, map_location=3)
    with pytest.raises(TypeError, match="not a Tensor"):
        ds.load(path, map_location=lambda t, loc: "cpu")
    for weights_only in (None, True, False):
        ds.load(path, weights_only=weights_only, mmap=None)


def _file_saved_from_cuda():
    """What save() writes for {"w": <float32 [2] tensor on cuda:0>}, built by hand so that it
    exists on machines without a GPU."""
    structure = json.dumps({"version": 1, "root": {"dict": [
        ["w", {"tensor": "w", "device": "cuda:0"}]]}})
    header = json.dumps({"__metadata__": {"format": "pt", "deepseek.structure": structure},
                         "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    return len(header).to_bytes(8, "little") + header + np.array([1.5, -2], np.float32).tobytes()


def test_saved_device_is_restored_unless_mapped(tmp_path):
    path = tmp_path / "cuda.safetensors"
    path.write_bytes(_file_saved_from_cuda())
    if ds.cuda.is_available():
        assert ds.load(path)["w"].device == ds.device("cuda:0")
    else:
        with pytest.raises(RuntimeError):
            ds.load(path)  # PyTorch too refuses to restore CUDA tensors without a GPU
    seen = []
    for where in ["cpu", {"cuda:0": "cpu"}, lambda t, loc: seen.append(loc) or t]:
        w = ds.load(path, map_location=where)["w"]
        assert w.device == ds.device("cpu")
        np.testing.assert_array_equal(w.numpy(), [1.5, -2])
    assert seen == ["cuda:0"]


@pytest.mark.skipif(not ds.cuda.is_available(), reason="no CUDA device available")
def test_cuda_tensors_save_from_the_device_and_load_back_to_it(tmp_path):
    w = ds.arange(6, dtype=ds.float32).reshape(2, 3).to("cuda").t()  # not contiguous
    ds.save({"w": w, "h": w.half()}, tmp_path / "gpu.safetensors")
    back = ds.load(tmp_path / "gpu.safetensors")
    assert back["w"].device == w.device and back["h"].dtype == ds.float16
    np.testing.assert_array_equal(back["w"].to("cpu").numpy(), w.to("cpu").numpy())
    on_cpu = ds.load(tmp_path / "gpu.safetensors", map_location="cpu")
    assert on_cpu["w"].device == ds.device("cpu")
    np.testing.assert_array_equal(on_cpu["w"].numpy(), w.to("cpu").numpy())


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        ds.load(tmp_path / "missing.safetensors")
    with pytest.raises(IsADirectoryError):
        ds.load(tmp_path)
    with pytest.raises(TypeError, match="expected a path"):
        ds.load(3.5)


# ---- interop with the reference implementation ----

@needs_safetensors
def test_reference_reader_reads_our_files(tmp_path):
    from safetensors import safe_open
    from safetensors.numpy import load_file
    tensors = {"fc.weight": _sample(ds.float32), "ids": _sample(ds.int64),
               "mask": _sample(ds.bool), "h": _sample(ds.float16), "u": _sample(ds.uint8)}
    ds.save({"model": tensors, "epoch": 3}, tmp_path / "ours.safetensors")
    ref = load_file(str(tmp_path / "ours.safetensors"))
    assert sorted(ref) == sorted("model." + k for k in tensors)
    for k, t in tensors.items():
        np.testing.assert_array_equal(ref["model." + k], t.numpy(), err_msg=k)
    with safe_open(str(tmp_path / "ours.safetensors"), "np") as f:
        meta = f.metadata()
    assert meta["format"] == "pt"
    assert json.loads(meta["deepseek.structure"])["version"] == 1


@needs_safetensors
def test_reference_writer_files_load_as_flat_dicts(tmp_path):
    from safetensors.numpy import save_file
    arrays = {"b": np.arange(6, dtype=np.float32).reshape(2, 3),
              "a": np.array([[True, False]]), "e": np.zeros((0, 4), np.int16),
              "s": np.array(2.5, np.float64)}
    save_file(arrays, str(tmp_path / "ref.safetensors"), metadata={"source": "numpy"})
    back = ds.load(tmp_path / "ref.safetensors")
    assert sorted(back) == sorted(arrays)
    for k, a in arrays.items():
        np.testing.assert_array_equal(back[k].numpy(), a, err_msg=k)
        assert back[k].numpy().dtype == a.dtype


# ---- atomic writes ----

def _temp_files(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("after_bytes", [0, 10, 100, 3000])
def test_failed_save_leaves_the_old_file(tmp_path, after_bytes):
    path = tmp_path / "ckpt.safetensors"
    ds.save({"epoch": 1, "w": ds.ones(3)}, path)
    before = path.read_bytes()
    ds._C._inject_save_fault("throw", after_bytes)
    try:
        with pytest.raises(RuntimeError, match="injected write fault"):
            ds.save({"epoch": 2, "w": ds.zeros(1000)}, path)
    finally:
        ds._C._inject_save_fault("none")
    assert path.read_bytes() == before
    assert _temp_files(tmp_path) == []
    assert ds.load(path)["epoch"] == 1


def test_crash_mid_save_leaves_the_old_file(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    ds.save({"epoch": 1, "w": ds.ones(3)}, path)
    before = path.read_bytes()
    script = (
        "import sys, deepseek as ds\n"
        "ds._C._inject_save_fault('kill', 2000)\n"
        "ds.save({'epoch': 2, 'w': ds.zeros(100000)}, sys.argv[1])\n"
        "print('save finished')\n")
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, env=dict(os.environ), timeout=120)
    assert proc.returncode == -9, proc.stderr  # SIGKILL, mid-write
    assert "save finished" not in proc.stdout
    assert path.read_bytes() == before
    assert ds.load(path)["epoch"] == 1
    (leftover,) = _temp_files(tmp_path)  # the dead writer's partial file, beside the target
    assert (tmp_path / leftover).stat().st_size == 2000


# ---- the malformed corpus ----

def _corpus_manifest():
    return json.loads((CORPUS_DIR / "expected_errors.json").read_text())


@pytest.mark.parametrize("name, phrase", sorted(_corpus_manifest().items()))
def test_malformed_file_raises_naming_its_rule(name, phrase):
    with pytest.raises(ValueError) as info:
        ds.load(CORPUS_DIR / name)
    assert phrase in str(info.value)
    data = (CORPUS_DIR / name).read_bytes()
    with pytest.raises(ValueError) as info:
        ds.load(io.BytesIO(data))
    assert phrase in str(info.value)


def test_corpus_is_complete_and_reproducible():
    spec = importlib.util.spec_from_file_location("make_malformed",
                                                  DATA_DIR / "make_malformed_safetensors.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    corpus = generator.build_corpus()
    on_disk = sorted(p.name for p in CORPUS_DIR.glob("*.safetensors"))
    assert on_disk == sorted(corpus), "rerun tests/data/make_malformed_safetensors.py"
    assert len(corpus) >= 30
    for name, (data, phrase) in corpus.items():
        assert (CORPUS_DIR / name).read_bytes() == data, name
        assert _corpus_manifest()[name] == phrase, name


def _to_bytes(obj):
    buffer = io.BytesIO()
    ds.save(obj, buffer)
    return buffer.getvalue()
