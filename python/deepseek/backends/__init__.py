"""deepseek.backends: what the compute backends offer and the switches scripts set on them,
laid out as torch.backends is (cpu, cuda, cudnn, mkldnn, mps, openmp)."""
from deepseek.backends import cpu, cuda, cudnn, mkldnn, mps, openmp  # noqa: F401
