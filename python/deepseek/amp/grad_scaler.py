"""GradScaler: dynamic loss scaling for training with float16 gradients, as torch's.

The usual loop
    scaler.scale(loss).backward()   # gradients of loss * scale
    scaler.unscale_(optimizer)      # optional: divides the grads by the scale in place
    scaler.step(optimizer)          # unscales if needed; skips the step if a grad is inf/nan
    scaler.update()                 # backoff after a skipped step, growth after
                                    # growth_interval clean steps in a row
behaves exactly as PyTorch's, with the same errors for misuse. The scale is a float32
tensor of shape [1] on the device of the first scaled output; the inf/nan check and the
unscale are ordinary tensor ops (deepseek has no fused kernel for them), and update()
reads the check's result on the host.

GradScaler(device="cuda") where CUDA is not available warns and disables itself, as
PyTorch does; a disabled scaler passes everything through (scale(x) is x, step() is
optimizer.step()). GradScaler(device="cpu") works on CPU tensors.
"""
import warnings
from collections import abc, defaultdict
from enum import Enum

import numpy as np

from deepseek import _C
from deepseek._factories import tensor, zeros
from deepseek.autograd.grad_mode import no_grad

__all__ = ["GradScaler", "OptState"]


class OptState(Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _fresh_optimizer_state():
    return {"stage": OptState.READY, "found_inf_per_device": {}}


class GradScaler:
    def __init__(self, device="cuda", init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        self._device = device if isinstance(device, str) else str(device)
        on_cuda = self._device.split(":")[0] == "cuda"
        if enabled and on_cuda and _C._cuda.device_count() == 0:
            warnings.warn("GradScaler is enabled, but CUDA is not available.  Disabling.")
            enabled = False
        self._enabled = bool(enabled)
        if self._enabled:
            if not growth_factor > 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if not backoff_factor < 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
        self._init_scale = init_scale
        self._scale = None
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval
        self._init_growth_tracker = 0
        self._growth_tracker = None
        self._per_optimizer_states = defaultdict(_fresh_optimizer_state)

    # ---- the training-loop API

    def scale(self, outputs):
        """outputs * scale for a tensor, or for every tensor in a (nested) list/tuple/iterable;
        outputs itself when disabled."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, _C.Tensor):
            if self._scale is None:
                self._lazy_init(outputs.device)
            return outputs * self._scale.to(outputs.device)
        per_device = {}

        def apply(value):
            if isinstance(value, _C.Tensor):
                if self._scale is None:
                    self._lazy_init(value.device)
                if value.device not in per_device:
                    per_device[value.device] = self._scale.to(value.device)
                return value * per_device[value.device]
            if isinstance(value, abc.Iterable):
                scaled = map(apply, value)
                return type(value)(scaled) if isinstance(value, (list, tuple)) else scaled
            raise ValueError("outputs must be a Tensor or an iterable of Tensors")

        return apply(outputs)

    def unscale_(self, optimizer):
        """Divides optimizer's gradients by the scale, in place, recording whether any is
        inf/nan. At most once per optimizer between update()s, and before step()."""
        if not self._enabled:
            return
        self._check_initialized("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the "
                               "last update().")
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        # The reciprocal in float64, rounded once to float32, as torch does.
        inv_scale = tensor([1.0 / self._scale.item()], dtype=_C.float32)
        state["found_inf_per_device"] = self._unscale_grads(optimizer, inv_scale, False)
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """Unscales (unless unscale_ already did) and runs optimizer.step(*args, **kwargs)
        unless a gradient is inf/nan; returns what optimizer.step returned (None if skipped)."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is "
                               "enabled.")
        self._check_initialized("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if len(state["found_inf_per_device"]) == 0:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        result = None
        if not sum(found.item() for found in state["found_inf_per_device"].values()):
            result = optimizer.step(*args, **kwargs)
        state["stage"] = OptState.STEPPED
        return result

    def update(self, new_scale=None):
        """Ends the iteration: sets the scale to new_scale if given, else backs off (some
        step saw inf/nan) or counts a clean step and grows after growth_interval of them."""
        if not self._enabled:
            return
        self._check_initialized("update")
        if new_scale is not None:
            self._set_scale(new_scale)
        else:
            found_infs = [found.item() for state in self._per_optimizer_states.values()
                          for found in state["found_inf_per_device"].values()]
            if len(found_infs) == 0:
                raise AssertionError("No inf checks were recorded prior to update.")
            self._update_scale(sum(found_infs) > 0)
        self._per_optimizer_states = defaultdict(_fresh_optimizer_state)

    # ---- queries and settings

    def is_enabled(self):
        return self._enabled

    def get_scale(self):
        """The current scale as a float (1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return float(self._init_scale) if self._scale is None else self._scale.item()

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        if not self._enabled:
            return 0
        if self._growth_tracker is None:
            return self._init_growth_tracker
        return int(self._growth_tracker.item())

    def state_dict(self):
        """scale, growth_factor, backoff_factor, growth_interval and _growth_tracker; {} when
        disabled."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict):
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved "
                               "from a disabled instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale.fill_(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict["_growth_tracker"])

    # ---- internals

    def _lazy_init(self, device):
        self._scale = tensor([float(self._init_scale)], dtype=_C.float32).to(device)
        self._growth_tracker = tensor([int(self._init_growth_tracker)], dtype=_C.int32).to(device)

    def _check_initialized(self, funcname):
        fix = ("This may indicate your script did not use scaler.scale(loss or outputs) "
               "earlier in the iteration.")
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  " + fix)
        if self._growth_tracker is None:
            raise AssertionError(f"Attempted {funcname} but _growth_tracker is None.  " + fix)

    def _unscale_grads(self, optimizer, inv_scale, allow_fp16):
        """Multiplies every grad by inv_scale; returns {device: float32 [1] tensor, 1.0 where
        some grad on that device held an inf or nan}."""
        grads_by_device = defaultdict(list)
        for group in optimizer.param_groups:
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                if not allow_fp16 and grad.dtype == _C.float16:
                    raise ValueError("Attempting to unscale FP16 gradients.")
                grads_by_device[grad.device].append(grad)
        found_inf_per_device = {}
        with no_grad():
            for device, grads in grads_by_device.items():
                inv = inv_scale.to(device).reshape(())
                found = zeros(1, dtype=_C.float32).to(device)
                for grad in grads:
                    bad = _C.logical_not(_C.isfinite(grad)).any().to(_C.float32)
                    found = _C.maximum(found, bad)
                    grad.mul_(inv)
                found_inf_per_device[device] = found
        return found_inf_per_device

    def _update_scale(self, found_inf):
        scale = self._scale.item()
        if found_inf:
            self._scale.fill_(scale * self._backoff_factor)
            self._growth_tracker.fill_(0)
            return
        successful = int(self._growth_tracker.item()) + 1
        if successful == self._growth_interval:
            with np.errstate(over="ignore"):
                grown = np.float32(scale * self._growth_factor)
            if np.isfinite(grown):  # an overflowing scale is kept as it was
                self._scale.fill_(float(grown))
            self._growth_tracker.fill_(0)
        else:
            self._growth_tracker.fill_(successful)

    def _set_scale(self, new_scale):
        if isinstance(new_scale, float):
            self._scale.fill_(new_scale)
            return
        reason = ("new_scale should be a float or a 1-element FloatTensor with "
                  "requires_grad=False.")
        if not (isinstance(new_scale, _C.Tensor) and new_scale.dtype == _C.float32
                and new_scale.numel() == 1 and not new_scale.requires_grad):
            raise AssertionError(reason)
        self._scale.copy_(new_scale.reshape(1).to(self._scale.device))
