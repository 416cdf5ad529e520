"""Losses (functional and Modules) against torch.

The op registry (op_db/nn_functional.py) checks every loss's values, gradients and second
derivatives per reduction and option; this file checks the loss Modules (values, gradients, reprs,
buffers, legacy flags), the printed result a course shows (``grad_fn=<MseLossBackward0>``),
numerical stability at extreme logits and probabilities, dtype promotion, torch's warnings, and
error types and messages (table-driven, messages compared exactly).
"""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minigrad
import minigrad.nn  # noqa: F401 - makes minigrad.nn reachable as lib.nn
from _compare import assert_float_close, outcome, tensor_bound, assert_within

FLOAT64_TOL = (1e-12, 1e-10)  # (atol, rtol): rounding differences are ~1e-15 here; any formula slip is far above
# float32 (``_compare``'s policy): the widest sum is a reduction over every element of "x3" (2*5*3 = 30
# terms) after a logsumexp over 5 classes; on the way, at most 6 math-library steps (log_softmax or
# sigmoid first, the loss's log/exp/log1p, their derivatives).
LOSS_TERMS, LOSS_OPS = 30 + 5, 6
REDUCTIONS = ["mean", "sum", "none"]


def _data(seed=0):
    """Arrays shared by both libraries: scores (4, 5), indices, probabilities, 0/1 labels, weights."""
    rng = np.random.default_rng(seed)
    return {
        "x": rng.standard_normal((4, 5)) * 2, "y": rng.standard_normal((4, 5)),
        "classes": np.array([1, 0, 4, 2]), "probs": rng.uniform(0.05, 0.95, (4, 5)),
        "labels": (rng.uniform(size=(4, 5)) > 0.5).astype(float), "class_weight": rng.uniform(0.5, 2, 5),
        "x3": rng.standard_normal((2, 5, 3)), "classes3": np.array([[1, 0, 4], [2, 2, 3]]),
    }


# name, Module kwargs (arrays become tensors), input key, target key, apply to the input first
MODULES = [
    ("MSELoss", {}, "x", "y", None), ("L1Loss", {}, "x", "y", None),
    ("SmoothL1Loss", {"beta": 0.5}, "x", "y", None), ("HuberLoss", {"delta": 0.7}, "x", "y", None),
    ("CrossEntropyLoss", {}, "x", "classes", None),
    ("CrossEntropyLoss", {"weight": "class_weight", "ignore_index": 4}, "x", "classes", None),
    ("CrossEntropyLoss", {"label_smoothing": 0.1}, "x", "classes", None),
    ("CrossEntropyLoss", {}, "x", "probs", None), ("CrossEntropyLoss", {}, "x3", "classes3", None),
    ("NLLLoss", {}, "x", "classes", "log_softmax"), ("NLLLoss", {"weight": "class_weight"}, "x", "classes",
                                                     "log_softmax"),
    ("BCELoss", {}, "x", "labels", "sigmoid"), ("BCELoss", {"weight": "class_weight"}, "x", "probs", "sigmoid"),
    ("BCEWithLogitsLoss", {}, "x", "labels", None),
    ("BCEWithLogitsLoss", {"pos_weight": "class_weight"}, "x", "probs", None),
    ("KLDivLoss", {"reduction": "batchmean"}, "x", "probs", "log_softmax"),
    ("KLDivLoss", {"log_target": True, "reduction": "sum"}, "x", "y", "log_softmax"),
]


def _module(lib, name, kwargs, dtype, data):
    kw = {k: lib.tensor(data[v], dtype=getattr(lib, dtype)) if k in ("weight", "pos_weight") else v
          for k, v in kwargs.items()}
    return getattr(lib.nn, name)(**kw)


def _tensors(lib, data, key, dtype, requires_grad):
    x = data[key]
    if x.dtype.kind == "f":
        return lib.tensor(x, dtype=getattr(lib, dtype), requires_grad=requires_grad)
    return lib.tensor(x)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs,input_key,target_key,prepare", MODULES,
                         ids=[f"{m[0]}-{'-'.join(m[1])}-{m[3]}" for m in MODULES])
