"""Optimizer state: "a failed step or load changes nothing", for every kind of bad state.

Each row of a table is one bad state and the exception minigrad raises for it. minigrad checks
everything at ``load_state_dict`` (the keys each parameter's state needs under its group's options,
shapes, dtypes, each group's options) and again at the start of ``step()`` (a state changed by hand
in between), and changes nothing when it raises. Each row also runs the same case on torch and
records where torch raises, checked live: torch often loads the bad state and fails in the middle
of the next step (after updating some parameters and step counters) or, for a state of another
optimizer class, raises only after replacing the optimizer's groups. Where torch raises at load,
minigrad raises the same exception type.
"""
import copy

import numpy as np
import pytest
import torch

import minigrad
import minigrad.optim

SHAPES = [(3,), (2, 2)]


def build(lib, name, kwargs, steps=2):
    """An optimizer over two parameters, after ``steps`` steps (so its state exists)."""
    params = [lib.tensor(np.linspace(-1, 1, int(np.prod(s))).reshape(s).astype(np.float32) + i, requires_grad=True)
              for i, s in enumerate(SHAPES)]
    opt = getattr(lib.optim, name)(params, **kwargs)
    for _ in range(steps):
        set_grads(lib, params)
        opt.step()
    return opt, params


def set_grads(lib, params):
    for p in params:
        p.grad = lib.tensor(np.cos(p.detach().numpy() * 3) + 0.5)


def snapshot(opt, params):
    """Everything a step or a load could change: parameter values, state values, group options."""
    def plain(v):
        return v.detach().numpy().copy() if hasattr(v, "detach") else copy.deepcopy(v)
    return ([p.detach().numpy().copy() for p in params],
            [{k: plain(v) for k, v in opt.state[p].items()} if p in opt.state else None for p in params],
            [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups])


def assert_same(before, after):
    (params_b, state_b, groups_b), (params_a, state_a, groups_a) = before, after
    for a, b in zip(params_a, params_b):
        np.testing.assert_array_equal(a, b)
    assert [None if s is None else sorted(s) for s in state_a] == [None if s is None else sorted(s) for s in state_b]
    for sa, sb in zip(state_a, state_b):
        for key in sb or {}:
            np.testing.assert_array_equal(np.asarray(sa[key]), np.asarray(sb[key]), err_msg=key)
    assert groups_a == groups_b


def with_state(key, value_fn, index=1):
    """An edit of a state dict: parameter ``index``'s state ``key`` set to ``value_fn(lib, old)``."""
    def edit(lib, sd):
        sd["state"][index][key] = value_fn(lib, sd["state"][index].get(key))
        return sd
    return edit


def without_state(key, index=1):
    def edit(lib, sd):
        del sd["state"][index][key]
        return sd
    return edit


def with_group(**options):
    def edit(lib, sd):
        sd["param_groups"][0].update(options)
        return sd
    return edit


def drop_group_keys(*keys):
    def edit(lib, sd):
        for key in keys:
            del sd["param_groups"][0][key]
        return sd
    return edit


def same(lib, sd):
    return sd


def wrong_shape(lib, old):
    return lib.zeros(5)


