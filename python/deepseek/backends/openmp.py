"""deepseek.backends.openmp: deepseek's CPU loops are parallelized with OpenMP, a required
dependency, so it is always available."""

__all__ = ["is_available"]


def is_available():
    return True
