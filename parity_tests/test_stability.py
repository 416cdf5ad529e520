"""Numerical stability equal to torch's: the same values AND gradients at extreme inputs.

Softmax-like ops must not overflow at logits of +-1e4, must give torch's nan where torch gives
nan (a row of -inf) and its exact 0 / -inf elsewhere; losses clamp like torch (BCE's log at -100);
var/std of data with a large offset accumulate as torch does; exp overflows to inf and log(0) is
-inf, with the gradients torch gives there (inf, nan, 0).

Gradients are of ``sum(out * w)`` for a fixed random ``w``, so that ops whose plain sum is constant
(softmax) still have a meaningful gradient. Comparisons demand the same shape and dtype, nan in the
same places, infinities of the same sign in the same places, and the finite values within tight
tolerances.
"""
import math
import os
import re
import warnings

import numpy as np
import pytest
import torch

import minigrad
from _compare import accumulation_bound, assert_close, cancellation_bound, elementwise_rtol, ulps

# NumPy reports overflow/invalid values with RuntimeWarnings (torch is silent); the values are the point here.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")

INF = math.inf
INPUTS = {
    "large": [[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, 1e4], [1e4, 1e4 - 1, -1e4]],
    "minus_inf": [[-INF, 0.0, 1.0], [-INF, -INF, -INF], [-INF, 1e4, -1e4], [-INF, -INF, 5.0]],
    "plus_inf": [[INF, 0.0, 1.0], [INF, INF, 0.0], [INF, -INF, 0.0], [1e4, -INF, -1e4]],
}
# (atol, rtol). float32 from ``_compare``'s policy: the inputs are integers below 2**24 (or infinite),
# so subtracting a row's max is exact and every term after it is an exp <= 1 times a weight w <= 1.5;
# the widest sum is a row of 3 plus a mean over 4 rows (7 terms of at most 1.5 * 3); each value
# passes at most 3 math-library steps (exp, log/log1p, the derivative's exp or sigmoid).
# float64: tight fixed bounds (rounding is ~1e-16 here).
TOL = {"float32": (float(accumulation_bound(3 + 4, 1.5 * 3)), elementwise_rtol(3)), "float64": (1e-12, 1e-12)}


def _classes(lib, x):
    return lib.tensor([0, 1, 2, 2])


def _quarter(lib, x):
    return lib.full(x.shape, 0.25, dtype=x.dtype)


OPS = {
    "softmax": lambda lib, x: x.softmax(-1),
    "softmax_dim0": lambda lib, x: lib.nn.functional.softmax(x, dim=0),
    "log_softmax": lambda lib, x: x.log_softmax(-1),
    "log_softmax_dim0": lambda lib, x: lib.nn.functional.log_softmax(x, dim=0),
    "logsumexp": lambda lib, x: x.logsumexp(-1),
    "logsumexp_dim0": lambda lib, x: lib.logsumexp(x, 0),
    "cross_entropy": lambda lib, x: lib.nn.functional.cross_entropy(x, _classes(lib, x), reduction="none"),
    "cross_entropy_mean": lambda lib, x: lib.nn.functional.cross_entropy(x, _classes(lib, x)),
    "cross_entropy_smoothed": lambda lib, x: lib.nn.functional.cross_entropy(x, _classes(lib, x), reduction="none",
                                                                             label_smoothing=0.1),
    "cross_entropy_probabilities": lambda lib, x: lib.nn.functional.cross_entropy(
        x, lib.full(x.shape, 1 / 3, dtype=x.dtype), reduction="none"),
    "bce_with_logits": lambda lib, x: lib.nn.functional.binary_cross_entropy_with_logits(x, _quarter(lib, x),
                                                                                         reduction="none"),
    "bce_with_logits_pos_weight": lambda lib, x: lib.nn.functional.binary_cross_entropy_with_logits(
        x, _quarter(lib, x), pos_weight=lib.full((3,), 2.0, dtype=x.dtype), reduction="none"),
    "sigmoid": lambda lib, x: x.sigmoid(),
    "logsigmoid": lambda lib, x: lib.nn.functional.logsigmoid(x),
    "softplus": lambda lib, x: lib.nn.functional.softplus(x),
    "softplus_beta": lambda lib, x: lib.nn.functional.softplus(x, beta=2.0, threshold=10.0),
    "tanh": lambda lib, x: x.tanh(),
    "exp": lambda lib, x: x.exp(),
    "silu": lambda lib, x: lib.nn.functional.silu(x),
    "elu": lambda lib, x: lib.nn.functional.elu(x),
}


