"""``optim.swa_utils`` against torch: AveragedModel (SWA, EMA through ``avg_fn`` and
``multi_avg_fn``, with buffers), update_bn, SWALR and the averaging functions.

Both libraries start from torch's seeded parameters (minigrad loads them), so the test does not
depend on replaying torch's RNG kernels. The averaged weights are element-wise sums and quotients of
the same float32 values, so they are compared exactly (torch's CPU path is the same tensor
arithmetic; the ``multi_avg_fn`` averages' ``lerp`` is one fused multiply-add in torch's AVX2/AVX-512
kernels and in minigrad, see ``test_optim_trajectories.py``). torch's DEFAULT kernel build rounds
that ``lerp`` twice; there the lerp-averaged weights are compared within the bound derived in
:func:`lerp_average_bound`. The model outputs and BatchNorm statistics involve
matmuls and batch means (sums of at most 16 terms in other orders: a few times 16 * eps32 of the
terms' magnitude): float32 to 1e-5 relative.
"""

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn
import minigrad.optim
from _compare import assert_within, outcome, torch_kernel_build, trajectory_bound, ulps

_rng = np.random.default_rng(7)
X = _rng.standard_normal((16, 4)).astype(np.float32)
STEPS = [[_rng.standard_normal((6, 4)).astype(np.float32) * 0.1, _rng.standard_normal(6).astype(np.float32) * 0.1]
         for _ in range(5)]


