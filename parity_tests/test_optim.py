"""Optimizers against torch: whole 200-step training trajectories, state_dict layout and values,
param groups, closures, errors, and a chapter-3 style training loop (DataLoader + nn + SGD).

Tolerances follow ``_compare``'s policy. float64 trajectories are compared to 1e-9 of the largest
parameter (they catch any formula difference). A float32 trajectory is bounded per step
(``_compare.optimizer_step_bound``): writing ``p - update`` rounds once (1 ulp of the parameters'
magnitude between the two libraries), and the update carries the error of the gradient -- a sum
over the batch's rows -- and of the optimizer's elementwise arithmetic (``UPDATE_OPS`` roundings,
sqrt and divisions included; centered RMSprop's ``square_avg - grad_avg**2`` cancels, so its error is
in ulps of the terms, which is the magnitude of the update the bound already uses), together ulps of
the largest update torch took. ``steps`` steps add up (``trajectory_bound``). The options were chosen so that the
training is not chaotic: with some settings (Adam with a small beta2, RMSprop ``centered`` with a small
alpha) Adam/RMSprop's normalised steps make parameters near their optimum oscillate, and any 1-ulp
difference (torch's CPU kernels use fused multiply-adds, its matmul sums in another order) then
grows exponentially -- in torch against itself on another CPU just as much -- and no per-step bound
holds.
"""
import collections

import numpy as np
import pytest
import torch
import torch.optim.lr_scheduler

import minigrad
import minigrad.nn
import minigrad.optim
import minigrad.utils.data
from _compare import (LIBM_ULPS, UPDATE_OPS, assert_within, loss_bound, optimizer_step_bound, outcome,
                      tracked_step, trajectory_bound, ulps)
import strict_device


LIBS = {"minigrad": minigrad, "torch": torch}
FLOAT64_RTOL = 1e-9  # float64: any formula difference shows far above this; rounding stays ~1e-13 after 200 steps

_rng = np.random.default_rng(0)
X = _rng.standard_normal((32, 5))
Y = _rng.standard_normal((32, 3))
INIT = [_rng.standard_normal((8, 5)) * 0.4, _rng.standard_normal(8) * 0.1, _rng.standard_normal((3, 8)) * 0.4,
        _rng.standard_normal(3) * 0.1]


def mlp_loss(lib, params, x, y):
    """A 5-8-3 tanh MLP written with tensor ops, mean squared error."""
    w1, b1, w2, b2 = params
    return ((((x @ w1.T + b1).tanh() @ w2.T + b2) - y) ** 2).mean()


def make_params(lib, dtype):
    return [lib.tensor(a.astype(dtype), requires_grad=True) for a in INIT]


def train(lib, opt_name, kwargs, dtype, steps=200, scheduler=None):
    """Run ``steps`` optimizer steps; return the parameters, the losses, the lr of every step, the
    optimizer and the ``tracked_step`` record."""
    params = make_params(lib, dtype)
    x, y = lib.tensor(X.astype(dtype)), lib.tensor(Y.astype(dtype))
    opt = getattr(lib.optim, opt_name)(params, **kwargs)
    sched = scheduler(lib.optim.lr_scheduler, opt) if scheduler else None
    sign = -1.0 if kwargs.get("maximize") else 1.0  # maximize the negated loss: same descent
    record, lrs = collections.defaultdict(list), []
    for _ in range(steps):
        loss = tracked_step(opt, params, lambda: mlp_loss(lib, params, x, y) * sign, record)
        lrs.append(opt.param_groups[0]["lr"])
        if sched is not None:
            if isinstance(sched, lib.optim.lr_scheduler.ReduceLROnPlateau):
                sched.step(loss.item())
            else:
                sched.step()
    return [p.detach().numpy().copy() for p in params], record["losses"], lrs, opt, record


