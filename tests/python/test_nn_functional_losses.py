"""deepseek.nn.functional's losses, padding and scaled_dot_product_attention against torch
1.13's (the reference), in float64 (1e-7) and float32 (1e-5 relative) on random inputs,
plus bfloat16, seeded dropout, stability for extreme inputs, and the errors users get for
bad arguments (the rest of nn.functional is in test_nn_functional.py).
"""
import numpy as np
import pytest

import deepseek
import deepseek.nn.functional as F
import nn_reference

torch = pytest.importorskip("torch", reason="torch 1.13 is the reference for these checks")
TF = torch.nn.functional

from functional_compare import DTYPES, both, compare, const, draw  # noqa: E402  (needs torch)


# ----------------------------------------------------------------------------------- losses

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_class_indices(reduction, dtype):
    rng = np.random.default_rng(40)
    x = both(draw(rng, 6, 7, low=-3, high=3), dtype)
    t = const(np.array([1, 6, -100, 0, 3, 3]))
    w = const(draw(rng, 7, low=0.5, high=2).astype(np.float64 if dtype == "float64"
                                                     else np.float32))
    for kw in [dict(), dict(label_smoothing=0.2)]:
        compare(lambda x, t: F.cross_entropy(x, t, reduction=reduction, **kw),
                lambda x, t: TF.cross_entropy(x, t, reduction=reduction, **kw), [x, t], dtype)
        compare(lambda x, t, w: F.cross_entropy(x, t, w, reduction=reduction, **kw),
                lambda x, t, w: TF.cross_entropy(x, t, w, reduction=reduction, **kw),
                [x, t, w], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_probabilities_nd_and_unbatched(dtype):
    rng = np.random.default_rng(41)
    x = both(draw(rng, 5, 7, low=-3, high=3), dtype)
    p = both(rng.dirichlet(np.ones(7), 5), dtype, grad=False)
    compare(lambda x, p: F.cross_entropy(x, p, label_smoothing=0.1),
            lambda x, p: TF.cross_entropy(x, p, label_smoothing=0.1), [x, p], dtype)
    x4 = both(draw(rng, 2, 4, 3, 5), dtype)
    t4 = const(rng.integers(0, 4, (2, 3, 5)))
    compare(lambda x, t: F.cross_entropy(x, t, ignore_index=2),
            lambda x, t: TF.cross_entropy(x, t, ignore_index=2), [x4, t4], dtype)
    compare(lambda x: F.cross_entropy(x, deepseek.tensor(3)),
            lambda x: TF.cross_entropy(x, torch.tensor(3)), [both(draw(rng, 7), dtype)], dtype)


def test_cross_entropy_is_stable_for_huge_logits():
    x = np.array([[1000.0, -1000.0, 0.0], [-5e4, 5e4, 5e4]])
    t = np.array([0, 2])
    ours = F.cross_entropy(deepseek.tensor(x, dtype=deepseek.float32), deepseek.tensor(t))
    theirs = TF.cross_entropy(torch.tensor(x, dtype=torch.float32), torch.tensor(t))
    assert np.isfinite(ours.item())
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-6)


def test_cross_entropy_all_ignored_mean_is_nan_like_torch():
    ours = F.cross_entropy(deepseek.zeros(2, 3), deepseek.tensor([-100, -100]))
    assert np.isnan(ours.item())


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("bad", [10, -5])
def test_out_of_range_target_raises_never_crashes(fn, bad):
    with pytest.raises(IndexError, match=f"Target {bad} is out of bounds."):
        getattr(F, fn)(deepseek.zeros(3, 10), deepseek.tensor([1, bad, 2]))


