"""The optimizers added for torch's full ``optim`` namespace (Adadelta, Adamax, NAdam, RAdam, ASGD,
Rprop, LBFGS, Adafactor) against torch, beyond the element-wise trajectories of ``test_optim_trajectories.py``:
training a small MLP (real autograd gradients), defaults, state_dict layout and round trips, and the
errors for bad hyper-parameters.

Tolerances. The MLP's gradients come from matmuls and sums whose summation order differs between
torch and NumPy, so they agree to a few ulps, not bit for bit. In float64 those differences
(~1e-16 relative) stay far below 1e-9 over 100 steps of these non-chaotic settings (small steps on
a smooth loss); in float32 (eps 1.2e-7) the same reasoning gives 1e-4 relative to the largest
parameter: per step a few ulps of each gradient, times the step size, added over 100 steps
(100 * a few * 1.2e-7 < 1e-4).
"""
import copy

import numpy as np
import pytest
import torch

import minigrad
import minigrad.optim
from _compare import outcome

_rng = np.random.default_rng(16)
X = _rng.standard_normal((32, 5))
Y = _rng.standard_normal((32, 3))
INIT = [_rng.standard_normal((8, 5)) * 0.4, _rng.standard_normal(8) * 0.1, _rng.standard_normal((3, 8)) * 0.4,
        _rng.standard_normal(3) * 0.1]
RTOL = {np.float64: 1e-9, np.float32: 1e-4}


def mlp_loss(params, x, y):
    """A 5-8-3 tanh MLP written with tensor ops, mean squared error."""
    w1, b1, w2, b2 = params
    return ((((x @ w1.T + b1).tanh() @ w2.T + b2) - y) ** 2).mean()


def train(lib, name, kwargs, dtype, steps=100):
    params = [lib.tensor(a.astype(dtype), requires_grad=True) for a in INIT]
    x, y = lib.tensor(X.astype(dtype)), lib.tensor(Y.astype(dtype))
    opt = getattr(lib.optim, name)(params, **kwargs)
    sign = -1.0 if kwargs.get("maximize") else 1.0
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = mlp_loss(params, x, y) * sign
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return [p.detach().numpy().copy() for p in params], losses, opt


