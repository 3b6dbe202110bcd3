"""deepseek.amp: automatic mixed precision (autocast, see autocast_mode) and loss scaling
(GradScaler)."""
from deepseek.amp.autocast_mode import (  # noqa: F401
    autocast, custom_bwd, custom_fwd, is_autocast_available,
)
from deepseek.amp.grad_scaler import GradScaler, OptState  # noqa: F401

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
