"""Convolution, pooling, normalisation, embedding, dropout and loss modules against torch 1.13.

Each layer is built in deepseek, its state_dict copied into the torch module of the same
configuration, and forward values, input gradients and parameter gradients are compared
(float64: 1e-7, float32: 1e-5 relative). state_dict keys and reprs must equal torch's.
Recurrent and attention layers are in test_nn_sequence_layers.py; the comparison
helpers in nn_compare.py.
"""
import copy
import math
import pickle

import numpy as np
import pytest
import torch

import deepseek as ds
from deepseek import nn
from nn_compare import DS_DTYPE, TOL, TORCH_DTYPE, compare_with_torch, pair, randn
from nn_reference import rms_norm as reference_rms_norm

# ---- convolutions ----------------------------------------------------------------------------

CONV_CASES = [
    ("Conv1d(3, 4, 3)", (2, 3, 9)),
    ("Conv1d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2)", (2, 4, 11)),
    ("Conv1d(3, 2, 4, padding='same', bias=False)", (2, 3, 8)),
    ("Conv1d(3, 2, 3, padding='valid')", (3, 8)),
    ("Conv1d(2, 2, 3, padding=1, padding_mode='circular')", (2, 2, 7)),
    ("Conv2d(3, 4, 3)", (2, 3, 7, 6)),
    ("Conv2d(4, 8, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=4)",
     (2, 4, 9, 8)),
    ("Conv2d(3, 5, 4, padding='same', dilation=2)", (2, 3, 9, 9)),
    ("Conv2d(2, 3, 3, padding=1, padding_mode='reflect')", (2, 2, 6, 5)),
    ("Conv2d(2, 3, 3, padding=(2, 1), padding_mode='replicate', bias=False)", (1, 2, 5, 5)),
    ("Conv2d(2, 3, 5, padding='same', padding_mode='circular')", (1, 2, 6, 7)),
    ("Conv2d(3, 2, 1)", (3, 5, 5)),
]


@pytest.mark.parametrize("ctor,shape", CONV_CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_conv_against_torch(ctor, shape, dtype):
    d_mod, t_mod = pair(ctor, dtype)
    compare_with_torch(d_mod, t_mod, [randn(*shape, seed=1, dtype=dtype)], dtype)


def test_conv_state_dict_and_default_init():
    ds.manual_seed(0)
    conv = nn.Conv2d(16, 32, 5)
    assert list(conv.state_dict()) == ["weight", "bias"]
    assert conv.weight.shape == ds.Size([32, 16, 5, 5]) and conv.weight.dtype == ds.float32
    assert list(nn.Conv1d(4, 4, 3, groups=2, bias=False).state_dict()) == ["weight"]
    bound = 1 / math.sqrt(16 * 5 * 5)
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound  # 12800 U(-b, b) draws
    assert abs(w.mean()) < 0.02 * bound


def test_conv_argument_errors():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="Invalid padding string 'full'"):
        nn.Conv1d(1, 1, 3, padding="full")
    with pytest.raises(ValueError, match="not supported for strided convolutions"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="kernel_size"):
        nn.Conv2d(1, 1, (3, 3, 3))
    conv = nn.Conv2d(3, 4, 3)
    with pytest.raises(RuntimeError, match=r"to have 3 channels, but got 5"):
        conv(ds.randn(2, 5, 8, 8))


# ---- pooling ---------------------------------------------------------------------------------

POOL_CASES = [
    ("MaxPool2d(2)", (2, 3, 8, 6)),
    ("MaxPool2d((3, 2), stride=(2, 1), padding=1, dilation=(1, 2), ceil_mode=True)",
     (2, 2, 9, 8)),
    ("AvgPool2d(3, stride=2, padding=1)", (2, 3, 7, 7)),
    ("AvgPool2d(2, ceil_mode=True, count_include_pad=False)", (1, 2, 5, 5)),
    ("AvgPool2d(3, divisor_override=4)", (1, 2, 6, 6)),
    ("AdaptiveAvgPool2d((3, 2))", (2, 3, 8, 7)),
    ("AdaptiveAvgPool2d(1)", (2, 3, 5, 5)),
    ("AdaptiveAvgPool2d((None, 2))", (3, 5, 5)),
    ("MaxPool1d(3, stride=2, padding=1)", (2, 3, 9)),
    ("AvgPool1d(2)", (2, 3, 8)),
    ("AdaptiveAvgPool1d(3)", (2, 3, 8)),
    ("AdaptiveMaxPool2d((2, 3))", (2, 3, 7, 8)),
    ("AdaptiveMaxPool1d(2)", (2, 3, 7)),
]