LOSS_ERRORS = [
    (lambda m, f: f.cross_entropy(m.zeros(3, 10), m.tensor([1, 2])), ValueError,
     "Expected input batch_size (3) to match target batch_size (2)."),
    (lambda m, f: f.nll_loss(m.zeros(3, 10), m.tensor([1, 2, 3]), weight=m.ones(5)), RuntimeError,
     "weight tensor should be defined either for all 10 classes or no classes but got weight "
     "tensor of shape: [5]"),
    (lambda m, f: f.binary_cross_entropy_with_logits(m.zeros(2, 3), m.zeros(3, 2)), ValueError,
     "must be the same as input size"),
    (lambda m, f: f.mse_loss(m.zeros(2), m.zeros(2), reduction="avg"), ValueError,
     "avg is not a valid value for reduction"),
]


@pytest.mark.parametrize("make,kind,message", LOSS_ERRORS)
def test_loss_errors(make, kind, message):
    with pytest.raises(kind) as ours:
        make(deepseek, F)
    assert message in str(ours.value)


@pytest.mark.parametrize("dtype", DTYPES)
def test_pointwise_losses(dtype):
    rng = np.random.default_rng(42)
    a, b = both(draw(rng, 4, 5, low=-2, high=2), dtype), both(draw(rng, 4, 5, low=-2, high=2),
                                                              dtype)
    for name, kw in [("mse_loss", {}), ("l1_loss", dict(reduction="sum")),
                     ("smooth_l1_loss", dict(beta=0.7)), ("huber_loss", dict(delta=0.7)),
                     ("smooth_l1_loss", dict(reduction="none"))]:
        compare(lambda a, b: getattr(F, name)(a, b, **kw),
                lambda a, b: getattr(TF, name)(a, b, **kw), [a, b], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_losses(dtype):
    rng = np.random.default_rng(43)
    x = both(draw(rng, 4, 5, low=-4, high=4), dtype)
    y = both(draw(rng, 4, 5, low=0, high=1), dtype)
    w = both(draw(rng, 4, 5, low=0.5, high=2), dtype, grad=False)
    pw = both(draw(rng, 5, low=0.5, high=2), dtype, grad=False)
    for red in ["mean", "sum", "none"]:
        compare(lambda x, y, w, pw: F.binary_cross_entropy_with_logits(
                    x, y, w, reduction=red, pos_weight=pw),
                lambda x, y, w, pw: TF.binary_cross_entropy_with_logits(
                    x, y, w, reduction=red, pos_weight=pw), [x, y, w, pw], dtype)
    p = both(draw(rng, 4, 5, low=0.05, high=0.95), dtype)
    compare(lambda p, y, w: F.binary_cross_entropy(p, y, w),
            lambda p, y, w: TF.binary_cross_entropy(p, y, w), [p, y, w], dtype)


def test_bce_with_logits_gradient_is_exact_at_zero():
    # The stable forward has |x| in it; the gradient at x = 0 must still be sigmoid(0) - y.
    x = deepseek.zeros(3, requires_grad=True)
    y = deepseek.tensor([0.0, 1.0, 0.25])
    F.binary_cross_entropy_with_logits(x, y, reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), 0.5 - y.numpy(), rtol=1e-7)


def test_kl_div():
    rng = np.random.default_rng(44)
    x = both(np.log(rng.dirichlet(np.ones(5), 3)))
    y = both(rng.dirichlet(np.ones(5), 3))
    for kw in [dict(reduction="batchmean"), dict(reduction="sum", log_target=False)]:
        compare(lambda x, y: F.kl_div(x, y, **kw), lambda x, y: TF.kl_div(x, y, **kw), [x, y])
    ly = both(np.log(rng.dirichlet(np.ones(5), 3)))
    compare(lambda x, y: F.kl_div(x, y, reduction="batchmean", log_target=True),
            lambda x, y: TF.kl_div(x, y, reduction="batchmean", log_target=True), [x, ly])


# ---------------------------------------------------------------------------------- padding

