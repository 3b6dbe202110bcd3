"""Optimizers: hand-computed single steps, long runs against torch.optim, param_groups
editing, state_dict round trips and misuse errors."""
import math

import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.optim as optim

RNG = np.random.default_rng(1234)


def quadratic_run(torch_cls, ds_cls, kwargs, steps=6):
    """Same problem, same data through both libraries; returns max |param difference|."""
    w0, b0 = RNG.standard_normal((4, 3)), RNG.standard_normal(3)
    tw, tb = torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    dw, db = ds.tensor(w0, requires_grad=True), ds.tensor(b0, requires_grad=True)
    topt, dopt = torch_cls([tw, tb], **kwargs), ds_cls([dw, db], **kwargs)
    for _ in range(steps):
        x = RNG.standard_normal((5, 4))
        ((torch.tensor(x) @ tw + tb) ** 2).sum().backward()
        topt.step()
        topt.zero_grad()
        ((ds.tensor(x) @ dw + db) ** 2).sum().backward()
        dopt.step()
        dopt.zero_grad()
    return max(np.abs(tw.detach().numpy() - dw.detach().numpy()).max(),
               np.abs(tb.detach().numpy() - db.detach().numpy()).max())


CASES = [
    ("SGD", dict(lr=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.01, momentum=0.9, dampening=0.3, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.2, amsgrad=True, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1)),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_matches_torch_optim_in_float64(name, kwargs):
    assert quadratic_run(getattr(torch.optim, name), getattr(optim, name), kwargs) < 1e-12


def one_step(opt_factory, p0, g):
    p = ds.tensor(p0, dtype=ds.float64, requires_grad=True)
    opt = opt_factory([p])
    p.grad = ds.tensor(g, dtype=ds.float64)
    opt.step()
    return p.detach().numpy()


def test_sgd_momentum_by_hand():
    p0, g = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    p = ds.tensor(p0, requires_grad=True, dtype=ds.float64)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    buf = None
    expected = p0.copy()
    for _ in range(3):
        p.grad = ds.tensor(g, dtype=ds.float64)
        opt.step()
        d = g + 0.01 * expected
        buf = d if buf is None else 0.9 * buf + d
        expected = expected - 0.1 * buf
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-14)


def test_adam_first_step_by_hand():
    # After one step with bias correction, Adam moves every coordinate by ~lr * sign(grad).
    p0, g = np.array([1.0, -2.0, 3.0]), np.array([0.5, -0.25, 2.0])
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    m = (1 - b1) * g
    v = (1 - b2) * g * g
    expected = p0 - (lr / (1 - b1)) * m / (np.sqrt(v) / math.sqrt(1 - b2) + eps)
    got = one_step(lambda ps: optim.Adam(ps, lr=lr), p0, g)
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_adamw_decays_weights_independently_of_gradient():
    p0, g = np.array([2.0]), np.array([0.0])
    got = one_step(lambda ps: optim.AdamW(ps, lr=0.1, weight_decay=0.5), p0, g)
    np.testing.assert_allclose(got, p0 * (1 - 0.1 * 0.5), rtol=1e-14)


def test_rmsprop_and_adagrad_first_step_by_hand():
    p0, g = np.array([1.0, 2.0]), np.array([0.3, -0.6])
    got = one_step(lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.9), p0, g)
    np.testing.assert_allclose(got, p0 - 0.01 * g / (np.sqrt(0.1 * g * g) + 1e-8), rtol=1e-14)
    got = one_step(lambda ps: optim.Adagrad(ps, lr=0.5), p0, g)
    np.testing.assert_allclose(got, p0 - 0.5 * g / (np.sqrt(g * g) + 1e-10), rtol=1e-14)


def test_param_group_edits_take_effect_and_groups_keep_their_options():
    a = ds.tensor([1.0], requires_grad=True)
    b = ds.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5
    opt.param_groups[0]["lr"] = 1.0
    a.grad, b.grad = ds.tensor([1.0]), ds.tensor([1.0])
    opt.step()
    assert a.item() == pytest.approx(0.0) and b.item() == pytest.approx(0.5)


def test_params_without_grad_are_skipped():
    a = ds.tensor([1.0], requires_grad=True)
    b = ds.tensor([1.0], requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = ds.tensor([1.0])
    opt.step()
    assert b.item() == 1.0 and a.item() != 1.0
    assert b not in opt.state


def test_zero_grad_sets_none_or_zero():
    p = ds.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = ds.tensor([3.0, 4.0])
    opt.zero_grad(set_to_none=False)
    assert p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_zero_grad_detaches_a_gradient_with_history_in_place():
    # create_graph=True leaves p.grad = 3 p^2 attached to a graph; zeroing it keeps the
    # tensor (as torch does) but cuts it from that graph.
    p = ds.tensor([1.0, 2.0], requires_grad=True)
    (p * p * p).sum().backward(create_graph=True)
    grad = p.grad
    assert grad.grad_fn is not None
    optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad is grad and grad.grad_fn is None and not grad.requires_grad
    assert grad.tolist() == [0.0, 0.0]


def test_state_dict_round_trip_resumes_exactly():
    def make():
        ds.manual_seed(0)
        w = ds.randn(6, 4, requires_grad=True)
        return w, optim.Adam([w], lr=0.05, amsgrad=True)

    def train(w, opt, steps, start):
        for i in range(start, start + steps):
            x = ds.arange(24, dtype=ds.float32).reshape(4, 6) / (i + 1)
            ((x @ w).tanh() ** 2).mean().backward()
            opt.step()
            opt.zero_grad()

    w_full, opt_full = make()
    train(w_full, opt_full, 8, 0)
    w, opt = make()
    train(w, opt, 4, 0)
    saved_w, saved = w.detach().clone(), opt.state_dict()
    w2, opt2 = make()
    with ds.no_grad():
        w2.copy_(saved_w)
    opt2.load_state_dict(saved)
    train(w2, opt2, 4, 4)
    assert (w2 == w_full).all().item()


def test_state_dict_layout_matches_torch():
    w = ds.zeros(2, requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    w.grad = ds.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert list(sd["state"]) == [0] and "momentum_buffer" in sd["state"][0]
    assert sd["param_groups"][0]["params"] == [0] and sd["param_groups"][0]["lr"] == 0.1


def test_misuse_raises():
    w = ds.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.Adam([w], lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 0"):
        optim.Adam([w], betas=(1.5, 0.9))
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})
    with pytest.raises(ValueError, match="required optimization parameter lr"):
        optim.SGD([w])
