"""MultiheadAttention, TransformerEncoder(Layer), RNN/LSTM/GRU and their cells against
torch 1.13: same weights, same inputs, forward values and gradients (nn_compare.py), plus
state_dict keys, reprs, default-init bounds, masks, dropout in train/eval and errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import deepseek as ds
from deepseek import nn
from nn_compare import compare_with_torch, copy_into_torch, pair, randn


def _is_deepseek(module):
    return isinstance(module, nn.Module)


# ---- MultiheadAttention ----------------------------------------------------------------------

def _padding_mask(batch, source, dtype=bool):
    """Masks the last key of the first sequence and the last two of the last one (key 0 is
    never masked: a query with every key masked gives NaN in torch but zeros from
    deepseek's fused attention)."""
    mask = np.zeros((batch, source), dtype=bool)
    mask[0, -1] = True
    mask[-1, -2:] = True
    if dtype is bool:
        return mask
    # A float mask is added to the scores: -inf masks, finite values shift.
    shift = np.random.default_rng(source).standard_normal(mask.shape)
    return np.where(mask, -np.inf, shift).astype(dtype)


def _attn_mask(length, source, dtype=bool, heads_batch=None):
    rng = np.random.default_rng(length * 10 + source)
    mask = rng.random((length, source) if heads_batch is None
                      else (heads_batch, length, source)) < 0.3
    mask[..., 0] = False  # every query keeps a key
    if dtype is bool:
        return mask
    return np.where(mask, -np.inf, rng.standard_normal(mask.shape)).astype(dtype)


MHA_CASES = [
    # (constructor, query shape, key shape, value shape, forward keyword arrays/options)
    ("MultiheadAttention(8, 2)", (5, 3, 8), (4, 3, 8), (4, 3, 8), {}),
    ("MultiheadAttention(8, 2, batch_first=True)", (3, 5, 8), (3, 4, 8), (3, 4, 8), {}),
    ("MultiheadAttention(8, 4, bias=False)", (5, 2, 8), (5, 2, 8), (5, 2, 8),
     {"average_attn_weights": False}),
    ("MultiheadAttention(8, 2, kdim=6, vdim=3)", (5, 3, 8), (4, 3, 6), (4, 3, 3), {}),
    ("MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True)", (5, 3, 8), (4, 3, 8),
     (4, 3, 8), {"key_padding_mask": _padding_mask(3, 4), "attn_mask": _attn_mask(5, 4)}),
    ("MultiheadAttention(8, 2)", (5, 3, 8), (4, 3, 8), (4, 3, 8),
     {"key_padding_mask": _padding_mask(3, 4), "attn_mask": _attn_mask(5, 4)}),
    ("MultiheadAttention(8, 2)", (5, 3, 8), (4, 3, 8), (4, 3, 8),
     {"key_padding_mask": _padding_mask(3, 4), "attn_mask": _attn_mask(5, 4),
      "need_weights": False}),
    ("MultiheadAttention(8, 2, batch_first=True)", (3, 5, 8), (3, 4, 8), (3, 4, 8),
     {"key_padding_mask": _padding_mask(3, 4, np.float64),
      "attn_mask": _attn_mask(5, 4, np.float64, heads_batch=6)}),
    ("MultiheadAttention(8, 2, batch_first=True)", (3, 5, 8), (3, 4, 8), (3, 4, 8),
     {"attn_mask": _attn_mask(5, 4, np.float64, heads_batch=6), "need_weights": False}),
    ("MultiheadAttention(6, 3)", (5, 6), (4, 6), (4, 6),
     {"key_padding_mask": _padding_mask(1, 4)[0], "average_attn_weights": False}),
    ("MultiheadAttention(6, 3, kdim=2, vdim=5)", (5, 6), (4, 2), (4, 5),
     {"need_weights": False}),
]


@pytest.mark.parametrize("ctor,q_shape,k_shape,v_shape,options", MHA_CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_multihead_attention_against_torch(ctor, q_shape, k_shape, v_shape, options, dtype):
    d_mod, t_mod = pair(ctor, dtype)
    if "add_bias_kv" not in ctor and "bias=False" not in ctor:  # non-zero biases
        with torch.no_grad(), ds.no_grad():
            d_mod.in_proj_bias.copy_(ds.tensor(randn(*d_mod.in_proj_bias.shape, seed=7,
                                                     dtype=dtype)))
            copy_into_torch(d_mod, t_mod)
    arrays = {k: v for k, v in options.items() if isinstance(v, np.ndarray)}
    flags = {k: v for k, v in options.items() if not isinstance(v, np.ndarray)}
    names = list(arrays)

    def call(mod, q, k, v, *masks):
        lib = ds if _is_deepseek(mod) else torch
        kwargs = dict(zip(names, masks))
        if "attn_mask" in kwargs and kwargs["attn_mask"].dtype != lib.bool:
            kwargs["attn_mask"] = kwargs["attn_mask"].to(q.dtype)
        padding = kwargs.get("key_padding_mask")
        if padding is not None and padding.dtype != lib.bool:
            padding = kwargs["key_padding_mask"] = padding.to(q.dtype)
            if lib is torch:  # torch 1.13 has no float key_padding_mask: fold it in
                heads, batch, source = mod.num_heads, padding.shape[0], padding.shape[1]
                folded = padding.view(batch, 1, 1, source).expand(-1, heads, -1, -1)
                folded = folded.reshape(batch * heads, 1, source)
                kwargs["attn_mask"] = folded + kwargs.get("attn_mask", 0)
                del kwargs["key_padding_mask"]
        out, weights = mod(q, k, v, **kwargs, **flags)
        assert (weights is None) == (flags.get("need_weights", True) is False)
        return out, weights

    inputs = [randn(*q_shape, seed=1, dtype=dtype), randn(*k_shape, seed=2, dtype=dtype),
              randn(*v_shape, seed=3, dtype=dtype)] + list(arrays.values())
    compare_with_torch(d_mod, t_mod, inputs, dtype, grad_inputs=[0, 1, 2], call=call)


def test_multihead_self_attention_and_causal_hint():
    d_mod, t_mod = pair("MultiheadAttention(8, 2, batch_first=True)")
    causal = np.triu(np.full((6, 6), -np.inf), 1)
    x = randn(2, 6, 8, seed=4)

    def call(mod, x, mask, need_weights):
        if _is_deepseek(mod):
            return mod(x, x, x, attn_mask=mask, need_weights=need_weights, is_causal=True)
        return mod(x, x, x, attn_mask=mask, need_weights=need_weights)
    for need_weights in (True, False):
        compare_with_torch(d_mod, t_mod, [x, causal], grad_inputs=[0],
                           call=lambda m, x, mask: call(m, x, mask, need_weights))
    # Without a mask, is_causal applies the causal mask (PyTorch would ask for the mask).
    for need_weights in (True, False):
        d_out = d_mod(ds.tensor(x), ds.tensor(x), ds.tensor(x), need_weights=need_weights,
                      is_causal=True)[0]
        t_out = t_mod(*[torch.tensor(x)] * 3, attn_mask=torch.tensor(causal))[0]
        np.testing.assert_allclose(d_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-7,
                                   atol=1e-7)


def test_multihead_attention_parameters_and_init():
    ds.manual_seed(0)
    mha = nn.MultiheadAttention(64, 4)
    assert list(mha.state_dict()) == list(torch.nn.MultiheadAttention(64, 4).state_dict())
    assert type(mha.out_proj) is nn.modules.linear.NonDynamicallyQuantizableLinear
    assert mha.bias_k is None and mha.head_dim == 16
    w = mha.in_proj_weight.detach().numpy()
    bound = math.sqrt(6.0 / (64 + 3 * 64))  # xavier_uniform_ on [3E, E]
    assert w.shape == (192, 64) and np.abs(w).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    np.testing.assert_array_equal(mha.in_proj_bias.detach().numpy(), np.zeros(192))
    np.testing.assert_array_equal(mha.out_proj.bias.detach().numpy(), np.zeros(64))
    separate = nn.MultiheadAttention(8, 2, kdim=4, vdim=6, add_bias_kv=True)
    assert list(separate.state_dict()) == list(torch.nn.MultiheadAttention(
        8, 2, kdim=4, vdim=6, add_bias_kv=True).state_dict())
    assert separate.in_proj_weight is None and separate.k_proj_weight.shape == ds.Size([8, 4])


def test_multihead_attention_dropout_train_and_eval():
    ds.manual_seed(1)
    mha = nn.MultiheadAttention(8, 2, dropout=0.5).double()
    x = ds.tensor(randn(6, 2, 8, seed=5))
    _, weights = mha(x, x, x, average_attn_weights=False)
    w = weights.detach().numpy()
    assert (w == 0).mean() > 0.3  # about half the post-softmax weights are dropped
    kept_sum = w.sum(-1)
    assert kept_sum.max() > 1.2  # the kept ones are scaled by 2
    ds.manual_seed(2)
    first = mha(x, x, x, need_weights=False)[0].detach().numpy()
    ds.manual_seed(2)
    np.testing.assert_array_equal(mha(x, x, x, need_weights=False)[0].detach().numpy(), first)
    mha.eval()
    eval_out, eval_w = mha(x, x, x)
    np.testing.assert_allclose(eval_w.detach().numpy().sum(-1), 1.0, rtol=1e-12)
    assert not np.allclose(first, eval_out.detach().numpy())


def test_multihead_attention_errors():
    with pytest.raises(ValueError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="must be greater than 0"):
        nn.MultiheadAttention(0, 1)
    mha = nn.MultiheadAttention(8, 2)
    x = ds.randn(5, 3, 8)
    with pytest.raises(ValueError, match="was expecting embedding dimension of 8, but got 6"):
        mha(ds.randn(5, 3, 6), x, x)
    with pytest.raises(ValueError, match="unbatched 2D or batched 3D"):
        mha(ds.randn(5, 3, 8, 1), x, x)
    with pytest.raises(ValueError, match="key_padding_mask shape"):
        mha(x, x, x, key_padding_mask=ds.zeros(5, 3, dtype=ds.bool))
    with pytest.raises(RuntimeError, match="attn_mask is \\[4, 5\\], but should be \\[5, 5\\]"):
        mha(x, x, x, attn_mask=ds.zeros(4, 5, dtype=ds.bool))
    with pytest.raises(TypeError, match="only bool and floating types of attn_mask"):
        mha(x, x, x, attn_mask=ds.zeros(5, 5, dtype=ds.int64))


# ---- Transformer encoder ---------------------------------------------------------------------

ENCODER_LAYER_CASES = [
    "TransformerEncoderLayer(8, 2, 16, dropout=0.0)",
    "TransformerEncoderLayer(8, 2, 12, dropout=0.0, activation='gelu', norm_first=True)",
    "TransformerEncoderLayer(8, 4, 16, dropout=0.0, batch_first=True, layer_norm_eps=1e-3)",
    "TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=nn.functional.silu)",
    "TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=nn.GELU('tanh'), "
    "batch_first=True, norm_first=True)",
]


@pytest.mark.parametrize("ctor", ENCODER_LAYER_CASES)
@pytest.mark.parametrize("masks", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_transformer_encoder_layer_against_torch(ctor, masks, dtype):
    d_mod, t_mod = pair(ctor, dtype)
    batch_first = "batch_first=True" in ctor
    x = randn(*((3, 5, 8) if batch_first else (5, 3, 8)), seed=6, dtype=dtype)
    arrays = [x]
    if masks:
        arrays += [np.triu(np.full((5, 5), -np.inf), 1).astype(dtype), _padding_mask(3, 5)]

    def call(mod, src, *mask_args):
        if not mask_args:
            return mod(src)
        return mod(src, src_mask=mask_args[0], src_key_padding_mask=mask_args[1])
    for mode in ("train", "eval"):  # dropout=0: both modes must agree with torch
        d_mod.train(mode == "train")
        t_mod.train(mode == "train")
        d_mod.zero_grad()
        t_mod.zero_grad()
        compare_with_torch(d_mod, t_mod, arrays, dtype, grad_inputs=[0], call=call)


def test_transformer_encoder_layer_without_bias():
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, bias=False).double()
    keys = list(layer.state_dict())
    assert keys == [k for k in torch.nn.TransformerEncoderLayer(8, 2, 16).state_dict()
                    if "bias" not in k]
    t_layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0).double()
    with torch.no_grad():
        for name, p in t_layer.named_parameters():
            if "bias" in name:
                p.zero_()
                p.requires_grad_(False)
    copy_into_torch(layer, t_layer, strict=False)
    compare_with_torch(layer, t_layer, [randn(5, 2, 8, seed=7)])


@pytest.mark.parametrize("is_causal", [None, True])
def test_transformer_encoder_against_torch(is_causal):
    ctor = ("TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, "
            "batch_first=True), 3, norm=nn.LayerNorm(8))")
    d_mod, t_mod = pair(ctor)
    assert len(d_mod.layers) == 3
    # The layers are deep copies: equal values, separate tensors.
    w0, w1 = d_mod.layers[0].linear1.weight, d_mod.layers[1].linear1.weight
    assert w0.data_ptr() != w1.data_ptr()
    np.testing.assert_array_equal(w0.detach().numpy(), w1.detach().numpy())
    with ds.no_grad(), torch.no_grad():  # make the layers differ
        for i, (d_layer, t_layer) in enumerate(zip(d_mod.layers, t_mod.layers)):
            values = randn(16, 8, seed=20 + i)
            d_layer.linear1.weight.copy_(ds.tensor(values))
            t_layer.linear1.weight.copy_(torch.tensor(values))
    causal = np.triu(np.full((6, 6), -np.inf), 1)

    def call(mod, src, mask, padding):
        if _is_deepseek(mod):
            return mod(src, mask=mask, src_key_padding_mask=padding, is_causal=is_causal)
        return mod(src, mask=mask, src_key_padding_mask=padding)
    compare_with_torch(d_mod, t_mod, [randn(3, 6, 8, seed=8), causal, _padding_mask(3, 6)],
                       grad_inputs=[0], call=call)
    x = ds.tensor(randn(3, 6, 8, seed=9))
    np.testing.assert_allclose(d_mod(x, mask=ds.tensor(causal)).detach().numpy(),
                               t_mod(torch.tensor(x.numpy()), mask=torch.tensor(causal))
                               .detach().numpy(), rtol=1e-7, atol=1e-7)


def test_transformer_encoder_dropout_and_errors():
    ds.manual_seed(3)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3)
    x = ds.randn(4, 2, 8)
    assert not np.allclose(layer(x).detach().numpy(), layer(x).detach().numpy())
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