PAD_CASES = [
    ((2, 3, 4, 5), (1, 2, 2, 1), "constant", 0.5),
    ((2, 3, 4, 5), (-1, 2, 0, 1, 1, 1), "constant", None),
    ((2, 3, 4, 5), (1, 2, 2, 1), "reflect", None),
    ((2, 3, 4, 5), (1, 2, 2, 1), "replicate", None),
    ((2, 3, 4, 5), (1, 2, 2, 1), "circular", None),
    ((2, 3, 6), (3, 1), "reflect", None),
    ((3, 6), (2, 4), "replicate", None),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,amounts,mode,value", PAD_CASES, ids=str)
def test_pad(shape, amounts, mode, value, dtype):
    rng = np.random.default_rng(50)
    x = both(draw(rng, *shape), dtype)
    kw = dict(mode=mode) if value is None else dict(mode=mode, value=value)
    compare(lambda x: F.pad(x, amounts, **kw), lambda x: TF.pad(x, amounts, **kw), [x], dtype)


def test_pad_integer_and_errors():
    x = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(F.pad(deepseek.tensor(x), (1, 1), value=7).numpy(),
                                  TF.pad(torch.tensor(x), (1, 1), value=7).numpy())
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(deepseek.zeros(1, 2, 3), (1, 1, 1))
    with pytest.raises(RuntimeError, match="Padding size should be less than the corresponding "
                                           "input dimension"):
        F.pad(deepseek.zeros(1, 2, 3), (3, 3), mode="reflect")


# -------------------------------------------------------------------------------- attention

SDPA_CASES = [
    dict(q=(2, 3, 70, 16), k=(2, 3, 130, 16), v=(2, 3, 130, 8), kw={}),  # crosses 64-row tiles
    dict(q=(2, 3, 70, 16), k=(2, 3, 130, 16), v=(2, 3, 130, 8), kw=dict(is_causal=True)),
    dict(q=(1, 2, 150, 8), k=(1, 2, 150, 8), v=(1, 2, 150, 8), kw=dict(window_size=40)),
    dict(q=(1, 2, 150, 8), k=(1, 2, 150, 8), v=(1, 2, 150, 8),
         kw=dict(window_size=40, is_causal=True, scale=0.2)),
    dict(q=(5, 9), k=(7, 9), v=(7, 4), kw={}),  # no batch dims, Tq != Tk
    # one batch, several key blocks: threads split the key blocks and sum dQ partials
    dict(q=(1, 150, 8), k=(1, 200, 8), v=(1, 200, 8), kw=dict(is_causal=True)),
    dict(q=(2, 1, 6, 4), k=(3, 5, 4), v=(3, 5, 4), kw={}),  # broadcast batch dims
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", SDPA_CASES, ids=lambda c: f"{c['q']}-{c['k']}-{c['kw']}")
def test_scaled_dot_product_attention(case, dtype):
    rng = np.random.default_rng(60)
    q, k, v = (both(draw(rng, *case[n], low=-2, high=2), dtype) for n in ("q", "k", "v"))
    compare(lambda q, k, v: nn_reference.sdpa(deepseek, q, k, v, **case["kw"]),
            lambda q, k, v: nn_reference.sdpa(torch, q, k, v, **case["kw"]), [q, k, v], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mask_shape", [(2, 1, 1, 130), (70, 130), (3, 1, 130), (2, 3, 70, 130)])
def test_sdpa_masks(mask_shape, dtype):
    rng = np.random.default_rng(61)
    q = both(draw(rng, 2, 3, 70, 16), dtype)
    k, v = both(draw(rng, 2, 3, 130, 16), dtype), both(draw(rng, 2, 3, 130, 8), dtype)
    keep = rng.uniform(0, 1, mask_shape) > 0.3
    keep[..., 0] = True  # every row sees a key (fully masked rows differ: see below)
    compare(lambda q, k, v, m: nn_reference.sdpa(deepseek, q, k, v, m),
            lambda q, k, v, m: nn_reference.sdpa(torch, q, k, v, m), [q, k, v, const(keep)],
            dtype)
    additive = both(draw(rng, *mask_shape, low=-3, high=1), dtype)  # gets a gradient
    compare(lambda q, k, v, m: nn_reference.sdpa(deepseek, q, k, v, m),
            lambda q, k, v, m: nn_reference.sdpa(torch, q, k, v, m), [q, k, v, additive], dtype)


def test_sdpa_fully_masked_rows_give_zeros():
    q = deepseek.randn(1, 3, 4, requires_grad=True)
    k, v = deepseek.randn(1, 5, 4), deepseek.randn(1, 5, 2)
    mask = deepseek.tensor([[True] * 5, [False] * 5, [True, False, True, False, True]])
    out = F.scaled_dot_product_attention(q, k, v, mask)
    assert np.all(out.detach().numpy()[0, 1] == 0) and np.all(np.isfinite(out.detach().numpy()))
    out.sum().backward()
    assert np.all(np.isfinite(q.grad.numpy())) and np.all(q.grad.numpy()[0, 1] == 0)


def test_sdpa_bfloat16():
    rng = np.random.default_rng(62)
    q, k, v = (draw(rng, 2, 2, 80, 32) for _ in range(3))
    ours = F.scaled_dot_product_attention(*(deepseek.tensor(a, dtype=deepseek.bfloat16)
                                            for a in (q, k, v)), is_causal=True)
    theirs = nn_reference.sdpa(torch, *(torch.tensor(a) for a in (q, k, v)), is_causal=True)
    np.testing.assert_allclose(ours.float().numpy(), theirs.numpy(), rtol=2e-2, atol=2e-2)


def test_sdpa_dropout_is_reproducible_and_consistent_with_its_gradient():
    rng = np.random.default_rng(63)
    q, k, v = (deepseek.tensor(draw(rng, 2, 70, 8), requires_grad=True) for _ in range(3))
    deepseek.manual_seed(11)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.3)
    deepseek.manual_seed(11)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.3)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    plain = F.scaled_dot_product_attention(q, k, v)
    assert not np.allclose(a.detach().numpy(), plain.detach().numpy())
    # With the same seed the op is a deterministic function: gradcheck its backward (which
    # regenerates the mask from the Philox stream).

    def fn(q, k, v):
        deepseek.manual_seed(11)
        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.3)
    inputs = [deepseek.tensor(draw(rng, 1, 5, 3), requires_grad=True) for _ in range(3)]
    assert deepseek.autograd.gradcheck(fn, inputs)


