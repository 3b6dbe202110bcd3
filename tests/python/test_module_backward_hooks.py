"""Module.register_full_backward_hook (and register_backward_hook) against PyTorch 1.13:
the hook sees grad_input and grad_output with torch's shapes and values, can replace
grad_input, and runs once per backward; handles remove it."""
import numpy as np
import torch

import deepseek as ds
import deepseek.nn as nn

RNG = np.random.default_rng(2)
X = RNG.standard_normal((4, 3))


def _record(lib, module, replace=False):
    seen = []

    def hook(mod, grad_input, grad_output):
        seen.append(([None if g is None else g.detach().numpy().copy() for g in grad_input],
                     [g.detach().numpy().copy() for g in grad_output]))
        if replace:
            return tuple(None if g is None else g * 10 for g in grad_input)
    return seen, module.register_full_backward_hook(hook)


def _pair():
    ours = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(),
                                 torch.nn.Linear(5, 2)).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return ours, theirs


def _same(a, b):
    assert len(a) == len(b)
    for (gi1, go1), (gi2, go2) in zip(a, b):
        assert len(gi1) == len(gi2) and len(go1) == len(go2)
        for u, v in zip(gi1 + go1, gi2 + go2):
            assert (u is None) == (v is None)
            if u is not None:
                np.testing.assert_allclose(u, v, rtol=1e-12)


def test_hooks_see_what_torch_hooks_see():
    ours, theirs = _pair()
    runs = []
    for lib, model in ((ds, ours), (torch, theirs)):
        seen_inner, _ = _record(lib, model[1])
        seen_outer, _ = _record(lib, model)
        x = lib.tensor(X, requires_grad=True)
        (model(x) ** 2).sum().backward()
        runs.append((seen_inner, seen_outer, x.grad.numpy()))
    _same(runs[0][0], runs[1][0])
    _same(runs[0][1], runs[1][1])
    np.testing.assert_allclose(runs[0][2], runs[1][2], rtol=1e-12)


def test_a_hook_can_replace_grad_input_and_be_removed():
    ours, theirs = _pair()
    grads = []
    for lib, model in ((ds, ours), (torch, theirs)):
        _, handle = _record(lib, model[1], replace=True)
        x = lib.tensor(X, requires_grad=True)
        (model(x) ** 2).sum().backward()
        grads.append(x.grad.numpy().copy())
        handle.remove()
        x.grad = None
        (model(x) ** 2).sum().backward()
        grads.append(x.grad.numpy().copy())
    np.testing.assert_allclose(grads[0], grads[2], rtol=1e-12)
    np.testing.assert_allclose(grads[1], grads[3], rtol=1e-12)
    assert not np.allclose(grads[0], grads[1])


def test_input_without_grad_gives_none_grad_input():
    ours, theirs = _pair()
    results = []
    for lib, model in ((ds, ours), (torch, theirs)):
        seen, _ = _record(lib, model[0])
        (model(lib.tensor(X)) ** 2).sum().backward()  # the input does not require grad
        results.append(seen)
    _same(results[0], results[1])
