"""What real PyTorch programs hit first when only `import torch` becomes deepseek.

Distilled from running unmodified public programs through shared/tools/as_torch.py:
pytorch/examples mnist/main.py and word_language_model/{main,model,data}.py,
karpathy/nanoGPT train.py + sample.py + model.py, karpathy/makemore makemore.py and
karpathy/minGPT projects/adder + chargpt. Each test is a few lines of ordinary PyTorch code
(written against `deepseek as torch`) exercising exactly the feature a program needed, and
names that program. Tests of features deepseek still lacks FAIL on purpose: they document
the gap until the feature lands. References are numpy or values computed by hand.
"""
import importlib
import inspect
import io
import math

import numpy as np
import pytest

import deepseek as torch
import deepseek.nn as nn
import deepseek.nn.functional as F


def values(t):
    return t.detach().to(torch.float64).numpy()


# ------------------------------------------------------------------ missing API (fail today)

def test_accelerator_is_available_on_cpu():
    # pytorch/examples mnist/main.py:97 and word_language_model/main.py (torch >= 2.6 API):
    # `torch.accelerator.is_available()` is evaluated before anything else.
    assert torch.accelerator.is_available() is torch.cuda.is_available()
    if torch.accelerator.is_available():
        assert torch.accelerator.current_accelerator().type == "cuda"


def test_adadelta_matches_formula():
    # pytorch/examples mnist/main.py: optim.Adadelta(model.parameters(), lr=args.lr)
    p0, lr, rho, eps, wd = np.array([1.0, -2.0, 0.5]), 1.0, 0.9, 1e-6, 0.01
    p = nn.Parameter(torch.tensor(p0))
    opt = torch.optim.Adadelta([p], lr=lr, rho=rho, eps=eps, weight_decay=wd)
    ref, sq, acc = p0.copy(), np.zeros(3), np.zeros(3)
    for _ in range(3):
        opt.zero_grad()
        (p ** 2).sum().backward()
        opt.step()
        g = 2 * ref + wd * ref
        sq = rho * sq + (1 - rho) * g * g
        delta = np.sqrt(acc + eps) / np.sqrt(sq + eps) * g
        acc = rho * acc + (1 - rho) * delta * delta
        ref = ref - lr * delta
    np.testing.assert_allclose(values(p), ref, rtol=1e-7)


def test_import_onnx_module():
    # pytorch/examples word_language_model/main.py:8 does `import torch.onnx` at the top
    # (export itself is only used with --onnx-export; it may raise NotImplementedError).
    importlib.import_module("deepseek.onnx")


def test_nn_transformer_subclass_encoder_with_float_mask():
    # word_language_model/model.py: class TransformerModel(nn.Transformer), calling
    # super().__init__(d_model=, nhead=, dim_feedforward=, num_encoder_layers=) and then
    # self.encoder(src, mask=torch.log(torch.tril(torch.ones(sz, sz)))).
    class Model(nn.Transformer):
        def __init__(self):
            super().__init__(d_model=8, nhead=2, dim_feedforward=16, num_encoder_layers=1,
                             num_decoder_layers=1, dropout=0.0)

    m = Model()
    keys = m.state_dict().keys()
    assert "encoder.layers.0.self_attn.in_proj_weight" in keys
    assert "encoder.norm.weight" in keys
    assert "decoder.layers.0.multihead_attn.in_proj_weight" in keys
    src = torch.randn(5, 3, 8)
    mask = torch.log(torch.tril(torch.ones(5, 5)))
    out = m.encoder(src, mask=mask)
    assert out.shape == (5, 3, 8)
    # causal: changing the last position must not change the earlier outputs
    src2 = src.clone()
    src2[4] = 7.0
    np.testing.assert_allclose(values(m.encoder(src2, mask=mask)[:4]), values(out[:4]),
                               rtol=1e-5, atol=1e-6)
    assert m(src, torch.randn(4, 3, 8)).shape == (4, 3, 8)


