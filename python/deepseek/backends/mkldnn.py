"""deepseek.backends.mkldnn: oneDNN (formerly MKL-DNN), which runs deepseek's CPU GEMMs and
convolutions. It is a required dependency, so it is always available; `enabled` is kept
for scripts that read it (deepseek always uses oneDNN on CPU)."""

__all__ = ["is_available", "enabled"]

enabled = True


def is_available():
    return True