def _run(lib, fn, x, dtype, w_seed=0):
    """Value of ``fn`` on ``x`` and the gradient of sum(out * w) (w fixed, the same for both libraries)."""
    t = lib.tensor(np.asarray(x, dtype=dtype), requires_grad=True)
    out = fn(lib, t)
    w = np.random.default_rng(w_seed).uniform(0.5, 1.5, tuple(out.shape)).astype(dtype)
    (out * lib.tensor(w)).sum().backward()
    return out, t.grad


def _compare(fn, x, dtype, atol=None, rtol=None):
    (ours, our_grad), (theirs, their_grad) = (_run(lib, fn, x, dtype) for lib in (minigrad, torch))
    default_atol, default_rtol = TOL[dtype]
    tol = {"atol": default_atol if atol is None else atol, "rtol": default_rtol if rtol is None else rtol}
    assert_close(ours, theirs, what="value", **tol)
    assert_close(our_grad, their_grad, what="gradient", **tol)
    return ours, our_grad


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("inputs", list(INPUTS))
@pytest.mark.parametrize("op", list(OPS))
def test_extreme_inputs_give_torchs_values_and_gradients(op, inputs, dtype):
    _compare(OPS[op], INPUTS[inputs], dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_family_is_exact_where_it_should_be(dtype):
    """No overflow at +-1e4: softmax rows sum to 1, log_softmax of the max is 0, a -inf logit gets
    probability 0 and log-probability -inf, an all -inf row is nan (as in torch)."""
    x = minigrad.tensor(np.asarray(INPUTS["large"] + INPUTS["minus_inf"], dtype=dtype))
    p, logp, lse = x.softmax(-1), x.log_softmax(-1), x.logsumexp(-1)
    finite_rows = [0, 1, 2, 3, 4, 6, 7]
    # probabilities <= 1 of a row of 3, each a few roundings off: their sum is 1 within 3 * LIBM ulps
    assert (np.abs(p.numpy()[finite_rows].sum(-1) - 1.0) <= 3 * elementwise_rtol(1, dtype)).all()
    assert logp[0, 0].item() == 0.0 and lse[0].item() == 1e4
    # -1e4 + log(3) rounded to the dtype: exact up to the last rounding of each library (2 ulps)
    assert abs(lse[1].item() - (-1e4 + math.log(3))) <= ulps(2, 1e4, dtype)
    assert p[4, 0].item() == 0.0 and logp[4, 0].item() == -INF
    assert np.isnan(p[5].numpy()).all() and np.isnan(logp[5].numpy()).all() and lse[5].item() == -INF


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_binary_cross_entropy_clamps_its_log_at_minus_100(dtype, reduction):
    """log(0) is clamped to -100, so a confident wrong prediction costs exactly 100 (and the
    gradient is the large finite one torch computes, not inf or nan)."""
    x = [1.0, 0.0, 1.0, 0.0, 0.0, 1 - 1e-7, 1e-30, 1e-44]
    target = np.array([0.0, 1.0, 1.0, 0.0, 0.5, 1.0, 1.0, 0.0], dtype=dtype)

    def bce(lib, t):
        return lib.nn.functional.binary_cross_entropy(t, lib.tensor(target), reduction=reduction)
    loss, grad = _compare(bce, x, dtype)
    if reduction == "none":
        assert loss[:2].tolist() == [100.0, 100.0] and loss[4].item() == 50.0
    assert np.isfinite(grad.numpy()).all()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binary_cross_entropy_with_weight_at_the_clamp(dtype):
    def bce(lib, t):
        return lib.nn.functional.binary_cross_entropy(t, lib.tensor(np.array([0.0, 1.0, 0.5], dtype=dtype)),
                                                      weight=lib.tensor(np.array([2.0, 0.5, 1.0], dtype=dtype)))
    _compare(bce, [1.0, 0.0, 0.0], dtype)


def _offset_data(offset, dtype):
    return offset + np.random.default_rng(0).standard_normal(1000)


VARIANCES = {
    "var": lambda lib, x: x.var().reshape(1),
    "std": lambda lib, x: x.std().reshape(1),
    "var_dim0": lambda lib, x: x.reshape(10, 100).var(0),
    "var_dim1_keepdim": lambda lib, x: x.reshape(10, 100).var(1, keepdim=True),
    "std_dim1_biased": lambda lib, x: x.reshape(10, 100).std(1, correction=0),
    "std_dims": lambda lib, x: x.reshape(10, 10, 10).std((0, 2)),
    "mean": lambda lib, x: x.mean().reshape(1),
}


@pytest.mark.parametrize("dtype,offset", [("float64", 1e8), ("float64", 1e4), ("float32", 1e8), ("float32", 1e4)])
@pytest.mark.parametrize("op", list(VARIANCES))
def test_variance_of_large_offset_data(op, dtype, offset):
    """var/std of 1e8 + N(0, 1) noise. torch accumulates in float64 (along dims, in one pass; over
    everything, around the mean taken in the input's precision): so a float32 row whose noise is
    below the float32 spacing at 1e8 (8.0) has variance exactly 0, as in torch, not 64.

    The gradient 2(x - mean)/(n - 1) depends on the mean, which two summation orders may round
    one unit in the last place apart; the absolute tolerance allows exactly that."""
    x = _offset_data(offset, dtype)
    # Gradient: one ulp of the mean (2 eps |offset| covers the spacing at the offset), times 2 / (n - 1)
    # for the smallest reduced count n = 10. var/std: accumulated in float64, where x - mean cancels
    # (an error of ulps of the offset, cancellation_bound) in terms squared next to a noise of std 1,
    # so 2 * that relative to var ~ 1; then rounded to the dtype once (twice for std's sqrt).
    atol = 2 * float(ulps(2, offset, dtype)) / (10 - 1)
    rtol = 2 * float(cancellation_bound(offset, ulps=2, dtype="float64")) + elementwise_rtol(2, dtype, ulps_per_op=1)
    _compare(VARIANCES[op], x, dtype, atol=atol, rtol=rtol)


def test_float32_variance_along_a_dim_is_accumulated_in_float64():
    rows = np.full((10, 100), 1e8, dtype=np.float32)  # 1e8 + noise below the float32 spacing there
    for lib in (minigrad, torch):
        t = lib.tensor(rows)
        assert t.var(1).tolist() == [0.0] * 10 and t.std(0, keepdim=True).abs().sum().item() == 0.0


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_std_of_constant_data_has_zero_gradient(dtype):
    """std is 0, its gradient 0/0: torch defines it as 0 (not nan); also for double backward."""
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor(np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]], dtype=dtype), requires_grad=True)
        g, = lib.autograd.grad(x.std(1).sum(), x, create_graph=True)
        gg, = lib.autograd.grad((g * g).sum(), x)
        results.append((g, gg))
    assert results[0][0][0].tolist() == [0.0, 0.0, 0.0]
    assert_close(results[0][0], results[1][0], *TOL[dtype])
    assert_close(results[0][1], results[1][1], *TOL[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_exp_overflows_to_inf(dtype):
    x = [88.0, 89.0, 710.0, 1e4, -1e4, -INF, INF]
    # one math-library step for the value, one more for the gradient (exp again, times w)
    out, grad = _compare(lambda lib, t: t.exp(), x, dtype, rtol=elementwise_rtol(2, dtype))
    assert out[3].item() == INF and out[4].item() == 0.0 and grad[3].item() == INF
    _compare(lambda lib, t: t.expm1(), [1e-10, 100.0, 1e4, -1e4], dtype, rtol=elementwise_rtol(2, dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_log_of_zero_is_minus_inf(dtype):
    out, grad = _compare(lambda lib, t: t.log(), [0.0, -0.0, 1.0, -1.0, INF], dtype)
    assert out[0].item() == -INF and grad[0].item() == INF and grad[1].item() == -INF and math.isnan(out[3].item())
    _compare(lambda lib, t: t.log1p(), [-1.0, 0.0, 1e-30], dtype)
    _compare(lambda lib, t: t * t.log(), [0.0, 1.0], dtype)  # 0 * -inf = nan, as in torch


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gradients_at_the_edges_of_their_domain(dtype):
    """sqrt and x**0.5 at 0 (inf), 1/x at +-0, norm of a zero vector (0, not nan)."""
    _compare(lambda lib, t: t.sqrt(), [0.0, 1.0], dtype)
    _compare(lambda lib, t: t ** 0.5, [0.0, 1.0], dtype)
    _compare(lambda lib, t: 1 / t, [0.0, -0.0, 1.0], dtype)
    _compare(lambda lib, t: t.norm().reshape(1), [0.0, 0.0], dtype)
    _compare(lambda lib, t: lib.nn.functional.mse_loss(t, lib.zeros_like(t), reduction="none"),
             [1e20, 1e30, 1e200], dtype)


# --- anomaly mode: which forward op made the NaN ---------------------------------------------------
def _anomaly(lib, forward, *values, backward=lambda out, leaves: out.sum().backward(), record=True):
    """Run ``forward`` (under detect_anomaly when ``record``) and ``backward`` under it; return the
    RuntimeError's message (or None), the warnings' messages and the inputs."""
    import warnings
    leaves = [lib.tensor(v, dtype=lib.float64, requires_grad=True) for v in values]
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if record:
                with lib.autograd.detect_anomaly():
                    out = forward(lib, *leaves)
            else:
                out = forward(lib, *leaves)
            with lib.autograd.detect_anomaly():
                backward(out, leaves)
        except RuntimeError as exc:
            error = str(exc)
    messages = [str(w.message).split(" (Triggered internally")[0] for w in caught
                if issubclass(w.category, UserWarning)]
    return error, messages, leaves


NAN_MAKERS = {
    "SqrtBackward0": lambda lib, x: x.sqrt() * 0,  # sqrt'(0) = inf, times 0
    "LogBackward0": lambda lib, x: (x - 1).log() * 0,
    "PowBackward0": lambda lib, x: x ** 0.5 * 0,
    "DivBackward0": lambda lib, x: (x / x) * 0 + x,
    "ReciprocalBackward0": lambda lib, x: x.reciprocal() * 0,
}


@pytest.mark.parametrize("node", list(NAN_MAKERS))
def test_detect_anomaly_names_the_op_and_shows_the_users_forward_line(node):
    """Same error as torch, and the same warning: the node's name and the stack of the forward call,
    ending at the user's line (minigrad's own frames are left out, as torch's C++ has none)."""
    results = [_anomaly(lib, NAN_MAKERS[node], [0.0, 1.0]) for lib in (minigrad, torch)]
    (ours, our_warnings, _), (theirs, their_warnings, _) = results
    assert theirs == f"Function '{node}' returned nan values in its 0th output."
    assert ours == theirs
    assert our_warnings[0] == their_warnings[0] == (
        "Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for "
        "debugging.")
    assert our_warnings[-1].startswith(f"Error detected in {node}. Traceback of forward call that caused the error:")
    assert our_warnings[-1].rstrip().splitlines()[-1].strip().startswith(f'"{node}": lambda lib, x:')  # user's line
    assert "minigrad" + os.sep not in our_warnings[-1]
    assert our_warnings[-1].rstrip() == _without_torch_frames(their_warnings[-1]).rstrip()  # the same stack


def _without_torch_frames(trace):
    """torch's stack less the frames of torch's own Python code (e.g. ``Tensor.__pow__``'s wrapper)."""
    torch_dir = os.path.dirname(torch.__file__) + os.sep
    head, *frames = trace.split('\n  File "')
    return "\n  File \"".join([head] + [f for f in frames if not f.startswith(torch_dir)])


def test_detect_anomaly_in_a_module_forward_and_a_custom_function():
    def make(lib):
        class Sqrt0(lib.nn.Module):
            def forward(self, x):
                return x.sqrt() * 0  # the user's forward line

        class NanSecond(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                return a * b

            @staticmethod
            def backward(ctx, g):
                return g, g * float("nan")
        return Sqrt0(), NanSecond

    for lib in (minigrad, torch):
        module, function = make(lib)
        error, warned, _ = _anomaly(lib, lambda lib, x, module=module: module(x), [0.0, 1.0])
        assert error == "Function 'SqrtBackward0' returned nan values in its 0th output."
        assert "return x.sqrt() * 0  # the user's forward line" in warned[-1]
        error, warned, _ = _anomaly(lib, lambda lib, a, b, function=function: function.apply(a, b), [1.0], [2.0])
        assert error == "Function 'NanSecondBackward' returned nan values in its 1th output."
        assert "function.apply(a, b)" in warned[-1]


def test_an_infinite_gradient_is_not_an_anomaly():
    """torch checks for NaN only: sqrt at 0 gives an inf gradient and no error."""
    for lib in (minigrad, torch):
        error, warned, (x,) = _anomaly(lib, lambda lib, x: x.sqrt(), [0.0, 4.0])
        assert error is None and x.grad.tolist() == [math.inf, 0.25]
        assert not any(m.startswith("Error detected") for m in warned)


def test_anomaly_without_forward_information():
    for lib in (minigrad, torch):
        error, warned, _ = _anomaly(lib, NAN_MAKERS["SqrtBackward0"], [0.0], record=False)
        assert error == "Function 'SqrtBackward0' returned nan values in its 0th output."
        assert warned[-1] == ("Error detected in SqrtBackward0. No forward pass information available. Enable "
                              "detect anomaly during forward pass for more information.")


def test_anomaly_is_checked_in_autograd_grad_and_can_skip_the_nan_check():
    for lib in (minigrad, torch):
        error, _, (x,) = _anomaly(lib, NAN_MAKERS["LogBackward0"], [1.0],
                                  backward=lambda out, leaves, lib=lib: lib.autograd.grad(out.sum(), leaves))
        assert error == "Function 'LogBackward0' returned nan values in its 0th output." and x.grad is None
        with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
            off = lib.autograd.detect_anomaly(check_nan=False)
        with off:
            assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
            x = lib.tensor([0.0], requires_grad=True)
            (x.sqrt() * 0).sum().backward()
            assert math.isnan(x.grad.item())
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        with lib.autograd.set_detect_anomaly(True):
            assert lib.is_anomaly_enabled()
        assert not lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(True)
        assert lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(False)
        assert not lib.is_anomaly_enabled()


# --- values at the edges of dtypes (issue 16): torch's value, dtype and shape, where minigrad once
# wrapped, truncated or saturated silently ------------------------------------------------------------
EDGE_VALUES = {
    "float16_cumsum_of_3000_ones": lambda lib: lib.ones(3000, dtype=lib.float16).cumsum(0),  # accumulates in float32
    "float16_cumsum_past_2048": lambda lib: lib.tensor([2048.0, 1.0, 1.0], dtype=lib.float16).cumsum(0),
    "int_clamped_to_float_bounds": lambda lib: lib.tensor([1, 2, 3]).clamp(0.5, 2.5),
    "int_clamped_to_int_bounds": lambda lib: lib.tensor([1, 2, 3]).clamp(2, 2),
    "unique_keeps_each_nan": lambda lib: lib.unique(lib.tensor([math.nan, 1.0, math.nan])),
    "argmax_keepdim_without_dim": lambda lib: lib.ones(2, 3).argmax(keepdim=True),
    "big_int_as_float32": lambda lib: lib.tensor(2 ** 63, dtype=lib.float32),
    "big_int_and_float": lambda lib: lib.tensor([2 ** 100, 1.5]),
    "int8_plus_200_wraps": lambda lib: lib.tensor([1], dtype=lib.int8) + 200,
    "int32_plus_2_40_wraps": lambda lib: lib.tensor([1], dtype=lib.int32) + 2 ** 40,
    "int64_plus_2_63_wraps": lambda lib: lib.tensor([1]) + 2 ** 63,
    "int_to_negative_tensor_power": lambda lib: lib.tensor([2, 1, -1, 0]) ** lib.tensor([-1, -2, -3, 2]),
    "float32_minus_numpy_float64": lambda lib: lib.ones(2) - np.float64(0.25),
    "numpy_float32_times_tensor": lambda lib: np.float32(2) * lib.ones(2),
    "float32_times_numpy_array": lambda lib: lib.ones(2) * np.array([2.0, 3.0]),
    "tensor_of_numpy_float64": lambda lib: lib.tensor([np.float64(2.0), 1.0]),
    "var_of_one_element": lambda lib: lib.tensor([1.0]).var(),
    "mean_of_nothing": lambda lib: lib.ones(0, 3).mean(0),
    "full_of_minus_one_uint8": lambda lib: lib.full((2,), -1, dtype=lib.uint8),
    "full_bool_of_2_63": lambda lib: lib.full((2,), 2 ** 63, dtype=lib.bool),
    "full_one_float16_past_65504": lambda lib: lib.full((1,), 7e4, dtype=lib.float16),  # unchecked, inf
    "view_float32_as_int32": lambda lib: lib.tensor([1.0, -2.5]).view(lib.int32),  # the bits
    "topk_ties_indices": lambda lib: lib.topk(lib.tensor([1.0, 1, 1, 1, 2, 2, 2, 0, 0, 1, 1, 1]), 3).indices,
    "sort_ties_indices": lambda lib: lib.sort(lib.tensor([1.0, 0.0] * 10)).indices,  # std::sort past 16
    "kthvalue_ties_index": lambda lib: lib.kthvalue(lib.tensor([2, 1, 1, 2, 1, 1, 2, 1]), 2).indices,
    "mode_ties_index": lambda lib: lib.mode(lib.tensor([3, 1, 3, 1, 2] * 4)).indices,
    "bool_pow_true_stays_bool": lambda lib: lib.tensor([True, False]) ** True,
    "bool_pow_false_is_ones": lambda lib: lib.tensor([True, False]) ** False,
    "float16_floor_divide_tenth": lambda lib: lib.tensor([1.5, -2.0], dtype=lib.float16) // 0.1,  # in float32
    "float16_trunc_divide_1e_8": lambda lib: lib.tensor([1.5, 0.0], dtype=lib.float16).div(1e-8, rounding_mode="trunc"),
    "float16_remainder_tenth": lambda lib: lib.tensor([1.5, -2.0], dtype=lib.float16) % 0.1,  # 0.1 rounded first
    "two_63_divided_by_bool": lambda lib: 2 ** 63 / lib.tensor([True, False]),
}


@pytest.mark.parametrize("case", list(EDGE_VALUES))
def test_values_at_the_edges_of_dtypes(case):
    theirs, ours = EDGE_VALUES[case](torch), EDGE_VALUES[case](minigrad)
    assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())  # exact: each is one rounding, or none


def test_comparing_with_a_list_is_false_as_in_torch():
    assert (minigrad.ones(2) == [1, 2]) is (torch.ones(2) == [1, 2]) is False
    assert (minigrad.ones(2) != [1, 2]) is (torch.ones(2) != [1, 2]) is True


# The warnings: NumPy's RuntimeWarnings never where torch is silent; torch's UserWarnings
# where it gives them. Each example's warnings (category and text) must be torch's.
WARNING_EXAMPLES = {
    "overflow_in_cast_to_float16": lambda lib: lib.tensor([1e10]).to(lib.float16),
    "overflow_in_cast_to_int32": lambda lib: lib.tensor([1e10]).to(lib.int32),
    "zero_to_a_negative_power": lambda lib: lib.tensor([0.0]) ** -1.0,
    "var_of_one_element": lambda lib: lib.ones(1).var(),
    "mean_of_nothing": lambda lib: lib.ones(0).mean(),
    "bce_at_the_ends": lambda lib: lib.nn.functional.binary_cross_entropy(lib.tensor([0.0, 1.0]),
                                                                          lib.tensor([1.0, 0.0])),
    "float_of_a_tensor_requiring_grad": lambda lib: float(lib.ones(1, requires_grad=True)),
    "T_of_a_3d_tensor": lambda lib: lib.ones(2, 3, 4).T,
    "full_one_float16_past_65504": lambda lib: lib.full((1,), 7e4, dtype=lib.float16),
    "float16_floor_divide_by_1e_8": lambda lib: lib.ones(2, dtype=lib.float16) // 1e-8,
}


def _warnings_of(fn):
    """(category, text) of each warning; torch's C++ warnings end with where they were raised in its
    build (" (Triggered internally at /__w/pytorch/...cpp:822.)"), which is not compared."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return sorted((w.category.__name__, re.sub(r" \(Triggered internally at .*\)$", "", str(w.message), flags=re.S))
                  for w in caught if w.category is not DeprecationWarning)


# Warnings torch gives once per process (TORCH_WARN_ONCE; minigrad's tensor._warn_once): compared in a
# fresh process, since an earlier test in this one may have given them already, in either library.
ONCE_PER_PROCESS = {"float_of_a_tensor_requiring_grad"}


@pytest.mark.parametrize("case", list(WARNING_EXAMPLES))
def test_warnings_at_the_edges_are_torchs(case):
    if case in ONCE_PER_PROCESS:
        import subprocess
        import sys
        code = ("import sys, torch, minigrad; sys.path.insert(0, 'parity_tests'); import test_stability as t; "
                f"print(t._warnings_of(lambda: t.WARNING_EXAMPLES[{case!r}](minigrad)) == "
                f"t._warnings_of(lambda: t.WARNING_EXAMPLES[{case!r}](torch)))")
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
        assert out.stdout.strip() == "True", out.stdout + out.stderr
        return
    assert _warnings_of(lambda: WARNING_EXAMPLES[case](minigrad)) == _warnings_of(lambda: WARNING_EXAMPLES[case](torch))


def test_grad_with_an_input_listed_twice():
    """torch gives each listing the same gradient (and the same for a non-leaf listed twice)."""
    grads = []
    for lib in (torch, minigrad):
        x = lib.ones(2, requires_grad=True)
        y = x * 3
        grads.append([g.tolist() for g in lib.autograd.grad((x * x).sum(), [x, x])]
                     + [g.tolist() for g in lib.autograd.grad((y * y).sum(), [y, x, y])])
    assert grads[1] == grads[0]