NEW_OPTIMIZERS = ["Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "Adafactor"]
CASES = [
    ("Adadelta", {}), ("Adadelta", {"lr": 0.5, "rho": 0.95, "eps": 1e-5, "weight_decay": 0.01}),
    ("Adadelta", {"lr": 0.5, "maximize": True}),
    ("Adamax", {}), ("Adamax", {"lr": 1e-2, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.01}),
    ("Adamax", {"maximize": True}),
    ("NAdam", {}), ("NAdam", {"lr": 5e-3, "momentum_decay": 1e-2, "weight_decay": 0.01}),
    ("NAdam", {"lr": 5e-3, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("RAdam", {}), ("RAdam", {"lr": 5e-3, "betas": (0.8, 0.95), "weight_decay": 0.01}),
    ("RAdam", {"lr": 5e-3, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("ASGD", {}), ("ASGD", {"lr": 0.05, "lambd": 1e-3, "alpha": 0.5, "t0": 20, "weight_decay": 0.01}),
    ("ASGD", {"lr": 0.05, "t0": 0, "maximize": True}),
    ("Rprop", {}), ("Rprop", {"lr": 1e-3, "etas": (0.4, 1.1), "step_sizes": (1e-5, 0.01)}),
    ("Rprop", {"maximize": True}),
    ("Adafactor", {}), ("Adafactor", {"lr": 0.01, "weight_decay": 0.01, "d": 2.0}),
    ("Adafactor", {"eps": (1e-20, 1e-2), "beta2_decay": -0.5, "maximize": True}),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_mlp_training_matches_torch(name, kwargs, dtype):
    (p_m, loss_m, _), (p_t, loss_t, _) = train(minigrad, name, kwargs, dtype), train(torch, name, kwargs, dtype)
    scale = max(np.abs(p).max() for p in p_t)
    for a, b in zip(p_m, p_t):
        np.testing.assert_allclose(a, b, rtol=RTOL[dtype], atol=RTOL[dtype] * scale)
    np.testing.assert_allclose(loss_m, loss_t, rtol=RTOL[dtype], atol=RTOL[dtype] * max(map(abs, loss_t)))
    assert loss_t[-1] != loss_t[0]


@pytest.mark.parametrize("name", NEW_OPTIMIZERS + ["LBFGS"])
def test_defaults_and_repr_match_torch(name):
    opt_m = getattr(minigrad.optim, name)([minigrad.ones(2, requires_grad=True)])
    opt_t = getattr(torch.optim, name)([torch.ones(2, requires_grad=True)])
    assert opt_m.defaults == opt_t.defaults
    assert list(opt_m.defaults) == list(opt_t.defaults)
    assert repr(opt_m) == repr(opt_t)


def _two_groups(lib, name, kwargs, steps=5):
    params = [lib.tensor(a.astype(np.float32), requires_grad=True) for a in INIT]
    opt = getattr(lib.optim, name)([{"params": params[:2]}, {"params": params[2:], "lr": 0.002}], **kwargs)
    x, y = lib.tensor(X.astype(np.float32)), lib.tensor(Y.astype(np.float32))
    for _ in range(steps):
        opt.zero_grad()
        mlp_loss(params, x, y).backward()
        opt.step()
    return opt, params


@pytest.mark.parametrize("name,kwargs", CASES[::3], ids=[n for n, _ in CASES[::3]])
def test_state_dict_layout_matches_torch(name, kwargs):
    """Same group options, keys in the same order, the same state keys with the same dtypes and
    shapes, values within the float32 bound of the module docstring."""
    (opt_m, _), (opt_t, _) = (_two_groups(lib, name, kwargs) for lib in (minigrad, torch))
    sd_m, sd_t = opt_m.state_dict(), opt_t.state_dict()
    assert sd_m["param_groups"] == sd_t["param_groups"]
    assert [list(g) for g in sd_m["param_groups"]] == [list(g) for g in sd_t["param_groups"]]
    assert list(sd_m["state"]) == list(sd_t["state"])
    for index, state_t in sd_t["state"].items():
        state_m = sd_m["state"][index]
        assert list(state_m) == list(state_t)
        for key, value_t in state_t.items():
            value_m = state_m[key]
            assert repr(value_m.dtype) == repr(value_t.dtype) and tuple(value_m.shape) == tuple(value_t.shape)
            scale = float(value_t.abs().max()) or 1.0
            np.testing.assert_allclose(value_m.numpy(), value_t.numpy(), rtol=1e-4, atol=1e-4 * scale, err_msg=key)


@pytest.mark.parametrize("name,kwargs", CASES[::3], ids=[n for n, _ in CASES[::3]])
def test_state_dict_round_trip_resumes_exactly(name, kwargs):
    """50 steps, state_dict, a fresh optimizer loads it, 50 more == 100 uninterrupted steps, bit for bit."""
    whole, _, _ = train(minigrad, name, kwargs, np.float64)
    params = [minigrad.tensor(a, requires_grad=True) for a in INIT]
    x, y = minigrad.tensor(X), minigrad.tensor(Y)
    opt = getattr(minigrad.optim, name)(params, **kwargs)
    for step in range(100):
        if step == 50:
            saved = copy.deepcopy(opt.state_dict())
            opt = getattr(minigrad.optim, name)(params, **kwargs)
            opt.load_state_dict(saved)
        opt.zero_grad()
        mlp_loss(params, x, y).backward()
        opt.step()
    for a, b in zip(params, whole):
        np.testing.assert_array_equal(a.detach().numpy(), b)


@pytest.mark.parametrize("name,kwargs", CASES[::3], ids=[n for n, _ in CASES[::3]])
def test_torch_state_dict_loads_and_continues(name, kwargs):
    """A torch optimizer's state, converted to minigrad tensors, continues torch's trajectory."""
    opt_t, params_t = _two_groups(torch, name, kwargs)
    params_m = [minigrad.tensor(p.detach().numpy(), requires_grad=True) for p in params_t]
    opt_m = getattr(minigrad.optim, name)([{"params": params_m[:2]}, {"params": params_m[2:]}], **kwargs)
    opt_m.load_state_dict({"state": {i: {k: minigrad.tensor(v.numpy()) for k, v in s.items()}
                                     for i, s in opt_t.state_dict()["state"].items()},
                           "param_groups": [dict(g) for g in opt_t.state_dict()["param_groups"]]})
    assert opt_m.param_groups[1]["lr"] == 0.002
    for lib, opt, params in ((torch, opt_t, params_t), (minigrad, opt_m, params_m)):
        x, y = lib.tensor(X.astype(np.float32)), lib.tensor(Y.astype(np.float32))
        for _ in range(20):
            opt.zero_grad()
            mlp_loss(params, x, y).backward()
            opt.step()
    for a, b in zip(params_m, params_t):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-4, atol=1e-5)


def _make(name, **kwargs):
    return lambda lib: getattr(lib.optim, name)([lib.ones(2, requires_grad=True)], **kwargs)


BAD_HYPERPARAMETERS = {
    "Adadelta-lr": _make("Adadelta", lr=-1.0), "Adadelta-rho": _make("Adadelta", rho=1.5),
    "Adadelta-rho-negative": _make("Adadelta", rho=-0.1), "Adadelta-eps": _make("Adadelta", eps=-1e-6),
    "Adadelta-weight_decay": _make("Adadelta", weight_decay=-0.1),
    "Adamax-lr": _make("Adamax", lr=-1e-3), "Adamax-eps": _make("Adamax", eps=-1.0),
    "Adamax-beta1": _make("Adamax", betas=(1.0, 0.999)), "Adamax-beta2": _make("Adamax", betas=(0.9, -0.1)),
    "Adamax-weight_decay": _make("Adamax", weight_decay=-1.0),
    "NAdam-lr": _make("NAdam", lr=-1e-3), "NAdam-eps": _make("NAdam", eps=-1.0),
    "NAdam-beta1": _make("NAdam", betas=(1.5, 0.999)), "NAdam-beta2": _make("NAdam", betas=(0.9, 1.0)),
    "NAdam-weight_decay": _make("NAdam", weight_decay=-1.0),
    "NAdam-momentum_decay": _make("NAdam", momentum_decay=-1e-3),
    "RAdam-lr": _make("RAdam", lr=-1e-3), "RAdam-eps": _make("RAdam", eps=-1.0),
    "RAdam-beta1": _make("RAdam", betas=(-0.1, 0.999)), "RAdam-beta2": _make("RAdam", betas=(0.9, 2.0)),
    "RAdam-weight_decay": _make("RAdam", weight_decay=-1.0),
    "ASGD-lr": _make("ASGD", lr=-1.0), "ASGD-weight_decay": _make("ASGD", weight_decay=-1.0),
    "Rprop-lr": _make("Rprop", lr=-1.0), "Rprop-etaminus": _make("Rprop", etas=(1.5, 1.2)),
    "Rprop-etaplus": _make("Rprop", etas=(0.5, 0.9)), "Rprop-etaminus-zero": _make("Rprop", etas=(0.0, 1.2)),
    "LBFGS-lr": _make("LBFGS", lr=-1.0),
    "Adafactor-lr": _make("Adafactor", lr=-1.0), "Adafactor-beta2_decay": _make("Adafactor", beta2_decay=0.5),
    "Adafactor-eps1": _make("Adafactor", eps=(-1.0, 1e-3)), "Adafactor-eps2": _make("Adafactor", eps=(None, -1.0)),
    "Adafactor-d": _make("Adafactor", d=0.5), "Adafactor-weight_decay": _make("Adafactor", weight_decay=-0.1),
    "LBFGS-groups": lambda lib: lib.optim.LBFGS([{"params": [lib.ones(2, requires_grad=True)]},
                                                 {"params": [lib.ones(2, requires_grad=True)]}]),
    "LBFGS-line-search": lambda lib: lbfgs_run(lib, np.float64, steps=1, line_search_fn="wolfe"),
    "Muon-lr": lambda lib: lib.optim.Muon([lib.ones(2, 2, requires_grad=True)], lr=-1.0),
    "Muon-momentum": lambda lib: lib.optim.Muon([lib.ones(2, 2, requires_grad=True)], momentum=-0.1),
    "Muon-weight_decay": lambda lib: lib.optim.Muon([lib.ones(2, 2, requires_grad=True)], weight_decay=-0.1),
    "Muon-adjust_lr_fn": lambda lib: lib.optim.Muon([lib.ones(2, 2, requires_grad=True)], adjust_lr_fn="x"),
    "Muon-1-D": lambda lib: lib.optim.Muon([lib.ones(2, 2, requires_grad=True), lib.ones(3, requires_grad=True)]),
    "Muon-ns_steps": lambda lib: muon_run(lib, steps=1, ns_steps=100),
    "Muon-coefficients": lambda lib: muon_run(lib, steps=1, ns_coefficients=(1.0, 2.0)),
    "empty-params": lambda lib: lib.optim.NAdam([]),
    "tensor-as-params": lambda lib: lib.optim.Rprop(lib.ones(2, requires_grad=True)),
}


@pytest.mark.parametrize("case", list(BAD_HYPERPARAMETERS))
def test_bad_hyperparameters_raise_like_torch(case):
    mine, theirs = outcome(BAD_HYPERPARAMETERS[case], minigrad), outcome(BAD_HYPERPARAMETERS[case], torch)
    assert theirs[0] is not None
    assert mine == theirs


# --- LBFGS ---------------------------------------------------------------------------------------
def lbfgs_run(lib, dtype, steps=4, **kwargs):
    """LBFGS on a least-squares fit plus a Rosenbrock term; the losses, parameters and state."""
    a, b = lib.tensor(X[:, :4].astype(dtype)), lib.tensor(Y[:, 0].astype(dtype))
    w = lib.tensor(np.full(4, 0.5, dtype), requires_grad=True)
    z = lib.tensor(np.array([1.5, -1.0], dtype), requires_grad=True)
    opt = lib.optim.LBFGS([w, z], **kwargs)

    def closure():
        opt.zero_grad()
        loss = ((a @ w - b) ** 2).mean() + (10 * (z[1] - z[0] ** 2) ** 2 + (1 - z[0]) ** 2)
        loss.backward()
        return loss
    losses = [opt.step(closure).item() for _ in range(steps)]
    return losses, [w.detach().numpy().copy(), z.detach().numpy().copy()], opt.state_dict()


LBFGS_CASES = [{}, {"line_search_fn": "strong_wolfe"}, {"history_size": 3, "max_iter": 7, "lr": 0.5},
               {"max_iter": 3, "max_eval": 4, "tolerance_grad": 1e-3, "line_search_fn": "strong_wolfe"}]


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad=True")  # torch's own LBFGS warns
@pytest.mark.parametrize("kwargs", LBFGS_CASES, ids=[str(k) for k in LBFGS_CASES])
def test_lbfgs_float64_matches_torch(kwargs):
    """float64: the iterations agree to 1e-9 relative (dot products in other summation orders give
    ~1e-16 differences; a few dozen iterations on this smooth problem keep them small), the state
    holds torch's keys in torch's order, with equal counters."""
    (loss_m, params_m, sd_m), (loss_t, params_t, sd_t) = (lbfgs_run(lib, np.float64, **kwargs)
                                                          for lib in (minigrad, torch))
    np.testing.assert_allclose(loss_m, loss_t, rtol=1e-9, atol=1e-12)
    for a, b in zip(params_m, params_t):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)
    state_m, state_t = sd_m["state"][0], sd_t["state"][0]
    assert list(state_m) == list(state_t)
    assert (state_m["func_evals"], state_m["n_iter"]) == (state_t["func_evals"], state_t["n_iter"])
    assert len(state_m["old_dirs"]) == len(state_t["old_dirs"])
    np.testing.assert_allclose(state_m["d"].numpy(), state_t["d"].numpy(), rtol=1e-8, atol=1e-10)
    assert sd_m["param_groups"] == sd_t["param_groups"]


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad=True")
def test_lbfgs_float32_first_step_matches_torch():
    """float32, one step of 5 iterations from far away (before convergence, where float32 rounding
    decides termination tests): within 1e-4 relative, the float32 bound of the module docstring."""
    (loss_m, params_m, _), (loss_t, params_t, _) = (lbfgs_run(lib, np.float32, steps=1, max_iter=5)
                                                    for lib in (minigrad, torch))
    np.testing.assert_allclose(loss_m, loss_t, rtol=1e-4)
    for a, b in zip(params_m, params_t):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad=True")
def test_lbfgs_state_dict_round_trip_resumes_exactly():
    """Two steps, state_dict into a fresh LBFGS, two more == four uninterrupted (float64, bit for bit)."""
    whole = lbfgs_run(minigrad, np.float64, steps=4, history_size=5)
    a, b = minigrad.tensor(X[:, :4]), minigrad.tensor(Y[:, 0])
    w = minigrad.tensor(np.full(4, 0.5), requires_grad=True)
    z = minigrad.tensor(np.array([1.5, -1.0]), requires_grad=True)
    opt = minigrad.optim.LBFGS([w, z], history_size=5)

    def closure():
        opt.zero_grad()
        loss = ((a @ w - b) ** 2).mean() + (10 * (z[1] - z[0] ** 2) ** 2 + (1 - z[0]) ** 2)
        loss.backward()
        return loss
    for step in range(4):
        if step == 2:
            saved = copy.deepcopy(opt.state_dict())
            opt = minigrad.optim.LBFGS([w, z], history_size=5)
            opt.load_state_dict(saved)
        opt.step(closure)
    np.testing.assert_array_equal(w.detach().numpy(), whole[1][0])
    np.testing.assert_array_equal(z.detach().numpy(), whole[1][1])


def test_optim_namespace_against_torch():
    """Every public name of ``torch.optim`` exists in minigrad.optim, except these (with the reason)."""
    not_implemented = {
        "SparseAdam": "needs sparse gradients (nn.Embedding(sparse=True)); minigrad has no sparse tensors, and "
                      "torch's SparseAdam refuses dense ones",
    }
    missing = {name for name in torch.optim.__all__ if not hasattr(minigrad.optim, name)}
    assert missing == set(not_implemented)


# --- Muon ------------------------------------------------------------------------------------------
MUON_W = [_rng.standard_normal((64, 5)).astype(np.float32) * 0.4,
          _rng.standard_normal((3, 64)).astype(np.float32) * 0.4]


def muon_run(lib, steps=20, **kwargs):
    """Muon on a 5-64-3 tanh MLP without biases, float32; the weights after every step, the optimizer."""
    weights = [lib.tensor(w, requires_grad=True) for w in MUON_W]
    opt = lib.optim.Muon(weights, **kwargs)
    x, y = lib.tensor(X.astype(np.float32)), lib.tensor(Y.astype(np.float32))
    history = []
    for _ in range(steps):
        opt.zero_grad()
        ((((x @ weights[0].T).tanh() @ weights[1].T) - y) ** 2).mean().backward()
        opt.step()
        history.append([w.detach().numpy().copy() for w in weights])
    return history, opt


MUON_CASES = [{"lr": 0.02}, {"lr": 0.02, "nesterov": False, "adjust_lr_fn": "match_rms_adamw", "weight_decay": 0.0},
              {"lr": 0.01, "momentum": 0.8, "ns_steps": 3, "eps": 1e-5}]


@pytest.mark.parametrize("kwargs", MUON_CASES, ids=[str(k) for k in MUON_CASES])
def test_muon_matches_torch_within_bfloat16_rounding(kwargs):
    """torch runs Muon's Newton-Schulz iterations in bfloat16, minigrad emulates them (float32 ops,
    each result rounded to bfloat16), the matrix products' float32 sums in another order: an
    element can round to the neighbouring bfloat16, so a step's update differs by up to a few
    bfloat16 ulps (2**-8) of the orthogonalised matrix's entries (at most 1 in size). Bound after t
    steps: t * adjusted_lr * 4 * 2**-8, the differences added up (the loss is smooth, the steps
    small, so they feed back only weakly through the gradients)."""
    (mine, opt_m), (theirs, opt_t) = muon_run(minigrad, **kwargs), muon_run(torch, **kwargs)
    for t, (step_m, step_t) in enumerate(zip(mine, theirs), start=1):
        for w_m, w_t in zip(step_m, step_t):
            rows, cols = w_t.shape
            ratio = (0.2 * max(rows, cols) ** 0.5 if kwargs.get("adjust_lr_fn") == "match_rms_adamw"
                     else max(1, rows / cols) ** 0.5)
            bound = t * kwargs["lr"] * ratio * 4 * 2.0 ** -8
            assert np.abs(w_m - w_t).max() <= bound, f"step {t}"
    assert np.abs(theirs[-1][0] - MUON_W[0]).max() > 100 * 4 * 2.0 ** -8 * kwargs["lr"]  # it did train
    sd_m, sd_t = opt_m.state_dict(), opt_t.state_dict()
    assert sd_m["param_groups"] == sd_t["param_groups"]
    assert [list(s) for s in sd_m["state"].values()] == [list(s) for s in sd_t["state"].values()]


def test_muon_defaults_and_repr_match_torch():
    opt_m = minigrad.optim.Muon([minigrad.ones(2, 2, requires_grad=True)])
    opt_t = torch.optim.Muon([torch.ones(2, 2, requires_grad=True)])
    assert opt_m.defaults == opt_t.defaults and list(opt_m.defaults) == list(opt_t.defaults)
    assert repr(opt_m) == repr(opt_t)


def _numeric_argument_cases():
    """Every optimizer torch has x every argument whose default is a number (or a pair of numbers)
    x a negative value and NaN in each place: the generated table of the family above."""
    import inspect
    cases = []
    for name in sorted(n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type)
                       and issubclass(getattr(torch.optim, n), torch.optim.Optimizer)
                       and n not in ("Optimizer", "SparseAdam")):  # (no sparse tensors in minigrad)
        for arg, p in inspect.signature(getattr(torch.optim, name)).parameters.items():
            default = p.default
            if isinstance(default, bool) or arg in ("params", "ns_steps", "max_iter", "history_size"):
                continue  # (integer counts: torch does not check their sign)
            if isinstance(default, (int, float)):
                cases += [(name, arg, v) for v in (-1.0, float("nan"))]
            elif isinstance(default, tuple) and all(isinstance(d, (int, float)) for d in default):
                for i in range(len(default)):
                    for v in (-0.5, float("nan")):
                        cases.append((name, arg, default[:i] + (v,) + default[i + 1:]))
    return cases


@pytest.mark.parametrize("name,arg,value", _numeric_argument_cases(), ids=str)
def test_every_numeric_argument_is_checked_like_torch(name, arg, value):
    def make(lib):
        shape = (2, 2) if name == "Muon" else (2,)
        return getattr(lib.optim, name)([lib.ones(*shape, requires_grad=True)], **{arg: value})
    mine, theirs = outcome(make, minigrad), outcome(make, torch)
    assert (mine[0] is None) == (theirs[0] is None) and (theirs[0] is None or mine == theirs)
