"""optim.lr_scheduler against torch 1.13: the same schedulers on a torch optimizer and on a
minimal optimizer-like object must produce the same learning rates (within 1e-12)."""
import warnings

import pytest
import torch

from deepseek.optim import lr_scheduler as ours

LRS = (0.1, 0.05)


class FakeOptimizer:
    """The smallest optimizer the schedulers accept: param_groups of dicts with 'lr'."""

    def __init__(self, lrs=LRS, **extra):
        self.param_groups = [dict(lr=lr, **extra) for lr in lrs]
        self.defaults = dict(lr=lrs[0], **extra)

    def step(self):
        pass


def _torch_optimizer(lrs=LRS, kind="sgd", **extra):
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    if kind == "adam":
        return torch.optim.Adam(groups, lr=lrs[0], **extra)
    if kind == "adamw":
        return torch.optim.AdamW(groups, lr=lrs[0], **extra)
    return torch.optim.SGD(groups, lr=lrs[0], **extra)


def _run(make, optimizer, steps, metrics=None):
    """The lrs (and momenta) after construction and after each of `steps` steps."""
    scheduler = make(optimizer)
    history = [_snapshot(optimizer, scheduler)]
    for i in range(steps):
        optimizer.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[i])
        history.append(_snapshot(optimizer, scheduler))
    return history


def _snapshot(optimizer, scheduler):
    state = [group["lr"] for group in optimizer.param_groups]
    state += list(getattr(scheduler, "_last_lr", []))  # torch 1.13's plateau lacks get_last_lr
    for group in optimizer.param_groups:
        if "momentum" in group:
            state.append(group["momentum"])
        if "betas" in group:
            state.append(group["betas"][0])
    return state


def _assert_same(got, expect):
    assert len(got) == len(expect)
    for step, (g, e) in enumerate(zip(got, expect)):
        assert len(g) == len(e), step
        for a, b in zip(g, e):
            assert abs(a - b) <= 1e-12 * max(1.0, abs(b)), (step, g, e)


CASES = {
    "StepLR": (lambda m: lambda o: m.StepLR(o, step_size=3, gamma=0.5), 20),
    "MultiStepLR": (lambda m: lambda o: m.MultiStepLR(o, [2, 5, 5, 9], gamma=0.3), 15),
    "ExponentialLR": (lambda m: lambda o: m.ExponentialLR(o, gamma=0.9), 30),
    "CosineAnnealingLR": (lambda m: lambda o: m.CosineAnnealingLR(o, T_max=10, eta_min=1e-3),
                          45),
    "CosineAnnealingLR_zero_min": (lambda m: lambda o: m.CosineAnnealingLR(o, T_max=7), 30),
    "LambdaLR": (lambda m: lambda o: m.LambdaLR(o, lambda e: 0.95 ** e), 20),
    "LambdaLR_per_group": (lambda m: lambda o: m.LambdaLR(
        o, [lambda e: 1 / (e + 1), lambda e: min(1.0, (e + 1) / 5)]), 20),
    "MultiplicativeLR": (lambda m: lambda o: m.MultiplicativeLR(o, lambda e: 0.9), 10),
    "LinearLR": (lambda m: lambda o: m.LinearLR(o, start_factor=0.25, total_iters=4), 10),
    "LinearLR_default": (lambda m: lambda o: m.LinearLR(o), 10),
    "LinearLR_decay": (lambda m: lambda o: m.LinearLR(o, start_factor=1.0, end_factor=0.1,
                                                      total_iters=7), 12),
    "ConstantLR": (lambda m: lambda o: m.ConstantLR(o, factor=0.5, total_iters=3), 8),
    "PolynomialLR": (lambda m: lambda o: m.PolynomialLR(o, total_iters=6, power=2.0), 10),
    "OneCycleLR_cos": (lambda m: lambda o: m.OneCycleLR(o, max_lr=[0.4, 0.2], total_steps=30),
                       29),
    "OneCycleLR_linear": (lambda m: lambda o: m.OneCycleLR(
        o, max_lr=1.0, epochs=4, steps_per_epoch=5, anneal_strategy="linear",
        pct_start=0.25), 19),
    "OneCycleLR_three_phase": (lambda m: lambda o: m.OneCycleLR(
        o, max_lr=0.3, total_steps=40, three_phase=True, div_factor=10.0), 39),
    "OneCycleLR_no_momentum": (lambda m: lambda o: m.OneCycleLR(
        o, max_lr=0.3, total_steps=10, cycle_momentum=False), 9),
    "SequentialLR": (lambda m: lambda o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.1, total_iters=5), m.CosineAnnealingLR(o, T_max=10)],
        milestones=[5]), 20),
    "SequentialLR_three": (lambda m: lambda o: m.SequentialLR(
        o, [m.ConstantLR(o, factor=0.5, total_iters=2), m.ExponentialLR(o, gamma=0.8),
            m.StepLR(o, step_size=2)], milestones=[3, 7]), 14),
    "CosineAnnealingWarmRestarts": (lambda m: lambda o: m.CosineAnnealingWarmRestarts(
        o, T_0=4, eta_min=1e-3), 20),
    "CosineAnnealingWarmRestarts_mult": (lambda m: lambda o: m.CosineAnnealingWarmRestarts(
        o, T_0=2, T_mult=3), 30),
    "CyclicLR_triangular": (lambda m: lambda o: m.CyclicLR(o, 0.01, 0.1, step_size_up=3), 20),
    "CyclicLR_triangular2": (lambda m: lambda o: m.CyclicLR(
        o, [0.01, 0.02], [0.1, 0.3], step_size_up=2, step_size_down=4, mode="triangular2"), 30),
    "CyclicLR_exp_range": (lambda m: lambda o: m.CyclicLR(
        o, 0.01, 0.1, step_size_up=4, mode="exp_range", gamma=0.97, base_momentum=0.7,
        max_momentum=0.95), 25),
    "CyclicLR_scale_fn": (lambda m: lambda o: m.CyclicLR(
        o, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 0.5 ** x, scale_mode="iterations",
        cycle_momentum=False), 20),
    "ChainedScheduler": (lambda m: lambda o: m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.1, total_iters=2), m.ExponentialLR(o, gamma=0.9)]), 10),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_lr_sequence_matches_torch(name):
    make, steps = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expect = _run(make(torch.optim.lr_scheduler), _torch_optimizer(momentum=0.9), steps)
        got = _run(make(ours), FakeOptimizer(momentum=0.9), steps)
    _assert_same(got, expect)


