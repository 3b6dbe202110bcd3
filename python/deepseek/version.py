"""torch.version: the package's version, and the CUDA version it was built with (None
without the CUDA backend)."""
from deepseek import _C

__version__ = "0.1.0"
debug = False
git_version = "Unknown"
hip = None
cuda = "13.0" if getattr(_C._cuda, "built", False) else None
