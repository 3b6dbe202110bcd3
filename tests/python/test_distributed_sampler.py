"""utils.data.DistributedSampler: the replicas' shares cover the dataset (padded or
trimmed like torch's), agree on one order per epoch, and change order with set_epoch."""
import pytest
import torch

import deepseek as ds
from deepseek.utils.data import DataLoader, DistributedSampler, TensorDataset
from deepseek.utils.data.distributed import DistributedSampler as FromModule


@pytest.mark.parametrize("size,replicas,drop_last", [(10, 3, False), (10, 3, True),
                                                    (9, 3, False), (2, 4, False)])
def test_shares_match_torch_without_shuffle(size, replicas, drop_last):
    data = list(range(size))
    for rank in range(replicas):
        ours = DistributedSampler(data, replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = torch.utils.data.DistributedSampler(data, replicas, rank, shuffle=False,
                                                     drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_shuffled_shares_are_disjoint_and_change_per_epoch():
    data = list(range(20))
    samplers = [DistributedSampler(data, 4, rank, seed=3) for rank in range(4)]
    first = [list(s) for s in samplers]
    assert sorted(i for share in first for i in share) == data
    assert first == [list(s) for s in samplers]  # same epoch, same order
    for s in samplers:
        s.set_epoch(1)
    assert [list(s) for s in samplers] != first
    assert FromModule is DistributedSampler


def test_works_with_a_data_loader_and_needs_a_rank_without_a_process_group():
    dataset = TensorDataset(ds.arange(8))
    loader = DataLoader(dataset, batch_size=2, sampler=DistributedSampler(dataset, 2, 1))
    assert sum(len(b[0]) for b in loader) == 4
    with pytest.raises(RuntimeError):
        DistributedSampler(dataset)  # no process group to ask for the world size
    with pytest.raises(ValueError, match="Invalid rank 2"):
        DistributedSampler(dataset, 2, 2)