@pytest.mark.parametrize("ctor,shape", POOL_CASES)
def test_pooling_against_torch(ctor, shape):
    d_mod, t_mod = pair(ctor)
    compare_with_torch(d_mod, t_mod, [randn(*shape, seed=2)])


def test_max_pool_return_indices():
    d_mod, t_mod = pair("MaxPool2d(2, return_indices=True)")
    x = randn(2, 3, 6, 4, seed=3)
    (d_out, d_idx), (t_out, t_idx) = d_mod(ds.tensor(x)), t_mod(torch.tensor(x))
    np.testing.assert_array_equal(d_out.numpy(), t_out.numpy())
    np.testing.assert_array_equal(d_idx.numpy(), t_idx.numpy())


# ---- batch norm ------------------------------------------------------------------------------

@pytest.mark.parametrize("ctor,shape", [
    ("BatchNorm1d(3)", (5, 3)),
    ("BatchNorm1d(3, momentum=0.3)", (4, 3, 6)),
    ("BatchNorm2d(4)", (3, 4, 5, 2)),
    ("BatchNorm2d(4, momentum=None)", (3, 4, 2, 3)),
    ("BatchNorm2d(4, affine=False)", (3, 4, 3, 3)),
    ("BatchNorm2d(4, eps=1e-3, track_running_stats=False)", (2, 4, 3, 3)),
    ("BatchNorm1d(3, affine=False, track_running_stats=False)", (6, 3)),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batch_norm_train_then_eval_against_torch(ctor, shape, dtype):
    d_mod, t_mod = pair(ctor, dtype)
    for step in range(3):  # running statistics accumulate over several batches
        x = randn(*shape, seed=10 + step, dtype=dtype) * (step + 1) + step
        compare_with_torch(d_mod, t_mod, [x], dtype)
        for (name, d_buf), t_buf in zip(d_mod.named_buffers(), t_mod.buffers()):
            np.testing.assert_allclose(d_buf.numpy(), t_buf.numpy(), rtol=TOL[dtype],
                                       err_msg=name)
    if d_mod.track_running_stats:
        assert int(d_mod.num_batches_tracked) == 3
        assert d_mod.num_batches_tracked.dtype == ds.int64
    d_mod.eval()
    t_mod.eval()
    compare_with_torch(d_mod, t_mod, [randn(*shape, seed=20, dtype=dtype)], dtype)
    if d_mod.track_running_stats:
        assert int(d_mod.num_batches_tracked) == 3  # eval leaves the statistics alone


def test_batch_norm_state_dict_buffers_and_conversion():
    bn = nn.BatchNorm2d(3)
    assert list(bn.state_dict()) == list(torch.nn.BatchNorm2d(3).state_dict())
    assert list(nn.BatchNorm1d(3, affine=False, track_running_stats=False).state_dict()) == []
    np.testing.assert_array_equal(bn.running_var.numpy(), np.ones(3))
    np.testing.assert_array_equal(bn.weight.detach().numpy(), np.ones(3))
    np.testing.assert_array_equal(bn.bias.detach().numpy(), np.zeros(3))
    bn.double()
    assert bn.running_mean.dtype == ds.float64 and bn.num_batches_tracked.dtype == ds.int64
    # A checkpoint from before num_batches_tracked existed (no version metadata) loads.
    old = {k: v for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
    fresh = nn.BatchNorm2d(3).double()
    fresh.load_state_dict(old)
    assert int(fresh.num_batches_tracked) == 0


def test_batch_norm_input_checks():
    with pytest.raises(ValueError, match="expected 4D input \\(got 3D input\\)"):
        nn.BatchNorm2d(3)(ds.randn(2, 3, 4))
    with pytest.raises(ValueError, match="expected 2D or 3D input \\(got 4D input\\)"):
        nn.BatchNorm1d(3)(ds.randn(2, 3, 4, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(3)(ds.randn(1, 3))


# ---- layer, RMS and group norm ---------------------------------------------------------------

@pytest.mark.parametrize("ctor,shape", [
    ("LayerNorm(6)", (3, 6)),
    ("LayerNorm((4, 5), eps=1e-3)", (2, 3, 4, 5)),
    ("LayerNorm([5], elementwise_affine=False)", (4, 5)),
    ("GroupNorm(2, 6)", (3, 6, 4)),
    ("GroupNorm(3, 6, eps=1e-3, affine=False)", (2, 6, 3, 2)),
    ("GroupNorm(1, 4)", (2, 4, 5, 5)),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_layer_and_group_norm_against_torch(ctor, shape, dtype):
    d_mod, t_mod = pair(ctor, dtype)
    with torch.no_grad(), ds.no_grad():  # non-trivial affine parameters
        for d_p, t_p in zip(d_mod.parameters(), t_mod.parameters()):
            values = randn(*d_p.shape, seed=5, dtype=dtype)
            d_p.copy_(ds.tensor(values))
            t_p.copy_(torch.tensor(values))
    compare_with_torch(d_mod, t_mod, [randn(*shape, seed=4, dtype=dtype)], dtype)


def test_layer_norm_without_bias_matches_torch_functional():
    ln = nn.LayerNorm(5, bias=False).double()
    assert list(ln.state_dict()) == ["weight"] and ln.bias is None
    w = randn(5, seed=6)
    with ds.no_grad():
        ln.weight.copy_(ds.tensor(w))
    t_ln = torch.nn.LayerNorm(5).double()
    with torch.no_grad():
        t_ln.weight.copy_(torch.tensor(w))
        t_ln.bias.zero_()
    t_ln.bias.requires_grad_(False)
    compare_with_torch(ln, t_ln, [randn(3, 5, seed=7)])


@pytest.mark.parametrize("shape,eps,affine", [(6, None, True), ((3, 4), 1e-5, True),
                                              (4, 1e-6, False)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_rms_norm_against_torch_reference(shape, eps, affine, dtype):
    d_mod = nn.RMSNorm(shape, eps=eps, elementwise_affine=affine).to(DS_DTYPE[dtype])
    normalized = (shape,) if isinstance(shape, int) else shape
    assert repr(d_mod) == f"RMSNorm({normalized}, eps={eps}, elementwise_affine={affine})"
    assert list(d_mod.state_dict()) == (["weight"] if affine else [])
    weight = randn(*normalized, seed=8, dtype=dtype) if affine else None
    if affine:
        with ds.no_grad():
            d_mod.weight.copy_(ds.tensor(weight))
    t_weight = torch.tensor(weight, requires_grad=True) if affine else None
    torch_eps = eps if eps is not None else torch.finfo(TORCH_DTYPE[dtype]).eps

    class TorchRMSNorm(torch.nn.Module):
        def forward(self, x):
            return reference_rms_norm(torch, x, normalized, t_weight, torch_eps)
    t_mod = TorchRMSNorm()
    x = randn(2, 3, *normalized, seed=9, dtype=dtype) * 0.01  # eps matters at this scale
    compare_with_torch(d_mod, t_mod, [x], dtype, check_params=False)
    if affine:
        np.testing.assert_allclose(d_mod.weight.grad.numpy(), t_weight.grad.numpy(),
                                   rtol=TOL[dtype], atol=TOL[dtype])


def test_norm_argument_errors():
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match="layer_norm"):
        nn.LayerNorm(4)(ds.randn(3, 5))


# ---- embedding -------------------------------------------------------------------------------

@pytest.mark.parametrize("ctor", [
    "Embedding(10, 4)",
    "Embedding(10, 4, padding_idx=2)",
    "Embedding(10, 4, padding_idx=-1, scale_grad_by_freq=True)",
    "Embedding(10, 3, max_norm=1.0)",
    "Embedding(10, 3, max_norm=0.5, norm_type=1.0)",
])
def test_embedding_against_torch(ctor):
    d_mod, t_mod = pair(ctor)
    idx = np.array([[1, 2, 9, 2], [0, 2, 5, 9]], dtype=np.int64)
    compare_with_torch(d_mod, t_mod, [idx])
    # max_norm renormalises the looked-up rows of the weight in place, as torch does.
    np.testing.assert_allclose(d_mod.weight.detach().numpy(), t_mod.weight.detach().numpy(),
                               rtol=1e-7)


def test_embedding_init_padding_and_from_pretrained():
    ds.manual_seed(0)
    emb = nn.Embedding(300, 100, padding_idx=-2)
    assert emb.padding_idx == 298 and list(emb.state_dict()) == ["weight"]
    w = emb.weight.detach().numpy()
    np.testing.assert_array_equal(w[298], np.zeros(100))
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02  # N(0, 1), 30000 draws
    out = emb(ds.tensor([298, 298, 5]))
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy()[298], np.zeros(100))
    np.testing.assert_array_equal(emb.weight.grad.numpy()[5], np.ones(100))

    table = ds.tensor(randn(4, 3, seed=11))
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad and frozen.embedding_dim == 3
    np.testing.assert_array_equal(frozen(ds.tensor([3, 0])).numpy(), table.numpy()[[3, 0]])
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad
    with pytest.raises(ValueError, match="2-dimensional"):
        nn.Embedding.from_pretrained(ds.zeros(3))


def test_embedding_errors():
    with pytest.raises(ValueError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(5, 2, padding_idx=5)
    with pytest.raises(ValueError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(5, 2, padding_idx=-6)
    with pytest.raises(NotImplementedError, match="sparse"):
        nn.Embedding(5, 2, sparse=True)
    with pytest.raises(ValueError, match="Shape of weight"):
        nn.Embedding(5, 2, _weight=ds.zeros(5, 3))
    with pytest.raises(IndexError):
        nn.Embedding(5, 2)(ds.tensor([5]))


# ---- dropout ---------------------------------------------------------------------------------

def test_dropout_train_and_eval():
    ds.manual_seed(3)
    drop = nn.Dropout(0.3)
    assert repr(drop) == repr(torch.nn.Dropout(0.3))
    x = ds.ones(200, 500, dtype=ds.float64)
    y = drop(x).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-12)
    assert abs(kept.mean() - 0.7) < 0.005  # 100000 Bernoulli(0.7) draws: sd 0.0015
    drop.eval()
    assert drop(x) is x or np.array_equal(drop(x).numpy(), x.numpy())
    inplace = nn.Dropout(0.5, inplace=True)
    z = ds.ones(1000)
    assert inplace(z) is z and (z.numpy() == 0).any()


def test_channel_dropout_zeroes_whole_channels():
    ds.manual_seed(4)
    for cls, shape in ((nn.Dropout1d, (8, 16, 5)), (nn.Dropout2d, (8, 16, 3, 3)),
                       (nn.Dropout3d, (4, 16, 2, 2, 2))):
        y = cls(0.5)(ds.ones(*shape)).numpy().reshape(shape[0], shape[1], -1)
        per_channel = y.min(axis=2) == y.max(axis=2)  # a channel is all kept or all zero
        assert per_channel.all() and set(np.unique(y)) <= {0.0, 2.0}
        assert 0 < (y == 0).mean() < 1


def test_dropout_rejects_bad_probability():
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.Dropout(1.5)


# ---- losses ----------------------------------------------------------------------------------

class _Call:
    """A loss call with extra constructor tensors converted for each library."""

    def __init__(self, ctor, **tensors):
        self.ctor, self.tensors = ctor, tensors

    def build(self, lib):
        kwargs = {k: (ds.tensor(v) if lib is nn else torch.tensor(v))
                  for k, v in self.tensors.items()}
        return eval(self.ctor, {"nn": lib, **kwargs})


LOGITS = randn(6, 4, seed=12)
LABELS = np.array([0, 3, 1, 1, 2, 3], dtype=np.int64)
SPATIAL_LOGITS = randn(2, 3, 4, 2, seed=13)
SPATIAL_LABELS = np.random.default_rng(14).integers(0, 3, (2, 4, 2)).astype(np.int64)
PROBS = np.exp(randn(6, 4, seed=15)) / np.exp(randn(6, 4, seed=15)).sum(1, keepdims=True)
CLASS_WEIGHT = np.array([0.5, 2.0, 1.0, 1.5])

LOSS_CASES = [
    (_Call("nn.CrossEntropyLoss()"), LOGITS, LABELS),
    (_Call("nn.CrossEntropyLoss(weight=w, reduction='sum')", w=CLASS_WEIGHT), LOGITS, LABELS),
    (_Call("nn.CrossEntropyLoss(weight=w, ignore_index=3)", w=CLASS_WEIGHT), LOGITS, LABELS),
    (_Call("nn.CrossEntropyLoss(label_smoothing=0.2, reduction='none')"), LOGITS, LABELS),
    (_Call("nn.CrossEntropyLoss(weight=w, label_smoothing=0.1)", w=CLASS_WEIGHT), LOGITS,
     LABELS),
    (_Call("nn.CrossEntropyLoss()"), SPATIAL_LOGITS, SPATIAL_LABELS),
    (_Call("nn.CrossEntropyLoss(label_smoothing=0.3)"), LOGITS, PROBS),
    (_Call("nn.NLLLoss()"), LOGITS, LABELS),
    (_Call("nn.NLLLoss(weight=w, ignore_index=1, reduction='none')", w=CLASS_WEIGHT), LOGITS,
     LABELS),
    (_Call("nn.NLLLoss(reduction='sum')"), SPATIAL_LOGITS, SPATIAL_LABELS),
    (_Call("nn.BCEWithLogitsLoss()"), LOGITS, (PROBS > 0.25).astype(np.float64)),
    (_Call("nn.BCEWithLogitsLoss(weight=w, pos_weight=p, reduction='sum')",
           w=randn(4, seed=16) ** 2, p=np.array([1.0, 3.0, 0.5, 2.0])), LOGITS, PROBS),
    (_Call("nn.BCEWithLogitsLoss(pos_weight=p, reduction='none')", p=np.array([2.0])), LOGITS,
     PROBS),
    (_Call("nn.BCELoss(weight=w)", w=randn(4, seed=17) ** 2), PROBS, PROBS[::-1].copy()),
    (_Call("nn.SmoothL1Loss(beta=0.5)"), LOGITS, PROBS),
    (_Call("nn.HuberLoss(delta=0.7, reduction='sum')"), LOGITS, PROBS),
    (_Call("nn.KLDivLoss(reduction='batchmean', log_target=True)"), np.log(PROBS),
     np.log(PROBS[::-1].copy())),
]


@pytest.mark.parametrize("call,input,target", LOSS_CASES)
def test_losses_against_torch(call, input, target):
    d_mod, t_mod = call.build(nn), call.build(torch.nn)
    assert repr(d_mod) == repr(t_mod)
    assert list(d_mod.state_dict()) == list(t_mod.state_dict())
    compare_with_torch(d_mod, t_mod, [input, target], grad_inputs=[0])


def test_loss_weight_buffers_follow_conversion():
    loss = nn.CrossEntropyLoss(weight=ds.tensor([1.0, 2.0]))
    assert list(loss.state_dict()) == ["weight"]
    loss.double()
    assert loss.weight.dtype == ds.float64
    bce = nn.BCEWithLogitsLoss(pos_weight=ds.ones(2))
    assert list(bce.state_dict()) == ["pos_weight"]
    with pytest.raises(ValueError, match="reduction"):
        nn.CrossEntropyLoss(reduction="avg")(ds.randn(2, 3), ds.tensor([0, 1]))


# ---- copying and pickling modules ------------------------------------------------------------

def test_deepcopy_of_tensors_and_modules():
    t = ds.randn(3, requires_grad=True)
    t.grad = ds.ones(3)
    c = copy.deepcopy(t)
    assert c is not t and c.requires_grad and c.is_leaf and c.data_ptr() != t.data_ptr()
    np.testing.assert_array_equal(c.detach().numpy(), t.detach().numpy())
    np.testing.assert_array_equal(c.grad.numpy(), np.ones(3))
    shared = [t, t]
    copied = copy.deepcopy(shared)
    assert copied[0] is copied[1]  # the memo keeps aliasing
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(t * 2)

    model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3))
    clone = copy.deepcopy(model)
    for (name, p), q in zip(model.state_dict().items(), clone.state_dict().values()):
        assert p.data_ptr() != q.data_ptr(), name
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    assert type(clone[0].weight) is nn.Parameter


def test_pickle_round_trip_of_tensors_and_modules():
    t = ds.randn(2, 3, dtype=ds.float64).requires_grad_()
    back = pickle.loads(pickle.dumps(t))
    assert back.dtype == ds.float64 and back.requires_grad
    np.testing.assert_array_equal(back.detach().numpy(), t.detach().numpy())
    b16 = pickle.loads(pickle.dumps(ds.randn(4).to(ds.bfloat16)))
    assert b16.dtype == ds.bfloat16
    model = nn.Sequential(nn.Linear(3, 2), nn.LayerNorm(2))
    restored = pickle.loads(pickle.dumps(model))
    assert type(restored[0].weight) is nn.Parameter
    x = ds.randn(4, 3)
    np.testing.assert_array_equal(restored(x).detach().numpy(), model(x).detach().numpy())