def initial_state():
    """torch's seeded initial parameters and buffers, as NumPy arrays. Both libraries start from
    these (minigrad loads them): the averaging is under test, not the RNG replay (seeded init has its
    own bit-exact tests, skipped where torch runs other RNG kernels; see ``_compare``)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.ReLU(), torch.nn.Linear(6, 2))
    return {key: value.numpy().copy() for key, value in model.state_dict().items()}


INITIAL = initial_state()


def model_and_average(lib, **kwargs):
    model = lib.nn.Sequential(lib.nn.Linear(4, 6), lib.nn.BatchNorm1d(6), lib.nn.ReLU(), lib.nn.Linear(6, 2))
    model.load_state_dict({key: lib.tensor(value) for key, value in INITIAL.items()})
    averaged = lib.optim.swa_utils.AveragedModel(model, **kwargs)
    for delta in STEPS:  # "training": move the first layer, update the BN statistics, average
        with lib.no_grad():
            model[0].weight += lib.tensor(delta[0])
            model[0].bias += lib.tensor(delta[1])
        model(lib.tensor(X))
        averaged.update_parameters(model)
    return model, averaged


AVERAGES = {
    "swa": lambda lib: {},
    "ema-avg_fn": lambda lib: {"avg_fn": lib.optim.swa_utils.get_ema_avg_fn(0.9)},
    "ema-multi_avg_fn": lambda lib: {"multi_avg_fn": lib.optim.swa_utils.get_ema_multi_avg_fn(0.9)},
    "swa-multi_avg_fn": lambda lib: {"multi_avg_fn": lib.optim.swa_utils.get_swa_multi_avg_fn()},
    "swa-use_buffers": lambda lib: {"use_buffers": True},
}


LERP_AVERAGES = ("ema-multi_avg_fn", "swa-multi_avg_fn")  # ``lerp_`` in place, torch's fused kernel


def lerp_average_bound(key):
    """How far a lerp-averaged parameter may be from torch's when torch rounds ``lerp`` twice (its
    DEFAULT kernel build: ``a + fl(w * (b - a))``) and minigrad once (``fma(w, b - a, a)``). Per step
    the extra rounding of the product is at most half an ulp of ``|w * (b - a)| <= 2 max(|a|, |b|)``
    and the two final roundings of values that differ by that are at most one more ulp apart: 2 ulps
    of ``S = max(|a|, |b|)``. ``lerp`` with ``0 <= w <= 1`` shrinks an existing difference in ``a``
    (by ``1 - w``; ``b``, the model's parameter, is the same in both), so after the ``len(STEPS)``
    updates the difference is at most ``len(STEPS)`` such steps, with ``S`` elementwise the largest
    ``|model parameter|`` along the trajectory (the average is a convex combination of those)."""
    value = INITIAL[key.removeprefix("module.")].astype(np.float64)
    moves = {"module.0.weight": 0, "module.0.bias": 1}
    scale = np.abs(value)
    if key in moves:
        for delta in STEPS:
            value = value + delta[moves[key]]
            scale = np.maximum(scale, np.abs(value))
    return trajectory_bound(ulps(2, scale), len(STEPS))


@pytest.mark.parametrize("name", list(AVERAGES))
def test_averaged_model_matches_torch(name):
    (_, avg_m), (_, avg_t) = (model_and_average(lib, **AVERAGES[name](lib)) for lib in (minigrad, torch))
    sd_m, sd_t = avg_m.state_dict(), avg_t.state_dict()
    assert list(sd_m) == list(sd_t)
    for key, value in sd_t.items():
        assert repr(sd_m[key].dtype) == repr(value.dtype), key
        if key.endswith(("running_mean", "running_var")):  # batch statistics: sums of 16 values
            np.testing.assert_allclose(sd_m[key].numpy(), value.numpy(), rtol=1e-5, atol=1e-6, err_msg=key)
        elif name in LERP_AVERAGES and value.is_floating_point() and torch_kernel_build() != "AVX2":
            assert_within(sd_m[key], value, lerp_average_bound(key), what=f"{key} ({torch_kernel_build()} lerp)")
        else:
            np.testing.assert_array_equal(sd_m[key].numpy(), value.numpy(), err_msg=key)
    avg_m.eval(), avg_t.eval()
    np.testing.assert_allclose(avg_m(minigrad.tensor(X)).detach().numpy(), avg_t(torch.tensor(X)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_update_bn_matches_torch():
    """A cumulative average over the loader's batches, the model's mode and momenta restored."""
    results = []
    for lib in (minigrad, torch):
        _, averaged = model_and_average(lib)
        averaged.eval()
        loader = [(lib.tensor(X[:8]), 0), (lib.tensor(X[8:]), 1)]
        lib.optim.swa_utils.update_bn(loader, averaged)
        bn = averaged.module[1]
        results.append((bn.running_mean.numpy(), bn.running_var.numpy(), int(bn.num_batches_tracked),
                        averaged.training, bn.momentum))
    (mean_m, var_m, n_m, mode_m, mom_m), (mean_t, var_t, n_t, mode_t, mom_t) = results
    np.testing.assert_allclose(mean_m, mean_t, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var_m, var_t, rtol=1e-5, atol=1e-6)
    assert (n_m, mode_m, mom_m) == (n_t, mode_t, mom_t)


SWALR_CASES = [{"swa_lr": 0.05}, {"swa_lr": [0.01, 0.02], "anneal_epochs": 4, "anneal_strategy": "linear"},
               {"swa_lr": 0.5, "anneal_epochs": 0}]


@pytest.mark.parametrize("kwargs", SWALR_CASES, ids=[str(k) for k in SWALR_CASES])
def test_swalr_matches_torch(kwargs):
    seen, states = [], []
    for lib in (minigrad, torch):
        p, q = lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)
        opt = lib.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.3}], lr=0.1)
        sched = lib.optim.swa_utils.SWALR(opt, **kwargs)
        lrs = []
        for _ in range(15):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
        seen.append(lrs)
        states.append(sched.state_dict())
    assert seen[0] == seen[1]
    assert states[0] == states[1]


def _opt(lib):
    return lib.optim.SGD([lib.ones(2, requires_grad=True)], lr=0.1)


ERRORS = {
    "ema-decay": lambda lib: lib.optim.swa_utils.get_ema_avg_fn(1.5),
    "ema-multi-decay": lambda lib: lib.optim.swa_utils.get_ema_multi_avg_fn(-0.1),
    "both-fns": lambda lib: lib.optim.swa_utils.AveragedModel(lib.nn.Linear(2, 2), avg_fn=lambda *a: a[0],
                                                              multi_avg_fn=lambda *a: None),
    "swalr-strategy": lambda lib: lib.optim.swa_utils.SWALR(_opt(lib), 0.1, anneal_strategy="step"),
    "swalr-epochs": lambda lib: lib.optim.swa_utils.SWALR(_opt(lib), 0.1, anneal_epochs=-1),
    "swalr-swa_lr-count": lambda lib: lib.optim.swa_utils.SWALR(_opt(lib), [0.1, 0.2]),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case):
    mine, theirs = outcome(ERRORS[case], minigrad), outcome(ERRORS[case], torch)
    assert theirs[0] is not None
    assert mine == theirs


def test_namespace_is_torchs():
    assert sorted(minigrad.optim.swa_utils.__all__) == sorted(torch.optim.swa_utils.__all__)
