"""Autocast (deepseek.autocast / amp.autocast / cpu.amp.autocast / cuda.amp.autocast) against
torch 1.13's CPU autocast (bfloat16): per-op output dtypes and values, small models end to
end (forward dtypes and values, float32 gradients reaching float32 parameters), the region
semantics (nesting, disabling, decorators, threads, errors) and custom_fwd/custom_bwd.

CUDA autocast runs for real only where a device is lent; without one, torch's behaviour
(warn and disable) is checked instead.
"""
import threading
import warnings

import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn as dnn
import deepseek.nn.functional as DF
import torch.nn.functional as TF

HAS_CUDA = ds.cuda.is_available()

DS_DTYPE = {"f16": ds.float16, "bf16": ds.bfloat16, "f32": ds.float32, "f64": ds.float64,
            "i64": ds.int64}
TORCH_DTYPE = {"f16": torch.float16, "bf16": torch.bfloat16, "f32": torch.float32,
               "f64": torch.float64, "i64": torch.int64}
NAME = {v: k for k, v in DS_DTYPE.items()}
TORCH_NAME = {v: k for k, v in TORCH_DTYPE.items()}
TOL = {"bf16": 1e-2, "f16": 1e-2, "f32": 1e-5, "f64": 1e-7}


def uniform(*shape, lo=-1.0, hi=1.0, seed=0):
    return np.random.default_rng(seed + 7 * len(shape)).uniform(lo, hi, shape).astype(np.float32)


def classes(n, c, seed=0):
    return np.random.default_rng(seed).integers(0, c, n).astype(np.int64)


def ds_tensor(a, kind):
    if kind == "i64":
        return ds.tensor(a, dtype=ds.int64)
    return ds.tensor(a.astype(np.float64)).to(DS_DTYPE[kind])


def torch_tensor(a, kind):
    if kind == "i64":
        return torch.tensor(a, dtype=torch.int64)
    return torch.tensor(a.astype(np.float64)).to(TORCH_DTYPE[kind])


def ds_values(t):
    return t.detach().to(ds.float64).numpy()


def torch_values(t):
    return t.detach().to(torch.float64).numpy()


def assert_matches_torch(d, t, tol=None):
    """Same dtype (by name), same shape, values within the result dtype's tolerance."""
    kind = NAME[d.dtype]
    assert kind == TORCH_NAME[t.dtype], f"deepseek {d.dtype} vs torch {t.dtype}"
    assert tuple(d.shape) == tuple(t.shape)
    tol = TOL.get(kind) if tol is None else tol
    if tol is None:
        np.testing.assert_array_equal(ds_values(d), torch_values(t))
    else:
        np.testing.assert_allclose(ds_values(d), torch_values(t), rtol=tol, atol=tol)


# ------------------------------------------------------------------------- op-by-op table

A = uniform
PROBS = np.random.default_rng(3).uniform(0.05, 0.95, (4, 6)).astype(np.float32)
SOFT_TARGET = (np.exp(A(4, 6, seed=5)) / np.exp(A(4, 6, seed=5)).sum(1, keepdims=True)).astype(
    np.float32)