def test_module_forward_backward(name, kwargs, input_key, target_key, prepare, reduction, dtype):
    data = _data()
    kwargs = {"reduction": reduction, **kwargs} if "reduction" not in kwargs else kwargs
    results = []
    for lib in (minigrad, torch):
        loss_fn = _module(lib, name, kwargs, dtype, data)
        x = _tensors(lib, data, input_key, dtype, True)
        inp = getattr(x, prepare)(1) if prepare == "log_softmax" else getattr(x, prepare)() if prepare else x
        out = loss_fn(inp, _tensors(lib, data, target_key, dtype, False))
        w = np.random.default_rng(3).standard_normal(tuple(out.shape)).astype(dtype)
        (out * lib.tensor(w)).sum().backward()
        results.append((out, x.grad, out.grad_fn.name()))
    (out_o, grad_o, node_o), (out_t, grad_t, node_t) = results
    assert_float_close(out_o, out_t, LOSS_TERMS, LOSS_OPS, FLOAT64_TOL, "loss")
    assert_float_close(grad_o, grad_t, LOSS_TERMS, LOSS_OPS, FLOAT64_TOL, "input grad")
    assert node_o == node_t


LOSS_REPRS = ["L1Loss", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "SmoothL1Loss",
              "HuberLoss", "KLDivLoss", "CosineEmbeddingLoss"]


@pytest.mark.parametrize("name", LOSS_REPRS)
def test_module_repr_and_defaults(name):
    ours, theirs = getattr(minigrad.nn, name)(), getattr(torch.nn, name)()
    assert repr(ours) == repr(theirs)
    for attr in ("reduction", "ignore_index", "label_smoothing", "beta", "delta", "log_target", "margin"):
        assert getattr(ours, attr, None) == getattr(theirs, attr, None), attr
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("name,kwargs", [("CrossEntropyLoss", {"weight": [1.0, 2.0]}),
                                         ("NLLLoss", {"weight": [1.0, 2.0]}), ("BCELoss", {"weight": [1.0, 2.0]}),
                                         ("BCEWithLogitsLoss", {"pos_weight": [3.0, 1.0]}),
                                         ("BCEWithLogitsLoss", {"weight": [1.0, 2.0], "pos_weight": [3.0, 1.0]})])
def test_weights_are_buffers(name, kwargs):
    states = []
    for lib in (minigrad, torch):
        module = getattr(lib.nn, name)(**{k: lib.tensor(v) for k, v in kwargs.items()})
        states.append({k: v.tolist() for k, v in module.state_dict().items()})
        assert list(module.parameters()) == []
    assert states[0] == states[1]


def test_all_lists_the_losses():
    """Every torch loss module exists (the ones beyond LOSS_REPRS are tested in test_nn_breadth.py)."""
    import minigrad.nn.modules.loss as ours
    assert set(ours.__all__) == set(torch.nn.modules.loss.__all__)


@pytest.mark.parametrize("flags,expected", [({"size_average": False}, "sum"), ({"reduce": False}, "none"),
                                            ({"size_average": True, "reduce": True}, "mean")])
def test_legacy_reduction_flags(flags, expected):
    for lib in (minigrad, torch):
        with pytest.warns(UserWarning, match=f"size_average and reduce args will be deprecated, please use "
                                             f"reduction='{expected}' instead."):
            module = lib.nn.MSELoss(**flags)
        assert module.reduction == expected
    with pytest.warns(UserWarning):
        ours = minigrad.nn.functional.mse_loss(minigrad.ones(3), minigrad.zeros(3), **flags)
    with pytest.warns(UserWarning):
        theirs = torch.nn.functional.mse_loss(torch.ones(3), torch.zeros(3), **flags)
    assert ours.tolist() == theirs.tolist()


