"""The schedulers added for torch's full ``lr_scheduler`` namespace against torch: ConstantLR,
MultiplicativeLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR, SequentialLR,
ChainedScheduler. The lr (and momentum/beta1) sequences must be equal float for float -- both run
the same Python float arithmetic in the same order -- and so must the state_dicts, the round trip
through them, and the errors for bad arguments."""
import warnings

import pytest
import torch
import torch.optim.lr_scheduler

import minigrad
import minigrad.optim
from _compare import outcome


def make_optimizer(lib, opt="SGD", **kwargs):
    """Two param groups with different learning rates."""
    p, q = lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)
    return getattr(lib.optim, opt)([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1, **kwargs)


def _run(lib, make_scheduler, steps, opt, opt_kwargs, epochs=None):
    optimizer = make_optimizer(lib, opt, **(opt_kwargs or {}))
    scheduler = make_scheduler(lib.optim.lr_scheduler, optimizer)
    seen = [(tuple(scheduler.get_last_lr()), optimizer.param_groups[0].get("momentum"),
             optimizer.param_groups[0].get("betas"))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # step(epoch)'s deprecation warning
        for i in range(steps):
            optimizer.step()
            scheduler.step() if epochs is None else scheduler.step(epochs[i])
            group = optimizer.param_groups[0]
            seen.append((tuple(scheduler.get_last_lr()), group.get("momentum"), group.get("betas")))
    return seen, scheduler, optimizer


def seq(s, o, *, milestones):
    return s.SequentialLR(o, [s.LinearLR(o, start_factor=0.1, total_iters=4), s.ExponentialLR(o, gamma=0.9),
                              s.CosineAnnealingLR(o, T_max=7)], milestones=milestones)


SCHEDULERS = {
    "ConstantLR": lambda s, o: s.ConstantLR(o),
    "ConstantLR-factor": lambda s, o: s.ConstantLR(o, factor=0.3, total_iters=11),
    "MultiplicativeLR": lambda s, o: s.MultiplicativeLR(o, lambda epoch: 0.97),
    "MultiplicativeLR-per-group": lambda s, o: s.MultiplicativeLR(o, [lambda e: 0.9, lambda e: 1 - 0.01 * e]),
    "PolynomialLR": lambda s, o: s.PolynomialLR(o, total_iters=23, power=2.0),
    "PolynomialLR-default": lambda s, o: s.PolynomialLR(o),
    "CosineAnnealingWarmRestarts": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=7),
    "CosineAnnealingWarmRestarts-mult": lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2,
                                                                                   eta_min=0.001),
    "CyclicLR": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5),
    "CyclicLR-triangular2": lambda s, o: s.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.2, step_size_up=4,
                                                    step_size_down=7, mode="triangular2"),
    "CyclicLR-exp_range": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=6, mode="exp_range",
                                                  gamma=0.97, base_momentum=0.7, max_momentum=0.95),
    "CyclicLR-scale_fn": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                 scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations",
                                                 cycle_momentum=False),
    "SequentialLR": lambda s, o: seq(s, o, milestones=[6, 20]),
    "SequentialLR-one": lambda s, o: s.SequentialLR(o, [s.ConstantLR(o, factor=0.5)], milestones=[]),
    "ChainedScheduler": lambda s, o: s.ChainedScheduler([s.ConstantLR(o, factor=0.5, total_iters=9),
                                                         s.ExponentialLR(o, gamma=0.95)]),
    "ChainedScheduler-optimizer": lambda s, o: s.ChainedScheduler([s.MultiplicativeLR(o, lambda e: 0.99),
                                                                   s.StepLR(o, step_size=5, gamma=0.5)], o),
}
MOMENTUM = {"momentum": 0.9}


@pytest.mark.parametrize("opt,opt_kwargs", [("SGD", MOMENTUM), ("Adam", None)], ids=["SGD", "Adam"])
@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_lr_sequence_equals_torch(name, opt, opt_kwargs):
    """60 steps: every lr (and momentum/betas, which CyclicLR cycles) equal, float for float."""
    mine, sched_m, _ = _run(minigrad, SCHEDULERS[name], 60, opt, opt_kwargs)
    theirs, sched_t, _ = _run(torch, SCHEDULERS[name], 60, opt, opt_kwargs)
    assert len({lrs for lrs, _, _ in theirs}) > 1  # the schedule did change the lr
    assert mine == theirs


CLOSED_FORMS = ["ConstantLR-factor", "PolynomialLR", "CosineAnnealingWarmRestarts",
                "CosineAnnealingWarmRestarts-mult"]


@pytest.mark.parametrize("name", CLOSED_FORMS)
def test_step_with_epoch_equals_torch(name):
    """``step(epoch)`` (the closed forms; fractional epochs for the warm restarts)."""
    epochs = [0.5 * i for i in range(1, 40)] if name.startswith("Cosine") else [3, 1, 7, 30, 30, 2, 15]
    mine, _, _ = _run(minigrad, SCHEDULERS[name], len(epochs), "SGD", MOMENTUM, epochs)
    theirs, _, _ = _run(torch, SCHEDULERS[name], len(epochs), "SGD", MOMENTUM, epochs)
    assert mine == theirs