# (id, fn(lib, functional, *tensors), arrays, kinds, expected result dtype under autocast
#  [, exact(*arrays rounded to bfloat16, in float64): the values to compare with instead of
#  torch's])
OPS = [
    # lower precision: matrix products and convolutions run in bfloat16
    ("mm", lambda L, F, a, b: L.mm(a, b), [A(4, 8), A(8, 6, seed=1)], ["f32", "f32"], "bf16"),
    ("mm_float16_inputs", lambda L, F, a, b: L.mm(a, b), [A(4, 8), A(8, 6, seed=1)],
     ["f16", "f16"], "bf16"),
    ("mm_bf16_with_f32", lambda L, F, a, b: L.mm(a, b), [A(4, 8), A(8, 6, seed=1)],
     ["bf16", "f32"], "bf16"),
    ("matmul_operator", lambda L, F, a, b: a @ b, [A(4, 8), A(8, 6, seed=1)], ["f32", "f32"],
     "bf16"),
    ("matmul_batched", lambda L, F, a, b: L.matmul(a, b), [A(2, 1, 4, 8), A(3, 8, 5, seed=1)],
     ["f32", "f32"], "bf16"),
    ("matmul_vector", lambda L, F, a, b: L.matmul(a, b), [A(8), A(8, 5, seed=1)],
     ["f32", "f32"], "bf16"),
    ("bmm", lambda L, F, a, b: L.bmm(a, b), [A(2, 4, 8), A(2, 8, 3, seed=1)], ["f32", "f32"],
     "bf16"),
    ("addmm", lambda L, F, c, a, b: L.addmm(c, a, b, beta=0.5, alpha=2.0),
     [A(6, seed=2), A(4, 8), A(8, 6, seed=1)], ["f32", "f32", "f32"], "bf16"),
    ("baddbmm", lambda L, F, c, a, b: L.baddbmm(c, a, b),
     [A(2, 4, 3, seed=2), A(2, 4, 8), A(2, 8, 3, seed=1)], ["f32", "f32", "f32"], "bf16"),
    # torch 1.13 rounds addbmm's bfloat16 sum once per batch entry; deepseek rounds once, so
    # its values are checked against the exact sum of the bfloat16-rounded inputs.
    ("addbmm", lambda L, F, c, a, b: L.addbmm(c, a, b),
     [A(4, 3, seed=2), A(2, 4, 8), A(2, 8, 3, seed=1)], ["f32", "f32", "f32"], "bf16",
     lambda c, a, b: c + np.einsum("bij,bjk->ik", a, b)),
    ("linear", lambda L, F, x, w, b: F.linear(x, w, b), [A(2, 3, 8), A(6, 8, seed=1), A(6)],
     ["f32", "f32", "f32"], "bf16"),
    ("linear_no_bias_bf16_input", lambda L, F, x, w: F.linear(x, w), [A(4, 8), A(6, 8, seed=1)],
     ["bf16", "f32"], "bf16"),
    ("conv1d", lambda L, F, x, w, b: F.conv1d(x, w, b, padding=1),
     [A(2, 3, 9), A(4, 3, 3, seed=1), A(4)], ["f32", "f32", "f32"], "bf16"),
    ("conv2d", lambda L, F, x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
     [A(2, 3, 8, 8), A(4, 3, 3, 3, seed=1), A(4)], ["f32", "f32", "f32"], "bf16"),
    # float32: losses and prod
    ("cross_entropy", lambda L, F, x, t: F.cross_entropy(x, t), [A(4, 6), classes(4, 6)],
     ["bf16", "i64"], "f32"),
    ("cross_entropy_f32_logits", lambda L, F, x, t: F.cross_entropy(x, t),
     [A(4, 6), classes(4, 6)], ["f32", "i64"], "f32"),
    ("cross_entropy_weighted_sum",
     lambda L, F, x, t, w: F.cross_entropy(x, t, weight=w, reduction="sum"),
     [A(4, 6), classes(4, 6), A(6, lo=0.5, hi=1.5)], ["bf16", "i64", "bf16"], "f32"),
    ("cross_entropy_probabilities", lambda L, F, x, t: F.cross_entropy(x, t),
     [A(4, 6), SOFT_TARGET], ["bf16", "bf16"], "f32"),
    ("nll_loss", lambda L, F, x, t: F.nll_loss(x, t), [A(4, 6), classes(4, 6)],
     ["bf16", "i64"], "f32"),
    ("mse_loss", lambda L, F, a, b: F.mse_loss(a, b), [A(4, 6), A(4, 6, seed=1)],
     ["bf16", "bf16"], "f32"),
    ("mse_loss_float16", lambda L, F, a, b: F.mse_loss(a, b), [A(4, 6), A(4, 6, seed=1)],
     ["f16", "f32"], "f32"),
    ("l1_loss", lambda L, F, a, b: F.l1_loss(a, b), [A(4, 6), A(4, 6, seed=1)],
     ["bf16", "bf16"], "f32"),
    ("smooth_l1_loss", lambda L, F, a, b: F.smooth_l1_loss(a, b, beta=0.5),
     [A(4, 6), A(4, 6, seed=1)], ["bf16", "bf16"], "f32"),
    ("huber_loss", lambda L, F, a, b: F.huber_loss(a, b, delta=0.5), [A(4, 6), A(4, 6, seed=1)],
     ["bf16", "bf16"], "f32"),
    ("binary_cross_entropy", lambda L, F, p, t: F.binary_cross_entropy(p, t),
     [PROBS, PROBS[::-1].copy()], ["bf16", "bf16"], "f32"),
    ("binary_cross_entropy_with_logits",
     lambda L, F, x, t, pw: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw),
     [A(4, 6), PROBS, A(6, lo=0.5, hi=2.0)], ["bf16", "f32", "f32"], "f32"),
    ("kl_div", lambda L, F, x, t: F.kl_div(x, t, reduction="batchmean"),
     [np.log(PROBS), PROBS[::-1].copy()], ["bf16", "bf16"], "f32"),
    ("prod", lambda L, F, x: x.prod(), [A(6, lo=0.5, hi=1.5)], ["bf16"], "f32"),
    ("prod_dim", lambda L, F, x: x.prod(1), [A(3, 4, lo=0.5, hi=1.5)], ["bf16"], "f32"),
    # no policy on CPU: the inputs' dtype
    ("softmax", lambda L, F, x: F.softmax(x, dim=-1), [A(4, 6)], ["bf16"], "bf16"),
    ("softmax_f32", lambda L, F, x: F.softmax(x, dim=-1), [A(4, 6)], ["f32"], "f32"),
    ("log_softmax", lambda L, F, x: F.log_softmax(x, dim=1), [A(4, 6)], ["bf16"], "bf16"),
    ("layer_norm", lambda L, F, x: F.layer_norm(x, (6,)), [A(4, 6)], ["bf16"], "bf16"),
    ("group_norm", lambda L, F, x: F.group_norm(x, 2), [A(2, 4, 3)], ["bf16"], "bf16"),
    ("batch_norm_eval", lambda L, F, x, m, v: F.batch_norm(x, m, v),
     [A(2, 3, 4), A(3), A(3, lo=0.5, hi=1.5)], ["bf16", "f32", "f32"], "bf16"),
    ("exp", lambda L, F, x: L.exp(x), [A(4, 6)], ["bf16"], "bf16"),
    ("log", lambda L, F, x: L.log(x), [A(4, 6, lo=0.5, hi=2)], ["bf16"], "bf16"),
    ("pow", lambda L, F, x: x ** 2, [A(4, 6)], ["bf16"], "bf16"),
    ("sum", lambda L, F, x: x.sum(), [A(4, 6)], ["bf16"], "bf16"),
    ("mean", lambda L, F, x: x.mean(1), [A(4, 6)], ["bf16"], "bf16"),
    ("cumsum", lambda L, F, x: L.cumsum(x, 1), [A(4, 6)], ["bf16"], "bf16"),
    ("norm", lambda L, F, x: x.norm(), [A(4, 6)], ["bf16"], "bf16"),
    ("relu", lambda L, F, x: F.relu(x), [A(4, 6)], ["bf16"], "bf16"),
    ("gelu", lambda L, F, x: F.gelu(x), [A(4, 6)], ["bf16"], "bf16"),
    ("tanh", lambda L, F, x: L.tanh(x), [A(4, 6)], ["bf16"], "bf16"),
    ("dot", lambda L, F, a, b: L.dot(a, b), [A(8), A(8, seed=1)], ["f32", "f32"], "f32"),
    ("add_promotes", lambda L, F, a, b: a + b, [A(4, 6), A(4, 6, seed=1)], ["bf16", "f32"],
     "f32"),
    ("cat_promotes", lambda L, F, a, b: L.cat([a, b]), [A(2, 6), A(2, 6, seed=1)],
     ["bf16", "f32"], "f32"),
    # never cast: float64 and integer inputs
    ("mm_float64", lambda L, F, a, b: L.mm(a, b), [A(4, 8), A(8, 6, seed=1)], ["f64", "f64"],
     "f64"),
    ("conv2d_float64", lambda L, F, x, w: F.conv2d(x, w), [A(1, 2, 5, 5), A(3, 2, 3, 3, seed=1)],
     ["f64", "f64"], "f64"),
    ("cross_entropy_float64", lambda L, F, x, t: F.cross_entropy(x, t),
     [A(4, 6), classes(4, 6)], ["f64", "i64"], "f64"),
    ("mse_loss_float64", lambda L, F, a, b: F.mse_loss(a, b), [A(4, 6), A(4, 6, seed=1)],
     ["f64", "f64"], "f64"),
    ("mm_int64", lambda L, F, a, b: L.mm(a, b),
     [np.arange(6).reshape(2, 3), np.arange(6).reshape(3, 2)], ["i64", "i64"], "i64"),
]


