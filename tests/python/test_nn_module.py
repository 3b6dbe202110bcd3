"""nn.Module, Parameter and the containers, side by side with torch 1.13's nn.

Most tests build the same structure with `torch.nn` and `deepseek.nn` (the APIs match, so
one builder serves both) and compare names, orders, keys, messages and reprs.
"""
import copy
import re
from collections import OrderedDict

import numpy as np
import pytest
import torch

import deepseek as ds
from deepseek import nn


def _torch_text(text):
    """torch's reprs/messages with deepseek's names, for exact comparison."""
    return text.replace("torch.", "deepseek.")


def _make_classes(nn_ns, lib):
    """The same custom modules written against torch.nn or deepseek.nn."""

    class Block(nn_ns.Module):
        def __init__(self, width):
            super().__init__()
            self.fc = nn_ns.Linear(width, width)
            self.act = nn_ns.ReLU()
            self.scale = nn_ns.Parameter(lib.ones(width))
            self.register_buffer("running", lib.zeros(width))
            self.register_buffer("scratch", lib.zeros(2), persistent=False)

        def forward(self, x):
            return self.act(self.fc(x)) * self.scale

        def extra_repr(self):
            return "width=3"

    class Net(nn_ns.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn_ns.Linear(4, 3)
            self.blocks = nn_ns.ModuleList([Block(3), Block(3)])
            self.heads = nn_ns.ModuleDict({"cls": nn_ns.Linear(3, 2), "reg": nn_ns.Linear(3, 1)})
            self.seq = nn_ns.Sequential(OrderedDict(
                [("flat", nn_ns.Flatten()), ("gelu", nn_ns.GELU(approximate="tanh"))]))
            self.plist = nn_ns.ParameterList([nn_ns.Parameter(lib.zeros(2, 3))])
            self.pdict = nn_ns.ParameterDict({"b": nn_ns.Parameter(lib.zeros(4)),
                                              "a": nn_ns.Parameter(lib.ones(1, 2))})
            self.register_buffer("step", lib.zeros((), dtype=lib.int64))
            self.nothing = None

        def forward(self, x):
            x = self.stem(x)
            for block in self.blocks:
                x = block(x)
            return self.heads["cls"](self.seq(x))

    return Block, Net


@pytest.fixture(scope="module")
def nets():
    _, TorchNet = _make_classes(torch.nn, torch)
    _, DsNet = _make_classes(nn, ds)
    return TorchNet(), DsNet()


# ---- Parameter -------------------------------------------------------------------------------

def test_parameter_is_a_tensor_sharing_storage():
    t = ds.randn(3, 4)
    p = nn.Parameter(t)
    assert isinstance(p, ds.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf and p.grad is None
    assert p.data_ptr() == t.data_ptr()
    with ds.no_grad():
        t.add_(1.0)
    np.testing.assert_array_equal(p.detach().numpy(), t.numpy())
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert tuple(nn.Parameter().shape) == (0,)


def test_parameter_ops_grad_and_identity():
    p = nn.Parameter(ds.tensor([1.0, 2.0, 3.0]))
    y = p * 2
    assert type(y) is ds.Tensor  # results of ops are plain tensors, as in PyTorch
    (y * p).sum().backward()
    np.testing.assert_allclose(p.grad.numpy(), [4.0, 8.0, 12.0])
    # C++ hands back the same Python object (and so its Parameter type).
    assert p.requires_grad_(True) is p
    assert type(p.requires_grad_(True)) is nn.Parameter
    assert type(p.detach()) is ds.Tensor
    assert p.grad is p.grad


def test_parameter_subclass_and_repr_and_deepcopy():
    class Tagged(nn.Parameter):
        pass

    p = Tagged(ds.zeros(2))
    assert type(p) is Tagged and isinstance(p, ds.Tensor)
    q = nn.Parameter(ds.tensor([1.0, 2.0]))
    assert repr(q) == _torch_text(repr(torch.nn.Parameter(torch.tensor([1.0, 2.0]))))
    clone = copy.deepcopy(q)
    assert type(clone) is nn.Parameter and clone is not q and clone.requires_grad
    assert clone.data_ptr() != q.data_ptr()
    np.testing.assert_array_equal(clone.detach().numpy(), [1.0, 2.0])


def test_parameter_rejects_non_tensor_and_integer_grad():
    with pytest.raises(TypeError, match="Parameter"):
        nn.Parameter([1.0, 2.0])
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(ds.tensor([1, 2]))


# ---- registration and traversal --------------------------------------------------------------

def test_names_and_orders_match_torch(nets):
    tnet, dnet = nets
    for method in ("named_parameters", "named_buffers", "named_children", "named_modules"):
        expect = [name for name, _ in getattr(tnet, method)()]
        got = [name for name, _ in getattr(dnet, method)()]
        assert got == expect, method
    assert [n for n, _ in dnet.named_parameters(prefix="model", recurse=False)] == \
        [n for n, _ in tnet.named_parameters(prefix="model", recurse=False)]
    assert [n for n, _ in dnet.named_modules(prefix="root")] == \
        [n for n, _ in tnet.named_modules(prefix="root")]
    assert len(list(dnet.parameters())) == len(list(tnet.parameters()))
    assert len(list(dnet.buffers(recurse=False))) == 1
    assert len(list(dnet.children())) == len(list(tnet.children()))
    assert len(list(dnet.modules())) == len(list(tnet.modules()))


def test_parameters_iterates_the_registered_objects(nets):
    _, dnet = nets
    assert next(iter(dnet.parameters())) is dnet.stem.weight
    assert dnet.get_parameter("blocks.1.fc.bias") is dnet.blocks[1].fc.bias
    assert dnet.get_submodule("heads.cls") is dnet.heads["cls"]
    assert dnet.get_buffer("blocks.0.running") is dnet.blocks[0].running
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        dnet.get_submodule("blocks.nope")
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        dnet.get_parameter("blocks.0.running")


def test_shared_parameters_and_modules_deduplicated():
    def build(nn_ns):
        shared = nn_ns.Linear(2, 2)
        model = nn_ns.Sequential(shared, nn_ns.ReLU(), shared)
        model.extra = nn_ns.Linear(2, 2)
        model.extra.weight = shared.weight
        return model

    tm, dm = build(torch.nn), build(nn)
    for kwargs in ({}, {"remove_duplicate": False}):
        t_names = [n for n, _ in tm.named_modules(**kwargs)]
        d_names = [n for n, _ in dm.named_modules(**kwargs)]
        assert d_names == t_names
    assert [n for n, _ in dm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in dm.named_parameters(remove_duplicate=False)] == \
        ["0.weight", "0.bias", "2.weight", "2.bias", "extra.weight", "extra.bias"]
    assert list(dm.state_dict().keys()) == list(tm.state_dict().keys())


def test_setattr_routes_and_reassignment():
    m = nn.Module()
    m.w = nn.Parameter(ds.zeros(2))
    m.sub = nn.Linear(2, 2)
    m.register_buffer("buf", ds.zeros(1))
    m.plain = 5
    assert list(m._parameters) == ["w"] and list(m._modules) == ["sub"]
    assert list(m._buffers) == ["buf"] and m.plain == 5 and "plain" not in m._parameters
    m.buf = ds.ones(1)  # a buffer stays a buffer
    assert m._buffers["buf"].item() == 1.0
    m.w = None  # clearing a parameter keeps the slot
    assert m._parameters["w"] is None and [n for n, _ in m.named_parameters()] == \
        ["sub.weight", "sub.bias"]
    m.sub = None
    assert m._modules["sub"] is None and list(m.children()) == []
    # a Parameter replaces a plain attribute of the same name
    m.plain = nn.Parameter(ds.zeros(1))
    assert "plain" in m._parameters and "plain" not in m.__dict__
    del m.plain
    del m.buf
    assert "plain" not in m._parameters and "buf" not in m._buffers
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'buf'"):
        m.buf


def _error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    return None, None


@pytest.mark.parametrize("case", [
    "tensor_to_param", "int_to_module", "int_to_buffer", "dotted_param", "dotted_buffer",
    "empty_buffer", "existing_attr", "non_module", "dotted_module", "non_string_name",
    "param_type", "buffer_type", "non_leaf",
])
def test_registration_errors_match_torch(case):
    def attempt(nn_ns, lib):
        m = nn_ns.Module()
        m.p = nn_ns.Parameter(lib.zeros(1))
        m.c = nn_ns.Linear(1, 1)
        m.register_buffer("b", lib.zeros(1))
        m.attr = 1
        return {
            "tensor_to_param": lambda: setattr(m, "p", lib.zeros(1)),
            "int_to_module": lambda: setattr(m, "c", 3),
            "int_to_buffer": lambda: setattr(m, "b", 3),
            "dotted_param": lambda: m.register_parameter("a.b", None),
            "dotted_buffer": lambda: m.register_buffer("a.b", None),
            "empty_buffer": lambda: m.register_buffer("", None),
            "existing_attr": lambda: m.register_buffer("attr", None),
            "non_module": lambda: m.add_module("x", 3),
            "dotted_module": lambda: m.add_module("x.y", nn_ns.ReLU()),
            "non_string_name": lambda: m.register_buffer(3, None),
            "param_type": lambda: m.register_parameter("q", lib.zeros(1)),
            "buffer_type": lambda: m.register_buffer("q", 3),
            "non_leaf": lambda: m.register_parameter(
                "q", (nn_ns.Parameter(lib.zeros(1)) * 2)),
        }[case]

    t_type, t_msg = _error_of(attempt(torch.nn, torch))
    d_type, d_msg = _error_of(attempt(nn, ds))
    assert t_type is not None and d_type is t_type, (d_type, t_type)
    if case == "non_leaf":
        # deepseek's (Parameter * 2) is a plain Tensor: register_parameter refuses its type.
        return
    assert _normalize(d_msg) == _normalize(t_msg), (d_msg, t_msg)


def _normalize(msg):
    """Messages name their framework's types; compare the rest."""
    msg = msg.replace("torch.nn.Parameter", "Parameter").replace("deepseek.nn.Parameter",
                                                                 "Parameter")
    msg = msg.replace("torch.nn.Module", "Module").replace("deepseek.nn.Module", "Module")
    msg = msg.replace("torch Tensor", "Tensor").replace("deepseek Tensor", "Tensor")
    msg = msg.replace("torch.Tensor", "Tensor").replace("deepseek.Tensor", "Tensor")
    return msg.replace("torch.", "").replace("deepseek.", "")


def test_assignment_before_init_raises():
    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(ds.zeros(1))

    class EarlyModule(nn.Module):
        def __init__(self):
            self.c = nn.ReLU()

    with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__"):
        Early()
    with pytest.raises(AttributeError, match="cannot assign module before Module.__init__"):
        EarlyModule()


# ---- state_dict ------------------------------------------------------------------------------

def test_state_dict_keys_values_and_metadata(nets):
    tnet, dnet = nets
    tsd, dsd = tnet.state_dict(), dnet.state_dict()
    assert list(dsd.keys()) == list(tsd.keys())
    assert list(dsd._metadata.keys()) == list(tsd._metadata.keys())
    assert all(not v.requires_grad for v in dsd.values())
    assert dsd["stem.weight"].data_ptr() == dnet.stem.weight.data_ptr()
    kept = dnet.state_dict(keep_vars=True)
    assert kept["stem.weight"] is dnet.stem.weight
    assert list(dnet.state_dict(prefix="m.").keys()) == \
        list(tnet.state_dict(prefix="m.").keys())
    assert "m.stem.weight" in dnet.state_dict(prefix="m.")


def test_state_dict_roundtrip_between_frameworks(nets):
    tnet, dnet = nets
    result = dnet.load_state_dict({k: ds.tensor(v.numpy()) for k, v in tnet.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    for key, value in tnet.state_dict().items():
        np.testing.assert_array_equal(dnet.state_dict()[key].numpy(), value.numpy())


def _load_error(model, state, strict=True):
    try:
        return model.load_state_dict(state, strict=strict)
    except RuntimeError as e:
        return str(e)


def test_load_state_dict_errors_match_torch(nets):
    tnet, dnet = nets
    tsd = tnet.state_dict()
    tsd.pop("stem.bias")
    tsd["blocks.0.extra"] = torch.zeros(1)
    tsd["unknown.weight"] = torch.zeros(1)
    tsd["heads.cls.weight"] = torch.zeros(5, 5)
    dsd = OrderedDict((k, ds.tensor(v.numpy())) for k, v in tsd.items())
    t_msg = _load_error(tnet, tsd)
    d_msg = _load_error(dnet, dsd)
    assert isinstance(d_msg, str) and d_msg == _torch_text(t_msg)
    # strict=False: the size mismatch still raises, the key lists match
    tsd["heads.cls.weight"] = tnet.heads.cls.weight.detach().clone()
    dsd["heads.cls.weight"] = ds.tensor(tsd["heads.cls.weight"].numpy())
    t_res = tnet.load_state_dict(tsd, strict=False)
    d_res = dnet.load_state_dict(dsd, strict=False)
    assert d_res.missing_keys == t_res.missing_keys == ["stem.bias"]
    assert d_res.unexpected_keys == t_res.unexpected_keys
    assert repr(d_res) == repr(t_res)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        dnet.load_state_dict([1, 2])


def test_non_persistent_buffer_not_saved_but_loaded_state_kept():
    Block, _ = _make_classes(nn, ds)
    b = Block(3)
    assert "scratch" not in b.state_dict() and "running" in b.state_dict()
    assert [n for n, _ in b.named_buffers()] == ["running", "scratch"]


def test_extra_state_round_trip():
    class WithState(nn.Module):
        def __init__(self):
            super().__init__()
            self.counter = 0

        def get_extra_state(self):
            return {"counter": self.counter}

        def set_extra_state(self, state):
            self.counter = state["counter"]

    a, b = WithState(), WithState()
    a.counter = 7
    sd = a.state_dict()
    assert list(sd.keys()) == ["_extra_state"]
    b.load_state_dict(sd)
    assert b.counter == 7


# ---- modes, conversion, gradients ------------------------------------------------------------

def test_train_eval_propagate(nets):
    _, dnet = nets
    assert dnet.training
    assert dnet.eval() is dnet
    assert not any(m.training for m in dnet.modules())
    dnet.train()
    assert all(m.training for m in dnet.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        dnet.train("yes")


def test_to_dtype_keeps_parameter_identity_and_converts_grads():
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    model.register_buffer("count", ds.zeros(1, dtype=ds.int64))
    weight = model[0].weight
    model(ds.randn(4, 3)).sum().backward()
    values = weight.detach().numpy().astype(np.float64)
    assert model.to(ds.float64) is model
    assert model[0].weight is weight and type(weight) is nn.Parameter
    assert weight.dtype == ds.float64 and weight.grad.dtype == ds.float64
    assert weight.requires_grad and weight.is_leaf
    assert model.count.dtype == ds.int64  # integer buffers keep their dtype
    np.testing.assert_allclose(weight.detach().numpy(), values, rtol=0)
    for method, dtype in (("float", ds.float32), ("half", ds.float16),
                          ("bfloat16", ds.bfloat16), ("double", ds.float64)):
        getattr(model, method)()
        assert model[0].weight is weight and weight.dtype == dtype, method
    model.to("cpu", dtype=ds.float32)
    assert weight.dtype == ds.float32 and model.cpu() is model
    model.to(ds.zeros(1, dtype=ds.float64))
    assert weight.dtype == ds.float64
    # the converted parameter still trains
    weight.grad = None
    model(ds.randn(2, 3, dtype=ds.float64)).sum().backward()
    assert weight.grad.dtype == ds.float64
    with pytest.raises(TypeError, match="floating point or complex dtypes"):
        model.to(ds.int32)


def test_zero_grad_and_requires_grad_():
    model = nn.Linear(3, 2)
    model(ds.randn(4, 3)).sum().backward()
    assert model.weight.grad is not None
    model.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(model.weight.grad.numpy(), np.zeros((2, 3), np.float32))
    model.zero_grad()
    assert model.weight.grad is None and model.bias.grad is None
    assert model.requires_grad_(False) is model
    assert not any(p.requires_grad for p in model.parameters())


def test_apply_visits_children_first():
    def build(nn_ns):
        return nn_ns.Sequential(nn_ns.Linear(1, 1), nn_ns.Sequential(nn_ns.ReLU(), nn_ns.Tanh()))

    t_order, d_order = [], []
    build(torch.nn).apply(lambda m: t_order.append(type(m).__name__))
    model = build(nn)
    assert model.apply(lambda m: d_order.append(type(m).__name__)) is model
    assert d_order == t_order


# ---- hooks -----------------------------------------------------------------------------------

def test_forward_hooks_modify_and_remove():
    model = nn.Linear(2, 2)
    calls = []
    pre = model.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = model.register_forward_hook(lambda m, args, out: calls.append(out) or out + 1)
    out = model(ds.ones(1, 2))
    np.testing.assert_allclose(out.detach().numpy(), model.bias.detach().numpy()[None] + 1,
                               rtol=1e-6)
    assert len(calls) == 1
    pre.remove()
    post.remove()
    pre.remove()  # removing twice is harmless
    expect = ds.ones(1, 2) @ model.weight.t() + model.bias
    np.testing.assert_allclose(model(ds.ones(1, 2)).detach().numpy(),
                               expect.detach().numpy(), rtol=1e-6)
    assert len(calls) == 1


def test_hook_order_single_value_and_context_manager():
    model = nn.Identity()
    order = []
    model.register_forward_pre_hook(lambda m, a: order.append("pre1"))
    model.register_forward_pre_hook(lambda m, a: order.append("pre0"), prepend=True)
    model.register_forward_hook(lambda m, a, o: order.append("post"))
    with model.register_forward_pre_hook(lambda m, a: a[0] + 1):  # non-tuple result is wrapped
        assert model(ds.tensor(1.0)).item() == 2.0
    assert model(ds.tensor(1.0)).item() == 1.0
    assert order[:3] == ["pre0", "pre1", "post"]


def test_hooks_with_kwargs():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m = Scale()
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"factor": 3.0}),
                                with_kwargs=True)
    seen = {}
    m.register_forward_hook(lambda mod, args, kwargs, out: seen.update(kwargs),
                            with_kwargs=True)
    assert m(ds.tensor(2.0)).item() == 6.0 and seen == {"factor": 3.0}


def test_missing_forward_raises():
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        nn.Module()(ds.zeros(1))
    with pytest.raises(NotImplementedError):
        nn.ModuleList([nn.ReLU()])(ds.zeros(1))


# ---- repr ------------------------------------------------------------------------------------

def test_repr_matches_torch(nets):
    tnet, dnet = nets
    assert repr(dnet) == _torch_text(repr(tnet))


@pytest.mark.parametrize("build", [
    lambda n: n.Linear(3, 4),
    lambda n: n.Linear(3, 4, bias=False),
    lambda n: n.Sequential(n.Linear(2, 2), n.Sequential(n.ReLU(inplace=True), n.SiLU()),
                           n.ModuleList([n.Tanh(), n.ModuleDict({"s": n.Sigmoid()})])),
    lambda n: n.Sequential(),
    lambda n: n.ModuleList(),
    lambda n: n.Softmax(dim=-1),
    lambda n: n.LogSoftmax(dim=1),
    lambda n: n.Softmax(),
    lambda n: n.GELU(),
    lambda n: n.Identity(54, unused="x"),
    lambda n: n.Flatten(0, 2),
    lambda n: n.Unflatten(1, (2, 5)),
    lambda n: n.Unflatten(-1, [3, -1]),
    lambda n: n.MSELoss(reduction="sum"),
    lambda n: n.L1Loss(),
])
def test_layer_reprs_match_torch(build):
    assert repr(build(nn)) == repr(build(torch.nn))


def test_parameter_container_reprs_match_torch():
    def build(n, lib):
        plist = n.ParameterList([n.Parameter(lib.zeros(2, 3)), lib.ones(4)])
        plist.append("not a tensor")
        pdict = n.ParameterDict({"w": n.Parameter(lib.zeros(5, 10, dtype=lib.float64))})
        pdict["t"] = lib.zeros(1)
        return n.Sequential(plist, n.ModuleDict({"d": n.ModuleList([n.ReLU()])})), pdict

    for got, expect in zip(build(nn, ds), build(torch.nn, torch)):
        assert repr(got) == _torch_text(repr(expect))


# ---- containers ------------------------------------------------------------------------------

def test_sequential_indexing_and_mutation():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c and list(seq) == [a, b, c]
    sliced = seq[1:]
    assert type(sliced) is nn.Sequential and list(sliced._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    seq[1] = nn.Identity()
    assert type(seq[1]) is nn.Identity
    del seq[0]
    assert list(seq._modules) == ["0", "1"] and seq[1] is c
    seq.append(a).insert(0, b).extend([nn.ReLU()])
    assert [type(m).__name__ for m in seq] == ["Tanh", "Identity", "Sigmoid", "ReLU", "ReLU"]
    assert seq.pop(0) is b and len(seq) == 4
    doubled = nn.Sequential(a, c) * 2
    assert [m for m in doubled] == [a, c, a, c]
    assert len(nn.Sequential(a) + nn.Sequential(b, c)) == 3
    with pytest.raises(ValueError, match="add operator supports only objects of Sequential"):
        nn.Sequential(a) + [b]
    named = nn.Sequential(OrderedDict([("first", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert [n for n, _ in named.named_children()] == ["first", "act"]
    assert named.first is named[0]
    x = ds.randn(5, 2)
    np.testing.assert_allclose(named(x).detach().numpy(),
                               np.maximum(named.first(x).detach().numpy(), 0))


def test_sequential_matches_torch_keys_after_mutation():
    def build(n):
        seq = n.Sequential(n.Linear(1, 1), n.ReLU(), n.Linear(1, 2), n.Tanh())
        del seq[1:3]
        seq.insert(1, n.Linear(1, 1))
        seq += n.Sequential(n.Linear(1, 1))
        return seq

    assert list(build(nn).state_dict().keys()) == list(build(torch.nn).state_dict().keys())


def test_module_list_operations():
    mods = [nn.ReLU(), nn.Tanh(), nn.Sigmoid()]
    ml = nn.ModuleList(mods[:2])
    ml.append(mods[2])
    assert list(ml) == mods and ml[-1] is mods[2] and len(ml) == 3
    assert type(ml[:2]) is nn.ModuleList and list(ml[:2]) == mods[:2]
    ml.insert(1, nn.Identity())
    assert [type(m).__name__ for m in ml] == ["ReLU", "Identity", "Tanh", "Sigmoid"]
    del ml[1]
    assert list(ml._modules) == ["0", "1", "2"] and list(ml) == mods
    ml += [nn.GELU()]
    assert len(ml) == 4 and len(ml + nn.ModuleList([nn.ReLU()])) == 5
    assert ml.pop(-1).__class__ is nn.GELU
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        ml.extend(nn.ReLU)
    with pytest.raises(IndexError):
        ml[10]


def test_module_dict_operations():
    md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()})
    assert list(md.keys()) == ["b", "a"] and "a" in md and len(md) == 2
    md.update([("c", nn.Sigmoid())])
    md["d"] = nn.Identity()
    assert list(md) == ["b", "a", "c", "d"]
    assert type(md.pop("a")) is nn.Tanh and "a" not in md
    assert [type(v).__name__ for v in md.values()] == ["ReLU", "Sigmoid", "Identity"]
    with pytest.raises(ValueError, match="has length 3; 2 is required"):
        md.update([("x", nn.ReLU(), 1)])
    md.clear()
    assert len(md) == 0


def test_parameter_list_and_dict():
    pl = nn.ParameterList([ds.zeros(2), nn.Parameter(ds.ones(3))])
    assert all(type(p) is nn.Parameter for p in pl) and len(pl) == 2
    pl.append(ds.zeros(1))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert type(pl[1:]) is nn.ParameterList and len(pl[1:]) == 2
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        pl(1)

    def build(n, lib):
        pd = n.ParameterDict({"z": lib.zeros(1), "a": lib.zeros(2)})  # plain dicts sort
        pd.update(OrderedDict([("y", lib.zeros(3)), ("b", lib.zeros(4))]))
        return pd

    tpd, dpd = build(torch.nn, torch), build(nn, ds)
    assert list(dpd.keys()) == list(tpd.keys()) == ["a", "z", "y", "b"]
    assert [n for n, _ in dpd.named_parameters()] == [n for n, _ in tpd.named_parameters()]
    assert type(dpd["a"]) is nn.Parameter and dpd.get("missing", 5) == 5
    assert dpd.pop("z").shape == ds.Size([1]) and "z" not in dpd
    assert dpd.setdefault("n", ds.ones(1)).shape == ds.Size([1])
    key, value = dpd.popitem()
    assert key == "n"
    merged = dpd | nn.ParameterDict({"q": ds.zeros(1)})
    assert list(merged.keys()) == ["a", "y", "b", "q"]
    with pytest.raises(TypeError, match="not a string"):
        dpd[1] = ds.zeros(1)


def test_dir_lists_members():
    model = nn.Linear(2, 2)
    names = dir(model)
    assert "weight" in names and "bias" in names and "forward" in names
    assert re.search(r"'Linear' object has no attribute 'nope'",
                     _error_of(lambda: model.nope)[1])