# --- what a course prints ----------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.MSELoss()(lib.tensor([1.0, 2.0, 4.0], requires_grad=True), lib.tensor([1.5, 2.0, 3.0])),
    lambda lib: lib.nn.CrossEntropyLoss()(lib.tensor([[2.0, 0.5, -1.0]], requires_grad=True), lib.tensor([0])),
    lambda lib: lib.nn.NLLLoss()(lib.tensor([[-0.5, -1.5]], requires_grad=True), lib.tensor([1])),
    lambda lib: lib.nn.BCELoss()(lib.tensor([0.25, 0.75], requires_grad=True), lib.tensor([0.0, 1.0])),
    lambda lib: lib.nn.BCEWithLogitsLoss()(lib.tensor([0.5, -2.0], requires_grad=True), lib.tensor([1.0, 0.0])),
    lambda lib: lib.nn.L1Loss()(lib.tensor([1.0, 2.0], requires_grad=True), lib.tensor([0.0, 0.0])),
    lambda lib: lib.nn.SmoothL1Loss(reduction="none")(lib.tensor([1.0, 0.2], requires_grad=True),
                                                      lib.tensor([0.0, 0.0])),
    lambda lib: lib.nn.functional.cross_entropy(lib.tensor([[1.0, 2.0]], requires_grad=True),
                                                lib.tensor([[0.25, 0.75]])),
])
def test_printed_loss_equals_torch(make):
    assert repr(make(minigrad)) == repr(make(torch))


# --- stability -----------------------------------------------------------------------------------------
def _both(fn, *arrays, grad=(0,)):
    """fn(lib, *tensors) on both libraries without NumPy warnings: [(value, grads), (value, grads)]."""
    results = []
    for lib in (minigrad, torch):
        tensors = [lib.tensor(a, requires_grad=i in grad) if isinstance(a, np.ndarray) and a.dtype.kind == "f"
                   else lib.tensor(a) for i, a in enumerate(arrays)]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = fn(lib, *tensors)
            out.sum().backward()
        results.append((out.detach().numpy(), [tensors[i].grad.numpy() for i in grad]))
    return results


def _assert_same(results, n_terms):
    """Values and gradients of one of the extreme-input cases below: float64 to 1e-12 (relative, and
    absolute for the exact zeros); float32 as ``tensor_bound`` for ``n_terms`` accumulated terms (a
    row's logsumexp plus the reduction over the rows) and 3 math-library steps (exp, log/log1p, and
    the derivative's exp or sigmoid)."""
    (value_o, grads_o), (value_t, grads_t) = results
    for what, ours, theirs in [("value", value_o, value_t)] + [("grad", go, gt) for go, gt in zip(grads_o, grads_t)]:
        if theirs.dtype == np.float64:
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12, err_msg=what)
        else:
            assert_within(ours, theirs, tensor_bound(theirs, n_terms, 3, theirs.dtype), what)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_at_extreme_logits(dtype, reduction):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4], [-math.inf, 3.0, 1.0]], dtype=dtype)
    target = np.array([1, 2, 0, 2])
    results = _both(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, reduction=reduction), logits, target)
    assert np.isfinite(results[0][0]).all() and np.isfinite(results[0][1][0]).all()
    _assert_same(results, n_terms=3 + 4)  # a row of 3 classes, a reduction over 4 rows


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_entropy_with_smoothing_and_probabilities_at_extreme_logits(dtype):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 5.0, 1e4]], dtype=dtype)
    # a row of 3 classes, summed again over the classes for the smoothing, then a mean over 2 rows
    _assert_same(_both(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, label_smoothing=0.2), logits,
                       np.array([1, 2])), n_terms=3 + 3 + 2)
    probs = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], dtype=dtype)
    _assert_same(_both(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t), logits, probs), n_terms=3 + 3 + 2)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("pos_weight", [None, 3.0])
