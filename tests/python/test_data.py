"""utils.data: datasets, samplers, collation and the DataLoader (with real worker
processes), compared with torch 1.13 wherever it defines the behaviour; FashionMNIST read
from Debian's package."""
import collections
import gc
import gzip
import os
import shutil
import signal
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import deepseek as ds
from deepseek.utils import data as ddata
from deepseek.utils.data.datasets import FashionMNIST

FASHION_ROOT = "/usr/share/datasets/fashion-mnist"
needs_fashion = pytest.mark.skipif(
    not os.path.isfile(os.path.join(FASHION_ROOT, "t10k-labels-idx1-ubyte.gz")),
    reason="Debian's fashion-mnist package is not installed")


@pytest.fixture
def no_hang():
    """Turns a hang (the one failure mode a multiprocess loader must never have) into a
    test failure."""
    def on_alarm(signum, frame):
        raise TimeoutError("DataLoader hung")
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _plain(x):
    """A framework-neutral view of a (possibly nested) batch, for comparisons."""
    if isinstance(x, (ds.Tensor, torch.Tensor)):
        return ("tensor", str(x.dtype).split(".")[-1], x.detach().numpy().tolist())
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return ("namedtuple", type(x).__name__, [_plain(v) for v in x])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_plain(v) for v in x])
    return x


# ---- Generator -------------------------------------------------------------------------------

def test_generator_seeding_and_state():
    g = ds.Generator()
    assert g.initial_seed() == torch.Generator().initial_seed()
    assert g.manual_seed(42) is g and g.initial_seed() == 42
    first = g._randperm(20)
    state = g.get_state()
    assert state.dtype == ds.uint8
    second = g._randperm(20)
    assert sorted(first) == list(range(20)) and first != second
    g.set_state(state)
    assert g._randperm(20) == second
    assert ds.Generator().manual_seed(42)._randperm(20) == first
    new_seed = g.seed()
    assert g.initial_seed() == new_seed
    with pytest.raises(RuntimeError, match="expected a state of"):
        g.set_state(ds.zeros(3, dtype=ds.uint8))


# ---- datasets --------------------------------------------------------------------------------

def test_tensor_dataset():
    x, y = ds.randn(6, 3), ds.arange(6)
    dataset = ddata.TensorDataset(x, y)
    assert len(dataset) == 6
    xi, yi = dataset[4]
    np.testing.assert_array_equal(xi.numpy(), x[4].numpy())
    assert yi.item() == 4
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        ddata.TensorDataset(x, ds.arange(5))
    with pytest.raises(AssertionError):
        tdata.TensorDataset(torch.zeros(6), torch.zeros(5))  # same exception type in torch


