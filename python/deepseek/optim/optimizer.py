"""Optimizer: PyTorch's param_groups / state / state_dict contract over fused C++ steps.

Each subclass gathers, per parameter group, the parameters that have a gradient and their
state tensors, reads the group's options afresh (so edits to param_groups and schedulers
take effect at once), and calls one fused multi-tensor update in deepseek._C.
"""
from collections import defaultdict
from copy import deepcopy
from itertools import chain

from deepseek import _C
from deepseek._C import Tensor
from deepseek.autograd.grad_mode import no_grad


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


# How PyTorch's messages name each hyperparameter ("Invalid learning rate: -1").
_HYPERPARAMETER_NAMES = {"lr": "learning rate", "eps": "epsilon value"}


def _check_hyperparameters(**values):
    """Raises PyTorch's ValueError for the first invalid value, in the order given: betas
    must lie in [0, 1), every other value must be >= 0 (an lr still `required` is skipped)."""
    for name, value in values.items():
        if name == "betas":
            for i, beta in enumerate(value):
                if not 0.0 <= beta < 1.0:
                    raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        elif value is not required and not 0.0 <= value:
            label = _HYPERPARAMETER_NAMES.get(name, f"{name} value")
            raise ValueError(f"Invalid {label}: {value}")


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {type(params).__name__}")
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)
        for p in param_group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        existing = set(map(id, chain.from_iterable(g["params"] for g in self.param_groups)))
        if any(id(p) in existing for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        _C._zero_grad([p for group in self.param_groups for p in group["params"]], set_to_none)

    def step(self, closure=None):
        raise NotImplementedError(f"{type(self).__name__} does not implement step()")

    def _closure_loss(self, closure):
        if closure is None:
            return None
        prev = _C.is_grad_enabled()
        _C._set_grad_enabled(True)
        try:
            return closure()
        finally:
            _C._set_grad_enabled(prev)

    def state_dict(self):
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state = {index[id(p)]: v for p, v in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        state_dict = deepcopy_groups(state_dict)
        groups, saved_groups = self.param_groups, state_dict["param_groups"]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = {old: p for old, p in zip(chain.from_iterable(g["params"] for g in saved_groups),
                                           chain.from_iterable(g["params"] for g in groups))}
        self.state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            key = int(key)
            if key not in id_map:
                continue
            param = id_map[key]
            self.state[param] = {k: _cast_state(param, k, v) for k, v in value.items()}
        for group, saved in zip(groups, saved_groups):
            saved = dict(saved)
            saved["params"] = group["params"]
            group.clear()
            group.update(saved)

    def __repr__(self):
        lines = [self.__class__.__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)


def deepcopy_groups(state_dict):
    """Copies the plain parts of a state dict; tensors are shared, not copied."""
    return {"state": dict(state_dict["state"]),
            "param_groups": [deepcopy(dict(g)) for g in state_dict["param_groups"]]}


def _cast_state(param, key, value):
    if not isinstance(value, Tensor):
        return value
    if key == "step":
        return value.detach().clone()
    return value.detach().to(device=param.device, dtype=param.dtype, copy=True)


def _params_with_grad(group):
    params, grads = [], []
    for p in group["params"]:
        if p.grad is None:
            continue
        if p.grad.is_sparse if hasattr(p.grad, "is_sparse") else False:
            raise RuntimeError("sparse gradients are not supported")
        params.append(p)
        grads.append(p.grad)
    return params, grads


def _bump_step(state):
    from deepseek._factories import tensor
    if "step" not in state:
        state["step"] = tensor(0.0)
    state["step"] += 1
    return float(state["step"].item())


class _TensorOpOptimizer(Optimizer):
    """Base of the optimizers whose step is written in deepseek tensor ops rather than a
    fused kernel (Adadelta, Adamax, NAdam, RAdam): step() runs the subclass's
    _update_group(group) on every group without recording a graph. Such a step cannot be
    differentiated through, so differentiable=True raises."""

    def __init__(self, params, defaults):
        if defaults.get("differentiable"):
            raise NotImplementedError(
                f"{type(self).__name__}: differentiable=True is not supported")
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                self._update_group(group)
        return loss

    def _update_group(self, group):
        raise NotImplementedError

    @staticmethod
    def _effective_grad(group, p, grad):
        """The gradient an update starts from: negated if maximize, plus weight_decay * p
        (L2); with decoupled_weight_decay, p itself shrinks by lr * weight_decay instead."""
        if group["maximize"]:
            grad = -grad
        wd = group["weight_decay"]
        if wd != 0:
            if group.get("decoupled_weight_decay", False):
                p.mul_(1 - group["lr"] * wd)
            else:
                grad = grad.add(p, alpha=wd)
        return grad
