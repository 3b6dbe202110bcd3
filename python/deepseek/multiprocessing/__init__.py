"""torch.multiprocessing: Python's multiprocessing (tensors cross process boundaries through
deepseek's registered reducers, as in DataLoader workers) plus spawn()."""
import multiprocessing
from multiprocessing import *  # noqa: F401,F403  (the standard API, as torch re-exports it)

__all__ = ["spawn", "start_processes", "ProcessRaisedException", "ProcessExitedException"]
__all__ += multiprocessing.__all__


class ProcessExitedException(Exception):
    def __init__(self, msg, error_index, error_pid, exit_code):
        super().__init__(msg)
        self.error_index, self.pid, self.exit_code = error_index, error_pid, exit_code


class ProcessRaisedException(ProcessExitedException):
    pass


class ProcessContext:
    def __init__(self, processes):
        self.processes = processes

    def pids(self):
        return [p.pid for p in self.processes]

    def join(self, timeout=None):
        """Waits for every process; raises if one failed. True when all have finished."""
        for p in self.processes:
            p.join(timeout)
        for i, p in enumerate(self.processes):
            if p.exitcode not in (0, None):
                for other in self.processes:
                    if other.is_alive():
                        other.terminate()
                raise ProcessExitedException(f"process {i} terminated with exit code "
                                             f"{p.exitcode}", i, p.pid, p.exitcode)
        return all(p.exitcode is not None for p in self.processes)


def _wrap(fn, i, args):
    fn(i, *args)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Runs fn(i, *args) in nprocs processes, i = 0 .. nprocs - 1."""
    context = multiprocessing.get_context(start_method)
    processes = []
    for i in range(nprocs):
        process = context.Process(target=_wrap, args=(fn, i, args), daemon=daemon)
        process.start()
        processes.append(process)
    result = ProcessContext(processes)
    if not join:
        return result
    while not result.join():
        pass
    return None


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    return start_processes(fn, args, nprocs, join, daemon, start_method)
