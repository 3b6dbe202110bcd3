"""DataLoader: batches from a dataset, in the main process or in worker processes.

With num_workers > 0, each worker is a separate process (forked by default, so the dataset
is inherited rather than pickled) that fetches and collates whole batches; batches come
back through a queue (tensors travel as numpy arrays, see _tensor_transport) and are
handed out in sampler order. A worker that dies makes the loader raise instead of hang;
an exception inside a worker is re-raised in the main process with its traceback.
pin_memory is accepted and has no effect (there is no pinned host memory on CPU builds).
"""
import atexit
import itertools
import multiprocessing
import multiprocessing.util  # registers multiprocessing's atexit hook before ours (below)
import queue
import time

from deepseek import _C
from deepseek.utils.data import _worker
from deepseek.utils.data._collate import default_collate, default_convert
from deepseek.utils.data._fetch import IterableDatasetFetcher, MapDatasetFetcher
from deepseek.utils.data._random import resolve_generator
from deepseek.utils.data.dataset import IterableDataset
from deepseek.utils.data.sampler import (
    BatchSampler, RandomSampler, Sampler, SequentialSampler,
)

_FROZEN_AFTER_INIT = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                      "persistent_workers")

# True once the interpreter has begun to exit. An iterator still alive then is finalized
# after multiprocessing's own atexit hook has terminated the (daemonic) workers; a worker
# killed while holding a lock shared with this process (the done event's) would make a
# normal shutdown wait forever, so the shutdown does nothing at that point. atexit runs
# hooks last-registered-first: this flag is set before multiprocessing's hook runs.
_interpreter_exiting = False


def _mark_interpreter_exiting():
    global _interpreter_exiting
    _interpreter_exiting = True


atexit.register(_mark_interpreter_exiting)


