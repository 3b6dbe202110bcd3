"""deepseek.utils.data: datasets, samplers and the DataLoader, with PyTorch's API."""
from deepseek.utils.data import _tensor_transport
from deepseek.utils.data._collate import default_collate, default_convert  # noqa: F401
from deepseek.utils.data._worker import get_worker_info  # noqa: F401
from deepseek.utils.data.dataloader import DataLoader  # noqa: F401
from deepseek.utils.data.dataset import (  # noqa: F401
    ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split,
)
from deepseek.utils.data.sampler import (  # noqa: F401
    BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
    WeightedRandomSampler,
)
from deepseek.utils.data import datasets  # noqa: F401
from deepseek.utils.data.distributed import DistributedSampler  # noqa: F401
from deepseek.utils.data import distributed  # noqa: F401

_tensor_transport.register()