# id: (saved optimizer, its kwargs, loading optimizer, its kwargs, edit of the state dict,
#      minigrad's exception at load (None: accepted), torch's (phase, exception) with this state)
LOAD_CASES = {
    "Adam-exp_avg-wrong-shape": ("Adam", {}, "Adam", {}, with_state("exp_avg", wrong_shape),
                                 RuntimeError, ("step", RuntimeError)),
    "Adam-exp_avg_sq-0-dim": ("Adam", {}, "Adam", {}, with_state("exp_avg_sq", lambda lib, old: lib.tensor(1.0)),
                              RuntimeError, ("step", RuntimeError)),
    "Adam-step-wrong-shape": ("Adam", {}, "Adam", {}, with_state("step", lambda lib, old: lib.ones(2)),
                              RuntimeError, ("step", RuntimeError)),
    "Adam-exp_avg-numpy": ("Adam", {}, "Adam", {}, with_state("exp_avg", lambda lib, old: old.numpy()),
                           TypeError, ("load", TypeError)),
    "Adam-missing-exp_avg_sq": ("Adam", {}, "Adam", {}, without_state("exp_avg_sq"), KeyError, ("step", KeyError)),
    "Adam-amsgrad-without-max": ("Adam", {}, "Adam", {}, with_group(amsgrad=True), KeyError, ("step", KeyError)),
    "SGD-momentum-into-Adam": ("SGD", {"lr": 0.1, "momentum": 0.9}, "Adam", {}, same, KeyError, ("load", KeyError)),
    "SGD-into-Adam": ("SGD", {"lr": 0.1}, "Adam", {}, same, KeyError, ("step", KeyError)),
    "Adam-into-SGD-momentum": ("Adam", {}, "SGD", {"lr": 0.1, "momentum": 0.9}, same, KeyError, ("step", KeyError)),
    "Adam-into-NAdam": ("Adam", {}, "NAdam", {}, same, KeyError, ("load", KeyError)),
    "RMSprop-into-Rprop": ("RMSprop", {}, "Rprop", {}, same, KeyError, ("step", KeyError)),
    "RMSprop-momentum-missing-buffer": ("RMSprop", {"momentum": 0.5}, "RMSprop", {"momentum": 0.5},
                                        without_state("momentum_buffer"), KeyError, ("step", KeyError)),
    "RMSprop-turned-centered": ("RMSprop", {}, "RMSprop", {}, with_group(centered=True),
                                KeyError, ("step", KeyError)),
    "SGD-momentum_buffer-wrong-shape": ("SGD", {"lr": 0.1, "momentum": 0.9}, "SGD", {"lr": 0.1, "momentum": 0.9},
                                        with_state("momentum_buffer", wrong_shape),
                                        RuntimeError, ("step", RuntimeError)),
    "Adagrad-sum-wrong-shape": ("Adagrad", {}, "Adagrad", {}, with_state("sum", wrong_shape),
                                RuntimeError, ("step", RuntimeError)),
    "Rprop-missing-step_size": ("Rprop", {}, "Rprop", {}, without_state("step_size"), KeyError, ("step", KeyError)),
    "ASGD-ax-wrong-shape": ("ASGD", {}, "ASGD", {}, with_state("ax", wrong_shape),
                            RuntimeError, ("step", RuntimeError)),
    "NAdam-mu_product-wrong-shape": ("NAdam", {}, "NAdam", {}, with_state("mu_product", lambda lib, o: lib.ones(3)),
                                     RuntimeError, ("step", RuntimeError)),
    "Adam-group-without-betas": ("Adam", {}, "Adam", {}, drop_group_keys("betas"), KeyError, ("step", KeyError)),
    # accepted, as by torch: old checkpoints without later options, a float step, another float dtype
    "Adam-old-checkpoint-options": ("Adam", {}, "Adam", {}, drop_group_keys("maximize", "foreach", "capturable",
                                                                            "differentiable", "fused",
                                                                            "decoupled_weight_decay"),
                                    None, (None, None)),
    "Adam-step-as-float": ("Adam", {}, "Adam", {}, with_state("step", lambda lib, old: 2.0), None, (None, None)),
    "Adam-exp_avg-float64": ("Adam", {}, "Adam", {}, with_state("exp_avg", lambda lib, old: old.double()),
                             None, (None, None)),
}


def torch_outcome(saved, saved_kwargs, target, target_kwargs, edit):
    """Where torch raises with this state: ("load", type), ("step", type) or (None, None)."""
    source, _ = build(torch, saved, saved_kwargs)
    opt, params = build(torch, target, target_kwargs, steps=0)
    sd = edit(torch, copy.deepcopy(source.state_dict()))
    try:
        opt.load_state_dict(sd)
    except Exception as exc:  # noqa: BLE001 - the exception is what is recorded
        return "load", type(exc)
    set_grads(torch, params)
    try:
        opt.step()
    except Exception as exc:  # noqa: BLE001
        return "step", type(exc)
    return None, None