# ---- recurrent layers ------------------------------------------------------------------------

RNN_CASES = [
    ("LSTM(4, 5)", False),
    ("LSTM(4, 5, num_layers=2, batch_first=True)", True),
    ("LSTM(4, 5, bias=False, bidirectional=True)", True),
    ("LSTM(4, 6, num_layers=2, proj_size=3, bidirectional=True)", True),
    ("GRU(4, 5)", False),
    ("GRU(4, 5, num_layers=3, bidirectional=True, batch_first=True)", True),
    ("GRU(4, 5, bias=False)", True),
    ("RNN(4, 5, nonlinearity='relu', num_layers=2)", True),
    ("RNN(4, 5, bidirectional=True, batch_first=True)", False),
]


def _rnn_state_shapes(mod, batch):
    layers = mod.num_layers * (2 if mod.bidirectional else 1)
    prefix = (layers,) if batch is None else (layers, batch)
    if isinstance(mod, nn.LSTM):
        h_size = mod.proj_size or mod.hidden_size
        return [prefix + (h_size,), prefix + (mod.hidden_size,)]
    return [prefix + (mod.hidden_size,)]


@pytest.mark.parametrize("ctor,with_state", RNN_CASES)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_recurrent_layers_against_torch(ctor, with_state, batched, dtype):
    d_mod, t_mod = pair(ctor, dtype)
    seq, batch = 6, 3
    if not batched:
        shape = (seq, 4)
    else:
        shape = (batch, seq, 4) if d_mod.batch_first else (seq, batch, 4)
    arrays = [randn(*shape, seed=10, dtype=dtype)]
    if with_state:
        arrays += [randn(*s, seed=11 + i, dtype=dtype) * 0.5
                   for i, s in enumerate(_rnn_state_shapes(d_mod, batch if batched else None))]

    def call(mod, x, *state):
        if not state:
            return mod(x)
        return mod(x, tuple(state) if len(state) == 2 else state[0])
    d_out, _ = compare_with_torch(d_mod, t_mod, arrays, dtype, call=call)
    output, final = d_out
    h_n = final[0] if isinstance(final, tuple) else final
    out_features = (d_mod.proj_size or d_mod.hidden_size) * (2 if d_mod.bidirectional else 1)
    assert output.shape[-1] == out_features and h_n.dim() == (3 if batched else 2)


