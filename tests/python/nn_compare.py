"""Compares a deepseek nn module with the torch 1.13 module of the same configuration: the
same weights (deepseek's state_dict loaded into torch), the same inputs, then forward values,
input gradients and parameter gradients (float64: 1e-7, float32: 1e-5 relative). Used by
test_nn_layers2.py and test_nn_sequence_layers.py.
"""
import numpy as np
import torch

import deepseek as ds
from deepseek import nn

TOL = {np.float64: 1e-7, np.float32: 1e-5}
DS_DTYPE = {np.float64: ds.float64, np.float32: ds.float32}
TORCH_DTYPE = {np.float64: torch.float64, np.float32: torch.float32}


def _flat(out):
    """Tensors of a (possibly nested) output, Nones dropped."""
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _flat(item)]
    return [] if out is None else [out]


def copy_into_torch(d_mod, t_mod, strict=True):
    """Loads deepseek's state_dict into the torch module (keys must match when strict)."""
    d_state = d_mod.state_dict()
    if strict:
        assert list(d_state.keys()) == list(t_mod.state_dict().keys())
    t_mod.load_state_dict({k: torch.tensor(v.numpy()) for k, v in d_state.items()},
                          strict=strict)


def compare_with_torch(d_mod, t_mod, arrays, dtype=np.float64, grad_inputs=None, call=None,
                       check_params=True):
    """Runs both modules on the same inputs (numpy arrays; those named in grad_inputs, by
    default every float array, require grad), compares every output, then backpropagates
    a fixed random weighting of the outputs and compares input and parameter gradients.
    Returns the deepseek and torch outputs."""
    tol = TOL[dtype]
    call = call or (lambda mod, *xs: mod(*xs))
    if grad_inputs is None:
        grad_inputs = [i for i, a in enumerate(arrays)
                       if a is not None and np.issubdtype(a.dtype, np.floating)]
    d_in, t_in = [], []
    for i, a in enumerate(arrays):
        if a is None:
            d_in.append(None)
            t_in.append(None)
            continue
        d_in.append(ds.tensor(a, requires_grad=i in grad_inputs))
        t_in.append(torch.tensor(a, requires_grad=i in grad_inputs))
    d_out, t_out = call(d_mod, *d_in), call(t_mod, *t_in)
    d_flat, t_flat = _flat(d_out), _flat(t_out)
    assert len(d_flat) == len(t_flat)
    rng = np.random.default_rng(99)
    d_loss, t_loss = 0, 0
    for d, t in zip(d_flat, t_flat):
        assert tuple(d.shape) == tuple(t.shape)
        np.testing.assert_allclose(d.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)
        if t.requires_grad:
            w = rng.standard_normal(tuple(t.shape)).astype(dtype)
            d_loss = d_loss + (d * ds.tensor(w)).sum()
            t_loss = t_loss + (t * torch.tensor(w)).sum()
    if isinstance(t_loss, int):
        return d_out, t_out
    d_loss.backward()
    t_loss.backward()
    for i in grad_inputs:
        np.testing.assert_allclose(d_in[i].grad.numpy(), t_in[i].grad.numpy(), rtol=tol,
                                   atol=tol)
    if check_params:
        t_params = dict(t_mod.named_parameters())
        for name, p in d_mod.named_parameters():
            if p.grad is None:
                assert t_params[name].grad is None or not t_params[name].grad.any(), name
                continue
            np.testing.assert_allclose(p.grad.numpy(), t_params[name].grad.numpy(), rtol=tol,
                                       atol=tol, err_msg=name)
    return d_out, t_out


def randn(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def pair(ctor, dtype=np.float64):
    """The same constructor call evaluated in deepseek.nn and torch.nn; deepseek's weights
    copied into torch."""
    d_mod = eval("nn." + ctor, {"nn": nn})
    t_mod = eval("nn." + ctor, {"nn": torch.nn})
    d_mod.to(DS_DTYPE[dtype])
    t_mod.to(TORCH_DTYPE[dtype])
    assert repr(d_mod) == repr(t_mod)
    copy_into_torch(d_mod, t_mod)
    return d_mod, t_mod
