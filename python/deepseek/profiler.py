"""torch.profiler, as far as it goes here: record_function marks a region (a no-op
annotation, so code that labels its regions runs); the profiler itself is not built yet
and says so."""
import contextlib

__all__ = ["record_function", "profile", "ProfilerActivity"]


class record_function(contextlib.ContextDecorator):
    def __init__(self, name, args=None):
        self.name, self.args = name, args

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class ProfilerActivity:
    CPU = "CPU"
    CUDA = "CUDA"


class profile:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("torch.profiler.profile: deepseek has no profiler yet; "
                                  "time regions with time.perf_counter, or set "
                                  "DEEPSEEK_LOG_LEVEL=debug to see which kernels ops choose")
