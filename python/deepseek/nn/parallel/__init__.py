"""deepseek.nn.parallel: DataParallel (its single-device form) and DistributedDataParallel
(importable; constructing it raises until deepseek has process groups)."""
from deepseek.nn.parallel.data_parallel import DataParallel  # noqa: F401
from deepseek.nn.parallel.distributed import DistributedDataParallel  # noqa: F401

__all__ = ["DataParallel", "DistributedDataParallel"]
