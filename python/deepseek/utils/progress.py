"""A small progress bar for training loops.

    for images, labels in (bar := progress(loader, desc="epoch 1")):
        ...
        bar.set_postfix(loss=loss.item())

On a terminal the bar is redrawn in place (at most ~10 times a second) with the count,
elapsed and remaining time, throughput in items per second and the postfix values. When
the output is not a terminal (a CI log, a pipe, a file) it prints one plain line each
time another `log_every` percent of `total` is done (or only a final line when the total
is unknown), so logs stay short.

An "item" is one sample: for a batch that is a tensor, or a tuple/list/dict whose first
tensor has a leading dimension, the leading dimension is counted; anything else counts
as one. Pass `items=` (a function of the batch) to count differently.
"""
import math
import os
import sys
import time

__all__ = ["progress"]

_BAR_WIDTH = 24
_REDRAW_SECONDS = 0.1


def _leading_dim(batch):
    """Samples in a batch: the first tensor's leading dimension, else 1."""
    if isinstance(batch, dict):
        batch = next(iter(batch.values()), None)
    elif isinstance(batch, (tuple, list)) and batch:
        batch = batch[0]
    shape = getattr(batch, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) > 0 else 1


def _clock(seconds):
    if seconds is None or not math.isfinite(seconds):
        return "?"
    seconds = int(seconds)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def _format_value(value):
    if hasattr(value, "item"):  # a 0-dim tensor
        value = value.item()
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


class progress:
    """progress(iterable, desc="", total=None, unit="items", file=sys.stderr, log_every=10,
    items=None, disable=False): iterate `iterable` and report progress.

    total: number of iterations (defaults to len(iterable) when it has one).
    unit: what an item is called in the throughput ("img", "tok", ...).
    log_every: percent of `total` between two lines when the output is not a terminal.
    items: function batch -> number of items (default: the batch's leading dimension).
    disable: iterate silently.
    """

    def __init__(self, iterable, desc="", total=None, unit="items", file=None, log_every=10,
                 items=None, disable=False):
        if total is None and hasattr(iterable, "__len__"):
            total = len(iterable)
        if not 0 < log_every <= 100:
            raise ValueError(f"progress: log_every must be in (0, 100], got {log_every}")
        self.iterable = iterable
        self.desc = desc
        self.total = total
        self.unit = unit
        self.file = sys.stderr if file is None else file
        self.log_every = log_every
        self.count_items = _leading_dim if items is None else items
        self.disable = disable
        self.postfix = {}
        self.n = 0
        self.items = 0
        isatty = getattr(self.file, "isatty", None)
        self.interactive = bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
        self._start = None
        self._last_draw = 0.0
        self._next_log = self.log_every
        self._closed = False

    def __len__(self):
        if self.total is None:
            raise TypeError("progress: the length of this iterable is unknown")
        return self.total

    def __iter__(self):
        self._start = time.perf_counter()
        try:
            for batch in self.iterable:
                yield batch
                self.n += 1
                self.items += self.count_items(batch)
                self._report()
        finally:
            self.close()

    def set_postfix(self, **values):
        """Values shown after the throughput, e.g. set_postfix(loss=0.41, lr=3e-4)."""
        self.postfix = values

    def write(self, message, file=None):
        """Prints a line to `file` (default stdout) without breaking the bar: the bar is
        cleared first and redrawn at the next update."""
        if self.interactive and not self._closed:
            self.file.write("\r\x1b[K")
            self.file.flush()
        print(message, file=sys.stdout if file is None else file, flush=True)
        self._last_draw = 0.0

    def close(self):
        """Writes the final state once (a newline ends the in-place bar)."""
        if self._closed or self.disable:
            self._closed = True
            return
        self._closed = True
        if self._start is None:
            return
        self.file.write(("\r" if self.interactive else "") + self._line() + "\n")
        self.file.flush()

    def _report(self):
        if self.disable:
            return
        if self.interactive:
            now = time.perf_counter()
            if now - self._last_draw >= _REDRAW_SECONDS:
                self._last_draw = now
                self.file.write("\r" + self._line() + "\x1b[K")
                self.file.flush()
        elif self.total and self.n < self.total:
            percent = 100.0 * self.n / self.total
            if percent >= self._next_log:
                while self._next_log <= percent:
                    self._next_log += self.log_every
                self.file.write(self._line() + "\n")
                self.file.flush()

    def _line(self):
        elapsed = time.perf_counter() - self._start
        rate = self.items / elapsed if elapsed > 0 else 0.0
        parts = [self.desc] if self.desc else []
        if self.total:
            fraction = min(self.n / self.total, 1.0)
            remaining = elapsed * (self.total - self.n) / self.n if self.n else None
            if self.interactive:
                filled = int(round(fraction * _BAR_WIDTH))
                bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
                parts.append(f"{100 * fraction:3.0f}%|{bar}|")
            else:
                parts.append(f"{100 * fraction:3.0f}%")
            width = len(str(self.total))
            parts.append(f"{self.n:{width}d}/{self.total}")
            parts.append(f"[{_clock(elapsed)}<{_clock(remaining)}]")
        else:
            parts.append(f"{self.n} it [{_clock(elapsed)}]")
        parts.append(f"{rate:,.0f} {self.unit}/s")
        parts += [f"{key}={_format_value(value)}" for key, value in self.postfix.items()]
        return "  ".join(parts)
