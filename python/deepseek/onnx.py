"""deepseek.onnx: importable so that scripts which `import torch.onnx` at the top run;
exporting is not implemented (deepseek records no graph that could be serialized)."""

__all__ = ["export", "is_in_onnx_export"]

_MESSAGE = ("deepseek cannot export ONNX models yet; save the weights with "
            "deepseek.save(model.state_dict(), path) instead")


def export(*args, **kwargs):
    """Always raises NotImplementedError: deepseek has no ONNX exporter."""
    raise NotImplementedError(_MESSAGE)


def dynamo_export(*args, **kwargs):
    raise NotImplementedError(_MESSAGE)


def is_in_onnx_export():
    """False: no export is ever running."""
    return False