@pytest.mark.parametrize("case", OPS, ids=[c[0] for c in OPS])
def test_op_matches_torch_cpu_autocast(case):
    _, fn, arrays, kinds, expected = case[:5]
    d_in = [ds_tensor(a, k) for a, k in zip(arrays, kinds)]
    t_in = [torch_tensor(a, k) for a, k in zip(arrays, kinds)]
    with ds.autocast("cpu", dtype=ds.bfloat16):
        d_out = fn(ds, DF, *d_in)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        t_out = fn(torch, TF, *t_in)
    assert NAME[d_out.dtype] == expected
    if len(case) == 5:
        assert_matches_torch(d_out, t_out)
        return
    assert TORCH_NAME[t_out.dtype] == expected
    rounded = [torch_values(torch_tensor(a, "bf16")) for a in arrays]
    np.testing.assert_allclose(ds_values(d_out), case[5](*rounded), rtol=TOL[expected],
                               atol=TOL[expected])


def test_outside_a_region_nothing_is_cast():
    a, b = ds.tensor(A(4, 8)), ds.tensor(A(8, 6, seed=1))
    with ds.autocast("cpu"):
        assert ds.mm(a, b).dtype == ds.bfloat16
    assert ds.mm(a, b).dtype == ds.float32
    assert DF.cross_entropy(ds.mm(a, b).to(ds.bfloat16), ds.tensor(classes(4, 6))).dtype \
        == ds.bfloat16
    assert not ds.is_autocast_enabled("cpu") and not ds.is_autocast_cpu_enabled()