@pytest.mark.parametrize("case", list(LOAD_CASES))
def test_bad_state_raises_at_load_and_changes_nothing(case):
    saved, saved_kwargs, target, target_kwargs, edit, error, torch_expected = LOAD_CASES[case]
    assert torch_outcome(saved, saved_kwargs, target, target_kwargs, edit) == torch_expected
    source, _ = build(minigrad, saved, saved_kwargs)
    opt, params = build(minigrad, target, target_kwargs, steps=1)  # a state of its own to keep
    sd = edit(minigrad, copy.deepcopy(source.state_dict()))
    before = snapshot(opt, params)
    if error is None:
        opt.load_state_dict(sd)
        set_grads(minigrad, params)
        opt.step()
        return
    with pytest.raises(error) as info:
        opt.load_state_dict(sd)
    assert_same(before, snapshot(opt, params))
    if torch_expected[0] == "load":
        assert torch_expected[1] is error
    assert "parameter" in str(info.value) or "option" in str(info.value)  # the message names the problem


def test_accepted_states_load_like_torch():
    """A float "step" becomes a tensor of the scalar dtype, a float64 state takes the parameter's
    dtype, and a group without later options gets their defaults -- as in torch. Both libraries load
    the same state: torch's, as minigrad tensors for minigrad (the load is under test, not the steps
    that made the state, whose Adam arithmetic rounds by torch's kernel build)."""
    for case in ("Adam-old-checkpoint-options", "Adam-step-as-float", "Adam-exp_avg-float64"):
        saved, saved_kwargs, target, target_kwargs, edit, _, _ = LOAD_CASES[case]
        source, _ = build(torch, saved, saved_kwargs)
        saved_sd = source.state_dict()
        loaded = []
        for lib in (minigrad, torch):
            sd = {"state": {index: {key: lib.tensor(value.numpy()) for key, value in state.items()}
                            for index, state in saved_sd["state"].items()},
                  "param_groups": copy.deepcopy(saved_sd["param_groups"])}
            opt, _ = build(lib, target, target_kwargs, steps=0)
            opt.load_state_dict(edit(lib, sd))
            loaded.append(opt.state_dict())
        mine, theirs = loaded
        assert mine["param_groups"] == theirs["param_groups"]
        for index, state in theirs["state"].items():
            for key, value in state.items():
                assert repr(mine["state"][index][key].dtype) == repr(value.dtype), (case, key)
                np.testing.assert_array_equal(mine["state"][index][key].numpy(), value.numpy())


def test_group_count_and_size_errors_are_torchs():
    """The two structural errors torch checks itself: same type and message."""
    def more_groups(lib):
        p, q = lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)
        sd = lib.optim.Adam([{"params": [p]}, {"params": [q]}]).state_dict()
        lib.optim.Adam([p, q]).load_state_dict(sd)

    def other_size(lib):
        p, q = lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)
        lib.optim.Adam([p]).load_state_dict(lib.optim.Adam([p, q]).state_dict())
    from _compare import outcome
    for fn in (more_groups, other_size):
        assert outcome(fn, minigrad) == outcome(fn, torch) != (None, None)


def break_state(key, value_fn):
    """A state changed by hand after a valid load: the second parameter's ``key``."""
    def mutate(lib, opt, params):
        opt.state[params[1]][key] = value_fn(lib)
    return mutate


def break_option(**options):
    def mutate(lib, opt, params):
        opt.param_groups[0].update(options)
    return mutate


# id: (optimizer, kwargs, change made before the step, minigrad's exception,
#      whether torch changes the first parameter before raising)
STEP_CASES = {
    "Adam-exp_avg-wrong-shape": ("Adam", {}, break_state("exp_avg", lambda lib: lib.zeros(5)), RuntimeError, True),
    "Adam-exp_avg-float64": ("Adam", {}, break_state("exp_avg", lambda lib: lib.zeros((2, 2), dtype=lib.float64)),
                             RuntimeError, True),
    "Adam-amsgrad-turned-on": ("Adam", {}, break_option(amsgrad=True), KeyError, False),
    "Adadelta-acc_delta-missing": ("Adadelta", {}, break_state("acc_delta", lambda lib: None), KeyError, True),
    "Adamax-exp_inf-wrong-shape": ("Adamax", {}, break_state("exp_inf", lambda lib: lib.zeros(2)),
                                   RuntimeError, True),
    "RAdam-exp_avg_sq-numpy": ("RAdam", {}, break_state("exp_avg_sq", lambda lib: np.zeros((2, 2), np.float32)),
                               TypeError, True),
    "Rprop-prev-wrong-shape": ("Rprop", {}, break_state("prev", lambda lib: lib.zeros(3)), RuntimeError, True),
}