def assert_trajectories_match(mine, theirs, dtype):
    (p_m, loss_m, lr_m, _, _), (p_t, loss_t, lr_t, _, record) = mine, theirs
    scale = max(np.abs(p).max() for p in p_t)
    steps = len(loss_t)
    if dtype == np.float64:
        for a, b in zip(p_m, p_t):
            np.testing.assert_allclose(a, b, rtol=FLOAT64_RTOL, atol=FLOAT64_RTOL * scale)
        np.testing.assert_allclose(loss_m, loss_t, rtol=FLOAT64_RTOL, atol=FLOAT64_RTOL * max(map(abs, loss_t)))
    else:
        per_step = optimizer_step_bound(scale, record["update"], batch=len(X))
        for i, (a, b) in enumerate(zip(p_m, p_t)):
            assert_within(a, b, trajectory_bound(per_step, steps), f"parameter {i} after {steps} steps")
        # the loss of step t is evaluated before step t's update, at parameters t steps apart; it sums
        # the mean's Y.size terms after the layers' X.shape[1] + hidden inner products and a tanh
        n_terms = Y.size + X.shape[1] + INIT[0].shape[0] + LIBM_ULPS
        params_bound = trajectory_bound(per_step, np.arange(steps))
        bound = loss_bound(loss_t, n_terms, record["grad_l1"], params_bound)
        assert_within(np.asarray(loss_m), np.asarray(loss_t), bound, "losses")
    assert lr_m == lr_t


