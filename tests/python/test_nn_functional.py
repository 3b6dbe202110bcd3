"""deepseek.nn.functional against torch 1.13's functional ops (the reference), in float64
(1e-7) and float32 (1e-5 relative) on random inputs, plus what the float64 gradcheck table
(test_gradcheck.py) cannot see: bfloat16, sizes that cross kernel tiles, running
statistics, seeded randomness, the deliberate non-derivatives (padding_idx,
scale_grad_by_freq), and the errors users get for bad arguments. This file: convolution,
pooling, normalisation, embedding, one_hot, dropout; losses, padding and attention are in
test_nn_functional_losses.py.
"""
import numpy as np
import pytest

import deepseek
import deepseek.nn.functional as F
import nn_reference

torch = pytest.importorskip("torch", reason="torch 1.13 is the reference for these checks")
TF = torch.nn.functional

from functional_compare import DTYPES, TOL, both, compare, draw  # noqa: E402  (needs torch)


# ----------------------------------------------------------------------------- convolution

CONV2D_CASES = [
    dict(x=(2, 3, 9, 9), w=(4, 3, 3, 3), kw=dict()),
    dict(x=(2, 3, 9, 8), w=(4, 3, 3, 3), kw=dict(stride=2, padding=1, dilation=2)),
    dict(x=(2, 3, 9, 8), w=(4, 3, 2, 4), kw=dict(padding="same")),
    dict(x=(2, 3, 9, 8), w=(4, 3, 3, 3), kw=dict(padding="valid", stride=(2, 1))),
    dict(x=(2, 6, 7, 7), w=(4, 3, 3, 3), kw=dict(groups=2, padding=(1, 0), stride=(1, 2))),
    dict(x=(1, 8, 6, 6), w=(8, 1, 3, 3), kw=dict(groups=8, padding=1)),  # depthwise
    dict(x=(3, 5, 5), w=(2, 3, 3, 3), kw=dict(padding=1)),  # unbatched
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONV2D_CASES, ids=lambda c: f"{c['x']}-{c['w']}-{c['kw']}")
def test_conv2d(case, dtype):
    rng = np.random.default_rng(0)
    x, w, b = (both(draw(rng, *case["x"]), dtype), both(draw(rng, *case["w"]), dtype),
               both(draw(rng, case["w"][0]), dtype))
    compare(lambda x, w, b: F.conv2d(x, w, b, **case["kw"]),
            lambda x, w, b: TF.conv2d(x, w, b, **case["kw"]), [x, w, b], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_conv1d(dtype):
    rng = np.random.default_rng(1)
    x = both(draw(rng, 2, 4, 11), dtype)
    for w_shape, kw in [((6, 4, 3), dict()),
                        ((6, 2, 3), dict(stride=2, padding=2, dilation=2, groups=2)),
                        ((3, 4, 4), dict(padding="same"))]:
        w = both(draw(rng, *w_shape), dtype)
        compare(lambda x, w: F.conv1d(x, w, **kw), lambda x, w: TF.conv1d(x, w, **kw), [x, w],
                dtype)


def test_conv2d_bfloat16_close_to_float32():
    rng = np.random.default_rng(2)
    x, w = draw(rng, 4, 8, 10, 10), draw(rng, 16, 8, 3, 3)
    ours = F.conv2d(deepseek.tensor(x, dtype=deepseek.bfloat16),
                    deepseek.tensor(w, dtype=deepseek.bfloat16), padding=1)
    assert ours.dtype == deepseek.bfloat16
    reference = TF.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy()
    np.testing.assert_allclose(ours.float().numpy(), reference, rtol=2e-2, atol=5e-2)


def test_conv2d_float16_and_bfloat16_gradients():
    rng = np.random.default_rng(3)
    x, w = draw(rng, 2, 3, 6, 6), draw(rng, 4, 3, 3, 3)
    for dt in (deepseek.bfloat16, deepseek.float16):
        xs = deepseek.tensor(x, dtype=dt, requires_grad=True)
        ws = deepseek.tensor(w, dtype=dt, requires_grad=True)
        F.conv2d(xs, ws, stride=2).sum().backward()
        xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
        TF.conv2d(xt, wt, stride=2).sum().backward()
        np.testing.assert_allclose(xs.grad.float().numpy(), xt.grad.numpy(), rtol=2e-2, atol=5e-2)
        np.testing.assert_allclose(ws.grad.float().numpy(), wt.grad.numpy(), rtol=2e-2, atol=1e-1)


def test_conv2d_noncontiguous_input():
    rng = np.random.default_rng(4)
    x, w = both(draw(rng, 2, 7, 3, 7)), both(draw(rng, 4, 3, 3, 3))
    compare(lambda x, w: F.conv2d(x.transpose(1, 2), w, padding=1),
            lambda x, w: TF.conv2d(x.transpose(1, 2), w, padding=1), [x, w])


def test_conv2d_double_backward_matches_torch():
    rng = np.random.default_rng(5)
    x, w = both(draw(rng, 1, 2, 5, 5)), both(draw(rng, 3, 2, 3, 3))

    def grad_norm(lib, f, x, w):
        y = f.conv2d(x, w, stride=2, padding=1)
        gx, gw = lib.autograd.grad([(y * y).sum()], [x, w], create_graph=True)
        return (gx * gx).sum() + (gw ** 3).sum()
    compare(lambda x, w: grad_norm(deepseek, F, x, w), lambda x, w: grad_norm(torch, TF, x, w),
            [x, w])


CONV_ERRORS = [
    (lambda m, f: f.conv2d(m.zeros(2, 3), m.zeros(4, 3, 3, 3)), RuntimeError,
     "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]"),
    (lambda m, f: f.conv2d(m.zeros(2, 4, 5, 5), m.zeros(4, 3, 3, 3)), RuntimeError,
     "Given groups=1, weight of size [4, 3, 3, 3], expected input[2, 4, 5, 5] to have 3 "
     "channels, but got 4 channels instead"),
    (lambda m, f: f.conv2d(m.zeros(2, 3, 2, 2), m.zeros(4, 3, 3, 3)), RuntimeError,
     "Kernel size can't be greater than actual input size"),
    (lambda m, f: f.conv2d(m.zeros(1, 3, 5, 5), m.zeros(4, 3, 3, 3), stride=0), RuntimeError,
     "non-positive stride is not supported"),
    (lambda m, f: f.conv2d(m.zeros(1, 3, 5, 5), m.zeros(4, 3, 3, 3), padding=-1), RuntimeError,
     "negative padding is not supported"),
    (lambda m, f: f.conv2d(m.zeros(1, 3, 5, 5), m.zeros(4, 3, 3, 3), padding="same", stride=2),
     RuntimeError, "padding='same' is not supported for strided convolutions"),
    (lambda m, f: f.conv2d(m.zeros(1, 3, 5, 5), m.zeros(4, 3, 3, 3), padding="foo"),
     ValueError, "Invalid padding string: 'foo'"),
    (lambda m, f: f.conv2d(m.zeros(1, 3, 5, 5), m.zeros(4, 3, 3, 3), m.zeros(3)), RuntimeError,
     "expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead"),
    (lambda m, f: f.conv2d(m.zeros(1, 3, 5, 5), m.zeros(5, 3, 3, 3), groups=3), RuntimeError,
     "expected weight to be divisible by 3 at dimension 0"),
    (lambda m, f: f.conv1d(m.zeros(2, 3, 5, 5), m.zeros(4, 3, 3)), RuntimeError,
     "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: "
     "[2, 3, 5, 5]"),
    (lambda m, f: f.conv2d(m.zeros(1, 3, 5, 5, dtype=m.float64), m.zeros(4, 3, 3, 3)),
     RuntimeError, "expected scalar type"),
]


@pytest.mark.parametrize("make,kind,message", CONV_ERRORS)
def test_conv_errors_match_torch(make, kind, message):
    with pytest.raises(kind, match=None) as ours:
        make(deepseek, F)
    assert message in str(ours.value)
    with pytest.raises(Exception) as theirs:
        make(torch, TF)
    assert message in str(theirs.value) or kind is not RuntimeError or "scalar type" in message


# --------------------------------------------------------------------------------- pooling

POOL_CASES = [
    ("max_pool2d", dict(kernel_size=2)),
    ("max_pool2d", dict(kernel_size=3, stride=2, padding=1, dilation=(1, 2), ceil_mode=True)),
    ("max_pool2d", dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 1))),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                        count_include_pad=False)),
    ("avg_pool2d", dict(kernel_size=2, divisor_override=3)),
    ("adaptive_avg_pool2d", dict(output_size=(4, 3))),
    ("adaptive_avg_pool2d", dict(output_size=(None, 5))),
    ("adaptive_avg_pool2d", dict(output_size=1)),
    ("adaptive_max_pool2d", dict(output_size=(4, 3))),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,kw", POOL_CASES, ids=lambda v: str(v))