def test_tensor_type_converts_and_names():
    # word_language_model/data.py: torch.tensor(ids).type(torch.int64)
    t = torch.tensor([1.5, 2.5]).type(torch.int64)
    assert t.dtype == torch.int64 and t.tolist() == [1, 2]
    assert torch.ones(2).type() == "torch.FloatTensor"
    assert torch.ones(2).type("torch.DoubleTensor").dtype == torch.float64


def test_legacy_long_tensor_constructor():
    # word_language_model/main.py export_onnx(): torch.LongTensor(n).zero_().view(-1, b)
    t = torch.LongTensor(6).zero_().view(-1, 2)
    assert t.dtype == torch.int64 and t.shape == (3, 2) and t.sum().item() == 0


def test_safe_globals_context_manager_loads_state_dict():
    # word_language_model/main.py: with torch.serialization.safe_globals([...]): torch.load(f)
    buf = io.BytesIO()
    torch.save(nn.Linear(2, 2).state_dict(), buf)
    buf.seek(0)
    with torch.serialization.safe_globals([nn.Linear, nn.Dropout]):
        sd = torch.load(buf)
    assert sorted(sd) == ["bias", "weight"]


def test_save_whole_module_and_load_it_with_safe_globals():
    # word_language_model/main.py saves the whole model, torch.save(model, f), and reloads it
    # with torch.serialization.safe_globals([model.RNNModel, torch.nn.LSTM, ...]).
    buf = io.BytesIO()
    model = nn.Sequential(nn.Embedding(5, 3), nn.Linear(3, 2))
    torch.save(model, buf)
    buf.seek(0)
    with torch.serialization.safe_globals([nn.Sequential, nn.Embedding, nn.Linear]):
        loaded = torch.load(buf)
    x = torch.tensor([[1, 4]])
    assert torch.equal(loaded(x), model(x))


def test_save_and_load_numpy_array():
    # pytorch/examples time_sequence_prediction: generate_sine_wave.py does
    # torch.save(numpy_array, open('traindata.pt', 'wb')); train.py does
    # data = torch.load('traindata.pt'); torch.from_numpy(data[3:, :-1])
    data = np.sin(np.arange(12.0).reshape(3, 4) / 7)
    buf = io.BytesIO()
    torch.save(data, buf)
    buf.seek(0)
    back = torch.load(buf)
    assert isinstance(back, np.ndarray) and back.dtype == np.float64
    np.testing.assert_array_equal(back, data)
    assert torch.from_numpy(back[1:, :-1]).shape == (2, 3)


def test_lbfgs_minimizes_quadratic():
    # pytorch/examples time_sequence_prediction/train.py: optim.LBFGS(params, lr=0.8);
    # optimizer.step(closure) with a closure that zeroes grads, computes the loss and backward
    # (lr=1 here: the 20 inner iterations then reach the minimum of a 2-D quadratic)
    a = np.array([[3.0, 0.5], [0.5, 1.0]])
    b = np.array([1.0, -2.0])
    x = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    opt = torch.optim.LBFGS([x], lr=1)
    A, B = torch.tensor(a), torch.tensor(b)
    calls = []

    def closure():
        opt.zero_grad()
        loss = 0.5 * (x @ (A @ x)) - (B * x).sum()
        loss.backward()
        calls.append(loss.item())
        return loss

    first = opt.step(closure)
    for _ in range(4):
        opt.step(closure)
    assert abs(float(first) - calls[0]) < 1e-12  # step returns the first evaluation
    np.testing.assert_allclose(values(x), np.linalg.solve(a, b), rtol=1e-5, atol=1e-7)