def test_bce_with_logits_at_extreme_logits(dtype, pos_weight):
    logits = np.array([-1e4, -100.0, -20.0, 0.0, 20.0, 100.0, 1e4, 1e4], dtype=dtype)
    target = np.array([1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.0, 1.0], dtype=dtype)

    def fn(lib, x, t):
        pw = None if pos_weight is None else lib.tensor(pos_weight, dtype=x.dtype)
        return lib.nn.functional.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="none")
    results = _both(fn, logits, target, grad=(0, 1))
    assert np.isfinite(results[0][0]).all()
    _assert_same(results, n_terms=1)  # reduction='none': elementwise


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bce_clamps_log_at_minus_100(dtype):
    p = np.array([0.0, 1.0, 0.0, 1.0, 1e-30, 1 - 1e-7, 0.5], dtype=dtype)
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.3], dtype=dtype)
    results = _both(lambda lib, x, y: lib.nn.functional.binary_cross_entropy(x, y, reduction="none"), p, t)
    assert results[1][0][0] == 100.0  # torch's clamp
    _assert_same(results, n_terms=1)  # reduction='none': elementwise


def test_nll_with_every_target_ignored_is_nan_like_torch():
    for reduction, expect_nan in (("mean", True), ("sum", False)):
        values = [lib.nn.functional.nll_loss(lib.zeros(2, 3), lib.tensor([-100, -100]), reduction=reduction).item()
                  for lib in (minigrad, torch)]
        assert math.isnan(values[0]) == math.isnan(values[1]) == expect_nan


# --- dtypes and warnings ---------------------------------------------------------------------------
@pytest.mark.parametrize("fn", ["mse_loss", "l1_loss", "smooth_l1_loss"])
@pytest.mark.parametrize("target_dtype", ["int64", "float64"])
def test_target_dtype_promotes_like_torch(fn, target_dtype):
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([0.5, 1.5, -2.0], requires_grad=True)
        out = getattr(lib.nn.functional, fn)(x, lib.tensor([1, 2, -3], dtype=getattr(lib, target_dtype)))
        out.backward()
        results.append((repr(out.dtype), out.item(), x.grad.dtype, x.grad.tolist()))
    # the inputs are multiples of 1/2: every intermediate value is exact, so the results are equal
    assert results[0][0] == results[1][0]
    assert results[0][1] == results[1][1]
    assert repr(results[0][2]) == repr(results[1][2])
    assert results[0][3] == results[1][3]


