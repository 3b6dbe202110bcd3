"""What runs inside a DataLoader worker process, and the messages it exchanges.

Protocol (main -> worker on the worker's index queue): (task_idx, index) to fetch a batch,
ResumeIteration(epoch) to restart an iterable dataset's stream (persistent workers), None
to exit. Worker -> main on the shared result queue: (task_idx, pickled batch |
ExceptionWrapper | IterableDatasetStopIteration), or (None, pickled ResumeIteration) as
the acknowledgement.
"""
import os
import pickle
import queue
import random
import sys
import traceback
from dataclasses import dataclass
from multiprocessing.reduction import ForkingPickler

import numpy as np

from deepseek import _C

# How often a waiting worker checks that its parent is still alive (seconds).
STATUS_CHECK_INTERVAL = 0.5


class WorkerInfo:
    """id, num_workers, seed and dataset of the current worker (read-only)."""

    def __init__(self, **kwargs):
        for key, value in kwargs.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_keys", tuple(kwargs))

    def __setattr__(self, key, value):
        raise RuntimeError(f"Cannot assign attributes to {type(self).__name__} objects")

    def __repr__(self):
        fields = ", ".join(f"{k}={getattr(self, k)}" for k in self._keys)
        return f"{type(self).__name__}({fields})"


_worker_info = None


def get_worker_info():
    """In a DataLoader worker: its WorkerInfo (dataset is the worker's own copy).
    In the main process: None."""
    return _worker_info


@dataclass(frozen=True)
class IterableDatasetStopIteration:
    worker_id: int


@dataclass(frozen=True)
class ResumeIteration:
    epoch: int


class _KeyErrorMessage(str):
    """KeyError repr()s its argument; this keeps a multi-line message readable."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception caught in a worker, re-raised in the main process with its traceback."""

    def __init__(self, exc_info, where):
        exc_type = exc_info[0]
        try:
            # Classes pickle by reference: a local exception class cannot cross over.
            pickle.dumps(exc_type)
            self.exc_type = exc_type
        except Exception:  # noqa: BLE001
            self.exc_type = RuntimeError
        self.exc_type_name = exc_type.__name__
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except TypeError:
            raise RuntimeError(msg) from None
        raise exception


def _serialize(data, worker_id):
    """Pickles here, in the worker's own thread: multiprocessing.Queue would pickle in a
    background thread that only prints a failure, and the main process would wait forever
    for a batch that is never sent."""
    try:
        return bytes(ForkingPickler.dumps(data))
    except Exception:  # noqa: BLE001  (e.g. a batch holding an unpicklable object)
        error = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
        return bytes(ForkingPickler.dumps(error))


def deserialize(payload):
    return pickle.loads(payload)


def _limit_worker_threads():
    """One compute thread per worker, as PyTorch's workers do: the workers already run in
    parallel, and GNU OpenMP cannot run a parallel region in a process forked from a parent
    whose OpenMP thread pool exists (it hangs)."""
    import deepseek
    deepseek.set_num_threads(1)


def _seed_everything(seed):
    random.seed(seed)
    _C.manual_seed(seed)
    np.random.seed(seed % (1 << 32))


def worker_loop(make_fetcher, is_iterable, dataset, index_queue, result_queue, done_event,
                seed, init_fn, worker_id, num_workers):
    global _worker_info
    try:
        _limit_worker_threads()
        _seed_everything(seed)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        init_error = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = make_fetcher()
        except Exception:  # noqa: BLE001  (reported to the main process on the first task)
            init_error = ExceptionWrapper(sys.exc_info(),
                                          f"in DataLoader worker process {worker_id}")
        stream_ended = False
        parent = os.getppid()
        while True:
            try:
                message = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                if os.getppid() != parent:
                    break  # the main process died: nobody will read our results
                continue
            if message is None:
                break
            if isinstance(message, ResumeIteration):
                stream_ended = False
                if init_error is None:
                    fetcher = make_fetcher()
                result_queue.put((None, _serialize(message, worker_id)))
                continue
            if done_event.is_set() or stream_ended:
                continue
            task_idx, index = message
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not is_iterable:
                        data = ExceptionWrapper(sys.exc_info(),
                                                f"in DataLoader worker process {worker_id}")
                    else:
                        data = IterableDatasetStopIteration(worker_id)
                        stream_ended = True
                except Exception:  # noqa: BLE001  (re-raised in the main process)
                    data = ExceptionWrapper(sys.exc_info(),
                                            f"in DataLoader worker process {worker_id}")
            result_queue.put((task_idx, _serialize(data, worker_id)))
            del data
    except KeyboardInterrupt:
        pass  # the main process gets the interrupt too and shuts the workers down
    if done_event.is_set():
        # Results nobody will read must not keep this process alive at exit.
        result_queue.cancel_join_thread()
        result_queue.close()
