"""Resuming training from a checkpoint is exact.

Training 20 steps, saving model + optimizer (+ RNG state when the model draws random
numbers) with deepseek.save, loading the file into freshly built objects and training 20
more steps must give bit-for-bit the parameters, buffers and optimizer state of 40
uninterrupted steps (on CPU every kernel is deterministic, so anything less than equality
is a lost piece of state).

The fresh objects are built after reseeding with a different seed, so their initial
values differ from the checkpoint's: only what the checkpoint restores can make the runs
agree. Each case also runs a control that leaves one piece of state out and checks that
the result then differs, so the equality checks are shown to be able to fail.
"""
import numpy as np
import pytest

import deepseek as torch
import deepseek.nn as nn
import deepseek.nn.functional as F

STEPS_BEFORE = 20
STEPS_AFTER = 20
SEED = 0
OTHER_SEED = 1234


def make_batches(input_shape, num_classes, steps, batch_size=16, seed=7):
    """Fixed (input, label) batches drawn by numpy, so the data stream does not depend
    on deepseek's RNG (whose state is what some of these tests check)."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(steps):
        x = rng.standard_normal((batch_size, *input_shape)).astype(np.float32)
        y = rng.integers(0, num_classes, size=batch_size)
        batches.append((torch.from_numpy(x), torch.from_numpy(y)))
    return batches


def mlp():
    return nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 16), nn.Tanh(),
                         nn.Linear(16, 5))


def cnn(dropout):
    layers = [nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
              nn.Conv2d(4, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
              nn.Flatten()]
    if dropout:
        layers.append(nn.Dropout(0.3))
    layers.append(nn.Linear(8 * 2 * 2, 3))
    return nn.Sequential(*layers)


OPTIMIZERS = {
    "adam": lambda params: torch.optim.Adam(params, lr=1e-2),
    "adamw": lambda params: torch.optim.AdamW(params, lr=1e-2, weight_decay=0.1),
    "sgd_momentum": lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9,
                                                   nesterov=True, weight_decay=1e-3),
}


def train(model, optimizer, batches):
    model.train()
    for x, y in batches:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()


def build(make_model, make_optimizer, seed):
    torch.manual_seed(seed)
    model = make_model()
    return model, make_optimizer(model.parameters())


def uninterrupted(make_model, make_optimizer, batches):
    model, optimizer = build(make_model, make_optimizer, SEED)
    train(model, optimizer, batches)
    return model, optimizer


def interrupted(make_model, make_optimizer, batches, path, save_rng,
                restore_optimizer=True, restore_rng=True):
    """Trains STEPS_BEFORE steps, checkpoints to `path`, rebuilds everything from scratch
    under another seed, restores from the file and trains the remaining steps."""
    model, optimizer = build(make_model, make_optimizer, SEED)
    train(model, optimizer, batches[:STEPS_BEFORE])
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                  "step": STEPS_BEFORE}
    if save_rng:
        checkpoint["rng_state"] = torch.get_rng_state()
    torch.save(checkpoint, path)
    del model, optimizer, checkpoint

    model, optimizer = build(make_model, make_optimizer, OTHER_SEED)
    checkpoint = torch.load(path)
    assert checkpoint["step"] == STEPS_BEFORE
    model.load_state_dict(checkpoint["model"])
    if restore_optimizer:
        optimizer.load_state_dict(checkpoint["optimizer"])
    if save_rng and restore_rng:
        torch.set_rng_state(checkpoint["rng_state"])
    train(model, optimizer, batches[STEPS_BEFORE:])
    return model, optimizer


def identical_state(a, b):
    """True when two state dicts (of modules, or optimizer 'state' dicts) hold the same
    keys and bit-identical tensors."""
    if a.keys() != b.keys():
        return False
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, dict):
            if not isinstance(y, dict) or not identical_state(x, y):
                return False
        elif isinstance(x, torch.Tensor):
            if x.shape != y.shape or x.dtype != y.dtype or not bool((x == y).all()):
                return False
        elif x != y:
            return False
    return True


def assert_identical(resumed, reference):
    (model_r, opt_r), (model_u, opt_u) = resumed, reference
    assert identical_state(model_r.state_dict(), model_u.state_dict()), \
        "resumed model differs from the uninterrupted run"
    assert identical_state(opt_r.state_dict()["state"], opt_u.state_dict()["state"]), \
        "resumed optimizer state differs from the uninterrupted run"


def assert_trained_after_resume(make_model, make_optimizer, batches, reference):
    """The last STEPS_AFTER steps really moved the parameters (else equality is trivial)."""
    model, optimizer = build(make_model, make_optimizer, SEED)
    train(model, optimizer, batches[:STEPS_BEFORE])
    assert not identical_state(model.state_dict(), reference[0].state_dict())


@pytest.mark.parametrize("optimizer_name", sorted(OPTIMIZERS))
def test_mlp_resume_is_bit_exact(tmp_path, optimizer_name):
    make_optimizer = OPTIMIZERS[optimizer_name]
    batches = make_batches((12,), 5, STEPS_BEFORE + STEPS_AFTER)
    reference = uninterrupted(mlp, make_optimizer, batches)
    assert_trained_after_resume(mlp, make_optimizer, batches, reference)

    resumed = interrupted(mlp, make_optimizer, batches, tmp_path / "mlp.safetensors",
                          save_rng=False)
    assert_identical(resumed, reference)

    # Control: a fresh optimizer (its moments / momentum buffers lost) ends elsewhere.
    lost = interrupted(mlp, make_optimizer, batches, tmp_path / "mlp_lost.safetensors",
                       save_rng=False, restore_optimizer=False)
    assert not identical_state(lost[0].state_dict(), reference[0].state_dict())


@pytest.mark.parametrize("optimizer_name", ["adamw", "sgd_momentum"])
def test_cnn_batchnorm_resume_is_bit_exact(tmp_path, optimizer_name):
    """BatchNorm's running statistics and batch counter are buffers: they must travel
    in the model's state dict."""
    make_optimizer = OPTIMIZERS[optimizer_name]
    batches = make_batches((1, 8, 8), 3, STEPS_BEFORE + STEPS_AFTER)
    make_model = lambda: cnn(dropout=False)  # noqa: E731
    reference = uninterrupted(make_model, make_optimizer, batches)
    assert_trained_after_resume(make_model, make_optimizer, batches, reference)
    assert int(reference[0].state_dict()["1.num_batches_tracked"]) == STEPS_BEFORE + STEPS_AFTER

    resumed = interrupted(make_model, make_optimizer, batches, tmp_path / "cnn.safetensors",
                          save_rng=False)
    assert_identical(resumed, reference)


