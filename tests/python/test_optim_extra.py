"""Adadelta, Adamax, NAdam, RAdam, Rprop, ASGD and LBFGS (the optimizers written in tensor
ops) against torch 1.13's torch.optim in float64 over several steps, and against numpy
formulas where torch 1.13 differs from torch 2.x (NAdam) or lacks an option (maximize,
decoupled_weight_decay)."""
import math

import numpy as np
import pytest
import torch as reference

import deepseek as ds

STEPS = 8  # RAdam's rectified branch starts at step 6 with beta2=0.999


def init_values():
    rng = np.random.default_rng(0)
    return [rng.standard_normal((3, 4)), rng.standard_normal(4)]


def loss_of(lib, w, b):
    """A smooth, non-quadratic loss of a matrix and a vector, written for both libraries."""
    x = lib.tensor(np.linspace(-1.0, 1.0, 12).reshape(4, 3), dtype=lib.float64)
    return ((x @ w + b).tanh() ** 2).sum() + 0.1 * (w ** 4).sum() + (b * b).sum()


def run(lib, make_opt, steps=STEPS, sign=1.0):
    params = [lib.tensor(v, dtype=lib.float64, requires_grad=True) for v in init_values()]
    opt = make_opt(lib, params)
    for _ in range(steps):
        opt.zero_grad()
        (sign * loss_of(lib, *params)).backward()
        opt.step()
    return [p.detach().numpy().copy() for p in params], opt


def groups(params, first, second):
    return [dict(params=[params[0]], **first), dict(params=[params[1]], **second)]


CASES = {
    "Adadelta": lambda lib, ps: lib.optim.Adadelta(
        groups(ps, dict(lr=0.5, rho=0.8), dict(weight_decay=0.1)), eps=1e-5),
    "Adadelta-maximize": lambda lib, ps: lib.optim.Adadelta(ps, lr=0.7, maximize=True),
    "Adamax": lambda lib, ps: lib.optim.Adamax(
        groups(ps, dict(lr=0.05), dict(betas=(0.8, 0.9), weight_decay=0.2)), eps=1e-6),
    "Adamax-maximize": lambda lib, ps: lib.optim.Adamax(ps, lr=0.1, maximize=True),
    "Rprop": lambda lib, ps: lib.optim.Rprop(
        groups(ps, dict(lr=0.05), dict(etas=(0.3, 1.5), step_sizes=(1e-3, 0.2)))),
    "Rprop-maximize": lambda lib, ps: lib.optim.Rprop(ps, lr=0.02, maximize=True),
    "ASGD": lambda lib, ps: lib.optim.ASGD(
        groups(ps, dict(lr=0.05, t0=3), dict(lambd=1e-2, alpha=0.6, weight_decay=0.1))),
    "ASGD-maximize": lambda lib, ps: lib.optim.ASGD(ps, lr=0.02, t0=2, maximize=True),
    "RAdam": lambda lib, ps: lib.optim.RAdam(
        groups(ps, dict(lr=0.05), dict(betas=(0.7, 0.99), weight_decay=0.1)), eps=1e-6),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch_optim(name):
    make = CASES[name]
    sign = -1.0 if name.endswith("maximize") else 1.0
    got, opt = run(ds, make, sign=sign)
    want, ref_opt = run(reference, make, sign=sign)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-7, atol=1e-12)
    if name.startswith("ASGD"):  # the averaged parameters too
        for p, ref_p in zip(opt.state.values(), ref_opt.state.values()):
            np.testing.assert_allclose(p["ax"].numpy(), ref_p["ax"].numpy(), rtol=1e-7)
    ref_state = ref_opt.state_dict()["state"]
    for index, state in opt.state_dict()["state"].items():
        assert sorted(state) == sorted(ref_state[index])
        for key, value in state.items():
            np.testing.assert_allclose(float(value) if key == "step" else value.numpy(),
                                       np.asarray(ref_state[index][key]), rtol=1e-7,
                                       atol=1e-12, err_msg=f"{name} state {key}")