@pytest.mark.parametrize("fn", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_size_mismatch_warns_like_torch_and_broadcasts(fn):
    outcomes = []
    for lib in (minigrad, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = getattr(lib.nn.functional, fn)(lib.ones(3, 1), lib.tensor([0.0, 1.0, 2.0]))
        outcomes.append((out.item(), [(w.category, str(w.message), w.filename) for w in caught]))
    assert outcomes[0][1] == outcomes[1][1]
    assert outcomes[0][1][0][2] == __file__  # points at the caller, as torch's does
    # integer-valued terms: the sum is exact, the mean one correctly rounded division, so equal
    assert outcomes[0][0] == outcomes[1][0]


def test_kl_div_mean_warns_like_torch():
    messages = []
    for lib in (minigrad, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.functional.kl_div(lib.zeros(2, 2), lib.ones(2, 2) / 2)
        messages.append([(w.category, str(w.message)) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


@given(st.integers(1, 4), st.integers(2, 5), st.sampled_from(REDUCTIONS), st.booleans(), st.booleans(),
       st.sampled_from([0.0, 0.25]), st.integers(0, 2 ** 31))
def test_cross_entropy_random_cases(n, classes, reduction, weighted, ignore, smoothing, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((n, classes)) * 3).astype(np.float64)
    target = rng.integers(0, classes, n)
    if ignore:
        target[0] = -100
    weight = rng.uniform(0.2, 2.0, classes) if weighted else None
    results = []
    for lib in (minigrad, torch):
        xt = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.cross_entropy(xt, lib.tensor(target), None if weight is None else lib.tensor(weight),
                                              reduction=reduction, label_smoothing=smoothing)
        out.sum().backward()
        results.append((out.detach().numpy(), xt.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10, atol=1e-12)


# --- errors -------------------------------------------------------------------------------------------
def _f(lib):
    return lib.nn.functional


def _x(lib):
    return lib.arange(12.0).reshape(3, 4) / 12


ERRORS = {
    "nll_target_out_of_bounds": lambda lib: _f(lib).nll_loss(_x(lib), lib.tensor([0, 5, 1])),
    "nll_target_negative": lambda lib: _f(lib).nll_loss(_x(lib), lib.tensor([0, -5, 1])),
    "nll_float_target": lambda lib: _f(lib).nll_loss(_x(lib), lib.tensor([0.0, 1.0, 1.0])),
    "nll_int32_target": lambda lib: _f(lib).nll_loss(_x(lib), lib.tensor([0, 1, 1], dtype=lib.int32)),
    "nll_batch_mismatch": lambda lib: _f(lib).nll_loss(_x(lib), lib.tensor([0, 1])),
    "nll_batch_vs_scalar": lambda lib: _f(lib).nll_loss(_x(lib), lib.tensor(1)),
    "nll_weight_size": lambda lib: _f(lib).nll_loss(_x(lib), lib.tensor([0, 2, 1]), weight=lib.ones(3)),
    "nll_zero_dim_input": lambda lib: _f(lib).nll_loss(lib.tensor(1.0), lib.tensor(0)),
    "nll_multi_target": lambda lib: _f(lib).nll_loss(_x(lib), lib.zeros(3, 2, dtype=lib.int64)),
    "nll_1d_input_two_targets": lambda lib: _f(lib).nll_loss(lib.ones(4), lib.tensor([1, 2])),
    "nll_3d_target_size": lambda lib: _f(lib).nll_loss(lib.ones(2, 4, 5), lib.zeros(2, 6, dtype=lib.int64)),
    "nll_4d_target_size": lambda lib: _f(lib).nll_loss(lib.ones(2, 4, 5, 3), lib.zeros(2, 5, 4, dtype=lib.int64)),
    "nll_4d_target_dims": lambda lib: _f(lib).nll_loss(lib.ones(2, 4, 5, 3), lib.zeros(2, 5, dtype=lib.int64)),
    "nll_4d_weight": lambda lib: _f(lib).nll_loss(lib.ones(2, 4, 5, 3), lib.zeros(2, 5, 3, dtype=lib.int64),
                                                  weight=lib.ones(3)),
    "nll_4d_out_of_bounds": lambda lib: _f(lib).nll_loss(lib.ones(2, 4, 5, 3), lib.full((2, 5, 3), 7)),
    "nll_3d_out_of_bounds": lambda lib: _f(lib).nll_loss(lib.ones(2, 4, 5), lib.full((2, 5), 7)),
    "nll_reduction": lambda lib: _f(lib).nll_loss(_x(lib), lib.tensor([0, 2, 1]), reduction="avg"),
    "ce_probability_target_shape": lambda lib: _f(lib).cross_entropy(_x(lib), lib.ones(3, 5) / 5),
    "ce_float_class_target": lambda lib: _f(lib).cross_entropy(_x(lib), lib.tensor([0.0, 1.0, 2.0])),
    "ce_integer_probabilities": lambda lib: _f(lib).cross_entropy(_x(lib), lib.zeros(3, 4, dtype=lib.int64)),
    "ce_probabilities_ignore_index": lambda lib: _f(lib).cross_entropy(_x(lib), lib.ones(3, 4) / 4, ignore_index=1),
    "ce_label_smoothing": lambda lib: _f(lib).cross_entropy(_x(lib), lib.tensor([0, 2, 1]), label_smoothing=1.5),
    "ce_out_of_bounds": lambda lib: _f(lib).cross_entropy(_x(lib), lib.tensor([0, 5, 1])),
    "ce_batch_mismatch": lambda lib: _f(lib).cross_entropy(_x(lib), lib.tensor([0, 1])),
    "ce_weight_size": lambda lib: _f(lib).cross_entropy(_x(lib), lib.tensor([0, 2, 1]), weight=lib.ones(3)),
    "ce_probability_weight": lambda lib: _f(lib).cross_entropy(_x(lib), lib.ones(3, 4) / 4, weight=lib.ones(3)),
    "ce_probability_weight_2d": lambda lib: _f(lib).cross_entropy(_x(lib), lib.ones(3, 4) / 4,
                                                                  weight=lib.ones(4, 1)),
    "ce_zero_dim": lambda lib: _f(lib).cross_entropy(lib.tensor(1.0), lib.tensor(0)),
    "bce_size": lambda lib: _f(lib).binary_cross_entropy(lib.ones(3, 1) / 2, lib.ones(3) / 2),
    "bce_input_range": lambda lib: _f(lib).binary_cross_entropy(lib.tensor([0.5, 1.5]), lib.tensor([0.0, 1.0])),
    "bce_input_negative": lambda lib: _f(lib).binary_cross_entropy(lib.tensor([0.5, -0.5]), lib.tensor([0.0, 1.0])),
    "bce_input_nan": lambda lib: _f(lib).binary_cross_entropy(lib.tensor([0.5, math.nan]), lib.tensor([0.0, 1.0])),
    "bce_target_range": lambda lib: _f(lib).binary_cross_entropy(lib.tensor([0.5, 0.5]), lib.tensor([0.0, 2.0])),
    "bce_integer_target": lambda lib: _f(lib).binary_cross_entropy(lib.tensor([0.5, 0.5]), lib.tensor([0, 1])),
    "bce_double_target": lambda lib: _f(lib).binary_cross_entropy(lib.tensor([0.5, 0.5]),
                                                                  lib.tensor([0.0, 1.0], dtype=lib.float64)),
    "bce_logits_size": lambda lib: _f(lib).binary_cross_entropy_with_logits(lib.ones(3, 1), lib.ones(3)),
    "bce_logits_integer_target": lambda lib: _f(lib).binary_cross_entropy_with_logits(lib.ones(2),
                                                                                       lib.tensor([0, 1])),
    "mse_shapes": lambda lib: _f(lib).mse_loss(lib.ones(3, 2), lib.ones(4)),
    "mse_reduction": lambda lib: _f(lib).mse_loss(lib.ones(3), lib.ones(3), reduction="bad"),
    "mse_integers": lambda lib: _f(lib).mse_loss(lib.tensor([1, 2]), lib.tensor([1, 3])),
    "mse_weight_size": lambda lib: _f(lib).mse_loss(lib.ones(3), lib.ones(3), weight=lib.ones(2)),
    "smooth_l1_integers": lambda lib: _f(lib).smooth_l1_loss(lib.tensor([1, 2]), lib.tensor([1, 3])),
    "smooth_l1_negative_beta": lambda lib: _f(lib).smooth_l1_loss(lib.ones(3), lib.ones(3), beta=-1.0),
    "huber_integers": lambda lib: _f(lib).huber_loss(lib.tensor([1, 2]), lib.tensor([1, 3])),
    "huber_negative_delta": lambda lib: _f(lib).huber_loss(lib.ones(3), lib.ones(3), delta=-1.0),
    "huber_zero_delta": lambda lib: _f(lib).huber_loss(lib.ones(3), lib.ones(3), delta=0.0),
    "huber_module_delta_type": lambda lib: lib.nn.HuberLoss(delta="1"),
    "kl_div_reduction": lambda lib: _f(lib).kl_div(lib.ones(3), lib.ones(3), reduction="bad"),
    "cosine_embedding_target_2d": lambda lib: _f(lib).cosine_embedding_loss(_x(lib), _x(lib), lib.ones(3, 1)),
    "cosine_embedding_input_1d": lambda lib: _f(lib).cosine_embedding_loss(lib.ones(4), lib.ones(4), lib.ones(3)),
    "cosine_embedding_scalar_target": lambda lib: _f(lib).cosine_embedding_loss(_x(lib), _x(lib), lib.tensor(1)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    theirs = outcome(ERRORS[name], torch)
    assert theirs[0] is not None, "torch accepts this input; the case is wrong"
    assert outcome(ERRORS[name], minigrad) == theirs