def test_cnn_dropout_resume_restores_rng_state(tmp_path):
    """With Dropout the masks of steps 21..40 come from the global generator, so the
    checkpoint must carry its state (deepseek.get_rng_state / set_rng_state, as in
    PyTorch). Without those functions resuming a dropout model cannot be exact, and
    this test fails rather than skips."""
    assert hasattr(torch, "get_rng_state") and hasattr(torch, "set_rng_state"), (
        "deepseek has no get_rng_state/set_rng_state: the global generator's state cannot "
        "be saved, so training with Dropout cannot be resumed exactly")
    make_optimizer = OPTIMIZERS["adam"]
    batches = make_batches((1, 8, 8), 3, STEPS_BEFORE + STEPS_AFTER)
    make_model = lambda: cnn(dropout=True)  # noqa: E731
    reference = uninterrupted(make_model, make_optimizer, batches)
    assert_trained_after_resume(make_model, make_optimizer, batches, reference)

    resumed = interrupted(make_model, make_optimizer, batches, tmp_path / "drop.safetensors",
                          save_rng=True)
    assert_identical(resumed, reference)

    # Control: without the generator state the dropout masks differ, and so do the weights.
    lost = interrupted(make_model, make_optimizer, batches, tmp_path / "drop_lost.safetensors",
                       save_rng=True, restore_rng=False)
    assert not identical_state(lost[0].state_dict(), reference[0].state_dict())


def test_rng_state_round_trip_through_a_file(tmp_path):
    """get_rng_state -> save -> load -> set_rng_state replays the same random numbers."""
    assert hasattr(torch, "get_rng_state") and hasattr(torch, "set_rng_state"), (
        "deepseek has no get_rng_state/set_rng_state")
    torch.manual_seed(3)
    torch.randn(10)
    torch.save({"rng_state": torch.get_rng_state()}, tmp_path / "rng.safetensors")
    expected = torch.randn(100)
    dropped = F.dropout(torch.ones(100), 0.5, True)
    torch.manual_seed(99)
    torch.set_rng_state(torch.load(tmp_path / "rng.safetensors")["rng_state"])
    assert bool((torch.randn(100) == expected).all())
    assert bool((F.dropout(torch.ones(100), 0.5, True) == dropped).all())
