"""deepseek.distributed: the names of torch.distributed, without process groups yet.

Single-process scripts import these names at the top (nanoGPT's train.py does) and only
call them when launched with several processes. So the module imports, and answers the
questions a single process asks truthfully: is_available() and is_initialized() are
False, and is_torchelastic_launched() reads the environment as torch does. Everything
that needs a process group raises: init_process_group with NotImplementedError, and the
queries and collectives with PyTorch's RuntimeError for a process group that was never
initialized.
"""
import os
from enum import Enum

__all__ = [
    "is_available", "is_initialized", "is_nccl_available", "is_gloo_available",
    "is_mpi_available", "is_torchelastic_launched", "init_process_group",
    "destroy_process_group", "get_rank", "get_world_size", "get_backend", "new_group",
    "barrier", "all_reduce", "reduce", "broadcast", "all_gather", "all_gather_into_tensor",
    "reduce_scatter", "reduce_scatter_tensor", "gather", "scatter", "all_to_all", "send",
    "recv", "isend", "irecv", "all_gather_object", "broadcast_object_list", "ReduceOp",
    "Backend", "group", "GroupMember",
]

UNAVAILABLE = "distributed training is not available in this build of deepseek yet"
_NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to "
                    f"call init_process_group. ({UNAVAILABLE})")


def is_available():
    """False: deepseek has no process groups yet."""
    return False


def is_initialized():
    """False: no default process group can exist."""
    return False


def is_nccl_available():
    return False


def is_gloo_available():
    return False


def is_mpi_available():
    return False


def is_torchelastic_launched():
    """True when this process was started by torchrun / torchelastic (it sets
    TORCHELASTIC_RUN_ID), exactly as torch decides it."""
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    raise NotImplementedError(f"init_process_group: {UNAVAILABLE}")


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, **kwargs):
    raise NotImplementedError(f"new_group: {UNAVAILABLE}")


def _requires_process_group(name):
    def needs_group(*args, **kwargs):
        raise RuntimeError(_NOT_INITIALIZED)
    needs_group.__name__ = needs_group.__qualname__ = name
    needs_group.__doc__ = (f"torch.distributed.{name}: raises RuntimeError, since no process "
                           "group can be initialized.")
    return needs_group


destroy_process_group = _requires_process_group("destroy_process_group")
get_rank = _requires_process_group("get_rank")
get_world_size = _requires_process_group("get_world_size")
get_backend = _requires_process_group("get_backend")
barrier = _requires_process_group("barrier")
all_reduce = _requires_process_group("all_reduce")
reduce = _requires_process_group("reduce")
broadcast = _requires_process_group("broadcast")
all_gather = _requires_process_group("all_gather")
all_gather_into_tensor = _requires_process_group("all_gather_into_tensor")
reduce_scatter = _requires_process_group("reduce_scatter")
reduce_scatter_tensor = _requires_process_group("reduce_scatter_tensor")
gather = _requires_process_group("gather")
scatter = _requires_process_group("scatter")
all_to_all = _requires_process_group("all_to_all")
send = _requires_process_group("send")
recv = _requires_process_group("recv")
isend = _requires_process_group("isend")
irecv = _requires_process_group("irecv")
all_gather_object = _requires_process_group("all_gather_object")
broadcast_object_list = _requires_process_group("broadcast_object_list")


class ReduceOp(Enum):
    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"
    BAND = "band"
    BOR = "bor"
    BXOR = "bxor"


class Backend(str):
    """Backend names as torch spells them (Backend("NCCL") == "nccl")."""
    GLOO = "gloo"
    NCCL = "nccl"
    MPI = "mpi"
    UNDEFINED = "undefined"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend name must be a string, but got: {name}")
        return super().__new__(cls, name.lower())


class GroupMember:
    """torch's placeholder groups: WORLD is None until init_process_group, which deepseek
    cannot run."""
    WORLD = None
    NON_GROUP_MEMBER = -100


class group:
    WORLD = None