OPTIMIZER_CASES = [
    ("SGD", {}), ("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.2, "weight_decay": 1e-2}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "maximize": True}),
    ("Adam", {"lr": 1e-2}), ("Adam", {"lr": 1e-2, "amsgrad": True}), ("Adam", {"lr": 1e-2, "weight_decay": 0.1}),
    ("Adam", {"lr": 1e-3, "betas": (0.4, 0.999), "eps": 1e-6}),  # beta1 < 0.5: lerp's other branch
    ("Adam", {"lr": 1e-2, "maximize": True}),
    ("AdamW", {"lr": 1e-2}), ("AdamW", {"lr": 1e-2, "weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 1e-3}), ("RMSprop", {"lr": 1e-3, "alpha": 0.95}), ("RMSprop", {"lr": 1e-3, "momentum": 0.9}),
    ("RMSprop", {"lr": 1e-3, "centered": True}),
    ("RMSprop", {"lr": 1e-3, "weight_decay": 0.1, "momentum": 0.5, "centered": True, "maximize": True}),
    ("Adagrad", {"lr": 0.05}),
    ("Adagrad", {"lr": 0.05, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("Adagrad", {"lr": 0.05, "eps": 1e-6, "maximize": True}),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("opt_name,kwargs", OPTIMIZER_CASES, ids=[f"{n}-{k}" for n, k in OPTIMIZER_CASES])
def test_trajectory_matches_torch(opt_name, kwargs, dtype):
    assert_trajectories_match(train(minigrad, opt_name, kwargs, dtype), train(torch, opt_name, kwargs, dtype), dtype)


SCHEDULED_CASES = [
    ("SGD", {"lr": 0.1}, lambda s, o: s.StepLR(o, step_size=30, gamma=0.5)),
    ("SGD", {"lr": 0.1}, lambda s, o: s.MultiStepLR(o, milestones=[20, 50, 50, 120], gamma=0.5)),
    ("SGD", {"lr": 0.1, "momentum": 0.9}, lambda s, o: s.OneCycleLR(o, max_lr=0.1, total_steps=200)),
    ("SGD", {"lr": 0.1}, lambda s, o: s.LambdaLR(o, lambda epoch: 1 / (1 + 0.05 * epoch))),
    ("SGD", {"lr": 0.3}, lambda s, o: s.ReduceLROnPlateau(o, patience=3, threshold=1e-2, cooldown=2)),
    ("Adam", {"lr": 1e-2}, lambda s, o: s.CosineAnnealingLR(o, T_max=30, eta_min=1e-4)),
    ("Adam", {"lr": 1e-2}, lambda s, o: s.OneCycleLR(o, max_lr=1e-2, total_steps=200, anneal_strategy="linear",
                                                     three_phase=True)),
    ("RMSprop", {"lr": 1e-3}, lambda s, o: s.ExponentialLR(o, gamma=0.99)),
    ("Adagrad", {"lr": 0.05}, lambda s, o: s.LinearLR(o, start_factor=0.2, total_iters=40)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("opt_name,kwargs,scheduler", SCHEDULED_CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(SCHEDULED_CASES)])
def test_trajectory_with_scheduler_matches_torch(opt_name, kwargs, scheduler, dtype):
    mine = train(minigrad, opt_name, kwargs, dtype, scheduler=scheduler)
    theirs = train(torch, opt_name, kwargs, dtype, scheduler=scheduler)
    assert len(set(theirs[2])) > 1  # the schedule did change the lr
    assert_trajectories_match(mine, theirs, dtype)


# --- state_dict -------------------------------------------------------------------------------------
STATE_STEPS = 5


def _two_group_optimizer(lib, opt_name, kwargs):
    params = make_params(lib, np.float32)
    opt = getattr(lib.optim, opt_name)([{"params": params[:2]}, {"params": params[2:], "lr": 0.002}], **kwargs)
    x, y = lib.tensor(X.astype(np.float32)), lib.tensor(Y.astype(np.float32))
    for _ in range(STATE_STEPS):
        opt.zero_grad()
        mlp_loss(lib, params, x, y).backward()
        opt.step()
    return opt, params


STATE_CASES = [("SGD", {"lr": 0.01}), ("SGD", {"lr": 0.01, "momentum": 0.9}), ("Adam", {"amsgrad": True}),
               ("AdamW", {}), ("RMSprop", {"momentum": 0.5, "centered": True}), ("Adagrad", {})]


@pytest.mark.parametrize("opt_name,kwargs", STATE_CASES, ids=[f"{n}-{k}" for n, k in STATE_CASES])
def test_state_dict_matches_torch(opt_name, kwargs):
    (opt_m, _), (opt_t, _) = (_two_group_optimizer(lib, opt_name, kwargs) for lib in (minigrad, torch))
    sd_m, sd_t = opt_m.state_dict(), opt_t.state_dict()
    assert sd_m["param_groups"] == sd_t["param_groups"]
    assert list(sd_m["param_groups"][0]) == list(sd_t["param_groups"][0])  # same keys in the same order
    assert list(sd_m["state"]) == list(sd_t["state"])
    for index, state_t in sd_t["state"].items():
        state_m = sd_m["state"][index]
        assert list(state_m) == list(state_t)
        for key, value_t in state_t.items():
            value_m = state_m[key]
            assert isinstance(value_m, minigrad.Tensor)
            assert repr(value_m.dtype) == repr(value_t.dtype) and tuple(value_m.shape) == tuple(value_t.shape)
            if key == "step":
                np.testing.assert_array_equal(value_m.numpy(), value_t.numpy())
                continue
            # Each state is a moving sum of per-step terms (gradients, their squares, normalised updates)
            # of the tensor's magnitude; one step adds BATCH + UPDATE_OPS ulps of them. Centered
            # RMSprop divides by sqrt(square_avg - grad_avg**2): that difference cancels, its error is
            # ulps of square_avg, so the normalised terms' error grows by square_avg / difference.
            amplification = 1.0
            if kwargs.get("centered") and key == "momentum_buffer":
                v, g_avg = state_t["square_avg"].numpy(), state_t["grad_avg"].numpy()
                amplification = float((v / (v - g_avg ** 2)).max())
            per_step = ulps(len(X) + UPDATE_OPS, np.abs(value_t.numpy()).max()) * amplification
            assert_within(value_m, value_t, trajectory_bound(per_step, STATE_STEPS), f"state {index} {key}")
    assert repr(opt_m) == repr(opt_t)


@pytest.mark.parametrize("opt_name,kwargs", STATE_CASES, ids=[f"{n}-{k}" for n, k in STATE_CASES])
def test_load_state_dict_resumes_exactly(opt_name, kwargs):
    """100 steps, save, load into a fresh optimizer, 100 more == 200 uninterrupted steps (bit for bit)."""
    whole = train(minigrad, opt_name, kwargs, np.float64)
    params = make_params(minigrad, np.float64)
    x, y = minigrad.tensor(X), minigrad.tensor(Y)
    opt = getattr(minigrad.optim, opt_name)(params, **kwargs)
    for step in range(200):
        if step == 100:
            saved = opt.state_dict()
            opt = getattr(minigrad.optim, opt_name)(params, **kwargs)
            opt.load_state_dict(saved)
        opt.zero_grad()
        mlp_loss(minigrad, params, x, y).backward()
        opt.step()
    for a, b in zip(params, whole[0]):
        np.testing.assert_array_equal(a.detach().numpy(), b)


def _to_minigrad_state_dict(sd):
    return {"state": {i: {k: minigrad.tensor(v.numpy()) for k, v in s.items()} for i, s in sd["state"].items()},
            "param_groups": [dict(g) for g in sd["param_groups"]]}


@pytest.mark.parametrize("opt_name,kwargs", STATE_CASES, ids=[f"{n}-{k}" for n, k in STATE_CASES])
def test_load_torch_state_dict_then_continue(opt_name, kwargs):
    """A torch optimizer's state, loaded into minigrad, continues the same trajectory."""
    opt_t, params_t = _two_group_optimizer(torch, opt_name, kwargs)
    params_m = [minigrad.tensor(p.detach().numpy(), requires_grad=True) for p in params_t]
    opt_m = getattr(minigrad.optim, opt_name)([{"params": params_m[:2]}, {"params": params_m[2:]}], **kwargs)
    opt_m.load_state_dict(_to_minigrad_state_dict(opt_t.state_dict()))
    assert opt_m.param_groups[1]["lr"] == 0.002
    records = {}
    for lib, opt, params in ((torch, opt_t, params_t), (minigrad, opt_m, params_m)):
        x, y = lib.tensor(X.astype(np.float32)), lib.tensor(Y.astype(np.float32))
        records[lib] = collections.defaultdict(list)
        for _ in range(20):
            tracked_step(opt, params, lambda: mlp_loss(lib, params, x, y), records[lib])
    scale = max(float(np.abs(p.detach().numpy()).max()) for p in params_t)
    bound = trajectory_bound(optimizer_step_bound(scale, records[torch]["update"], batch=len(X)), 20)
    for i, (a, b) in enumerate(zip(params_m, params_t)):
        assert_within(a, b, bound, f"parameter {i}")


def test_load_state_dict_casts_to_parameter_dtype_and_keeps_step():
    p = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    opt = minigrad.optim.Adam([p])
    opt.load_state_dict({"state": {0: {"step": minigrad.tensor(3.0), "exp_avg": minigrad.tensor([0.1, 0.2]),
                                       "exp_avg_sq": minigrad.tensor([0.01, 0.02])}},
                         "param_groups": [dict(opt.state_dict()["param_groups"][0])]})
    state = opt.state[p]
    assert state["exp_avg"].dtype is minigrad.float64 and state["step"].dtype is minigrad.float32


def test_step_is_a_float_tensor_like_torch():
    for lib in (minigrad, torch):
        p = lib.tensor([1.0], requires_grad=True)
        opt = lib.optim.Adam([p])
        p.grad = lib.tensor([0.5])
        opt.step()
        opt.step()
        assert repr(opt.state_dict()["state"][0]["step"]) == "tensor(2.)"


# --- param groups, zero_grad, closure, versions -----------------------------------------------------
def test_param_groups_options_and_add_param_group_match_torch():
    def build(lib):
        params = make_params(lib, np.float32)
        opt = lib.optim.SGD([{"params": params[:2], "momentum": 0.9}], lr=0.1, weight_decay=0.01)
        opt.add_param_group({"params": params[2:], "lr": 0.5})
        return opt
    opt_m, opt_t = build(minigrad), build(torch)
    assert [{k: v for k, v in g.items() if k != "params"} for g in opt_m.param_groups] == \
        [{k: v for k, v in g.items() if k != "params"} for g in opt_t.param_groups]
    assert opt_m.defaults == opt_t.defaults


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    for lib in (minigrad, torch):
        p = lib.tensor([1.0, 2.0], requires_grad=True)
        (p * p).sum().backward()
        lib.optim.SGD([p], lr=0.1).zero_grad(set_to_none=set_to_none)
        if set_to_none:
            assert p.grad is None
        else:
            assert p.grad.tolist() == [0.0, 0.0]


def test_step_with_closure_returns_loss_and_matches_torch():
    results = {}
    for name, lib in LIBS.items():
        params = make_params(lib, np.float64)
        x, y = lib.tensor(X), lib.tensor(Y)
        opt = lib.optim.SGD(params, lr=0.1, momentum=0.9)

        def closure(lib=lib, opt=opt, params=params, x=x, y=y):
            opt.zero_grad()
            loss = mlp_loss(lib, params, x, y)
            loss.backward()
            return loss
        losses = [opt.step(closure).item() for _ in range(20)]
        results[name] = (losses, [p.detach().numpy() for p in params])
    np.testing.assert_allclose(results["minigrad"][0], results["torch"][0], rtol=1e-12)
    for a, b in zip(results["minigrad"][1], results["torch"][1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_params_without_grad_are_skipped_and_versions_bumped():
    p, q = minigrad.tensor([1.0], requires_grad=True), minigrad.tensor([1.0], requires_grad=True)
    opt = minigrad.optim.Adam([p, q])
    p.grad = minigrad.tensor([1.0])
    before = p._version
    opt.step()
    assert p._version == before + 1 and q.tolist() == [1.0] and q not in opt.state
    assert len(opt.state_dict()["state"]) == 1


def test_sgd_without_momentum_keeps_no_state():
    p = minigrad.tensor([1.0], requires_grad=True)
    opt = minigrad.optim.SGD([p], lr=0.1)
    p.grad = minigrad.tensor([1.0])
    opt.step()
    assert opt.state_dict()["state"] == {}


def test_failed_step_leaves_everything_unchanged():
    p, q = minigrad.tensor([1.0, 2.0], requires_grad=True), minigrad.tensor([3.0], requires_grad=True)
    opt = minigrad.optim.Adam([{"params": [p]}, {"params": [q]}])
    p.grad = minigrad.tensor([1.0, 1.0])
    q._grad = minigrad.tensor([1.0, 1.0])  # a wrong-shaped gradient slipped past the setter
    with pytest.raises(RuntimeError, match="gradient of a parameter must match it"):
        opt.step()
    assert p.tolist() == [1.0, 2.0] and len(opt.state) == 0


def test_optimizer_on_nn_parameters_and_named_parameters():
    torch.manual_seed(0)
    layer_t = torch.nn.Linear(3, 2)
    layer_m = minigrad.nn.Linear(3, 2)
    with minigrad.no_grad():
        layer_m.weight.copy_(minigrad.tensor(layer_t.weight.detach().numpy()))
        layer_m.bias.copy_(minigrad.tensor(layer_t.bias.detach().numpy()))
    records = {}
    for lib, layer in ((torch, layer_t), (minigrad, layer_m)):
        opt = lib.optim.AdamW(layer.named_parameters(), lr=0.1)
        records[lib] = collections.defaultdict(list)
        for _ in range(5):
            tracked_step(opt, list(layer.parameters()), lambda: layer(lib.ones(4, 3)).pow(2).sum(), records[lib])
        assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    scale = float(np.abs(layer_t.weight.detach().numpy()).max())
    # the gradient sums over the 4 rows and the 3 inputs of each output
    bound = trajectory_bound(optimizer_step_bound(scale, records[torch]["update"], batch=4 + 3), 5)
    assert_within(layer_m.weight, layer_t.weight, bound, "weight")


# --- errors ----------------------------------------------------------------------------------------
def _nonleaf(lib):
    return lib.ones(2, requires_grad=True) * 2


ERROR_CASES = [
    ("empty", lambda lib: lib.optim.SGD([], lr=0.1)),
    ("tensor_params", lambda lib: lib.optim.SGD(lib.ones(2, requires_grad=True), lr=0.1)),
    ("set_params", lambda lib: lib.optim.SGD([{"params": {lib.ones(2, requires_grad=True)}}], lr=0.1)),
    ("not_tensor", lambda lib: lib.optim.SGD([1.0], lr=0.1)),
    ("non_leaf", lambda lib: lib.optim.Adam([_nonleaf(lib)])),
    ("sgd_lr", lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], lr=-0.1)),
    ("sgd_momentum", lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], lr=0.1, momentum=-1)),
    ("sgd_weight_decay", lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], weight_decay=-1)),
    ("nesterov", lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], lr=0.1, nesterov=True)),
    ("nesterov_dampening", lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], momentum=0.9, dampening=0.1,
                                                     nesterov=True)),
    ("adam_lr", lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], lr=-1)),
    ("adam_eps", lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], eps=-1e-8)),
    ("adam_beta0", lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], betas=(1.0, 0.999))),
    ("adam_beta1", lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], betas=(0.9, -0.1))),
    ("adam_int_betas", lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], betas=(0, 0.9))),
    ("adamw_weight_decay", lambda lib: lib.optim.AdamW([lib.ones(2, requires_grad=True)], weight_decay=-1)),
    ("rmsprop_alpha", lambda lib: lib.optim.RMSprop([lib.ones(2, requires_grad=True)], alpha=-1)),
    ("rmsprop_momentum", lambda lib: lib.optim.RMSprop([lib.ones(2, requires_grad=True)], momentum=-1)),
    ("adagrad_lr_decay", lambda lib: lib.optim.Adagrad([lib.ones(2, requires_grad=True)], lr_decay=-1)),
    ("adagrad_initial", lambda lib: lib.optim.Adagrad([lib.ones(2, requires_grad=True)],
                                                      initial_accumulator_value=-1)),
    ("param_group_not_dict", lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)]).add_param_group([1])),
    ("duplicate_across_groups", lambda lib: (lambda p: lib.optim.SGD([{"params": [p]}, {"params": [p]}]))(
        lib.ones(2, requires_grad=True))),
    ("load_groups", lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)]).load_state_dict(
        {"state": {}, "param_groups": []})),
    ("load_sizes", lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)]).load_state_dict(
        {"state": {}, "param_groups": [{"params": [0, 1]}]})),
]