def test_subset_concat_chain():
    base = ddata.TensorDataset(ds.arange(10))
    sub = ddata.Subset(base, [7, 2, 5])
    assert len(sub) == 3 and sub[0][0].item() == 7 and sub[-1][0].item() == 5
    cat = ddata.ConcatDataset([sub, base])
    assert len(cat) == 13 and cat.cumulative_sizes == [3, 13]
    assert cat[3][0].item() == 0 and cat[-1][0].item() == 9 and cat[2][0].item() == 5
    assert isinstance(sub + base, ddata.ConcatDataset)
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        cat[-14]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ddata.ConcatDataset([])

    class Stream(ddata.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    chain = Stream(2) + Stream(3)
    assert isinstance(chain, ddata.ChainDataset)
    assert list(chain) == [0, 1, 0, 1, 2] and len(chain) == 5
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ddata.ConcatDataset([Stream(2)])


@pytest.mark.parametrize("n,fractions", [(10, [0.5, 0.5]), (11, [0.3, 0.3, 0.4]),
                                         (7, [0.1, 0.9]), (100, [0.33, 0.33, 0.34]),
                                         (5, [0.25, 0.25, 0.25, 0.25])])
def test_random_split_fraction_lengths_match_torch(n, fractions):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-length splits warn in both frameworks
        got = [len(s) for s in ddata.random_split(ddata.TensorDataset(ds.arange(n)), fractions)]
        expect = [len(s) for s in tdata.random_split(tdata.TensorDataset(torch.arange(n)),
                                                      fractions)]
    assert got == expect


def test_random_split_partitions_reproducibly():
    dataset = ddata.TensorDataset(ds.arange(20))
    parts = ddata.random_split(dataset, [5, 15], generator=ds.Generator().manual_seed(3))
    again = ddata.random_split(dataset, [5, 15], generator=ds.Generator().manual_seed(3))
    other = ddata.random_split(dataset, [5, 15], generator=ds.Generator().manual_seed(4))
    assert [p.indices for p in parts] == [p.indices for p in again]
    assert parts[0].indices != other[0].indices
    assert sorted(parts[0].indices + parts[1].indices) == list(range(20))
    ds.manual_seed(11)
    a = ddata.random_split(dataset, [10, 10])[0].indices
    ds.manual_seed(11)
    assert ddata.random_split(dataset, [10, 10])[0].indices == a  # global seed governs
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        ddata.random_split(dataset, [5, 5])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        ddata.random_split(dataset, [-0.5, 1.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        ddata.random_split(ddata.TensorDataset(ds.arange(2)), [0.9, 0.1])


# ---- samplers --------------------------------------------------------------------------------

def test_sequential_and_batch_sampler_match_torch():
    data = list(range(10))
    assert list(ddata.SequentialSampler(data)) == list(tdata.SequentialSampler(data))
    for batch_size in (1, 3, 5, 11):
        for drop_last in (False, True):
            got = ddata.BatchSampler(ddata.SequentialSampler(data), batch_size, drop_last)
            expect = tdata.BatchSampler(tdata.SequentialSampler(data), batch_size, drop_last)
            assert list(got) == list(expect) and len(got) == len(expect)


@pytest.mark.parametrize("kwargs,match", [
    ({"batch_size": 0, "drop_last": False}, "batch_size should be a positive integer"),
    ({"batch_size": True, "drop_last": False}, "batch_size should be a positive integer"),
    ({"batch_size": 2, "drop_last": 1}, "drop_last should be a boolean value"),
])
def test_batch_sampler_errors_match_torch(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ddata.BatchSampler(range(4), **kwargs)
    with pytest.raises(ValueError, match=match):
        tdata.BatchSampler(range(4), **kwargs)


def test_random_sampler():
    data = list(range(50))
    perm = list(ddata.RandomSampler(data, generator=ds.Generator().manual_seed(1)))
    assert sorted(perm) == data and perm != data
    assert perm == list(ddata.RandomSampler(data, generator=ds.Generator().manual_seed(1)))
    g = ds.Generator().manual_seed(1)
    sampler = ddata.RandomSampler(data, generator=g)
    assert list(sampler) != list(sampler)  # a new order every epoch
    draws = list(ddata.RandomSampler(data, replacement=True, num_samples=500))
    assert len(draws) == 500 and set(draws) <= set(data)
    assert max(collections.Counter(draws).values()) > 1
    longer = list(ddata.RandomSampler(data, num_samples=120))
    assert len(longer) == 120 and sorted(longer[:50]) == data
    assert len(ddata.RandomSampler(data, num_samples=7)) == 7
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        ddata.RandomSampler(data, num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        ddata.RandomSampler(data, replacement=1)


def test_subset_and_weighted_samplers():
    indices = [3, 9, 27]
    assert sorted(ddata.SubsetRandomSampler(indices)) == indices
    weights = [0.0, 1.0, 0.0, 3.0]
    draws = list(ddata.WeightedRandomSampler(weights, 400,
                                             generator=ds.Generator().manual_seed(0)))
    counts = collections.Counter(draws)
    assert set(counts) == {1, 3} and counts[3] > counts[1]
    once = list(ddata.WeightedRandomSampler([1, 1, 1, 0], 3, replacement=False))
    assert sorted(once) == [0, 1, 2]
    with pytest.raises(RuntimeError, match="without replacement"):
        ddata.WeightedRandomSampler([1, 0], 2, replacement=False)
    with pytest.raises(ValueError, match="1d sequence"):
        ddata.WeightedRandomSampler([[1, 2]], 2)


# ---- collation -------------------------------------------------------------------------------

Point = collections.namedtuple("Point", ["x", "y"])


def _samples(lib):
    return [
        [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
        [np.array([1, 2], dtype=np.int32), np.array([3, 4], dtype=np.int32)],
        [np.float32(1.5), np.float32(2.5)],
        [np.int64(3), np.int64(4)],
        [1.5, 2.5],
        [1, 2],
        [True, False],
        ["a", "b"],
        [{"a": 1, "b": 2.0}, {"a": 3, "b": 4.0}],
        [Point(1, 2.0), Point(3, 4.0)],
        [(1, "x"), (2, "y")],
        [[1, 2], [3, 4]],
        [{"nested": [lib.tensor(1), (np.zeros(2), 3)]}, {"nested": [lib.tensor(2),
                                                                   (np.ones(2), 4)]}],
        [collections.OrderedDict(k=1.0), collections.OrderedDict(k=2.0)],
    ]


@pytest.mark.parametrize("index", range(len(_samples(torch))))
def test_default_collate_matches_torch(index):
    got = ddata.default_collate(_samples(ds)[index])
    expect = tdata.default_collate(_samples(torch)[index])
    assert type(got).__name__ == type(expect).__name__
    assert _plain(got) == _plain(expect)


@pytest.mark.parametrize("index", range(len(_samples(torch))))
def test_default_convert_matches_torch(index):
    got = ddata.default_convert(_samples(ds)[index])
    expect = tdata.default_convert(_samples(torch)[index])
    assert _plain(got) == _plain(expect)


def test_default_collate_errors():
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        ddata.default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
        ddata.default_collate([object(), object()])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
        ddata.default_collate([np.array(["a"]), np.array(["b"])])


# ---- DataLoader in the main process ----------------------------------------------------------

def _squares(n=10):
    return ddata.TensorDataset(ds.arange(n), ds.arange(n) * ds.arange(n))


def test_loader_batches_len_and_drop_last():
    loader = ddata.DataLoader(_squares(), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [b[0].tolist() for b in batches] == \
        [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[1][1].tolist() == [16, 25, 36, 49]
    loader = ddata.DataLoader(_squares(), batch_size=4, drop_last=True)
    assert len(loader) == 2 and len(list(loader)) == 2
    unbatched = list(ddata.DataLoader(_squares(3), batch_size=None))
    assert [x.item() for x, _ in unbatched] == [0, 1, 2]


def test_loader_shuffle_with_generator():
    def order(seed):
        loader = ddata.DataLoader(_squares(30), batch_size=7, shuffle=True,
                                  generator=ds.Generator().manual_seed(seed))
        return [v for x, _ in loader for v in x.tolist()]

    assert order(5) == order(5) and order(5) != order(6)
    assert sorted(order(5)) == list(range(30)) and order(5) != list(range(30))


def test_loader_sampler_batch_sampler_and_collate_fn():
    loader = ddata.DataLoader(_squares(), sampler=[9, 0, 3], batch_size=2)
    assert [b[0].tolist() for b in loader] == [[9, 0], [3]]
    loader = ddata.DataLoader(_squares(), batch_sampler=[[1, 2, 3], [0]])
    assert [b[0].tolist() for b in loader] == [[1, 2, 3], [0]] and len(loader) == 2
    loader = ddata.DataLoader(_squares(4), batch_size=2,
                              collate_fn=lambda items: sum(int(x) for x, _ in items))
    assert list(loader) == [1, 5]


@pytest.mark.parametrize("kwargs", [
    {"num_workers": -1}, {"timeout": -1}, {"prefetch_factor": 3},
    {"persistent_workers": True}, {"sampler": [0], "shuffle": True},
    {"batch_sampler": [[0]], "batch_size": 2}, {"batch_sampler": [[0]], "drop_last": True},
    {"batch_size": None, "drop_last": True},
])
def test_loader_argument_errors_match_torch(kwargs):
    with pytest.raises(ValueError) as ours:
        ddata.DataLoader(_squares(), **kwargs)
    with pytest.raises(ValueError) as theirs:
        tdata.DataLoader(tdata.TensorDataset(torch.arange(10)), **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_loader_frozen_attributes():
    loader = ddata.DataLoader(_squares())
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 3
    loader.num_workers = 0  # not frozen


class _Counting(ddata.IterableDataset):
    """0..n-1, split between workers by stride, as the PyTorch docs suggest."""

    def __init__(self, n, lib_info):
        self.n = n
        self.lib_info = lib_info

    def __iter__(self):
        info = self.lib_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))

    def __len__(self):
        return self.n


class _TorchCounting(tdata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = tdata.get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(start, self.n, step))


@pytest.mark.filterwarnings("ignore:This DataLoader will create")  # torch on a 2-core box
@pytest.mark.parametrize("num_workers,batch_size,drop_last", [
    (0, 4, False), (0, None, False), (2, 3, False), (3, 2, True), (2, None, False),
])
def test_iterable_dataset_order_matches_torch(num_workers, batch_size, drop_last, no_hang):
    got = ddata.DataLoader(_Counting(11, ddata.get_worker_info), batch_size=batch_size,
                           num_workers=num_workers, drop_last=drop_last)
    expect = tdata.DataLoader(_TorchCounting(11), batch_size=batch_size,
                              num_workers=num_workers, drop_last=drop_last)
    assert [_plain(b) for b in got] == [_plain(b) for b in expect]


def test_iterable_dataset_loader_errors():
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        ddata.DataLoader(_Counting(3, ddata.get_worker_info), shuffle=True)
    assert len(ddata.DataLoader(_Counting(11, ddata.get_worker_info), batch_size=3)) == 4


# ---- DataLoader with worker processes --------------------------------------------------------

class _WhoLoads(ddata.Dataset):
    """Each sample says which process produced it."""

    def __init__(self, n=24):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = ddata.get_worker_info()
        return {"index": i, "pid": os.getpid(), "worker": -1 if info is None else info.id,
                "value": ds.full([2, 3], float(i)), "noise": ds.rand(1)}


def test_workers_load_in_separate_processes_in_order(no_hang):
    loader = ddata.DataLoader(_WhoLoads(), batch_size=4, num_workers=3)
    batches = list(loader)
    assert [b["index"].tolist() for b in batches] == [list(range(i, i + 4))
                                                      for i in range(0, 24, 4)]
    pids = {p for b in batches for p in b["pid"].tolist()}
    assert os.getpid() not in pids and len(pids) == 3
    assert {w for b in batches for w in b["worker"].tolist()} == {0, 1, 2}
    assert batches[2]["value"].shape == ds.Size([4, 2, 3])
    np.testing.assert_array_equal(batches[2]["value"].numpy()[:, 0, 0], [8, 9, 10, 11])
    assert ddata.get_worker_info() is None  # in the main process


def test_worker_seeds_reproducible_and_distinct(no_hang):
    def noise(seed):
        loader = ddata.DataLoader(_WhoLoads(8), batch_size=2, num_workers=2,
                                  generator=ds.Generator().manual_seed(seed))
        return [v for b in loader for v in b["noise"].flatten().tolist()]

    first = noise(1)
    assert noise(1) == first and noise(2) != first
    assert len(set(first)) == len(first)  # workers do not repeat each other's stream


def test_tensor_dtypes_and_layouts_cross_processes(no_hang):
    class Mixed(ddata.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            base = ds.arange(12, dtype=ds.float64).reshape(3, 4) + i
            return (base.t(), base.to(ds.float32), base.to(ds.bfloat16), base.to(ds.float16),
                    base.to(ds.int64), base > 5, base.to(ds.uint8), ds.tensor(float(i)))

    parallel = list(ddata.DataLoader(Mixed(), batch_size=2, num_workers=2))
    serial = list(ddata.DataLoader(Mixed(), batch_size=2, num_workers=0))
    for p_batch, s_batch in zip(parallel, serial):
        for p, s in zip(p_batch, s_batch):
            assert p.dtype == s.dtype and p.shape == s.shape
            np.testing.assert_array_equal(p.to(ds.float64).numpy(), s.to(ds.float64).numpy())


def test_worker_init_fn_and_custom_collate(no_hang):
    def init(worker_id):
        os.environ["DS_TEST_WORKER_TAG"] = f"w{worker_id}"

    class Tagged(ddata.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return os.environ.get("DS_TEST_WORKER_TAG", "main")

    loader = ddata.DataLoader(Tagged(), batch_size=3, num_workers=2, worker_init_fn=init,
                              collate_fn=lambda items: "".join(sorted(set(items))),
                              pin_memory=True)
    assert list(loader) == ["w0", "w1"]
    assert "DS_TEST_WORKER_TAG" not in os.environ


class _Failing(ddata.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError(f"bad sample {i}")
        if i == 6:
            raise KeyError("missing")
        return i


def test_worker_exception_is_reraised(no_hang):
    loader = ddata.DataLoader(_Failing(), batch_size=2, num_workers=2)
    it = iter(loader)
    assert next(it).tolist() == [0, 1] and next(it).tolist() == [2, 3]
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process 0"):
        next(it)
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process 1"):
        next(it)


def test_dead_worker_raises_instead_of_hanging(no_hang):
    class Dying(ddata.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            if ddata.get_worker_info() is not None and i == 2:
                os._exit(3)
            return i

    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) .*\) exited "
                                           "unexpectedly"):
        list(ddata.DataLoader(Dying(), batch_size=1, num_workers=2))


def test_timeout(no_hang):
    class Slow(ddata.Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            import time
            time.sleep(20)
            return i

    with pytest.raises(RuntimeError, match="DataLoader timed out after 1 seconds"):
        list(ddata.DataLoader(Slow(), num_workers=1, timeout=1))


def test_early_exit_shuts_workers_down(no_hang):
    loader = ddata.DataLoader(_WhoLoads(40), batch_size=2, num_workers=2)
    it = iter(loader)
    next(it)
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    del it
    gc.collect()
    for w in workers:
        w.join(timeout=10)
    assert not any(w.is_alive() for w in workers)


def test_persistent_workers_reused_across_epochs(no_hang):
    loader = ddata.DataLoader(_WhoLoads(12), batch_size=3, num_workers=2,
                              persistent_workers=True)
    first = list(loader)
    pids = {p for b in first for p in b["pid"].tolist()}
    partial = iter(loader)
    next(partial)  # leave an epoch unfinished: the next one must still be complete
    second = list(loader)
    assert [b["index"].tolist() for b in second] == [b["index"].tolist() for b in first]
    assert {p for b in second for p in b["pid"].tolist()} == pids
    stream = ddata.DataLoader(_Counting(7, ddata.get_worker_info), batch_size=2,
                              num_workers=2, persistent_workers=True)
    epochs = [sorted(v for b in stream for v in b.tolist()) for _ in range(3)]
    assert epochs == [list(range(7))] * 3


# ---- FashionMNIST ----------------------------------------------------------------------------

def _raw(name):
    with gzip.open(os.path.join(FASHION_ROOT, name + ".gz"), "rb") as f:
        return f.read()


@needs_fashion
def test_fashion_mnist_default_root():
    test = FashionMNIST(train=False)
    assert len(test) == 10000 and len(FashionMNIST()) == 60000
    image, label = test[0]
    assert image.dtype == ds.float32 and image.shape == ds.Size([1, 28, 28])
    assert isinstance(label, int)
    raw_images, raw_labels = _raw("t10k-images-idx3-ubyte"), _raw("t10k-labels-idx1-ubyte")
    expect = np.frombuffer(raw_images, np.uint8, 28 * 28, 16).reshape(1, 28, 28) / np.float32(255)
    np.testing.assert_array_equal(image.numpy(), expect.astype(np.float32))
    assert [test[i][1] for i in range(10)] == list(raw_labels[8:18])
    assert test.data.dtype == ds.uint8 and test.data.shape == ds.Size([10000, 28, 28])
    assert test.targets.dtype == ds.int64 and test.targets[:10].tolist() == list(raw_labels[8:18])
    assert test.classes[9] == "Ankle boot" and test.class_to_idx["Bag"] == 8
    assert 0.0 <= image.numpy().min() and image.numpy().max() <= 1.0


@needs_fashion
def test_fashion_mnist_transforms_and_layouts(tmp_path):
    nested = tmp_path / "FashionMNIST" / "raw"
    nested.mkdir(parents=True)
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        shutil.copy(os.path.join(FASHION_ROOT, name + ".gz"), nested)
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (plain / name).write_bytes(_raw(name))  # uncompressed files work too
    reference = FashionMNIST(train=False)
    for root in (tmp_path, plain):
        dataset = FashionMNIST(root=root, train=False, transform=lambda x: x.flatten(),
                               target_transform=lambda y: y * 10)
        image, label = dataset[3]
        assert image.shape == ds.Size([784]) and label == reference[3][1] * 10
    assert len(FashionMNIST(root=str(tmp_path), train=False, download=True)) == 10000
    with pytest.raises(RuntimeError, match="dataset not found"):
        FashionMNIST(root=tmp_path / "empty", train=False)
    with pytest.raises(RuntimeError, match="download=True is not supported"):
        FashionMNIST(root=tmp_path / "empty", train=False, download=True)
    (plain / "t10k-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x03" + b"\x00" * 8)
    with pytest.raises(RuntimeError, match="magic number"):
        FashionMNIST(root=plain, train=False)


@needs_fashion
def test_fashion_mnist_through_worker_loader(no_hang):
    dataset = ddata.Subset(FashionMNIST(train=False), range(600))
    loader = ddata.DataLoader(dataset, batch_size=128, shuffle=True, num_workers=2,
                              generator=ds.Generator().manual_seed(0))
    seen = 0
    for images, labels in loader:
        assert images.shape[1:] == ds.Size([1, 28, 28]) and images.dtype == ds.float32
        assert labels.dtype == ds.int64 and labels.shape == ds.Size([images.shape[0]])
        seen += images.shape[0]
    assert seen == 600 and len(loader) == 5