@pytest.mark.parametrize("ctor,shapes", [
    ("LSTMCell(4, 5)", [(3, 4), (3, 5), (3, 5)]),
    ("LSTMCell(4, 5, bias=False)", [(4,), (5,), (5,)]),
    ("LSTMCell(4, 5)", [(3, 4)]),
    ("GRUCell(4, 5)", [(3, 4), (3, 5)]),
    ("GRUCell(4, 5)", [(4,)]),
    ("RNNCell(4, 5, nonlinearity='relu')", [(3, 4), (3, 5)]),
    ("RNNCell(4, 5, bias=False)", [(4,), (5,)]),
])
def test_recurrent_cells_against_torch(ctor, shapes):
    d_mod, t_mod = pair(ctor)
    arrays = [randn(*s, seed=12 + i) for i, s in enumerate(shapes)]

    def call(mod, x, *state):
        if not state:
            return mod(x)
        return mod(x, tuple(state) if len(state) == 2 else state[0])
    compare_with_torch(d_mod, t_mod, arrays, call=call)


def test_recurrent_parameter_names_and_init():
    for ctor in ("LSTM(3, 8, 2, bidirectional=True, proj_size=2)", "GRU(3, 8, bias=False)",
                 "RNN(3, 8, 3)", "LSTMCell(3, 8)", "GRUCell(3, 8, bias=False)"):
        d_mod = eval("nn." + ctor, {"nn": nn})
        t_mod = eval("nn." + ctor, {"nn": torch.nn})
        assert list(d_mod.state_dict()) == list(t_mod.state_dict()), ctor
        assert repr(d_mod) == repr(t_mod)
    ds.manual_seed(0)
    lstm = nn.LSTM(64, 100, num_layers=2)
    bound = 1 / math.sqrt(100)
    values = np.concatenate([p.detach().numpy().ravel() for p in lstm.parameters()])
    assert np.abs(values).max() <= bound
    assert abs(values.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert lstm.weight_ih_l0.shape == ds.Size([400, 64])
    assert lstm.weight_hh_l1.shape == ds.Size([400, 100])
    assert len(lstm.all_weights) == 2 and len(lstm.all_weights[0]) == 4
    lstm.flatten_parameters()


def test_recurrent_dropout_between_layers():
    ds.manual_seed(5)
    lstm = nn.LSTM(4, 5, num_layers=2, dropout=0.5).double()
    x = ds.tensor(randn(6, 2, 4, seed=13))
    assert not np.allclose(lstm(x)[0].detach().numpy(), lstm(x)[0].detach().numpy())
    lstm.eval()
    t_lstm = torch.nn.LSTM(4, 5, num_layers=2, dropout=0.5).double().eval()
    copy_into_torch(lstm, t_lstm)
    np.testing.assert_allclose(lstm(x)[0].detach().numpy(),
                               t_lstm(torch.tensor(x.numpy()))[0].detach().numpy(), rtol=1e-7,
                               atol=1e-7)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.GRU(4, 5, dropout=0.2)


def test_recurrent_errors():
    lstm = nn.LSTM(4, 5, num_layers=2)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. "
                                           "Expected 4, got 3"):
        lstm(ds.randn(6, 2, 3))
    with pytest.raises(ValueError, match="Expected input to be 2-D or 3-D but received 4-D"):
        lstm(ds.randn(6, 2, 3, 4))
    with pytest.raises(RuntimeError, match="Expected hidden\\[0\\] size \\(2, 2, 5\\), got "
                                           "\\[1, 2, 5\\]"):
        lstm(ds.randn(6, 2, 4), (ds.zeros(1, 2, 5), ds.zeros(2, 2, 5)))
    with pytest.raises(TypeError, match="tuple \\(h_0, c_0\\)"):
        lstm(ds.randn(6, 2, 4), ds.zeros(2, 2, 5))
    with pytest.raises(RuntimeError, match="input must have the type"):
        lstm(ds.randn(6, 2, 4, dtype=ds.float64))
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        nn.GRU(4, 5, proj_size=2)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(4, 5, proj_size=5)
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.LSTM(4, 5, dropout=2)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        nn.GRU(4, 0)
    with pytest.raises(RuntimeError, match="Expected hx size \\(3, 5\\), got \\[2, 5\\]"):
        nn.GRUCell(4, 5)(ds.randn(3, 4), ds.zeros(2, 5))
    with pytest.raises(ValueError, match="Expected input to be 1D or 2D, got 3D"):
        nn.LSTMCell(4, 5)(ds.randn(1, 3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LSTM(4, 5, dropout=0.0)


# ---- Transformer decoder and the full encoder-decoder ----------------------------------------

@pytest.mark.parametrize("ctor", [
    "TransformerDecoderLayer(8, 2, 16, dropout=0.0)",
    "TransformerDecoderLayer(8, 4, 12, dropout=0.0, activation='gelu', norm_first=True, "
    "batch_first=True)",
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_transformer_decoder_layer_against_torch(ctor, dtype):
    d_mod, t_mod = pair(ctor, dtype)
    batch_first = "batch_first=True" in ctor
    tgt = randn(*((3, 5, 8) if batch_first else (5, 3, 8)), seed=30, dtype=dtype)
    memory = randn(*((3, 6, 8) if batch_first else (6, 3, 8)), seed=31, dtype=dtype)
    causal = np.triu(np.full((5, 5), -np.inf), 1).astype(dtype)
    memory_mask = _attn_mask(5, 6, dtype)

    def call(mod, tgt, memory, tgt_mask, memory_mask, tgt_padding, memory_padding):
        return mod(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                   tgt_key_padding_mask=tgt_padding, memory_key_padding_mask=memory_padding)
    compare_with_torch(d_mod, t_mod, [tgt, memory, causal, memory_mask, _padding_mask(3, 5),
                                      _padding_mask(3, 6)], dtype, grad_inputs=[0, 1],
                       call=call)


def test_transformer_against_torch():
    ctor = "Transformer(8, 2, 2, 1, 16, dropout=0.0, batch_first=True)"
    d_mod, t_mod = pair(ctor)
    assert "decoder.layers.0.multihead_attn.in_proj_weight" in d_mod.state_dict()
    d_mask = nn.Transformer.generate_square_subsequent_mask(4, dtype=ds.float64)
    t_mask = torch.nn.Transformer.generate_square_subsequent_mask(4).double()
    np.testing.assert_array_equal(d_mask.numpy(), t_mask.numpy())

    def call(mod, src, tgt, tgt_mask, src_padding):
        return mod(src, tgt, tgt_mask=tgt_mask, src_key_padding_mask=src_padding,
                   memory_key_padding_mask=src_padding)
    compare_with_torch(d_mod, t_mod, [randn(2, 6, 8, seed=32), randn(2, 4, 8, seed=33),
                                      t_mask.numpy(), _padding_mask(2, 6)],
                       grad_inputs=[0, 1], call=call)
    # Matrices are xavier_uniform_: linear1 of an encoder layer is [16, 8].
    w = d_mod.encoder.layers[0].linear1.weight.detach().numpy()
    assert np.abs(w).max() <= math.sqrt(6.0 / (16 + 8))
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        d_mod(ds.randn(2, 6, 8), ds.randn(3, 4, 8))
    with pytest.raises(RuntimeError, match="must be equal to d_model"):
        d_mod(ds.randn(2, 6, 8), ds.randn(2, 4, 6))


def test_transformer_subclass_uses_encoder_alone_with_log_mask():
    # The word_language_model example subclasses nn.Transformer and calls its encoder with
    # mask = log(tril(ones)), a float causal mask (0 on and below the diagonal, -inf above).
    class Model(nn.Transformer):
        def __init__(self):
            super().__init__(d_model=8, nhead=2, dim_feedforward=16, num_encoder_layers=1,
                             num_decoder_layers=1, dropout=0.0)
    model = Model().double()
    src = ds.tensor(randn(5, 3, 8, seed=34))
    mask = ds.ones(5, 5, dtype=ds.float64).tril().log()
    out = model.encoder(src, mask=mask)
    t_encoder = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(
        8, 2, 16, dropout=0.0), 1, norm=torch.nn.LayerNorm(8)).double()
    copy_into_torch(model.encoder, t_encoder)
    expected = t_encoder(torch.tensor(src.numpy()), mask=torch.tensor(mask.numpy()))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-7,
                               atol=1e-7)