def test_scaled_dot_product_attention_runs_in_bfloat16():
    # torch 1.13 has no scaled_dot_product_attention: the reference is the composed formula in
    # float32 on the bfloat16-rounded inputs, rounded once to bfloat16 (a kernel that
    # accumulates in float32 and rounds its output once).
    q, k, v = (ds.tensor(A(2, 5, 8, seed=s)) for s in (1, 2, 3))
    mask = ds.tensor(np.tril(np.ones((5, 5), dtype=bool)))
    with ds.autocast("cpu"):
        out = DF.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert out.dtype == ds.bfloat16
    qt, kt, vt = (torch.tensor(ds_values(t)).bfloat16().float() for t in (q, k, v))
    scores = (qt @ kt.transpose(-1, -2)) / np.sqrt(8)
    scores = scores.masked_fill(~torch.tensor(np.tril(np.ones((5, 5), dtype=bool))), -np.inf)
    expected = (torch.softmax(scores, -1) @ vt).bfloat16()
    assert_matches_torch(out, expected)


# ------------------------------------------------------------------------- small models

def _copy_weights(d_mod, t_mod):
    t_mod.load_state_dict({k: torch.tensor(v.numpy()) for k, v in d_mod.state_dict().items()})


def _compare_model(d_mod, t_mod, forward, x, target, zero_grads=()):
    """forward(mod, F, x) -> logits; runs both models under CPU autocast, backpropagates
    cross_entropy outside the region and compares logits, loss and parameter gradients.
    The gradients pass through several bfloat16 roundings (deepseek's backward formulas are
    chains of bfloat16 ops where torch has fused kernels), hence 2e-2 of their largest.
    zero_grads: parameters whose exact gradient is 0, where both libraries return rounding
    noise: deepseek's must be tiny next to the others'."""
    _copy_weights(d_mod, t_mod)
    dx, tx = ds.tensor(x), torch.tensor(x)
    dt, tt = ds.tensor(target), torch.tensor(target)
    with ds.autocast("cpu", dtype=ds.bfloat16):
        d_logits = forward(d_mod, DF, dx)
        d_loss = DF.cross_entropy(d_logits, dt)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        t_logits = forward(t_mod, TF, tx)
        t_loss = TF.cross_entropy(t_logits, tt)
    assert d_logits.dtype == ds.bfloat16 and d_loss.dtype == ds.float32
    assert_matches_torch(d_logits, t_logits)
    assert_matches_torch(d_loss, t_loss, tol=1e-2)
    d_loss.backward()
    t_loss.backward()
    t_params = dict(t_mod.named_parameters())
    largest = max(float(np.abs(ds_values(p.grad)).max()) for p in d_mod.parameters())
    for name, p in d_mod.named_parameters():
        assert p.dtype == ds.float32 and p.grad is not None and p.grad.dtype == ds.float32, name
        if name in zero_grads:
            assert np.abs(ds_values(p.grad)).max() < 1e-2 * largest, name
            continue
        t_grad = t_params[name].grad
        scale = float(np.abs(torch_values(t_grad)).max())
        np.testing.assert_allclose(ds_values(p.grad), torch_values(t_grad), rtol=2e-2,
                                   atol=2e-2 * scale, err_msg=name)