def test_sdpa_double_backward_raises():
    q, k, v = (deepseek.randn(1, 4, 3, dtype=deepseek.float64, requires_grad=True)
               for _ in range(3))
    out = F.scaled_dot_product_attention(q, k, v)
    (gq,) = deepseek.autograd.grad([out.sum()], [q], create_graph=True)
    with pytest.raises(NotImplementedError, match="double backward"):
        gq.sum().backward()


SDPA_ERRORS = [
    (lambda m: F.scaled_dot_product_attention(m.zeros(2, 3, 4), m.zeros(2, 3, 5), m.zeros(2, 3, 5)),
     RuntimeError, "same head dimension"),
    (lambda m: F.scaled_dot_product_attention(m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(2, 6, 4)),
     RuntimeError, "same sequence length"),
    (lambda m: F.scaled_dot_product_attention(m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(2, 3, 4),
                                              m.zeros(4, 3)), RuntimeError, "not broadcastable"),
    (lambda m: F.scaled_dot_product_attention(
        m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(3, 3, dtype=m.float64)),
     RuntimeError, "Expected attn_mask dtype to be bool or to match query dtype"),
    (lambda m: F.scaled_dot_product_attention(m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(2, 3, 4),
                                              window_size=-1), ValueError, "window_size"),
]


@pytest.mark.parametrize("make,kind,message", SDPA_ERRORS)
def test_sdpa_errors(make, kind, message):
    with pytest.raises(kind, match=message):
        make(deepseek)