class _InfiniteConstantSampler(Sampler):
    """Index source for iterable datasets: the fetcher decides when the stream ends."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterates over batches of `dataset`; PyTorch's DataLoader arguments and rules."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False,
                 timeout=0, worker_init_fn=None, multiprocessing_context=None, generator=None,
                 *, prefetch_factor=2, persistent_workers=False, pin_memory_device=""):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                             "to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor != 2:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing.")
        if prefetch_factor <= 0:
            raise ValueError("prefetch_factor option should be positive")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self._is_iterable = isinstance(dataset, IterableDataset)

        if self._is_iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                     f"{name} option, but got {name}={value}")
        elif shuffle not in (None, False) and sampler is not None:
            raise ValueError("sampler option is mutually exclusive with shuffle")

        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")

        if sampler is None:
            if self._is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._iterator = None
        self.__initialized = True

    def __setattr__(self, name, value):
        if self.__dict__.get("_DataLoader__initialized") and name in _FROZEN_AFTER_INIT:
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def _make_fetcher(self):
        fetcher = IterableDatasetFetcher if self._is_iterable else MapDatasetFetcher
        return fetcher(self.dataset, self._auto_collation, self.collate_fn, self.drop_last)

    def _draw_base_seed(self):
        if self.generator is not None:
            return resolve_generator(self.generator)._random.getrandbits(62)
        return _C._randint(0, 1 << 62, [1], _C.int64, None, False).item()

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if not self.persistent_workers:
            return _MultiProcessIter(self)
        if self._iterator is None or self._iterator._shutdown:  # first epoch, or after an error
            self._iterator = _MultiProcessIter(self)
        else:
            self._iterator._start_epoch()
        return self._iterator

    def __len__(self):
        if not self._is_iterable:
            return len(self._index_sampler)
        length = len(self.dataset)  # TypeError if the iterable dataset has no __len__
        if self.batch_size is not None:
            if self.drop_last:
                return length // self.batch_size
            return -(-length // self.batch_size)
        return length


class _BaseIter:
    def __init__(self, loader):
        self._loader = loader
        self._sampler_iter = iter(loader._index_sampler)
        self._num_yielded = 0

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def _next_index(self):
        return next(self._sampler_iter)

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        return data


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = loader._make_fetcher()

    def _next_data(self):
        return self._fetcher.fetch(self._next_index())  # StopIteration ends the epoch


class _MultiProcessIter(_BaseIter):
    """Keeps prefetch_factor batches per worker in flight and yields them in order."""

    def __init__(self, loader):
        super().__init__(loader)
        context = loader.multiprocessing_context
        if context is None:
            context = multiprocessing.get_context("fork")
        elif isinstance(context, str):
            context = multiprocessing.get_context(context)
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor * loader.num_workers
        self._timeout = loader.timeout
        self._persistent = loader.persistent_workers
        self._shutdown = False
        self._result_queue = context.Queue()
        self._done_event = context.Event()
        self._index_queues, self._workers = [], []
        base_seed = loader._draw_base_seed()
        for worker_id in range(self._num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()  # never block interpreter exit on our puts
            worker = context.Process(
                target=_worker.worker_loop,
                args=(loader._make_fetcher, loader._is_iterable, loader.dataset, index_queue,
                      self._result_queue, self._done_event, base_seed + worker_id,
                      loader.worker_init_fn, worker_id, self._num_workers),
                daemon=True)
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._epoch = 0
        self._reset_bookkeeping()

    def _reset_bookkeeping(self):
        self._send_idx = 0  # next task number to hand out
        self._rcvd_idx = 0  # next task number to yield
        self._task_info = {}  # task -> (worker,) while pending, (worker, data) once early
        self._tasks_outstanding = 0
        self._worker_active = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        for _ in range(self._prefetch):
            self._try_put_index()

    def _start_epoch(self):
        """Persistent workers: a new epoch reuses them after they confirm a clean restart."""
        self._sampler_iter = iter(self._loader._index_sampler)
        self._num_yielded = 0
        self._epoch += 1
        resume = _worker.ResumeIteration(self._epoch)
        for index_queue in self._index_queues:
            index_queue.put(resume)
        waiting = self._num_workers
        while waiting:
            # Whatever the previous epoch left behind arrives before the acknowledgements.
            _, data = self._get_data()
            if isinstance(data, _worker.ResumeIteration) and data.epoch == self._epoch:
                waiting -= 1
        self._reset_bookkeeping()

    def _try_put_index(self):
        if self._tasks_outstanding >= self._prefetch:
            return
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker_id = next(self._worker_cycle)
            if self._worker_active[worker_id]:
                break
        else:
            return  # every worker's stream has ended
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _get_data(self):
        """The next (task_idx, data) from any worker; raises if a worker died or timeout."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = _worker.STATUS_CHECK_INTERVAL
            if deadline is not None:
                wait = min(wait, max(deadline - time.monotonic(), 0.0))
            try:
                task_idx, payload = self._result_queue.get(timeout=wait)
                return task_idx, _worker.deserialize(payload)
            except queue.Empty:
                dead = [str(w.pid) for w in self._workers if not w.is_alive()]
                if dead:
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(dead)}) exited "
                                       "unexpectedly") from None
                if deadline is not None and time.monotonic() >= deadline:
                    self._shutdown_workers()
                    raise RuntimeError(
                        f"DataLoader timed out after {self._timeout} seconds") from None

    def _next_data(self):
        while True:
            # Skip tasks that will never be answered (their worker's stream has ended).
            while self._rcvd_idx < self._send_idx:
                info = self._task_info[self._rcvd_idx]
                if len(info) == 2 or self._worker_active[info[0]]:
                    break
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                return self._process(self._task_info.pop(self._rcvd_idx)[1])
            if self._shutdown:
                raise StopIteration
            task_idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if isinstance(data, _worker.IterableDatasetStopIteration):
                self._worker_active[data.worker_id] = False
                self._try_put_index()
                continue
            if task_idx != self._rcvd_idx:
                self._task_info[task_idx] += (data,)  # early: keep until its turn
                continue
            del self._task_info[task_idx]
            return self._process(data)

    def _process(self, data):
        self._rcvd_idx += 1
        self._try_put_index()
        if isinstance(data, _worker.ExceptionWrapper):
            data.reraise()
        return data

    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        if _interpreter_exiting:  # see _interpreter_exiting: multiprocessing cleans up
            return
        self._done_event.set()
        for index_queue in self._index_queues:
            try:
                index_queue.put(None)
            except (OSError, ValueError):
                pass
        for worker in self._workers:
            worker.join(timeout=2 * _worker.STATUS_CHECK_INTERVAL)
        for worker in self._workers:
            if worker.is_alive():
                worker.terminate()
                worker.join()
        for q in self._index_queues + [self._result_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        if getattr(self, "_workers", None) is not None:
            self._shutdown_workers()