def test_dropout2d_legacy_input_ranks():
    # pytorch/examples mnist_rnn/main.py applies nn.Dropout2d to the [N, 64] LSTM output.
    # PyTorch (1.13 through 2.x) warns and drops single elements of 2-D input, and treats a
    # 3-D input as [N, C, L] (whole rows zeroed), also with a warning.
    torch.manual_seed(0)
    with pytest.warns(UserWarning):
        y = nn.Dropout2d(0.5)(torch.ones(8, 500))
    v = values(y)
    assert set(np.unique(v)) <= {0.0, 2.0} and 0.3 < (v == 0).mean() < 0.7
    with pytest.warns(UserWarning):
        z = values(F.dropout2d(torch.ones(2, 50, 100), 0.5, training=True))
    assert (z == z[:, :, :1]).all()  # each [n, c, :] row is kept or dropped whole
    assert (z[0] != z[0, :1]).any()  # rows of one sample are dropped independently


def test_distributed_names_importable():
    # nanoGPT train.py:27-28 imports these at the top even for single-process runs.
    from deepseek.nn.parallel import DistributedDataParallel  # noqa: F401
    from deepseek.distributed import init_process_group, destroy_process_group  # noqa: F401


def test_backends_tf32_flags_settable():
    # nanoGPT train.py:107-108 / sample.py:28-29
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    assert torch.backends.cuda.matmul.allow_tf32 is True


def test_cuda_is_bf16_supported():
    # nanoGPT train.py:81 / sample.py:21: torch.cuda.is_available() and
    # torch.cuda.is_bf16_supported() (the second call only runs where CUDA is available).
    assert torch.cuda.is_bf16_supported() in (True, False)


def test_grad_scaler_disabled_is_pass_through():
    # nanoGPT train.py: scaler = torch.cuda.amp.GradScaler(enabled=(dtype == 'float16'));
    # scaler.scale(loss).backward(); scaler.unscale_(opt); scaler.step(opt); scaler.update()
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    opt = torch.optim.SGD([p], lr=0.5)
    scaler = torch.cuda.amp.GradScaler(enabled=False)
    loss = (p * p).sum()
    assert scaler.scale(loss) is loss
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    np.testing.assert_allclose(values(p), [0.0, 0.0])
    assert scaler.is_enabled() is False
    if not torch.cuda.is_available():
        # README's CPU run (`--device=cpu`) leaves dtype='float16', so enabled=True: PyTorch
        # warns that CUDA is not available and disables the scaler.
        with pytest.warns(UserWarning):
            assert torch.cuda.amp.GradScaler(enabled=True).is_enabled() is False


def test_autocast_cpu_bfloat16():
    # nanoGPT train.py/sample.py on a GPU: ctx = torch.amp.autocast(device_type, dtype=...)
    lin = nn.Linear(4, 3)
    with torch.amp.autocast(device_type="cpu", dtype=torch.bfloat16):
        y = lin(torch.ones(2, 4))
    assert y.dtype == torch.bfloat16
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        assert lin(torch.ones(2, 4)).dtype == torch.bfloat16


def test_compile_returns_working_module():
    # nanoGPT train.py default compile=True: model = torch.compile(model)
    lin = nn.Linear(3, 2)
    x = torch.randn(4, 3)
    compiled = torch.compile(lin)
    np.testing.assert_allclose(values(compiled(x)), values(lin(x)), rtol=1e-6)


def test_topk_values_and_indices():
    # nanoGPT / minGPT generate(), makemore generate(): v, _ = torch.topk(logits, k);
    # _, idx_next = torch.topk(probs, k=1, dim=-1)
    a = np.array([[1.0, 5.0, 3.0, 4.0], [4.0, 2.0, 6.0, 0.0]], dtype=np.float32)
    v, i = torch.topk(torch.tensor(a), 2)
    np.testing.assert_array_equal(values(v), [[5, 4], [6, 4]])
    assert i.dtype == torch.int64 and i.tolist() == [[1, 3], [2, 0]]
    v, i = torch.tensor(a).topk(1, dim=0, largest=False)
    assert v.tolist() == [[1.0, 2.0, 3.0, 0.0]] and i.tolist() == [[0, 1, 0, 1]]