def test_mlp_with_cross_entropy_matches_torch():
    ds.manual_seed(0)
    d_mod = dnn.Sequential(dnn.Linear(8, 16), dnn.ReLU(), dnn.Linear(16, 5))
    t_mod = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 5))
    _compare_model(d_mod, t_mod, lambda m, F, x: m(x), A(6, 8), classes(6, 5))


def test_conv_net_matches_torch():
    ds.manual_seed(1)

    def build(nn):
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(4, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(16, 3))

    _compare_model(build(dnn), build(torch.nn), lambda m, F, x: m(x), A(3, 1, 8, 8),
                   classes(3, 3))


class _Attention:
    """Single-head self-attention written against either library: projections, scores,
    softmax, weighted values, output projection, mean over time."""

    def __init__(self, nn, dim):
        self.mod = nn.ModuleDict({"q": nn.Linear(dim, dim), "k": nn.Linear(dim, dim),
                                  "v": nn.Linear(dim, dim), "out": nn.Linear(dim, 3)})

    @staticmethod
    def forward(mod, F, x):
        q, k, v = mod["q"](x), mod["k"](x), mod["v"](x)
        weights = F.softmax(q @ k.transpose(-1, -2) / float(np.sqrt(q.shape[-1])), dim=-1)
        return mod["out"](weights @ v).mean(1)


def test_attention_matches_torch():
    ds.manual_seed(2)
    d_att, t_att = _Attention(dnn, 8), _Attention(torch.nn, 8)
    # k's bias adds the same q . b_k to every score of a row, which softmax ignores.
    _compare_model(d_att.mod, t_att.mod, _Attention.forward, A(4, 5, 8), classes(4, 3),
                   zero_grads={"k.bias"})


def test_transformer_block_trains_under_autocast():
    # torch 1.13's CPU layer_norm refuses a bfloat16 input with float32 weights (torch >= 2.0
    # accepts it and returns bfloat16); deepseek runs such blocks as torch 2 does, so this
    # one is checked against deepseek's own float32 run instead of torch 1.13.
    ds.manual_seed(3)
    block = dnn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0,
                                        batch_first=True, norm_first=True)
    head = dnn.Linear(16, 4)
    x, target = ds.tensor(A(2, 6, 16)), ds.tensor(classes(2, 4))

    def loss_of(autocast):
        for p in list(block.parameters()) + list(head.parameters()):
            p.grad = None
        with ds.autocast("cpu", enabled=autocast):
            h = block(x)
            logits = head(h.mean(1))
            loss = DF.cross_entropy(logits, target)
        loss.backward()
        return h, logits, loss, [p.grad.clone() for p in block.parameters()]

    h16, logits16, loss16, grads16 = loss_of(True)
    h32, logits32, loss32, grads32 = loss_of(False)
    # the residual stream stays float32 (float32 input + bfloat16 branch), as in torch
    assert h16.dtype == ds.float32 and logits16.dtype == ds.bfloat16
    assert loss16.dtype == ds.float32 and h32.dtype == ds.float32
    np.testing.assert_allclose(ds_values(loss16), ds_values(loss32), rtol=2e-2)
    for g16, g32 in zip(grads16, grads32):
        assert g16.dtype == ds.float32
        scale = float(np.abs(ds_values(g32)).max())
        np.testing.assert_allclose(ds_values(g16), ds_values(g32), rtol=0.1, atol=0.05 * scale)


