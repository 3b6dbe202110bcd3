"""Learning-rate schedulers with PyTorch 1.13's semantics, step for step.

A scheduler works with any optimizer-like object whose ``param_groups`` is a list of dicts
holding 'lr' (deepseek's optimizers, or a test double). Construction performs the first
step (last_epoch becomes 0 and the lrs take their epoch-0 values); each step() then
advances one epoch. The chainable update formulas are PyTorch's, in the same order
of floating-point operations, so the lr sequences agree to the last bit; step(epoch)
uses the closed forms, as PyTorch does.

The schedulers live in this package's modules (scheduler.py: the LRScheduler base;
epoch_formulas.py, composition.py, cyclic.py, one_cycle.py, plateau.py) and are all importable from
here, as from torch.optim.lr_scheduler.
"""
from deepseek.optim.lr_scheduler.composition import ChainedScheduler, SequentialLR
from deepseek.optim.lr_scheduler.cyclic import CosineAnnealingWarmRestarts, CyclicLR
from deepseek.optim.lr_scheduler.epoch_formulas import (
    ConstantLR, CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, MultiplicativeLR,
    MultiStepLR, PolynomialLR, StepLR,
)
from deepseek.optim.lr_scheduler.one_cycle import OneCycleLR
from deepseek.optim.lr_scheduler.plateau import ReduceLROnPlateau
from deepseek.optim.lr_scheduler.scheduler import (  # noqa: F401  (PyTorch exports the warning)
    EPOCH_DEPRECATION_WARNING, LRScheduler,
)

_LRScheduler = LRScheduler  # PyTorch's older name

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR",
           "ConstantLR", "LinearLR", "ExponentialLR", "SequentialLR", "CosineAnnealingLR",
           "ChainedScheduler", "ReduceLROnPlateau", "OneCycleLR", "PolynomialLR",
           "CosineAnnealingWarmRestarts", "CyclicLR"]