def numpy_descent(update, steps=STEPS, sign=1.0):
    """Runs `update(step, param, grad, state)` (numpy, in place) with gradients from torch."""
    params = [reference.tensor(v, dtype=reference.float64) for v in init_values()]
    states = [{} for _ in params]
    for step in range(1, steps + 1):
        live = [p.clone().requires_grad_(True) for p in params]
        grads = reference.autograd.grad(sign * loss_of(reference, *live), live)
        params = [reference.tensor(update(step, p.numpy().copy(), g.numpy(), st))
                  for p, g, st in zip(params, grads, states)]
    return [p.numpy() for p in params]


def nadam_update(lr, beta1, beta2, eps, wd, momentum_decay, decoupled, maximize):
    # torch 2.x's NAdam (torch.optim.NAdam docs); torch 1.13 counted mu_t twice in the
    # second denominator, a bug fixed in 2.x.
    def update(t, p, g, st):
        g = -g if maximize else g
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        st["prod"] = st.get("prod", 1.0) * mu
        st["m"] = beta1 * st.get("m", 0.0) + (1 - beta1) * g
        st["v"] = beta2 * st.get("v", 0.0) + (1 - beta2) * g * g
        denom = np.sqrt(st["v"] / (1 - beta2 ** t)) + eps
        p = p - lr * (1 - mu) / (1 - st["prod"]) * g / denom
        return p - lr * mu_next / (1 - st["prod"] * mu_next) * st["m"] / denom
    return update


@pytest.mark.parametrize("decoupled, maximize", [(False, False), (True, False), (False, True)])
def test_nadam_matches_formula(decoupled, maximize):
    kw = dict(lr=0.05, betas=(0.85, 0.99), eps=1e-6, weight_decay=0.1, momentum_decay=0.01)
    got, opt = run(ds, lambda lib, ps: lib.optim.NAdam(ps, decoupled_weight_decay=decoupled,
                                                       maximize=maximize, **kw),
                   sign=-1.0 if maximize else 1.0)
    want = numpy_descent(nadam_update(0.05, 0.85, 0.99, 1e-6, 0.1, 0.01, decoupled, maximize),
                         sign=-1.0 if maximize else 1.0)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-7, atol=1e-12)
    assert sorted(opt.state_dict()["state"][0]) == ["exp_avg", "exp_avg_sq", "mu_product", "step"]


def radam_decoupled_update(lr, beta1, beta2, eps, wd):
    rho_inf = 2 / (1 - beta2) - 1

    def update(t, p, g, st):
        p = p * (1 - lr * wd)
        st["m"] = beta1 * st.get("m", 0.0) + (1 - beta1) * g
        st["v"] = beta2 * st.get("v", 0.0) + (1 - beta2) * g * g
        m_hat = st["m"] / (1 - beta1 ** t)
        rho_t = rho_inf - 2 * t * beta2 ** t / (1 - beta2 ** t)
        if rho_t <= 5:
            return p - lr * m_hat
        rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                         / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return p - lr * m_hat * rect * math.sqrt(1 - beta2 ** t) / (np.sqrt(st["v"]) + eps)
    return update


def test_radam_decoupled_weight_decay_matches_formula():
    got, _ = run(ds, lambda lib, ps: lib.optim.RAdam(ps, lr=0.05, weight_decay=0.2,
                                                     decoupled_weight_decay=True))
    want = numpy_descent(radam_decoupled_update(0.05, 0.9, 0.999, 1e-8, 0.2))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-7, atol=1e-12)