def test_multinomial_samples_from_probabilities():
    # nanoGPT / minGPT / makemore generate(): torch.multinomial(probs, num_samples=1)
    probs = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    s = torch.multinomial(probs, num_samples=1)
    assert s.dtype == torch.int64 and s.tolist() == [[1], [2]]
    torch.manual_seed(0)
    a = torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 4, replacement=True)
    torch.manual_seed(0)
    b = torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 4, replacement=True)
    assert a.tolist() == b.tolist()
    assert sorted(torch.multinomial(torch.ones(5), 5).tolist()) == [0, 1, 2, 3, 4]


def test_roll():
    # makemore MLP.forward: idx = torch.roll(idx, 1, 1)
    a = np.arange(12).reshape(3, 4)
    assert torch.roll(torch.tensor(a), 1, 1).tolist() == np.roll(a, 1, 1).tolist()
    assert torch.tensor(a).roll(-1, 0).tolist() == np.roll(a, -1, 0).tolist()
    assert torch.roll(torch.tensor(a), 2).tolist() == np.roll(a, 2).tolist()


def test_randperm_with_generator():
    # minGPT projects/adder: rng = torch.Generator(); rng.manual_seed(1337);
    # perm = torch.randperm(num, generator=rng)
    g1, g2 = torch.Generator(), torch.Generator()
    g1.manual_seed(1337)
    g2.manual_seed(1337)
    a = torch.randperm(20, generator=g1)
    torch.randperm(20)  # the global stream must not matter
    assert a.tolist() == torch.randperm(20, generator=g2).tolist()
    assert sorted(a.tolist()) == list(range(20))


def test_random_ops_honour_generator():
    # Same family as the adder's randperm(generator=): rand/randn/randint accept generator=
    # but ignore it today, so a seeded Generator does not reproduce.
    for draw in (lambda g: torch.randn(4, generator=g), lambda g: torch.rand(4, generator=g),
                 lambda g: torch.randint(0, 100, (4,), generator=g)):
        a = draw(torch.Generator().manual_seed(7))
        torch.rand(3)
        b = draw(torch.Generator().manual_seed(7))
        assert a.tolist() == b.tolist()


# ------------------------------------------------------- features the programs rely on today

def test_masked_fill_broadcast_causal_mask():
    # nanoGPT (slow path), makemore, minGPT: att.masked_fill(bias[:,:,:T,:T] == 0, -inf)
    bias = torch.tril(torch.ones(4, 4)).view(1, 1, 4, 4)
    att = torch.zeros(2, 2, 3, 3)
    att = att.masked_fill(bias[:, :, :3, :3] == 0, float("-inf"))
    p = F.softmax(att, dim=-1)
    np.testing.assert_allclose(values(p[1, 1]), [[1, 0, 0], [0.5, 0.5, 0], [1 / 3] * 3],
                               rtol=1e-6)
    x = torch.zeros(2, 3, 3)
    x.masked_fill_(torch.tril(torch.ones(3, 3)) == 0, -1.0)
    assert x[1].tolist() == [[0, -1, -1], [0, 0, -1], [0, 0, 0]]


def test_sdpa_is_causal_matches_manual_attention():
    # nanoGPT flash path: F.scaled_dot_product_attention(q, k, v, attn_mask=None,
    # dropout_p=0, is_causal=True)
    q = torch.linspace(-1, 1, 24).view(1, 2, 3, 4)
    k, v = q * 0.5, q + 1
    y = F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=True)
    qn, kn, vn = values(q), values(k), values(v)
    s = qn @ kn.transpose(0, 1, 3, 2) / 2.0 + np.triu(np.full((3, 3), -np.inf), 1)
    w = np.exp(s - s.max(-1, keepdims=True))
    np.testing.assert_allclose(values(y), (w / w.sum(-1, keepdims=True)) @ vn, rtol=1e-5)