@pytest.mark.parametrize("make", [c[1] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_errors_match_torch(make):
    theirs = outcome(make, torch)
    assert theirs[0] is not None, "torch accepts this input; the case is wrong"
    assert outcome(make, minigrad) == theirs


def test_duplicate_params_in_one_group_warn():
    p = minigrad.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        minigrad.optim.SGD([p, p])


# --- a chapter-3 training loop: TensorDataset, DataLoader, Linear/ReLU, MSELoss, SGD ------------------
def chapter3_losses(lib, epochs=4, batch_size=16, n=128):
    """The course's chapter-3 loop; torch builds the model, minigrad copies its weights."""
    data = np.random.default_rng(3).standard_normal((n, 4)).astype(np.float32)
    target = (data @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32) + 0.1).astype(np.float32)
    torch.manual_seed(0)
    model_t = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    if lib is torch:
        model = model_t
    else:
        model = minigrad.nn.Sequential(minigrad.nn.Linear(4, 16), minigrad.nn.ReLU(), minigrad.nn.Linear(16, 1))
        with minigrad.no_grad():
            for p_m, p_t in zip(model.parameters(), model_t.parameters()):
                p_m.copy_(minigrad.tensor(p_t.detach().numpy()))
    loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(lib.tensor(data), lib.tensor(target)),
                                       batch_size=batch_size, shuffle=True)
    loss_fn = lib.nn.MSELoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    lib.manual_seed(42)
    record = collections.defaultdict(list)
    for _ in range(epochs):
        for xb, yb in loader:
            tracked_step(optimizer, list(model.parameters()), lambda: loss_fn(model(xb), yb), record)
    record["scale"] = max(float(np.abs(p.detach().numpy()).max()) for p in model.parameters())
    return record


