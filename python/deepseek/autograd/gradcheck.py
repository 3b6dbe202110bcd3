"""Numerical gradient checks, as torch.autograd.gradcheck / gradgradcheck.

gradcheck compares the Jacobian that backward computes (one backward pass per output
element) with central finite differences of the forward function. It is meant for float64
inputs: in float32 the finite differences are too noisy for the default tolerances.
"""
import warnings

import numpy as np

from deepseek import _C
from deepseek._C import Tensor
from deepseek.autograd.grad_mode import no_grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck/gradgradcheck when the analytical and numerical gradients differ."""


def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _differentiable_outputs(outputs):
    return [o for o in outputs if isinstance(o, Tensor) and o.requires_grad]


def _to_numpy(t):
    return np.array(t.detach().contiguous().to(_C.float64).numpy(), dtype=np.float64)


def _evaluate(fn, inputs):
    """Runs fn and returns every tensor output as a float64 array. Grad mode stays on: fn
    may itself differentiate (gradgradcheck's vjp does)."""
    outputs = _as_tuple(fn(*inputs))
    return [_to_numpy(o) for o in outputs if isinstance(o, Tensor)]


def _write(alias, index, value):
    with no_grad():
        alias[index] = value


def _numerical_jacobians(fn, inputs, diff_input_ids, eps):
    """jac[o][i] has shape (numel(output o), numel(input i)), by central differences.

    Each element is perturbed in place in the caller's tensor (through a detached alias),
    so strided and overlapping-view inputs are perturbed exactly where fn reads them.
    """
    base = _evaluate(fn, inputs)
    jac = [[np.zeros((b.size, inputs[i].numel())) for i in diff_input_ids] for b in base]
    for col, i in enumerate(diff_input_ids):
        alias = inputs[i].detach()
        for flat in range(alias.numel()):
            index = np.unravel_index(flat, tuple(alias.shape)) if alias.dim() else ()
            index = tuple(int(k) for k in index)
            original = alias[index].item()
            _write(alias, index, original + eps)
            plus = _evaluate(fn, inputs)
            _write(alias, index, original - eps)
            minus = _evaluate(fn, inputs)
            _write(alias, index, original)
            for o in range(len(base)):
                jac[o][col][:, flat] = ((plus[o] - minus[o]) / (2 * eps)).reshape(-1)
    return jac


def _one_hot(like, flat):
    g = np.zeros(like.numel(), dtype=np.float64)
    g[flat] = 1.0
    return _C.from_numpy(g.reshape(tuple(like.shape))).to(like.dtype)


def _vjp(outputs, diff_inputs, grad_outputs):
    from deepseek.autograd import grad
    return grad(outputs, diff_inputs, grad_outputs, retain_graph=True, allow_unused=True)


def _analytical_jacobians(outputs, tensor_outputs, diff_inputs, check_grad_dtypes):
    """jac[o][i] as in _numerical_jacobians, built one output element at a time."""
    jac = []
    for o, out in enumerate(tensor_outputs):
        rows = [np.zeros((out.numel(), x.numel())) for x in diff_inputs]
        jac.append(rows)
        if not out.requires_grad:
            continue  # a non-differentiable output: its Jacobian must be zero
        for flat in range(out.numel()):
            grads = _vjp([out], diff_inputs, [_one_hot(out, flat)])
            for i, (g, x) in enumerate(zip(grads, diff_inputs)):
                if g is None:
                    continue
                if tuple(g.shape) != tuple(x.shape):
                    raise GradcheckError(
                        f"Gradient for input {i} has shape {list(g.shape)}, expected "
                        f"{list(x.shape)}")
                if check_grad_dtypes and g.dtype != x.dtype:
                    raise GradcheckError(
                        f"Gradient for input {i} has dtype {g.dtype}, expected {x.dtype}")
                rows[i][flat, :] = _to_numpy(g).reshape(-1)
    return jac


def _check_reentrant(tensor_outputs, diff_inputs, analytical, nondet_tol):
    """A second backward with all-ones grad_outputs must agree with the Jacobian rows."""
    diff_outs = [(o, out) for o, out in enumerate(tensor_outputs) if out.requires_grad]
    if not diff_outs:
        return
    ones = [_C.from_numpy(np.ones(tuple(out.shape))).to(out.dtype) for _, out in diff_outs]
    grads = _vjp([out for _, out in diff_outs], diff_inputs, ones)
    for i, g in enumerate(grads):
        expected = sum(analytical[o][i].sum(axis=0) for o, _ in diff_outs)
        got = np.zeros_like(expected) if g is None else _to_numpy(g).reshape(-1)
        if not np.allclose(got, expected, rtol=1e-7, atol=1e-10 + nondet_tol):
            raise GradcheckError(
                f"Backward is not reentrant, i.e., running backward with same input and "
                f"grad_output multiple times gives different values for input {i}: "
                f"{got} vs {expected}")


_UNSUPPORTED_CHECKS = ("check_batched_grad", "check_forward_ad", "check_batched_forward_grad",
                       "fast_mode", "check_sparse_nnz")


def _reject_unsupported(options):
    for name, value in options.items():
        if name not in _UNSUPPORTED_CHECKS:
            raise TypeError(f"gradcheck() got an unexpected keyword argument '{name}'")
        if value:
            raise NotImplementedError(f"gradcheck: {name}=True is not supported")


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_grad_dtypes=False, check_undefined_grad=True,
              check_backward_ad=True, **options):
    """Checks the gradients of func at `inputs` against central finite differences.

    Only inputs that are tensors with requires_grad=True are checked; outputs that are not
    differentiable must have a zero numerical Jacobian. Returns True, or raises GradcheckError
    (returns False when raise_exception=False). check_undefined_grad needs no separate pass
    here: the engine hands every backward formula zeros for outputs nothing flowed into.
    PyTorch's batched, forward-mode and fast modes are accepted only when off.
    """
    _reject_unsupported(options)
    if not check_backward_ad:
        return True
    inputs = _as_tuple(inputs)
    diff_input_ids = [i for i, x in enumerate(inputs)
                      if isinstance(x, Tensor) and x.requires_grad]
    if not diff_input_ids:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    for i in diff_input_ids:
        if inputs[i].dtype != _C.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          f"point. This check will likely fail if all the inputs are not of "
                          f"double precision floating point.")
    diff_inputs = [inputs[i] for i in diff_input_ids]
    try:
        # Numerical first: perturbing the inputs in place bumps their version counters, which
        # would invalidate a graph recorded before.
        numerical = _numerical_jacobians(func, inputs, diff_input_ids, eps)
        outputs = _as_tuple(func(*inputs))
        tensor_outputs = [o for o in outputs if isinstance(o, Tensor)]
        analytical = _analytical_jacobians(outputs, tensor_outputs, diff_inputs,
                                           check_grad_dtypes)
        for o in range(len(tensor_outputs)):
            for col, i in enumerate(diff_input_ids):
                a, n = analytical[o][col], numerical[o][col]
                if not np.allclose(a, n, rtol=rtol, atol=atol):
                    raise GradcheckError(
                        f"Jacobian mismatch for output {o} with respect to input {i},\n"
                        f"numerical:{n}\nanalytical:{a}\n"
                        f"max abs difference: {np.abs(a - n).max()}")
        _check_reentrant(tensor_outputs, diff_inputs, analytical, nondet_tol)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _random_grad_output(rng, like, non_contiguous):
    values = rng.standard_normal(tuple(like.shape))
    if non_contiguous and like.dim() >= 2:
        # Same values, laid out transposed in memory.
        t = _C.from_numpy(np.ascontiguousarray(values.swapaxes(-1, -2))).to(like.dtype)
        return t.transpose(-1, -2).detach().requires_grad_()
    return _C.from_numpy(values).to(like.dtype).requires_grad_()


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, nondet_tol=0.0, check_grad_dtypes=False,
                  check_undefined_grad=True, gen_non_contig_grad_outputs=False, **options):
    """Checks second derivatives: gradcheck of (inputs, grad_outputs) -> vjp(func).

    The vjp is built with create_graph=True, so this checks that every backward formula on
    the path is itself differentiable and correct. Random float64 grad_outputs are drawn
    when none are given.
    """
    from deepseek.autograd import grad
    _reject_unsupported(options)
    inputs = _as_tuple(inputs)
    diff_input_ids = [i for i, x in enumerate(inputs)
                      if isinstance(x, Tensor) and x.requires_grad]
    if grad_outputs is None:
        outputs = _differentiable_outputs(_as_tuple(func(*inputs)))
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_random_grad_output(rng, o, gen_non_contig_grad_outputs)
                             for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    n_inputs = len(inputs)

    def vjp_func(*args):
        ins, gos = args[:n_inputs], args[n_inputs:]
        outs = _differentiable_outputs(_as_tuple(func(*ins)))
        grads = grad(outs, [ins[i] for i in diff_input_ids], list(gos), create_graph=True,
                     allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(vjp_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_grad_dtypes=check_grad_dtypes)
