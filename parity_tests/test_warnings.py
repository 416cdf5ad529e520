"""Warnings as torch gives them: NumPy's RuntimeWarnings never leak (torch computes inf and nan
silently), and torch's UserWarnings appear where torch gives them.

``test_registry_at_extreme_values_gives_no_runtime_warning`` runs every sample of the op registry
forward and backward with its float inputs replaced by extreme values (0, +-inf, nan, +-3e38,
1e-45 in turn), with RuntimeWarning an error; ``test_stability_table_gives_no_runtime_warning``
runs test_stability.py's table the same way; ``test_named_cases_warn_as_torch`` compares the
warnings of the review's examples (overflow in a cast, pow at 0, var of one element, empty mean,
BCE at +-inf, ``float()`` of a tensor that requires grad, ``.T`` of a non-2-D tensor) with torch's.
"""
import math
import sys
import warnings

import numpy as np
import pytest
import torch

import minigrad
from _compare import to_lib
from op_db import all_ops
from test_stability import INPUTS, OPS as STABILITY_OPS

EXTREMES = np.array([0.0, math.inf, -math.inf, math.nan, 3e38, -3e38, 1e-45, 1.0])


def _extreme(x):
    """A float array of ``x``'s shape filled with the extreme values in turn."""
    if not (isinstance(x, np.ndarray) and x.dtype.kind == "f"):
        return x
    return np.resize(EXTREMES, x.shape).astype(x.dtype)


def _run_sample(op, sample):
    diff = sample.differentiable()
    inputs = [to_lib(minigrad, _extreme(x), d) for x, d in zip(sample.inputs, diff)]
    out = op.fn(minigrad, *inputs, **sample.kwargs)
    out = out[0] if isinstance(out, tuple) else out
    if out.requires_grad:
        out.sum().backward()


def _registry_cases():
    return [pytest.param(op, i, id=f"{op.name}-{i}") for op in all_ops() for i, _ in enumerate(op.samples("float32"))]


@pytest.mark.parametrize("op,index", _registry_cases())
def test_registry_at_extreme_values_gives_no_runtime_warning(op, index):
    sample = list(op.samples("float32"))[index]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            _run_sample(op, sample)
        except RuntimeWarning:
            raise
        except Exception:  # noqa: BLE001 - an op may refuse such values; warnings are the point here
            pass


@pytest.mark.parametrize("inputs", list(INPUTS))
@pytest.mark.parametrize("name", list(STABILITY_OPS))
def test_stability_table_gives_no_runtime_warning(name, inputs):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)  # (torch's own, e.g. a target size, as torch)
        x = minigrad.tensor(np.asarray(INPUTS[inputs], np.float32), requires_grad=True)
        STABILITY_OPS[name](minigrad, x).sum().backward()


def _grad(fn, x):
    fn(x).sum().backward()
    return x.grad


NAMED = {
    "cast_overflow_to_int": lambda t: t.tensor([1e10]).to(t.int32),
    "cast_overflow_to_half": lambda t: t.tensor([1e10]).to(t.float16),
    "cast_nan_to_int": lambda t: t.tensor([math.nan]).long(),
    "pow_at_zero": lambda t: t.tensor([0.0]) ** -1,
    "pow_at_zero_tensor": lambda t: t.tensor([0.0]) ** t.tensor([-1.0]),
    "pow_grad_at_zero": lambda t: _grad(lambda x: x ** 0.5, t.tensor([0.0], requires_grad=True)),
    "rpow_grad_at_zero": lambda t: _grad(lambda x: 0.0 ** x, t.tensor([-1.0], requires_grad=True)),
    "var_of_one_element": lambda t: t.tensor([1.0]).var(),
    "std_of_one_element_dim": lambda t: t.tensor([[1.0]]).std(0),
    "var_grad_of_one_element": lambda t: _grad(lambda x: x.var(), t.tensor([1.0], requires_grad=True)),
    "empty_mean": lambda t: t.ones(0).mean(),
    "empty_mean_dim": lambda t: t.ones(0, 3).mean(0),
    "empty_std": lambda t: t.ones(0).std(),
    "bce_at_the_clamp": lambda t: t.nn.functional.binary_cross_entropy(t.tensor([1.0, 0.0]), t.tensor([0.0, 1.0])),
    "bce_with_logits_at_inf": lambda t: t.nn.functional.binary_cross_entropy_with_logits(
        t.tensor([math.inf, -math.inf]), t.tensor([0.0, 1.0])),
    "exp_overflow": lambda t: t.tensor([1000.0]).exp(),
    "inf_times_zero": lambda t: t.tensor([math.inf]) * 0,
    "inf_minus_inf": lambda t: t.tensor([math.inf]) - math.inf,
    "sum_overflow": lambda t: t.tensor([3e38, 3e38]).sum(),
    "cumsum_overflow": lambda t: t.tensor([3e38, 3e38]).cumsum(0),
    "half_overflow": lambda t: t.tensor([60000.0], dtype=t.float16) * 2,
    "norm_overflow": lambda t: t.tensor([1e30, 1e30]).norm(),
    "log_of_zero_grad": lambda t: _grad(lambda x: x.log(), t.zeros(2, requires_grad=True)),
    "huber_at_inf": lambda t: t.nn.functional.huber_loss(t.tensor([math.inf]), t.tensor([math.inf])),
    "float_of_requires_grad": lambda t: float(t.ones(1, requires_grad=True)),
    "T_of_1d": lambda t: t.ones(3).T,
    "T_of_3d": lambda t: t.ones(2, 3, 4).T,
    "T_of_0d": lambda t: t.tensor(1.0).T,
}


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    # torch adds where its C++ warned: "(Triggered internally at ...)"
    return sorted({(w.category.__name__, str(w.message).split(" (Triggered internally")[0]) for w in caught})


@pytest.mark.parametrize("name", list(NAMED))
def test_named_cases_warn_as_torch(name):
    # torch warns some of these once per process (TORCH_WARN_ONCE); minigrad's record of the ones
    # given is cleared so that it warns here
    sys.modules["minigrad.tensor"]._warned.clear()
    ours = _warnings_of(lambda: NAMED[name](minigrad))
    assert not [w for w in ours if w[0] == "RuntimeWarning"], ours
    theirs = _warnings_of(lambda: NAMED[name](torch))
    if name in ("float_of_requires_grad", "T_of_1d", "T_of_3d", "T_of_0d") and not theirs:
        pytest.skip("torch gave this warning earlier in the process (TORCH_WARN_ONCE)")
    assert ours == theirs