def test_repeated_parameter_use_is_cast_once_per_version_and_trains():
    # A parameter used twice inside a region takes its cast from the cache; an optimizer step
    # inside the region changes the parameter, and the next use must see the new values.
    ds.manual_seed(4)
    lin = dnn.Linear(4, 4)
    opt = ds.optim.SGD(lin.parameters(), lr=0.5)
    x = ds.tensor(A(3, 4))
    with ds.autocast("cpu"):
        y = lin(lin(x))
        y.float().sum().backward()
        before = lin(x)
        opt.step()
        after = lin(x)
    with ds.no_grad():
        expected = DF.linear(x.bfloat16(), lin.weight.bfloat16(), lin.bias.bfloat16())
    assert not np.allclose(ds_values(before), ds_values(after))
    np.testing.assert_allclose(ds_values(after), ds_values(expected), rtol=1e-2, atol=1e-2)


def test_gradient_accumulation_inside_one_region_matches_one_region_per_step():
    # Within one region the second and third forward reuse the cached cast of the weight,
    # whose graph node the first backward already went through.
    ds.manual_seed(5)
    lin = dnn.Linear(4, 3)
    x = ds.tensor(A(2, 4))
    with ds.autocast("cpu"):
        for _ in range(3):
            lin(x).float().sum().backward()
    one_region = lin.weight.grad.clone()
    lin.zero_grad()
    for _ in range(3):
        with ds.autocast("cpu"):
            lin(x).float().sum().backward()
    np.testing.assert_array_equal(ds_values(one_region), ds_values(lin.weight.grad))
    expected = 3 * np.ones((3, 1)) * ds_values(x.bfloat16()).sum(0)
    np.testing.assert_allclose(ds_values(one_region), expected, rtol=1e-2, atol=1e-2)


def test_gradients_of_a_lowered_op_reach_float32_leaves_in_float32():
    a = ds.tensor(A(4, 8), requires_grad=True)
    b = ds.tensor(A(8, 6, seed=1), requires_grad=True)
    with ds.autocast("cpu"):
        out = a @ b
    out.float().sum().backward()
    assert a.grad.dtype == ds.float32 and b.grad.dtype == ds.float32
    # d sum(a @ b) / da = ones @ b^T, computed from the bfloat16 copy of b
    expected = np.ones((4, 6)) @ ds_values(b.bfloat16()).T
    np.testing.assert_allclose(ds_values(a.grad), expected, rtol=1e-2, atol=1e-2)


# ------------------------------------------------------------------------- region semantics

def test_nesting_disabling_and_restoring():
    a, b = ds.tensor(A(2, 3)), ds.tensor(A(3, 2, seed=1))
    assert ds.get_autocast_cpu_dtype() == ds.bfloat16
    with ds.autocast("cpu", dtype=ds.bfloat16):
        assert ds.is_autocast_enabled("cpu") and ds.mm(a, b).dtype == ds.bfloat16
        with ds.autocast("cpu", enabled=False):
            assert not ds.is_autocast_cpu_enabled()
            assert ds.mm(a, b).dtype == ds.float32
        assert ds.mm(a, b).dtype == ds.bfloat16
        with ds.cpu.amp.autocast(dtype=ds.float16):
            assert ds.get_autocast_dtype("cpu") == ds.float16
            assert ds.mm(a, b).dtype == ds.float16
        assert ds.get_autocast_cpu_dtype() == ds.bfloat16
        with ds.amp.autocast("cpu", enabled=False):
            with ds.amp.autocast("cpu"):
                assert ds.mm(a, b).dtype == ds.bfloat16
            assert ds.mm(a, b).dtype == ds.float32
    assert not ds.is_autocast_cpu_enabled() and ds.mm(a, b).dtype == ds.float32


def test_an_exception_leaves_the_region():
    with pytest.raises(ValueError, match="boom"):
        with ds.autocast("cpu"):
            raise ValueError("boom")
    assert not ds.is_autocast_cpu_enabled()
    assert ds.mm(ds.ones(2, 2), ds.ones(2, 2)).dtype == ds.float32