def test_pool2d(name, kw, dtype):
    rng = np.random.default_rng(10)
    x = both(draw(rng, 2, 3, 9, 8), dtype)
    compare(lambda x: getattr(F, name)(x, **kw), lambda x: getattr(TF, name)(x, **kw), [x], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_pool1d(dtype):
    rng = np.random.default_rng(11)
    x = both(draw(rng, 2, 3, 11), dtype)
    for name, kw in [("max_pool1d", dict(kernel_size=3, stride=2, padding=1)),
                     ("avg_pool1d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
                     ("adaptive_avg_pool1d", dict(output_size=4)),
                     ("adaptive_max_pool1d", dict(output_size=4))]:
        compare(lambda x: getattr(F, name)(x, **kw), lambda x: getattr(TF, name)(x, **kw), [x],
                dtype)


def test_max_pool_return_indices_and_unbatched():
    rng = np.random.default_rng(12)
    x = draw(rng, 3, 7, 6)  # unbatched [C, H, W]
    out, idx = F.max_pool2d(deepseek.tensor(x), 3, 2, 1, return_indices=True)
    out_t, idx_t = TF.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(out.numpy(), out_t.numpy())
    np.testing.assert_array_equal(idx.numpy(), idx_t.numpy())
    assert idx.dtype == deepseek.int64
    _, idx1 = F.adaptive_max_pool2d(deepseek.tensor(x), (2, 3), return_indices=True)
    _, idx1_t = TF.adaptive_max_pool2d(torch.tensor(x), (2, 3), return_indices=True)
    np.testing.assert_array_equal(idx1.numpy(), idx1_t.numpy())


def test_max_pool_nan_wins_its_window():
    x = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
    x[0, 0, 0, 1] = np.nan
    out = F.max_pool2d(deepseek.tensor(x), 2).numpy()
    assert np.isnan(out[0, 0, 0, 0]) and not np.isnan(out[0, 0, 1, 1])


def test_pool_bfloat16():
    rng = np.random.default_rng(13)
    x = draw(rng, 2, 3, 8, 8)
    ours = F.avg_pool2d(deepseek.tensor(x, dtype=deepseek.bfloat16), 2)
    np.testing.assert_allclose(ours.float().numpy(), TF.avg_pool2d(torch.tensor(x), 2).numpy(),
                               rtol=1e-2, atol=1e-2)


POOL_ERRORS = [
    (lambda m, f: f.max_pool2d(m.zeros(1, 1, 4, 4), 3, padding=2),
     "pad should be at most half of kernel size, but got pad=2 and kernel_size=3"),
    (lambda m, f: f.max_pool2d(m.zeros(1, 1, 2, 2), 3),
     "Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small"),
    (lambda m, f: f.max_pool2d(m.zeros(1, 2, 0, 3), 2),
     "with dimension 2 being empty"),
    (lambda m, f: f.max_pool2d(m.zeros(1, 1, 4, 4), (2, 2, 2)),
     "kernel_size must either be a single int, or a tuple of two ints"),
    (lambda m, f: f.avg_pool2d(m.zeros(1, 1, 4, 4), 2, divisor_override=0),
     "divisor must be not zero"),
    (lambda m, f: f.max_pool2d(m.zeros(1, 2, 5, 5, dtype=m.int64), 2),
     "\"max_pool2d\" not implemented for 'Long'"),
]


@pytest.mark.parametrize("make,message", POOL_ERRORS)
def test_pool_errors(make, message):
    with pytest.raises(RuntimeError) as ours:
        make(deepseek, F)
    assert message.replace("'Long'", "'int64'") in str(ours.value)


# --------------------------------------------------------------------------- normalisation

@pytest.mark.parametrize("dtype", DTYPES)
def test_layer_norm(dtype):
    rng = np.random.default_rng(20)
    x, w, b = both(draw(rng, 4, 5, 6), dtype), both(draw(rng, 5, 6), dtype), both(draw(rng, 5, 6),
                                                                                  dtype)
    compare(lambda x, w, b: F.layer_norm(x, (5, 6), w, b, eps=1e-4),
            lambda x, w, b: TF.layer_norm(x, (5, 6), w, b, eps=1e-4), [x, w, b], dtype)
    compare(lambda x: F.layer_norm(x, 6), lambda x: TF.layer_norm(x, (6,)), [x], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_rms_norm_matches_its_formula(dtype):
    rng = np.random.default_rng(21)
    x, w = both(draw(rng, 3, 4, 8), dtype), both(draw(rng, 8), dtype)
    compare(lambda x, w: nn_reference.rms_norm(deepseek, x, (8,), w, 1e-5),
            lambda x, w: nn_reference.rms_norm(torch, x, (8,), w, 1e-5), [x, w], dtype)


def test_rms_norm_default_eps_is_the_dtype_epsilon():
    x = np.full((2, 4), 1e-5)
    for dt, eps in [(deepseek.float32, np.finfo(np.float32).eps),
                    (deepseek.float64, np.finfo(np.float64).eps)]:
        ours = F.rms_norm(deepseek.tensor(x, dtype=dt), (4,)).double().numpy()
        np.testing.assert_allclose(ours, x / np.sqrt(x * x + eps), rtol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_group_norm(dtype):
    rng = np.random.default_rng(22)
    x = both(draw(rng, 3, 6, 4, 5), dtype)
    w, b = both(draw(rng, 6), dtype), both(draw(rng, 6), dtype)
    compare(lambda x, w, b: F.group_norm(x, 3, w, b), lambda x, w, b: TF.group_norm(x, 3, w, b),
            [x, w, b], dtype)
    compare(lambda x: F.group_norm(x, 2), lambda x: TF.group_norm(x, 2), [x], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 5)])
def test_batch_norm_training_updates_running_stats(shape, dtype):
    rng = np.random.default_rng(23)
    x = both(draw(rng, *shape, low=-2, high=3), dtype)
    w, b = both(draw(rng, 3), dtype), both(draw(rng, 3), dtype)
    rm0, rv0 = draw(rng, 3), draw(rng, 3, low=0.5, high=2)
    stats = {}

    def run(lib, f, x, w, b):
        rm = lib.tensor(rm0, dtype=x.dtype)
        rv = lib.tensor(rv0, dtype=x.dtype)
        y = f.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3, eps=1e-3)
        stats[lib.__name__] = (rm.numpy(), rv.numpy())
        return y
    compare(lambda x, w, b: run(deepseek, F, x, w, b), lambda x, w, b: run(torch, TF, x, w, b),
            [x, w, b], dtype)
    for ours, theirs in zip(stats["deepseek"], stats["torch"]):
        np.testing.assert_allclose(ours, theirs, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_norm_eval_uses_running_stats(dtype):
    rng = np.random.default_rng(24)
    x = both(draw(rng, 4, 3, 5), dtype)
    w, b = both(draw(rng, 3), dtype), both(draw(rng, 3), dtype)
    rm, rv = draw(rng, 3), draw(rng, 3, low=0.5, high=2)
    compare(lambda x, w, b: F.batch_norm(x, deepseek.tensor(rm, dtype=x.dtype),
                                         deepseek.tensor(rv, dtype=x.dtype), w, b),
            lambda x, w, b: TF.batch_norm(x, torch.tensor(rm, dtype=x.dtype),
                                          torch.tensor(rv, dtype=x.dtype), w, b), [x, w, b], dtype)


def test_batch_norm_without_running_stats_or_affine():
    rng = np.random.default_rng(25)
    x = both(draw(rng, 5, 4))
    compare(lambda x: F.batch_norm(x, None, None, training=True),
            lambda x: TF.batch_norm(x, None, None, training=True), [x])


def test_norms_in_bfloat16():
    rng = np.random.default_rng(26)
    x = draw(rng, 4, 8, 16)
    ours = F.layer_norm(deepseek.tensor(x, dtype=deepseek.bfloat16), (16,))
    assert ours.dtype == deepseek.bfloat16
    np.testing.assert_allclose(ours.float().numpy(), TF.layer_norm(torch.tensor(x), (16,)).numpy(),
                               rtol=2e-2, atol=2e-2)
    ours = F.group_norm(deepseek.tensor(x, dtype=deepseek.bfloat16), 4)
    np.testing.assert_allclose(ours.float().numpy(), TF.group_norm(torch.tensor(x), 4).numpy(),
                               rtol=2e-2, atol=2e-2)


def test_norm_double_backward_matches_torch():
    rng = np.random.default_rng(27)
    x, w, b = both(draw(rng, 3, 4)), both(draw(rng, 4)), both(draw(rng, 4))

    def penalty(lib, f, x, w, b):
        y = f.layer_norm(x, (4,), w, b)
        gx, gw = lib.autograd.grad([(y ** 3).sum()], [x, w], create_graph=True)
        return (gx * gx).sum() + (gw * gw).sum()
    compare(lambda *a: penalty(deepseek, F, *a), lambda *a: penalty(torch, TF, *a), [x, w, b])


NORM_ERRORS = [
    (lambda m, f: f.layer_norm(m.zeros(2, 3), (4,)), RuntimeError,
     "Given normalized_shape=[4], expected input with shape [*, 4], but got input of "
     "size[2, 3]"),
    (lambda m, f: f.layer_norm(m.zeros(2, 3), (3,), m.zeros(4)), RuntimeError,
     "Expected weight to be of same shape as normalized_shape, but got weight of shape [4] and "
     "normalized_shape = [3]"),
    (lambda m, f: f.group_norm(m.zeros(2, 6, 3), 4), RuntimeError,
     "Expected number of channels in input to be divisible by num_groups, but got input of "
     "shape [2, 6, 3] and num_groups=4"),
    (lambda m, f: f.batch_norm(m.zeros(1, 3), m.zeros(3), m.ones(3), training=True), ValueError,
     "Expected more than 1 value per channel when training"),
    (lambda m, f: f.batch_norm(m.zeros(2, 3), m.zeros(4), m.ones(4), training=True),
     RuntimeError, "running_mean should contain 3 elements not 4"),
]


@pytest.mark.parametrize("make,kind,message", NORM_ERRORS)
def test_norm_errors(make, kind, message):
    with pytest.raises(kind) as ours:
        make(deepseek, F)
    assert message in str(ours.value)
    with pytest.raises(kind) as theirs:
        make(torch, TF)
    assert message in str(theirs.value)


# ---------------------------------------------------------------- embedding, one_hot, dropout

def test_embedding_padding_row_gets_no_gradient():
    rng = np.random.default_rng(30)
    idx = np.array([[1, 0, 3], [3, 3, 2]])
    w = both(draw(rng, 5, 4))
    compare(lambda w: F.embedding(deepseek.tensor(idx), w, padding_idx=3),
            lambda w: TF.embedding(torch.tensor(idx), w, padding_idx=3), [w])
    ws = deepseek.tensor(draw(rng, 5, 4), requires_grad=True)
    F.embedding(deepseek.tensor(idx), ws, padding_idx=-2).sum().backward()
    assert np.all(ws.grad.numpy()[3] == 0) and np.all(ws.grad.numpy()[1] == 1)


def test_embedding_scale_grad_by_freq_and_int32_indices():
    rng = np.random.default_rng(31)
    idx = np.array([2, 0, 2, 2, 4], dtype=np.int32)
    w = both(draw(rng, 5, 3))
    compare(lambda w: F.embedding(deepseek.tensor(idx), w, scale_grad_by_freq=True),
            lambda w: TF.embedding(torch.tensor(idx), w, scale_grad_by_freq=True), [w])


def test_embedding_max_norm_renormalises_rows_in_place():
    rng = np.random.default_rng(32)
    w0 = draw(rng, 4, 3, low=-3, high=3)
    idx = np.array([0, 2, 2])
    ws, wt = deepseek.tensor(w0), torch.tensor(w0)
    out = F.embedding(deepseek.tensor(idx), ws, max_norm=1.0)
    ref = TF.embedding(torch.tensor(idx), wt, max_norm=1.0)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-7)
    np.testing.assert_allclose(ws.numpy(), wt.numpy(), rtol=1e-7)


def test_embedding_out_of_range_index_raises():
    for bad in ([5], [-1]):
        with pytest.raises(IndexError, match="index out of range in self"):
            F.embedding(deepseek.tensor(bad), deepseek.zeros(5, 3))
    with pytest.raises(RuntimeError, match="'indices' to have one of the following scalar types"):
        F.embedding(deepseek.tensor([1.0]), deepseek.zeros(5, 3))


def test_one_hot():
    x = np.array([[0, 3], [1, 1]])
    np.testing.assert_array_equal(F.one_hot(deepseek.tensor(x)).numpy(),
                                  TF.one_hot(torch.tensor(x)).numpy())
    np.testing.assert_array_equal(F.one_hot(deepseek.tensor(x), 6).numpy(),
                                  TF.one_hot(torch.tensor(x), 6).numpy())
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        F.one_hot(deepseek.tensor([1, 5]), 3)
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor."):
        F.one_hot(deepseek.tensor([1.0, 2.0]))


def test_dropout_is_seed_reproducible_and_scaled():
    x = deepseek.ones(2000)
    deepseek.manual_seed(3)
    a = F.dropout(x, 0.25).numpy()
    deepseek.manual_seed(3)
    b = F.dropout(x, 0.25).numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.unique(a), [0.0, 1.0 / 0.75], rtol=1e-7)
    assert abs((a == 0).mean() - 0.25) < 0.05
    assert not np.array_equal(a, F.dropout(x, 0.25).numpy())  # the stream moved on


def test_dropout_eval_and_edge_probabilities():
    x = deepseek.randn(3, 4)
    assert F.dropout(x, 0.5, training=False) is x
    np.testing.assert_array_equal(F.dropout(x, 0.0).numpy(), x.numpy())
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got "
                                         "1.5"):
        F.dropout(x, 1.5)


def test_dropout_gradient_is_the_mask():
    x = deepseek.randn(50, 40, requires_grad=True)
    deepseek.manual_seed(9)
    y = F.dropout(x, 0.3)
    y.backward(deepseek.ones(50, 40))
    kept = y.detach().numpy() != 0
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.7, rtol=1e-6)


def test_dropout2d_zeroes_whole_channels():
    deepseek.manual_seed(4)
    y = F.dropout2d(deepseek.ones(8, 16, 3, 3), 0.5).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))
    assert 0 < (per_channel == 0).all(-1).mean() < 1


def test_dropout_inplace():
    x = deepseek.ones(100)
    deepseek.manual_seed(5)
    y = F.dropout(x, 0.5, inplace=True)
    assert y is x and set(np.unique(x.numpy())) <= {0.0, 2.0}
