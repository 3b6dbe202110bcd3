"""Checks a deepseek.nn.functional op against torch 1.13's on the same inputs: forward
values and, with one random output gradient, the gradient of every input (float64: 1e-7,
float32: 1e-5 relative). Used by test_nn_functional.py and test_nn_functional_losses.py.
"""
import numpy as np
import torch

import deepseek

TOL = {"float64": dict(rtol=1e-7, atol=1e-9), "float32": dict(rtol=1e-5, atol=1e-5)}


def draw(rng, *shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, shape)


def both(array, dtype="float64", grad=True):
    """The same values as a deepseek and a torch tensor."""
    ours = deepseek.tensor(array, dtype=getattr(deepseek, dtype), requires_grad=grad)
    theirs = torch.tensor(array, dtype=getattr(torch, dtype), requires_grad=grad)
    return ours, theirs


def const(array):
    return deepseek.tensor(array), torch.tensor(array)


def compare(fn_ours, fn_theirs, inputs, dtype="float64", grads=True, tol=None):
    """Runs both functions on paired inputs; checks outputs and, with one random output
    gradient, the gradients of every input that requires grad."""
    tol = tol or TOL[dtype]
    ours = fn_ours(*[p[0] for p in inputs])
    theirs = fn_theirs(*[p[1] for p in inputs])
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().float().numpy() if dtype == "bfloat16"
                               else ours.detach().numpy(),
                               theirs.detach().float().numpy() if dtype == "bfloat16"
                               else theirs.detach().numpy(), **tol)
    if not grads:
        return
    seed = np.random.default_rng(7).standard_normal(tuple(theirs.shape))
    wrt = [i for i, p in enumerate(inputs) if getattr(p[1], "requires_grad", False)]
    g_ours = deepseek.autograd.grad(
        [ours], [inputs[i][0] for i in wrt],
        [deepseek.tensor(seed, dtype=ours.dtype)], allow_unused=True)
    g_theirs = torch.autograd.grad(
        [theirs], [inputs[i][1] for i in wrt], [torch.tensor(seed, dtype=theirs.dtype)],
        allow_unused=True)
    for i, a, b in zip(wrt, g_ours, g_theirs):
        np.testing.assert_allclose(a.float().numpy() if dtype == "bfloat16" else a.numpy(),
                                   b.float().numpy() if dtype == "bfloat16" else b.numpy(),
                                   err_msg=f"gradient of input {i}", **tol)


DTYPES = ["float64", "float32"]