def test_options_are_validated():
    p = [ds.nn.Parameter(ds.ones(2))]
    with pytest.raises(ValueError, match="Invalid rho value"):
        ds.optim.Adadelta(p, rho=1.5)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1"):
        ds.optim.Adamax(p, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Invalid momentum_decay"):
        ds.optim.NAdam(p, momentum_decay=-1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        ds.optim.RAdam(p, lr=-1)
    with pytest.raises(NotImplementedError, match="differentiable"):
        ds.optim.RAdam(p, differentiable=True)


# -------------------------------------------------------------------------------- LBFGS

def rosenbrock(lib, a, b):
    x = lib.cat([a.reshape(-1), b.reshape(-1)])
    return ((1 - x[:-1]) ** 2).sum() + 100 * ((x[1:] - x[:-1] ** 2) ** 2).sum()


def run_lbfgs(lib, steps, **kw):
    a = lib.tensor([[-1.2, 1.0], [0.5, -0.3]], dtype=lib.float64, requires_grad=True)
    b = lib.tensor([0.8, 1.3, -0.7], dtype=lib.float64, requires_grad=True)
    opt = lib.optim.LBFGS([a, b], **kw)
    losses, returned = [], []

    def closure():
        opt.zero_grad()
        loss = rosenbrock(lib, a, b)
        loss.backward()
        losses.append(loss.item())
        return loss

    for _ in range(steps):
        returned.append(float(opt.step(closure)))
    state = opt.state_dict()["state"][0]
    return (np.concatenate([a.detach().numpy().ravel(), b.detach().numpy().ravel()]), losses,
            returned, state)


@pytest.mark.parametrize("kw", [
    dict(lr=0.1, max_iter=20, history_size=100),
    dict(lr=0.5, max_iter=7, history_size=3),
    dict(lr=1, max_iter=20, history_size=10, line_search_fn="strong_wolfe"),
    dict(lr=1, max_iter=5, max_eval=9, history_size=2, line_search_fn="strong_wolfe"),
], ids=["fixed-step", "short-history", "strong-wolfe", "strong-wolfe-max-eval"])
def test_lbfgs_matches_torch(kw):
    got_x, got_losses, got_returned, state = run_lbfgs(ds, 4, **kw)
    want_x, want_losses, want_returned, ref_state = run_lbfgs(reference, 4, **kw)
    assert len(got_losses) == len(want_losses)  # the same closure evaluations
    np.testing.assert_allclose(got_losses, want_losses, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(got_returned, want_returned, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(got_x, want_x, rtol=1e-7, atol=1e-12)
    assert state["func_evals"] == ref_state["func_evals"]
    assert state["n_iter"] == ref_state["n_iter"]
    assert len(state["old_dirs"]) == len(ref_state["old_dirs"])


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_solves_2d_rosenbrock(line_search_fn):
    # The classic start (-1.2, 1); the only minimum is (1, 1). (The 7-D problem above has a
    # second, local minimum near x0 = -1, where both libraries end up.)
    xy = ds.tensor([-1.2, 1.0], dtype=ds.float64, requires_grad=True)
    opt = ds.optim.LBFGS([xy], lr=1 if line_search_fn else 0.05, max_iter=100,
                         tolerance_grad=1e-12, tolerance_change=1e-14,
                         line_search_fn=line_search_fn)
    losses = []

    def closure():
        opt.zero_grad()
        loss = (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2
        loss.backward()
        losses.append(loss.item())
        return loss

    for _ in range(20):
        first = len(losses)
        assert float(opt.step(closure)) == losses[first]  # step returns its first evaluation
    np.testing.assert_allclose(xy.detach().numpy(), [1.0, 1.0], atol=1e-6)


def test_lbfgs_stops_at_a_zero_gradient_and_checks_arguments():
    p = ds.nn.Parameter(ds.zeros(3, dtype=ds.float64))
    opt = ds.optim.LBFGS([p])
    calls = []

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        calls.append(1)
        return loss

    assert float(opt.step(closure)) == 0.0 and len(calls) == 1
    with pytest.raises(RuntimeError, match="closure"):
        opt.step()
    with pytest.raises(RuntimeError, match="strong_wolfe"):
        ds.optim.LBFGS([p], line_search_fn="backtracking")
    with pytest.raises(ValueError, match="parameter groups"):
        ds.optim.LBFGS([{"params": [p]}, {"params": [ds.nn.Parameter(ds.ones(1))]}])
