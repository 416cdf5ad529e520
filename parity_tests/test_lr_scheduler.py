"""Learning-rate schedulers against torch: the lr sequences must be equal float for float (both the
recursive ``step()`` forms and the closed forms of ``step(epoch)``), with the same state_dicts,
warnings and errors."""
import warnings

import pytest
import torch
import torch.optim.lr_scheduler

import minigrad
import minigrad.optim



def make_optimizer(lib, opt="SGD", **kwargs):
    """Two param groups with different learning rates."""
    p, q = lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)
    return getattr(lib.optim, opt)([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1, **kwargs)


def lr_sequence(lib, make_scheduler, steps=60, opt="SGD", opt_kwargs=None, metrics=None):
    optimizer = make_optimizer(lib, opt, **(opt_kwargs or {}))
    scheduler = make_scheduler(lib.optim.lr_scheduler, optimizer)
    seen = []
    for i in range(steps):
        optimizer.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[i])
        group = optimizer.param_groups[0]
        seen.append((tuple(scheduler.get_last_lr()), group.get("momentum"), group.get("betas")))
    return seen, scheduler


SCHEDULERS = {
    "StepLR": lambda s, o: s.StepLR(o, step_size=7, gamma=0.3),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[5, 12, 12, 40], gamma=0.7),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.93),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=13),
    "CosineAnnealingLR-eta_min": lambda s, o: s.CosineAnnealingLR(o, T_max=10, eta_min=0.01),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lambda epoch: 0.95 ** epoch),
    "LambdaLR-per-group": lambda s, o: s.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: 0.9 ** e]),
    "LinearLR": lambda s, o: s.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=17),
    "LinearLR-default": lambda s, o: s.LinearLR(o),
    "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=60),
    "OneCycleLR-linear-3phase": lambda s, o: s.OneCycleLR(o, max_lr=0.3, epochs=6, steps_per_epoch=10,
                                                          anneal_strategy="linear", three_phase=True,
                                                          div_factor=10.0, final_div_factor=100.0),
    "OneCycleLR-no-momentum": lambda s, o: s.OneCycleLR(o, max_lr=0.2, total_steps=60, cycle_momentum=False,
                                                        pct_start=0.5),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_lr_sequence_equals_torch(name):
    opt_kwargs = {"momentum": 0.9} if name.startswith("OneCycle") else None
    mine, _ = lr_sequence(minigrad, SCHEDULERS[name], opt_kwargs=opt_kwargs)
    theirs, _ = lr_sequence(torch, SCHEDULERS[name], opt_kwargs=opt_kwargs)
    assert len({lrs for lrs, _, _ in theirs}) > 2
    assert mine == theirs


def test_one_cycle_cycles_adam_beta1_like_torch():
    make = SCHEDULERS["OneCycleLR"]
    mine, _ = lr_sequence(minigrad, make, opt="Adam")
    theirs, _ = lr_sequence(torch, make, opt="Adam")
    assert mine == theirs and theirs[10][2][0] != theirs[40][2][0]


@pytest.mark.parametrize("kwargs", [
    {}, {"mode": "max"}, {"patience": 0, "factor": 0.5}, {"threshold_mode": "abs", "threshold": 0.05},
    {"mode": "max", "threshold_mode": "abs", "cooldown": 3, "patience": 1},
    {"patience": 1, "min_lr": [0.02, 0.04], "factor": 0.5}, {"patience": 1, "eps": 0.05, "factor": 0.5},
])
def test_reduce_lr_on_plateau_equals_torch(kwargs):
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.89, 0.9, 0.9, 0.9, 0.9] * 6
    def make(s, o):
        return s.ReduceLROnPlateau(o, **kwargs)
    mine, sched_m = lr_sequence(minigrad, make, metrics=metrics)
    theirs, sched_t = lr_sequence(torch, make, metrics=metrics)
    assert mine == theirs
    assert sched_m.state_dict() == sched_t.state_dict()


def test_reduce_lr_on_plateau_takes_tensor_metric():
    lrs = []
    for lib in (minigrad, torch):
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(make_optimizer(lib), patience=0)
        sched.step(lib.tensor(1.0))
        sched.step(lib.tensor(2.0))
        lrs.append(sched.get_last_lr())
    # Python floats, the same operations in the same order: equal to the bit
    assert lrs[0] == lrs[1] and lrs[1] == [pytest.approx(0.01), pytest.approx(0.005)]


CLOSED_FORM = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR"]


@pytest.mark.parametrize("name", CLOSED_FORM)
def test_step_with_epoch_uses_closed_form_like_torch(name):
    results = []
    for lib in (minigrad, torch):
        optimizer = make_optimizer(lib)
        scheduler = SCHEDULERS[name](lib.optim.lr_scheduler, optimizer)
        seen = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for epoch in [3, 4, 10, 2, 25]:
                optimizer.step()
                scheduler.step(epoch)
                seen.append(tuple(scheduler.get_last_lr()))
        assert any("epoch parameter in `scheduler.step()`" in str(w.message) for w in caught)
        results.append(seen)
    assert results[0] == results[1]