def test_cross_entropy_ignore_index_minus_one():
    # makemore / minGPT / nanoGPT: F.cross_entropy(logits.view(-1, V), y.view(-1),
    # ignore_index=-1)
    x = np.arange(12.0).reshape(4, 3) / 7
    t = [0, -1, 1, -1]
    got = F.cross_entropy(torch.tensor(x), torch.tensor(t), ignore_index=-1)
    lse = np.log(np.exp(x).sum(1))
    assert abs(got.item() - np.mean([lse[0] - x[0, 0], lse[2] - x[2, 1]])) < 1e-7


def test_nll_loss_sum_and_prediction_count():
    # mnist test(): F.nll_loss(output, target, reduction='sum').item();
    # pred = output.argmax(dim=1, keepdim=True); pred.eq(target.view_as(pred)).sum().item()
    x = np.arange(12.0).reshape(4, 3) / 7
    logp = F.log_softmax(torch.tensor(x), dim=1)
    target = torch.tensor([0, 2, 1, 2])
    ref = -(x - np.log(np.exp(x).sum(1, keepdims=True)))[range(4), [0, 2, 1, 2]].sum()
    assert abs(F.nll_loss(logp, target, reduction="sum").item() - ref) < 1e-7
    pred = logp.argmax(dim=1, keepdim=True)
    assert pred.shape == (4, 1)
    assert pred.eq(target.view_as(pred)).sum().item() == 2


def test_no_grad_and_inference_mode_as_decorators():
    # nanoGPT @torch.no_grad() estimate_loss/generate; makemore @torch.inference_mode()
    @torch.no_grad()
    def f(x):
        return x * 2

    @torch.inference_mode()
    def g(x):
        return x * 2

    x = torch.ones(2, requires_grad=True)
    assert not f(x).requires_grad and not g(x).requires_grad
    assert (x * 2).requires_grad


def test_batchify_and_view_of_transposed():
    # word_language_model batchify: data.narrow(0, 0, n).view(bsz, -1).t().contiguous()
    d = torch.arange(23)
    n = d.size(0) // 4
    b = d.narrow(0, 0, n * 4).view(4, -1).t().contiguous()
    assert b.tolist() == np.arange(20).reshape(4, 5).T.tolist()
    with pytest.raises(RuntimeError):
        torch.arange(6.0).view(2, 3).t().view(-1)


def test_checkpoint_dict_round_trip_and_resume():
    # nanoGPT: torch.save({'model': sd, 'optimizer': opt.state_dict(), 'model_args': {...},
    # 'iter_num': n, 'best_val_loss': tensor, 'config': {...}}); torch.load(map_location=)
    torch.manual_seed(0)
    m = nn.Linear(3, 2)
    opt = torch.optim.AdamW(m.parameters(), lr=0.1)
    m(torch.ones(1, 3)).sum().backward()
    opt.step()
    buf = io.BytesIO()
    torch.save({"model": m.state_dict(), "optimizer": opt.state_dict(),
                "model_args": {"n_layer": 2, "bias": True}, "iter_num": 10,
                "best_val_loss": torch.tensor(1.5), "config": {"lr": 1e-3, "ds": "x"}}, buf)
    buf.seek(0)
    ck = torch.load(buf, map_location="cpu")
    m2 = nn.Linear(3, 2)
    m2.load_state_dict(ck["model"])
    opt2 = torch.optim.AdamW(m2.parameters(), lr=0.1)
    opt2.load_state_dict(ck["optimizer"])
    assert np.array_equal(values(m2.weight), values(m.weight))
    assert ck["iter_num"] == 10 and ck["config"] == {"lr": 1e-3, "ds": "x"}
    assert float(ck["best_val_loss"]) == 1.5
    assert sorted(opt2.state_dict()["state"][0]) == ["exp_avg", "exp_avg_sq", "step"]


def test_param_group_lr_edit_takes_effect():
    # nanoGPT: for g in optimizer.param_groups: g['lr'] = lr (every iteration)
    p = nn.Parameter(torch.ones(2))
    opt = torch.optim.SGD([p], lr=1.0)
    for group in opt.param_groups:
        group["lr"] = 0.1
    p.grad = torch.ones(2)
    opt.step()
    np.testing.assert_allclose(values(p), [0.9, 0.9], rtol=1e-7)