def test_decorator_runs_the_function_in_a_region_and_may_recurse():
    @ds.autocast("cpu")
    def depth_dtypes(n):
        inner = depth_dtypes(n - 1) if n > 0 else []
        return inner + [ds.mm(ds.ones(2, 2), ds.ones(2, 2)).dtype, ds.is_autocast_cpu_enabled()]

    assert depth_dtypes(2) == [ds.bfloat16, True] * 3
    assert not ds.is_autocast_cpu_enabled()

    @ds.cpu.amp.autocast(enabled=False)
    def plain():
        return ds.mm(ds.ones(2, 2), ds.ones(2, 2)).dtype

    with ds.autocast("cpu"):
        assert plain() == ds.float32


def test_state_is_per_thread():
    seen = {}

    def worker():
        seen["enabled"] = ds.is_autocast_cpu_enabled()
        seen["dtype"] = ds.mm(ds.ones(2, 2), ds.ones(2, 2)).dtype

    with ds.autocast("cpu"):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen == {"enabled": False, "dtype": ds.float32}


def test_state_functions_as_torch_spells_them():
    assert ds.get_autocast_gpu_dtype() == ds.float16
    assert ds.get_autocast_dtype("cuda") == ds.float16
    assert ds.is_autocast_enabled() is False  # no argument: CUDA, as in torch
    assert ds.is_autocast_cache_enabled() is True
    ds.set_autocast_cpu_dtype(ds.float16)
    try:
        assert ds.get_autocast_cpu_dtype() == ds.float16
        with ds.autocast("cpu"):  # dtype=None takes the current setting
            assert ds.mm(ds.ones(2, 2), ds.ones(2, 2)).dtype == ds.float16
    finally:
        ds.set_autocast_cpu_dtype(ds.bfloat16)
    ds.set_autocast_enabled("cpu", True)
    try:
        assert ds.is_autocast_cpu_enabled()
        assert ds.mm(ds.ones(2, 2), ds.ones(2, 2)).dtype == ds.bfloat16
    finally:
        ds.set_autocast_cpu_enabled(False)
    assert ds.autocast_increment_nesting() == 1
    assert ds.autocast_decrement_nesting() == 0
    with pytest.raises(RuntimeError, match="float16 or bfloat16"):
        ds.set_autocast_dtype("cpu", ds.float32)
    with pytest.raises(RuntimeError, match="unsupported device_type"):
        ds.is_autocast_enabled("mps")
    assert ds.amp.is_autocast_available("cpu") and ds.amp.is_autocast_available("cuda")
    assert not ds.amp.is_autocast_available("mps")


def test_invalid_arguments():
    with pytest.raises(ValueError, match="device_type"):
        ds.autocast(ds.device("cpu"))
    with pytest.raises(RuntimeError, match="unsupported device_type"):
        ds.autocast("cuda:0")
    with pytest.raises(TypeError, match="dtype"):
        ds.autocast("cpu", dtype="bfloat16")
    with pytest.warns(UserWarning, match="target dtype is not supported"):
        region = ds.autocast("cpu", dtype=ds.float32)
    with region:
        assert not ds.is_autocast_cpu_enabled()
        assert ds.get_autocast_cpu_dtype() == ds.bfloat16
        assert ds.mm(ds.ones(2, 2), ds.ones(2, 2)).dtype == ds.float32


@pytest.mark.skipif(HAS_CUDA, reason="checks the behaviour without a CUDA device")
def test_cuda_autocast_without_cuda_warns_and_disables():
    for make in (lambda: ds.autocast("cuda"), lambda: ds.cuda.amp.autocast(),
                 lambda: ds.amp.autocast("cuda", dtype=ds.bfloat16)):
        with pytest.warns(UserWarning, match="CUDA is not available"):
            region = make()
        with region:
            assert not ds.is_autocast_enabled("cuda")
            assert ds.mm(ds.ones(2, 2), ds.ones(2, 2)).dtype == ds.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ds.cuda.amp.autocast(enabled=False):
            pass


