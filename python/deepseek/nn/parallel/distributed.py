"""DistributedDataParallel: importable so that scripts which import it at the top run in a
single process; constructing one raises, since deepseek has no process groups yet."""
from deepseek.distributed import UNAVAILABLE
from deepseek.nn.modules.module import Module


class DistributedDataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=True, process_group=None, bucket_cap_mb=None,
                 find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, **kwargs):
        raise NotImplementedError(f"DistributedDataParallel: {UNAVAILABLE}; train in one "
                                  "process without the wrapper")
