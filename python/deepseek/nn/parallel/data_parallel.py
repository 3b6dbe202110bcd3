"""DataParallel: torch's single-process wrapper, in the two cases that use one device.

Without CUDA it holds the module and forwards every call to it unchanged (torch does
exactly that when no GPU is available). With one CUDA device it moves the module there at
construction, checks on each call that the parameters and buffers are still there, moves
tensor arguments (also inside lists, tuples and dicts) to it and returns the module's
output, again as torch does. Replicating the module over several GPUs is not implemented:
device_ids naming more than one device (the default on a multi-GPU machine) raises.
The wrapped module is `.module`, so state_dict keys start with "module.".
"""
from deepseek import _C
from deepseek import cuda as _cuda
from deepseek.nn.modules.module import Module


class DataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.dim = dim
        if not _cuda.is_available():
            self.device_ids = []
            self.output_device = None
            return
        if device_ids is None:
            device_ids = list(range(_cuda.device_count()))
        device_ids = [_index(d) for d in device_ids]
        if len(device_ids) > 1:
            raise NotImplementedError(
                f"DataParallel over several GPUs (device_ids={device_ids}) is not available in "
                "deepseek yet; pass one device (device_ids=[0]) or move the model to it "
                "without the wrapper")
        if not device_ids:
            raise ValueError("DataParallel: device_ids is empty")
        self.device_ids = device_ids
        self.output_device = device_ids[0] if output_device is None else _index(output_device)
        self.src_device_obj = _C.device(f"cuda:{device_ids[0]}")
        self.module.to(self.src_device_obj)

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        for t in list(self.module.parameters()) + list(self.module.buffers()):
            if t.device != self.src_device_obj:
                raise RuntimeError(
                    f"module must have its parameters and buffers on device "
                    f"{self.src_device_obj} (device_ids[0]) but found one of them on device: "
                    f"{t.device}")
        inputs = _to_device(inputs, self.src_device_obj)
        kwargs = _to_device(kwargs, self.src_device_obj)
        return self.module(*inputs, **kwargs)


def _index(device):
    if isinstance(device, int):
        return device
    device = _C.device(device) if isinstance(device, str) else device
    if device.type != "cuda":
        raise ValueError(f"DataParallel: expected a cuda device, got {device}")
    return 0 if device.index is None else device.index


def _to_device(obj, device):
    if isinstance(obj, _C.Tensor):
        return obj.to(device)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # namedtuple
        return type(obj)(*(_to_device(v, device) for v in obj))
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_device(v, device) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((k, _to_device(v, device)) for k, v in obj.items())
    return obj
