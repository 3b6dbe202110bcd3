"""deepseek.multiprocessing.spawn (ranks, tensor arguments, failures) and the profiler's
record_function annotation."""
import os

import pytest

import deepseek as ds
import deepseek.multiprocessing as mp


def _write_rank(rank, folder, weights):
    with open(os.path.join(folder, f"rank{rank}"), "w") as f:
        f.write(str(float(weights.sum()) + rank))


def _fail_on_one(rank):
    if rank == 1:
        raise SystemExit(3)


def test_spawn_runs_each_rank_with_the_arguments(tmp_path):
    mp.spawn(_write_rank, args=(str(tmp_path), ds.ones(4)), nprocs=3, start_method="spawn")
    assert sorted(os.listdir(tmp_path)) == ["rank0", "rank1", "rank2"]
    assert (tmp_path / "rank2").read_text() == "6.0"


def test_spawn_reports_a_failed_process():
    with pytest.raises(mp.ProcessExitedException, match="process 1 terminated with exit code 3"):
        mp.spawn(_fail_on_one, nprocs=2, start_method="spawn")


def test_record_function_is_a_transparent_annotation():
    with ds.profiler.record_function("region"):
        x = ds.ones(2) * 2

    @ds.autograd.profiler.record_function("labelled")
    def labelled():
        return x.sum()

    assert float(labelled()) == 4.0
    with pytest.raises(NotImplementedError, match="no profiler yet"):
        ds.profiler.profile()