def test_one_cycle_cycles_adam_betas():
    def make(m):
        return lambda o: m.OneCycleLR(o, max_lr=0.01, total_steps=12)

    expect = _run(make(torch.optim.lr_scheduler), _torch_optimizer(kind="adam",
                                                                   betas=(0.9, 0.999)), 11)
    got = _run(make(ours), FakeOptimizer(betas=(0.9, 0.999)), 11)
    _assert_same(got, expect)


def test_reduce_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.91, 0.92, 0.93, 0.95, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 0.1]
    for kwargs in ({"patience": 2}, {"patience": 1, "cooldown": 2, "factor": 0.5},
                   {"mode": "max", "threshold_mode": "abs", "patience": 0, "min_lr": 0.02}):
        def make(m, kwargs=kwargs):
            return lambda o: m.ReduceLROnPlateau(o, **kwargs)
        expect = _run(make(torch.optim.lr_scheduler), _torch_optimizer(), len(metrics), metrics)
        got = _run(make(ours), FakeOptimizer(), len(metrics), metrics)
        _assert_same([s[:2] for s in got], [s[:2] for s in expect])


def test_closed_form_with_explicit_epoch_matches_torch():
    epochs = [0, 3, 7, 2, 12, 12, 5]
    for name in ("StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
                 "ConstantLR", "PolynomialLR"):
        make, _ = CASES[name]
        results = []
        for module, opt in ((torch.optim.lr_scheduler, _torch_optimizer()),
                            (ours, FakeOptimizer())):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scheduler = make(module)(opt)
                history = []
                for epoch in epochs:
                    opt.step()
                    scheduler.step(epoch)
                    history.append(list(scheduler.get_last_lr()) + [scheduler.last_epoch])
            results.append(history)
        _assert_same(results[1], results[0])
    with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
        ours.StepLR(FakeOptimizer(), 2).step(3)


def test_state_dict_keys_match_torch_and_resume_exactly():
    for name in ("StepLR", "CosineAnnealingLR", "OneCycleLR_cos", "LambdaLR", "SequentialLR"):
        make, steps = CASES[name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_sched = make(torch.optim.lr_scheduler)(_torch_optimizer(momentum=0.9))
            d_opt = FakeOptimizer(momentum=0.9)
            d_sched = make(ours)(d_opt)
            assert set(d_sched.state_dict()) - {"anneal_func"} == \
                set(t_sched.state_dict()) - {"anneal_func"}
            uninterrupted = _run(make(ours), FakeOptimizer(momentum=0.9), steps)
            for _ in range(5):
                d_opt.step()
                d_sched.step()
            saved = d_sched.state_dict()
            groups = [dict(g) for g in d_opt.param_groups]
            # the usual resume order: build, then restore the optimizer, then the scheduler
            resumed_opt = FakeOptimizer(momentum=0.9)
            resumed = make(ours)(resumed_opt)
            resumed_opt.param_groups[:] = groups
            resumed.load_state_dict(saved)
            history = []
            for _ in range(steps - 5):
                resumed_opt.step()
                resumed.step()
                history.append(_snapshot(resumed_opt, resumed))
        _assert_same(history, uninterrupted[6:])


def test_lambda_state_dict_saves_callable_objects_only():
    class Factor:
        def __init__(self):
            self.base = 0.5

        def __call__(self, epoch):
            return self.base ** epoch

    factor = Factor()
    sched = ours.LambdaLR(FakeOptimizer(), [factor, lambda e: 1.0])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"base": 0.5}, None]
    factor.base = 0.1
    sched.load_state_dict(state)
    assert factor.base == 0.5 and "lr_lambdas" in state