def test_adamw_signature_has_fused():
    # nanoGPT configure_optimizers: 'fused' in inspect.signature(torch.optim.AdamW).parameters
    assert "fused" in inspect.signature(torch.optim.AdamW).parameters


def test_list_index_and_boolean_mask_assignment():
    # nanoGPT: logits[:, [-1], :] keeps the time dim; logits[logits < v[:, [-1]]] = -inf
    x = torch.arange(24.0).view(2, 3, 4)
    assert x[:, [-1], :].shape == (2, 1, 4)
    logits = torch.arange(8.0).view(2, 4)
    v = torch.tensor([[7.0, 5.0], [6.0, 5.0]])
    logits[logits < v[:, [-1]]] = -float("Inf")
    inf = float("-inf")
    assert logits.tolist() == [[inf, inf, inf, inf], [inf, 5.0, 6.0, 7.0]]


def test_step_slice_assignment_positional_encoding():
    # word_language_model PositionalEncoding: pe[:, 0::2] = sin(...); pe[:, 1::2] = cos(...)
    pe = torch.zeros(4, 6)
    pos = torch.arange(0, 4, dtype=torch.float).unsqueeze(1)
    div = torch.exp(torch.arange(0, 6, 2).float() * (-math.log(10000.0) / 6))
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    ang = np.arange(4)[:, None] * np.exp(np.arange(0, 6, 2) * (-math.log(10000.0) / 6))
    np.testing.assert_allclose(values(pe[:, 0::2]), np.sin(ang), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(values(pe[:, 1::2]), np.cos(ang), rtol=1e-5, atol=1e-6)


def test_weight_tying_counts_once_and_accumulates_grad():
    # nanoGPT / minGPT: self.transformer.wte.weight = self.lm_head.weight
    emb, head = nn.Embedding(5, 3), nn.Linear(3, 5, bias=False)
    emb.weight = head.weight
    m = nn.ModuleDict(dict(wte=emb, lm_head=head))
    assert sum(p.numel() for p in m.parameters()) == 15
    head(emb(torch.tensor([1, 2]))).sum().backward()
    assert emb.weight.grad is head.weight.grad or np.array_equal(
        values(emb.weight.grad), values(head.weight.grad))


def test_manual_sgd_through_data_and_clip_grad_norm():
    # word_language_model train(): clip_grad_norm_(params, clip);
    # p.data.add_(p.grad, alpha=-lr)
    p = nn.Parameter(torch.ones(3))
    p.grad = torch.tensor([3.0, 4.0, 0.0])
    total = torch.nn.utils.clip_grad_norm_([p], 0.5)
    assert abs(float(total) - 5.0) < 1e-6
    np.testing.assert_allclose(values(p.grad), [0.3, 0.4, 0.0], rtol=1e-5)
    p.data.add_(p.grad, alpha=-10.0)
    np.testing.assert_allclose(values(p), [-2.0, -3.0, 1.0], rtol=1e-5)


def test_step_lr_decays():
    # mnist: StepLR(optimizer, step_size=1, gamma=args.gamma); scheduler.step() per epoch
    opt = torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
    for _ in range(3):
        opt.step()
        sched.step()
    assert abs(opt.param_groups[0]["lr"] - 0.343) < 1e-12


def test_infinite_random_sampler_and_formatting():
    # makemore / minGPT: RandomSampler(ds, replacement=True, num_samples=int(1e10));
    # minGPT adder prints "%d + %d" % (tensor, tensor)
    sampler = torch.utils.data.RandomSampler(list(range(10)), replacement=True,
                                             num_samples=int(1e10))
    it = iter(sampler)
    assert all(0 <= next(it) < 10 for _ in range(5))
    t = torch.tensor([3, 4])
    assert "%d + %d = %.1f" % (t[0], t[1], torch.tensor(7.0)) == "3 + 4 = 7.0"
