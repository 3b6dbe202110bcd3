"""LRScheduler, the base of the epoch-driven schedulers: the first step at construction,
step()/step(epoch), state_dicts, and the warnings about calling it before optimizer.step()."""
import warnings
import weakref
from functools import wraps

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
    "where possible. Please use `scheduler.step()` to step the scheduler. During the "
    "deprecation, if epoch is different from None, the closed form is used instead of the "
    "new chainable form, where available.")

_GET_LR_WARNING = "To get the last learning rate computed by the scheduler, please use " \
                  "`get_last_lr()`."


def _check_optimizer(optimizer):
    groups = getattr(optimizer, "param_groups", None)
    if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def _count_optimizer_steps(optimizer):
    """Wraps optimizer.step so that it counts its calls (to warn about a wrong call order)."""
    step = getattr(optimizer, "step", None)
    if step is None or getattr(step, "_with_counter", False) or \
            not hasattr(step, "__self__"):
        return
    owner = weakref.ref(step.__self__)
    func = step.__func__

    @wraps(func)
    def counted_step(*args, **kwargs):
        instance = owner()
        instance._step_count += 1
        return func.__get__(instance, type(instance))(*args, **kwargs)
    counted_step._with_counter = True
    optimizer.step = counted_step


class LRScheduler:
    """Base class: subclasses define get_lr() (chainable) and optionally
    _get_closed_form_lr()."""

    def __init__(self, optimizer, last_epoch=-1, verbose=False):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError("param 'initial_lr' is not specified in "
                                   f"param_groups[{i}] when resuming an optimizer")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        _count_optimizer_steps(optimizer)
        self.verbose = verbose
        self._initial_step()

    def _initial_step(self):
        self.optimizer._step_count = 0
        self._step_count = 0
        self.step()

    def state_dict(self):
        """Everything but the optimizer."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)

    def get_last_lr(self):
        return self._last_lr

    def get_lr(self):
        raise NotImplementedError

    def print_lr(self, is_verbose, group, lr, epoch=None):
        if not is_verbose:
            return
        if epoch is None:
            print(f"Adjusting learning rate of group {group} to {lr:.4e}.")
        else:
            epoch_str = ("%.2f" if isinstance(epoch, float) else "%.5d") % epoch
            print(f"Epoch {epoch_str}: adjusting learning rate of group {group} to {lr:.4e}.")

    def _warn_about_call_order(self):
        step = getattr(self.optimizer, "step", None)
        if step is None:
            return
        if not hasattr(step, "_with_counter"):
            warnings.warn("Seems like `optimizer.step()` has been overridden after learning "
                          "rate scheduler initialization. Please, make sure to call "
                          "`optimizer.step()` before `lr_scheduler.step()`.", UserWarning)
        elif self.optimizer._step_count < 1:
            warnings.warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
                          "In PyTorch 1.1.0 and later, you should call them in the opposite "
                          "order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to "
                          "do this will result in PyTorch skipping the first value of the "
                          "learning rate schedule.", UserWarning)

    def step(self, epoch=None):
        if self._step_count == 1:
            self._warn_about_call_order()
        self._step_count += 1
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning)
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        self._set_lrs(values, epoch)

    def _set_lrs(self, values, epoch=None):
        """Writes the new lrs into the param groups (announcing them when verbose)."""
        for i, (group, lr) in enumerate(zip(self.optimizer.param_groups, values)):
            group["lr"] = lr
            self.print_lr(self.verbose, i, lr, epoch)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _warn_if_called_outside_step(self):
        if not getattr(self, "_get_lr_called_within_step", False):
            warnings.warn(_GET_LR_WARNING, UserWarning)

    def _group_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]