@pytest.mark.parametrize("case", list(STEP_CASES))
def test_failed_step_changes_nothing(case):
    name, kwargs, mutate, error, torch_half_applies = STEP_CASES[case]
    opt_t, params_t = build(torch, name, kwargs)
    first_before = params_t[0].detach().clone()
    set_grads(torch, params_t)
    mutate(torch, opt_t, params_t)
    with pytest.raises(Exception):
        opt_t.step()
    assert (not torch.equal(params_t[0], first_before)) == torch_half_applies  # torch: half-applied

    opt, params = build(minigrad, name, kwargs)
    set_grads(minigrad, params)
    mutate(minigrad, opt, params)
    before = snapshot(opt, params)
    with pytest.raises(error):
        opt.step()
    assert_same(before, snapshot(opt, params))


# --- swap_in_optimizer_params_and_state ---------------------------------------------------------
def test_swap_in_steps_other_params_and_restores_like_torch():
    """Inside the block a step updates the swap-in parameters and state (with the swap-in group
    options); afterwards the live parameters, state and options are as before -- as in torch."""
    results = []
    for lib in (minigrad, torch):
        opt, params = build(lib, "Adam", {"lr": 0.01})
        other, params2 = build(lib, "Adam", {"lr": 0.05}, steps=3)
        saved = other.state_dict()
        before = snapshot(opt, params)
        swap_params = {f"p{i}": p for i, p in enumerate(params2)}
        with lib.optim.swap_in_optimizer_params_and_state(opt, swap_params, saved):
            assert opt.param_groups[0]["lr"] == 0.05
            set_grads(lib, params2)
            opt.step()
        if lib is minigrad:
            assert_same(before, snapshot(opt, params))
        results.append(([p.detach().numpy().copy() for p in params2],
                        [s["step"].item() for s in saved["state"].values()]))
    (params_m, steps_m), (params_t, steps_t) = results
    assert steps_m == steps_t == [4.0, 4.0]  # the swap-in state tensors were advanced in place
    for a, b in zip(params_m, params_t):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)  # Adam: torch's sqrt, see test_optim_trajectories


def _swap_in(edit, live_steps=1):
    def run(lib):
        opt, params = build(lib, "SGD", {"lr": 0.1, "momentum": 0.9}, steps=live_steps)
        sd = edit(copy.deepcopy(build(lib, "SGD", {"lr": 0.1, "momentum": 0.9})[0].state_dict()))
        with lib.optim.swap_in_optimizer_params_and_state(opt, {f"p{i}": p for i, p in enumerate(params)}, sd):
            pass
    return run


def _set(key, value):
    def edit(sd):
        sd[key] = value
        return sd
    return edit


SWAP_IN_ERRORS = {
    "no-live-state": _swap_in(lambda sd: sd, live_steps=0),
    "not-a-dict": _swap_in(lambda sd: [sd]),
    "state-not-dict": _swap_in(_set("state", [])),
    "state-entry-not-dict": _swap_in(lambda sd: {**sd, "state": {0: 1.0}}),
    "groups-not-list": _swap_in(_set("param_groups", {})),
    "group-count": _swap_in(lambda sd: {**sd, "param_groups": sd["param_groups"] * 2}),
    "group-not-dict": _swap_in(lambda sd: {**sd, "param_groups": [1]}),
    "group-params-not-ids": _swap_in(lambda sd: {**sd, "param_groups": [{**sd["param_groups"][0], "params": "ab"}]}),
    "group-size": _swap_in(lambda sd: {**sd, "param_groups": [{**sd["param_groups"][0], "params": [0]}]}),
    "group-keys": _swap_in(lambda sd: {**sd, "param_groups": [{**sd["param_groups"][0], "extra": 1}]}),
    "extra-state": _swap_in(lambda sd: {**sd, "state": {**sd["state"], 7: {}}}),
}


@pytest.mark.parametrize("case", list(SWAP_IN_ERRORS))
def test_swap_in_errors_match_torch(case):
    from _compare import outcome
    mine, theirs = outcome(SWAP_IN_ERRORS[case], minigrad), outcome(SWAP_IN_ERRORS[case], torch)
    assert theirs[0] is not None
    assert mine == theirs