def _plain(value):
    """A state_dict value with the things that cannot be equal across libraries taken out."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("_scale_fn_ref",)}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_state_dict_equals_torch_and_round_trips(name):
    """Same keys in the same order and the same values after 17 steps; loading it into a fresh
    scheduler and stepping on gives the same lrs as the original."""
    _, sched_m, opt_m = _run(minigrad, SCHEDULERS[name], 17, "SGD", MOMENTUM)
    _, sched_t, _ = _run(torch, SCHEDULERS[name], 17, "SGD", MOMENTUM)
    sd_m, sd_t = sched_m.state_dict(), sched_t.state_dict()
    assert list(sd_m) == list(sd_t)
    assert _plain(sd_m) == _plain(sd_t)

    optimizer = make_optimizer(minigrad, "SGD", **MOMENTUM)
    optimizer.load_state_dict(opt_m.state_dict())
    fresh = SCHEDULERS[name](minigrad.optim.lr_scheduler, optimizer)
    fresh.load_state_dict(sd_m)
    optimizer.load_state_dict(opt_m.state_dict())  # the fresh constructor changed the lrs again
    for _ in range(9):
        opt_m.step()
        optimizer.step()
        sched_m.step()
        fresh.step()
        assert fresh.get_last_lr() == sched_m.get_last_lr()


def _opt(lib):
    return make_optimizer(lib, "SGD", **MOMENTUM)


ERROR_CASES = {
    "ConstantLR-factor>1": lambda lib: lib.optim.lr_scheduler.ConstantLR(_opt(lib), factor=1.5),
    "ConstantLR-factor<0": lambda lib: lib.optim.lr_scheduler.ConstantLR(_opt(lib), factor=-0.1),
    "MultiplicativeLR-not-callable": lambda lib: lib.optim.lr_scheduler.MultiplicativeLR(_opt(lib), 0.9),
    "MultiplicativeLR-wrong-count": lambda lib: lib.optim.lr_scheduler.MultiplicativeLR(_opt(lib), [lambda e: 1]),
    "CAWR-T_0-zero": lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(_opt(lib), T_0=0),
    "CAWR-T_0-float": lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(_opt(lib), T_0=2.0),
    "CAWR-T_mult": lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(_opt(lib), T_0=2, T_mult=0),
    "CAWR-eta_min": lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(_opt(lib), T_0=2, eta_min="0"),
    "CAWR-negative-epoch": lambda lib: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(_opt(lib), 2).step(-1),
    "CyclicLR-mode": lambda lib: lib.optim.lr_scheduler.CyclicLR(_opt(lib), 0.01, 0.1, mode="sawtooth"),
    "CyclicLR-no-momentum": lambda lib: lib.optim.lr_scheduler.CyclicLR(
        lib.optim.Adagrad([lib.ones(1, requires_grad=True)]), 0.01, 0.1),
    "CyclicLR-base_lr-count": lambda lib: lib.optim.lr_scheduler.CyclicLR(_opt(lib), [0.01] * 3, 0.1),
    "CyclicLR-not-optimizer": lambda lib: lib.optim.lr_scheduler.CyclicLR(None, 0.01, 0.1),
    "SequentialLR-empty": lambda lib: lib.optim.lr_scheduler.SequentialLR(_opt(lib), [], milestones=[]),
    "SequentialLR-milestones": lambda lib: (lambda o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.ConstantLR(o)], milestones=[3]))(_opt(lib)),
    "SequentialLR-plateau": lambda lib: (lambda o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.ReduceLROnPlateau(o)], milestones=[]))(_opt(lib)),
    "SequentialLR-not-scheduler": lambda lib: lib.optim.lr_scheduler.SequentialLR(_opt(lib), [3], milestones=[]),
    "ChainedScheduler-empty": lambda lib: lib.optim.lr_scheduler.ChainedScheduler([]),
    "ChainedScheduler-plateau": lambda lib: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ReduceLROnPlateau(_opt(lib))]),
}


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_bad_arguments_raise_like_torch(name):
    mine, theirs = outcome(ERROR_CASES[name], minigrad), outcome(ERROR_CASES[name], torch)
    assert theirs[0] is not None
    assert mine == theirs


def test_sequential_lr_with_different_optimizers_raises_like_torch():
    """The message names the other optimizer by its repr, so compare its start and type."""
    def build(lib):
        o1, o2 = _opt(lib), _opt(lib)
        lib.optim.lr_scheduler.SequentialLR(o1, [lib.optim.lr_scheduler.ConstantLR(o2)], milestones=[])
    (type_m, msg_m), (type_t, msg_t) = outcome(build, minigrad), outcome(build, torch)
    assert type_m is type_t is ValueError
    assert msg_m.split(" has ")[0] == msg_t.split(" has ")[0] and msg_m.endswith("different from SGD.")


def test_namespace_is_torchs():
    """``lr_scheduler.__all__`` lists the same names as torch's."""
    assert sorted(minigrad.optim.lr_scheduler.__all__) == sorted(torch.optim.lr_scheduler.__all__)
