"""deepseek.amp: loss scaling (GradScaler, fully implemented) and autocast (only its
disabled form: deepseek has no automatic mixed precision yet, see autocast_mode)."""
from deepseek.amp.autocast_mode import (  # noqa: F401
    autocast, custom_bwd, custom_fwd, is_autocast_available,
)
from deepseek.amp.grad_scaler import GradScaler, OptState  # noqa: F401

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