@pytest.mark.skipif(not HAS_CUDA, reason="needs a CUDA device")
def test_cuda_autocast_follows_the_cuda_lists():
    a, b = ds.tensor(A(4, 8)).cuda(), ds.tensor(A(8, 6, seed=1)).cuda()
    with ds.autocast("cuda"):
        assert ds.is_autocast_enabled() and ds.get_autocast_gpu_dtype() == ds.float16
        prod = ds.mm(a, b)
        assert prod.dtype == ds.float16
        # pow is on CUDA's float32 list (not on CPU's); softmax, also there, has no CUDA
        # kernel yet.
        assert ds.pow(prod, prod).dtype == ds.float32
        assert ds.mm(a.cpu(), b.cpu()).dtype == ds.float32  # CPU tensors are not cast
    np.testing.assert_allclose(ds_values(prod.cpu()), A(4, 8) @ A(8, 6, seed=1), rtol=1e-2,
                               atol=1e-2)
    with ds.cuda.amp.autocast(dtype=ds.bfloat16):
        assert ds.mm(a, b).dtype == ds.bfloat16
    with ds.autocast("cuda"), pytest.raises(RuntimeError, match="unsafe to autocast"):
        DF.binary_cross_entropy(ds.tensor(PROBS).cuda(), ds.tensor(PROBS).cuda())


# ------------------------------------------------------------------------- custom Functions

class _ScaledMatmul(ds.autograd.Function):
    """x @ w with custom_fwd casting its inputs to float32 and recording what it saw."""
    seen = {}

    @staticmethod
    @ds.amp.custom_fwd(device_type="cpu", cast_inputs=ds.float32)
    def forward(ctx, x, w):
        _ScaledMatmul.seen["forward"] = (x.dtype, w.dtype, ds.is_autocast_cpu_enabled())
        ctx.save_for_backward(x, w)
        return x @ w

    @staticmethod
    @ds.amp.custom_bwd(device_type="cpu")
    def backward(ctx, grad):
        _ScaledMatmul.seen["backward"] = ds.is_autocast_cpu_enabled()
        x, w = ctx.saved_tensors
        return grad @ w.t(), x.t() @ grad


class _PlainMatmul(ds.autograd.Function):
    """x @ w under the caller's autocast state; backward runs under the same state."""
    seen = {}

    @staticmethod
    @ds.amp.custom_fwd(device_type="cpu")
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x @ w

    @staticmethod
    @ds.amp.custom_bwd(device_type="cpu")
    def backward(ctx, grad):
        _PlainMatmul.seen["backward"] = (ds.is_autocast_cpu_enabled(),
                                         ds.get_autocast_cpu_dtype())
        x, w = ctx.saved_tensors
        return grad @ w.t(), x.t() @ grad


def test_custom_fwd_casts_inputs_and_disables_autocast_inside():
    x = ds.tensor(A(3, 4)).bfloat16().requires_grad_()
    w = ds.tensor(A(4, 2, seed=1), requires_grad=True)
    with ds.autocast("cpu"):
        out = _ScaledMatmul.apply(x, w)
    assert _ScaledMatmul.seen["forward"] == (ds.float32, ds.float32, False)
    assert out.dtype == ds.float32
    out.sum().backward()
    assert _ScaledMatmul.seen["backward"] is False
    assert x.grad.dtype == ds.bfloat16 and w.grad.dtype == ds.float32
    _ScaledMatmul.apply(x, w.bfloat16())  # outside a region: no casts
    assert _ScaledMatmul.seen["forward"] == (ds.bfloat16, ds.bfloat16, False)


def test_custom_bwd_runs_backward_under_the_forward_state():
    x = ds.tensor(A(3, 4), requires_grad=True)
    w = ds.tensor(A(4, 2, seed=1), requires_grad=True)
    with ds.autocast("cpu", dtype=ds.float16):
        out = _PlainMatmul.apply(x, w)
    assert out.dtype == ds.float16
    out.float().sum().backward()
    assert _PlainMatmul.seen["backward"] == (True, ds.float16)
    assert x.grad.dtype == ds.float32 and w.grad.dtype == ds.float32
    assert not ds.is_autocast_cpu_enabled() and ds.get_autocast_cpu_dtype() == ds.bfloat16
    out = _PlainMatmul.apply(x, w)
    out.sum().backward()
    assert _PlainMatmul.seen["backward"] == (False, ds.bfloat16)


def test_cuda_custom_fwd_spelling_is_a_decorator():
    calls = []

    @ds.cuda.amp.custom_fwd(cast_inputs=ds.float32)
    def forward(ctx, x):
        calls.append(x.dtype)
        return x

    class Ctx:
        pass

    x = ds.ones(2, dtype=ds.bfloat16)
    assert forward(Ctx(), x) is x and calls == [ds.bfloat16]
