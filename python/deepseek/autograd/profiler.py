"""torch.autograd.profiler: record_function (see deepseek.profiler)."""
from deepseek.profiler import profile, record_function  # noqa: F401
