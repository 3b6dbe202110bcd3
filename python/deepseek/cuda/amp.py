"""deepseek.cuda.amp: torch.cuda.amp's spellings of deepseek.amp with device "cuda"."""
from deepseek import _C
from deepseek.amp import autocast_mode as _autocast_mode
from deepseek.amp import grad_scaler as _grad_scaler
from deepseek.amp.autocast_mode import custom_bwd, custom_fwd  # noqa: F401

__all__ = ["autocast", "GradScaler", "custom_fwd", "custom_bwd"]


class autocast(_autocast_mode.autocast):
    """torch.cuda.amp.autocast(enabled=True, dtype=float16, cache_enabled=True): see
    deepseek.amp.autocast (without CUDA it warns and disables itself, as torch's does)."""

    def __init__(self, enabled=True, dtype=_C.float16, cache_enabled=True):
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(_grad_scaler.GradScaler):
    """torch.cuda.amp.GradScaler: deepseek.amp.GradScaler with device "cuda" (disabled, with
    a warning, where CUDA is not available)."""

    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        super().__init__("cuda", init_scale=init_scale, growth_factor=growth_factor,
                         backoff_factor=backoff_factor, growth_interval=growth_interval,
                         enabled=enabled)
