"""The Python examples run end to end and learn.

Each example runs as a subprocess, as a user would start it, for a few dozen steps
(synthetic data for the Fashion-MNIST ones, so the test does not depend on the data
package and stays short); the test checks the exit status and that the printed loss went
down. The full-length runs and their accuracy targets are checked by running the examples
themselves (each fails if it ends below its target).
"""
import importlib.util
import math
import os
import re
import subprocess
import sys

import pytest

import deepseek as torch

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(REPO, "examples", "python")
GPL3 = "/usr/share/common-licenses/GPL-3"


def run_example(name, *args, timeout=120):
    """Runs examples/python/<name> with the deepseek this test imports; returns stdout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(os.path.dirname(torch.__file__)), env.get("PYTHONPATH", "")])
    # The test machine may be shared: without this, OpenMP threads that spin while waiting
    # for a descheduled sibling make each op take a scheduler time slice.
    env.setdefault("OMP_WAIT_POLICY", "passive")
    result = subprocess.run([sys.executable, os.path.join(EXAMPLES, name), *map(str, args)],
                            capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, (
        f"{name} exited with {result.returncode}\nstdout:\n{result.stdout[-3000:]}\n"
        f"stderr:\n{result.stderr[-3000:]}")
    return result.stdout


def step_losses(output):
    """{step: loss} from the 'step N loss X' lines the examples print."""
    return {int(s): float(v) for s, v in re.findall(r"^step (\d+) loss ([0-9.]+)$", output, re.M)}


def load_example_module(name):
    """Imports examples/python/<name> with that folder on sys.path, as when it runs as a
    script (the Fashion-MNIST examples import their shared fmnist.py from there)."""
    spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(EXAMPLES, name))
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, EXAMPLES)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(EXAMPLES)
    return module


def test_fmnist_mlp_runs_and_learns():
    out = run_example("fmnist_mlp.py", "--synthetic", "--max-steps", 30, "--seed", 1)
    assert "SYNTHETIC" in out
    losses = step_losses(out)
    assert set(losses) == {1, 30}, out
    assert losses[1] > 2.0  # ten classes at initialisation: about ln(10)
    assert losses[30] < 0.5 * losses[1], out
    accuracy = float(re.search(r"final test accuracy \(synthetic\): ([0-9.]+)", out).group(1))
    assert accuracy > 0.5, out  # chance is 0.1


def test_fmnist_cnn_runs_learns_and_saves(tmp_path):
    checkpoint = tmp_path / "cnn.safetensors"
    out = run_example("fmnist_cnn.py", "--synthetic", "--max-steps", 30, "--width", 8,
                      "--lr", 5e-3, "--save", checkpoint)
    losses = step_losses(out)
    assert set(losses) == {1, 30}, out
    assert losses[30] < 0.5 * losses[1], out
    accuracy = float(re.search(r"final test accuracy \(synthetic\): ([0-9.]+)", out).group(1))
    assert accuracy > 0.5, out

    # The checkpoint restores into the example's own model class, buffers included.
    state = torch.load(checkpoint)
    assert state["epoch"] == 1 and abs(state["test_accuracy"] - accuracy) < 1e-4
    assert "features.1.running_mean" in state["model"]
    assert int(state["model"]["features.1.num_batches_tracked"]) == 30
    model = load_example_module("fmnist_cnn.py").Net(width=8)
    model.load_state_dict(state["model"])
    assert bool((model.features[1].running_var == state["model"]["features.1.running_var"]).all())
    assert len(state["optimizer"]["state"]) == len(list(model.parameters()))


GPT_SMALL = ["--n-layer", 1, "--n-head", 2, "--n-embd", 32, "--block-size", 32,
             "--batch-size", 16, "--eval-iters", 2, "--eval-interval", 1000,
             "--warmup", 5, "--lr", 1e-2, "--sample-chars", 40]


@pytest.mark.skipif(not os.path.exists(GPL3), reason=f"{GPL3} (Debian base-files) is absent")
def test_gpt_char_runs_learns_and_samples(tmp_path):
    checkpoint = tmp_path / "gpt.safetensors"
    out = run_example("gpt_char.py", *GPT_SMALL, "--max-steps", 40, "--checkpoint", checkpoint)
    entropy = float(re.search(r"unigram entropy ([0-9.]+) nats/char", out).group(1))
    vocab = int(re.search(r"vocabulary (\d+)", out).group(1))
    assert 2.0 < entropy < math.log(vocab)
    first = step_losses(out)[1]
    assert abs(first - math.log(vocab)) < 0.5, out  # near-uniform predictions at the start
    final_train = float(re.search(r"final train loss ([0-9.]+)", out).group(1))
    assert final_train < first - 0.8, out
    sample = out.split(" sample ")[1].split("\n", 1)[1].split("\n-----")[0]
    assert len(sample.replace("\n", "")) >= 30, out


@pytest.mark.skipif(not os.path.exists(GPL3), reason=f"{GPL3} (Debian base-files) is absent")
def test_gpt_char_resume_continues_exactly(tmp_path):
    """40 steps, then --resume to 60, ends with the very weights of 60 steps in one go:
    the checkpoint carries model, optimizer, schedule position and RNG state (batches and
    dropout masks), and the decay length is fixed so both runs follow one schedule."""
    schedule = [*GPT_SMALL, "--lr-decay-steps", 60, "--dropout", 0.1]
    straight, interrupted = tmp_path / "straight.safetensors", tmp_path / "resumed.safetensors"
    run_example("gpt_char.py", *schedule, "--max-steps", 60, "--checkpoint", straight)
    run_example("gpt_char.py", *schedule, "--max-steps", 40, "--checkpoint", interrupted)
    saved = torch.load(interrupted)
    assert saved["step"] == 40 and saved["config"]["n_embd"] == 32
    assert [g["weight_decay"] for g in saved["optimizer"]["param_groups"]] == [0.1, 0.0]
    out = run_example("gpt_char.py", *schedule, "--max-steps", 60, "--checkpoint", interrupted,
                      "--resume")
    assert f"resumed from {interrupted} at step 40" in out
    assert "step 41 loss" in out

    a, b = torch.load(straight), torch.load(interrupted)
    assert a["step"] == b["step"] == 60
    assert a["model"].keys() == b["model"].keys()
    for key in a["model"]:
        assert bool((a["model"][key] == b["model"][key]).all()), key
    for index, state in a["optimizer"]["state"].items():
        for name, value in state.items():
            assert bool((value == b["optimizer"]["state"][index][name]).all()), (index, name)