def test_last_epoch_resume_semantics():
    opt = FakeOptimizer(momentum=0)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups"):
        ours.StepLR(opt, step_size=2, last_epoch=4)
    for group in opt.param_groups:
        group["initial_lr"] = group["lr"] * 2
    t_opt = _torch_optimizer()
    for group in t_opt.param_groups:
        group["initial_lr"] = group["lr"] * 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = _run(lambda o: ours.CosineAnnealingLR(o, T_max=10, last_epoch=4), opt, 8)
        expect = _run(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(
            o, T_max=10, last_epoch=4), t_opt, 8)
    _assert_same(got, expect)


def test_warnings_about_call_order_and_get_lr():
    opt = FakeOptimizer()
    sched = ours.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()
    opt2 = FakeOptimizer()
    sched2 = ours.StepLR(opt2, step_size=2)
    opt2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched2.step()  # right order: no warning
    assert opt2._step_count == 1


def test_argument_errors():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        ours.StepLR(object(), step_size=1)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        ours.LambdaLR(FakeOptimizer(), [lambda e: 1.0])
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        ours.LinearLR(FakeOptimizer(), start_factor=1.5)
    with pytest.raises(ValueError, match="You must define either total_steps"):
        ours.OneCycleLR(FakeOptimizer(momentum=0.9), max_lr=0.1)
    with pytest.raises(ValueError, match="optimizer must support momentum"):
        ours.OneCycleLR(FakeOptimizer(), max_lr=0.1, total_steps=5)
    one_cycle_opt = FakeOptimizer(momentum=0.9)
    sched = ours.OneCycleLR(one_cycle_opt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        one_cycle_opt.step()
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 5 times"):
        sched.step()
    opt = FakeOptimizer()
    other = FakeOptimizer()
    with pytest.raises(ValueError, match="expects all schedulers to belong to the same"):
        ours.SequentialLR(opt, [ours.StepLR(opt, 1), ours.StepLR(other, 1)], milestones=[2])
    with pytest.raises(ValueError, match="one more than the number of milestone points"):
        ours.SequentialLR(opt, [ours.StepLR(opt, 1)], milestones=[2])
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        ours.ReduceLROnPlateau(opt, factor=1.0)


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_schedulers_drive_deepseek_optimizers_like_torch(kind):
    import deepseek as ds

    def deepseek_optimizer():
        groups = [{"params": [ds.nn.Parameter(ds.zeros(1))], "lr": lr} for lr in LRS]
        if kind == "adam":
            return ds.optim.AdamW(groups, lr=LRS[0])
        return ds.optim.SGD(groups, lr=LRS[0], momentum=0.9)

    def make(m):
        return lambda o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=3),
                                            m.OneCycleLR(o, max_lr=0.5, total_steps=12)],
                                        milestones=[3])

    torch_opt = (_torch_optimizer(kind="adamw") if kind == "adam"
                 else _torch_optimizer(momentum=0.9))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expect = _run(make(torch.optim.lr_scheduler), torch_opt, 14)
        got = _run(make(ours), deepseek_optimizer(), 14)
    _assert_same(got, expect)


def test_warm_restarts_with_fractional_epochs_match_torch():
    epochs = [0, 0.5, 1.25, 3.9, 4.0, 9.5, 20.0, 2.0]
    results = []
    for module, opt in ((torch.optim.lr_scheduler, _torch_optimizer()),
                        (ours, FakeOptimizer())):
        scheduler = module.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)
        lrs = []
        for epoch in epochs:
            scheduler.step(epoch)
            lrs.append([group["lr"] for group in opt.param_groups])
        results.append(lrs)
    _assert_same(results[1], results[0])


def test_cyclic_schedulers_check_their_arguments():
    with pytest.raises(ValueError, match="Expected positive integer T_0"):
        ours.CosineAnnealingWarmRestarts(FakeOptimizer(), T_0=0)
    with pytest.raises(ValueError, match="mode is invalid and scale_fn is None"):
        ours.CyclicLR(FakeOptimizer(momentum=0.9), 0.01, 0.1, mode="bogus")
    with pytest.raises(ValueError, match="optimizer must support momentum"):
        ours.CyclicLR(FakeOptimizer(), 0.01, 0.1)
    with pytest.raises(ValueError, match="expected 2 values for max_lr, got 3"):
        ours.CyclicLR(FakeOptimizer(momentum=0.9), 0.01, [0.1, 0.2, 0.3])