def test_chapter3_training_loop_matches_torch():
    mine, theirs = chapter3_losses(minigrad)["losses"], chapter3_losses(torch)
    assert len(mine) == len(theirs["losses"]) == 32
    assert theirs["losses"][-1] < theirs["losses"][0] / 10  # it did learn
    # batches of 16, through inner products of 4 and 16 terms; the losses of steps 0..31
    per_step = optimizer_step_bound(theirs["scale"], theirs["update"], batch=16)
    bound = loss_bound(theirs["losses"], 16 + 4 + 16, theirs["grad_l1"], trajectory_bound(per_step, np.arange(32)))
    assert_within(np.asarray(mine), np.asarray(theirs["losses"]), bound, "losses")


def test_user_defined_optimizer_subclass():
    """The course's "write your own optimizer": a torch-style Optimizer subclass runs unchanged."""
    def make(lib):
        class SignSGD(lib.optim.Optimizer):
            def __init__(self, params, lr=0.01):
                super().__init__(params, {"lr": lr})

            @lib.no_grad()
            def step(self, closure=None):
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            state = self.state[p]
                            state["n"] = state.get("n", 0) + 1
                            p.add_(p.grad.sign(), alpha=-group["lr"])
        return SignSGD
    results = []
    for lib in (minigrad, torch):
        params = make_params(lib, np.float64)
        opt = make(lib)(params, lr=0.01)
        x, y = lib.tensor(X), lib.tensor(Y)
        for _ in range(30):
            opt.zero_grad()
            mlp_loss(lib, params, x, y).backward()
            opt.step()
        results.append(([p.detach().numpy() for p in params], opt.state_dict()["state"]))
    for a, b in zip(results[0][0], results[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert results[0][1] == results[1][1] == {i: {"n": 30} for i in range(4)}


@pytest.mark.parametrize("opt_name,kwargs", [("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 1e-2})])
def test_module_and_optimizer_on_device(opt_name, kwargs, device):
    """A model moved with Module.to(device) trains like torch's on the same device, and the
    optimizer keeps its state on the parameters' device."""
    results = []
    for lib in (minigrad, torch):
        model = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Linear(8, 1))
        with lib.no_grad():
            for p, values in zip(model.parameters(), _DEVICE_WEIGHTS):
                p.copy_(lib.tensor(values))
        model.to(device)
        opt = getattr(lib.optim, opt_name)(model.parameters(), **kwargs)
        x, y = lib.tensor(X[:, :4].astype(np.float32), device=device), lib.tensor(Y.astype(np.float32), device=device)
        record = collections.defaultdict(list)
        for _ in range(50):
            tracked_step(opt, list(model.parameters()), lambda: lib.nn.functional.mse_loss(model(x), y[:, :1]), record)
        state_devices = {str(v.device) for s in opt.state.values() for k, v in s.items()
                         if k != "step" and isinstance(v, (minigrad.Tensor, torch.Tensor))}
        scale = max(float(np.abs(p.detach().cpu().numpy()).max()) for p in model.parameters())
        results.append((record, state_devices, scale))
    (mine, devices_m, _), (theirs, devices_t, scale) = results
    # batches of 32 through inner products of 4 and 8 terms
    per_step = optimizer_step_bound(scale, theirs["update"], batch=len(X))
    bound = loss_bound(theirs["losses"], len(X) + 4 + 8, theirs["grad_l1"], trajectory_bound(per_step, np.arange(50)))
    assert_within(np.asarray(mine["losses"]), np.asarray(theirs["losses"]), bound, "losses")
    strict_device.skip_if_stand_in(device)
    assert devices_m == devices_t


_DEVICE_WEIGHTS = [np.random.default_rng(5).standard_normal(shape).astype(np.float32) * 0.5
                   for shape in [(8, 4), (8,), (1, 8), (1,)]]