@pytest.mark.parametrize("name", [n for n in SCHEDULERS if not n.startswith("LambdaLR")])
def test_state_dict_equals_torch_and_resumes(name):
    opt_kwargs = {"momentum": 0.9} if name.startswith("OneCycle") else None
    _, sched_m = lr_sequence(minigrad, SCHEDULERS[name], steps=20, opt_kwargs=opt_kwargs)
    _, sched_t = lr_sequence(torch, SCHEDULERS[name], steps=20, opt_kwargs=opt_kwargs)
    assert sched_m.state_dict() == sched_t.state_dict()
    # resume: a new scheduler on a new optimizer loaded with both states continues identically
    whole, _ = lr_sequence(minigrad, SCHEDULERS[name], steps=40, opt_kwargs=opt_kwargs)
    optimizer = make_optimizer(minigrad, **(opt_kwargs or {}))
    resumed = SCHEDULERS[name](minigrad.optim.lr_scheduler, optimizer)
    optimizer.load_state_dict(sched_m.optimizer.state_dict())
    resumed.load_state_dict(sched_m.state_dict())
    for i in range(20, 40):
        optimizer.step()
        resumed.step()
        assert tuple(resumed.get_last_lr()) == whole[i][0]


def test_lambda_lr_state_dict_keeps_callable_objects_only():
    class Factor:
        def __init__(self):
            self.k = 0.5

        def __call__(self, epoch):
            return self.k ** epoch

    dicts = []
    for lib in (minigrad, torch):
        sched = lib.optim.lr_scheduler.LambdaLR(make_optimizer(lib), [Factor(), lambda e: 1.0])
        dicts.append(sched.state_dict())
    assert dicts[0] == dicts[1] and dicts[0]["lr_lambdas"] == [{"k": 0.5}, None]


def test_initial_lr_and_base_lrs_like_torch():
    for lib in (minigrad, torch):
        optimizer = make_optimizer(lib)
        scheduler = lib.optim.lr_scheduler.StepLR(optimizer, 3)
        assert scheduler.base_lrs == [0.1, 0.05]
        assert [g["initial_lr"] for g in optimizer.param_groups] == [0.1, 0.05]
        assert scheduler.last_epoch == 0 and scheduler.get_last_lr() == [0.1, 0.05]


def test_warns_when_scheduler_steps_before_optimizer():
    for lib in (minigrad, torch):
        scheduler = lib.optim.lr_scheduler.StepLR(make_optimizer(lib), 3)
        with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
            scheduler.step()


def test_get_lr_outside_step_warns():
    for lib in (minigrad, torch):
        scheduler = lib.optim.lr_scheduler.ExponentialLR(make_optimizer(lib), 0.5)
        with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
            scheduler.get_lr()


def test_no_warning_in_correct_order():
    optimizer = make_optimizer(minigrad)
    scheduler = minigrad.optim.lr_scheduler.StepLR(optimizer, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizer.step()
        scheduler.step()


ERROR_CASES = [
    ("not_optimizer", lambda s, o: s.StepLR(object(), 3)),
    ("resume_without_initial_lr", lambda s, o: s.StepLR(o, 3, last_epoch=4)),
    ("lambda_count", lambda s, o: s.LambdaLR(o, [lambda e: 1.0])),
    ("linear_start", lambda s, o: s.LinearLR(o, start_factor=0)),
    ("linear_end", lambda s, o: s.LinearLR(o, end_factor=1.5)),
    ("one_cycle_no_steps", lambda s, o: s.OneCycleLR(o, max_lr=0.1)),
    ("one_cycle_total_steps", lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=0)),
    ("one_cycle_epochs", lambda s, o: s.OneCycleLR(o, max_lr=0.1, epochs=-1, steps_per_epoch=3)),
    ("one_cycle_pct", lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1.5)),
    ("one_cycle_anneal", lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="exp")),
    ("one_cycle_max_lr_len", lambda s, o: s.OneCycleLR(o, max_lr=[0.1, 0.2, 0.3], total_steps=10)),
    ("one_cycle_overstep", lambda s, o: (lambda sched: [sched.step() for _ in range(3)])(
        s.OneCycleLR(o, max_lr=0.1, total_steps=2))),
    ("plateau_factor", lambda s, o: s.ReduceLROnPlateau(o, factor=1.0)),
    ("plateau_mode", lambda s, o: s.ReduceLROnPlateau(o, mode="up")),
    ("plateau_threshold_mode", lambda s, o: s.ReduceLROnPlateau(o, threshold_mode="pct")),
    ("plateau_min_lrs", lambda s, o: s.ReduceLROnPlateau(o, min_lr=[0.1])),
]


@pytest.mark.parametrize("make", [c[1] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_errors_match_torch(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as expected:
            make(torch.optim.lr_scheduler, make_optimizer(torch))
        with pytest.raises(type(expected.value)) as got:
            make(minigrad.optim.lr_scheduler, make_optimizer(minigrad))
    assert str(got.value) == str(expected.value)
