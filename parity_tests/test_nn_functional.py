"""Activations (functional and Modules), one_hot, pad and the distance functions against torch.

The op registry (op_db/nn_functional.py) already checks every function's values, gradients and
second derivatives; this file checks what the registry cannot: the activation Modules (values,
gradients, PReLU's weight, reprs), extreme inputs (+-1e4, +-inf) without NaN or NumPy warnings,
in-place semantics, the implicit-dim warning of softmax, erf's accuracy, and error types and
messages (table-driven, messages compared exactly).
"""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minigrad
import minigrad.nn  # noqa: F401 - makes minigrad.nn reachable as lib.nn
from minigrad.nn._special import erf_array
from _compare import (LIBM_ULPS, assert_float_close, assert_within, cancellation_bound, elementwise_rtol, outcome,
                      tensor_bound, ulps)

FLOAT64_TOL = (1e-12, 1e-10)  # (atol, rtol): rounding is ~1e-16 here, formula slips far above
# float32 (``_compare``'s policy): an activation and its derivative pass at most 4 math-library steps
# (mish: exp and log1p for softplus, tanh, and the derivative's sigmoid); the softmaxes sum rows of at
# most 5 terms. A PReLU weight's gradient sums x * w over the input (bounded with those terms).
ACT_OPS, ACT_TERMS = 4, 5


def pointwise_bound(expected, x, dtype="float32"):
    """Bound for an activation (or its derivative) at ``x``: ACT_OPS steps of the result, plus their
    ulps of ``max(1, |x|)``, the terms' magnitude where the result cancels (``x - tanh(x)`` near 0, the
    derivative ``1 - tanh(x)**2``, ``x * sigmoid(x)``)."""
    magnitude = np.maximum(1.0, np.abs(np.asarray(x, dtype=np.float64)))
    return elementwise_rtol(ACT_OPS, dtype) * np.abs(np.asarray(expected, dtype=np.float64)) + \
        cancellation_bound(magnitude, ulps=ACT_OPS * LIBM_ULPS, dtype=dtype)

# (name, constructor args); the same call builds the torch Module and ours
ACTIVATIONS = [
    ("ReLU", ()), ("ReLU6", ()), ("LeakyReLU", ()), ("LeakyReLU", (0.2,)), ("PReLU", ()), ("PReLU", (4, 0.1)),
    ("ELU", ()), ("ELU", (0.5,)), ("SELU", ()), ("CELU", (2.0,)), ("GELU", ()), ("GELU", ("tanh",)), ("SiLU", ()),
    ("Mish", ()), ("Sigmoid", ()), ("Tanh", ()), ("Hardtanh", ()), ("Hardtanh", (-2.0, 0.5)), ("Hardsigmoid", ()),
    ("Hardswish", ()), ("Softplus", ()), ("Softplus", (2.0, 5.0)), ("Softsign", ()), ("Softmax", (1,)),
    ("LogSoftmax", (-1,)), ("Softmin", (0,)), ("Threshold", (0.1, 20.0)), ("LogSigmoid", ()), ("Tanhshrink", ()),
    ("Softshrink", ()), ("Hardshrink", (1.0,)),
]


def _pair(values, dtype, requires_grad=True):
    x = np.asarray(values, dtype=dtype)
    return (minigrad.tensor(x, requires_grad=requires_grad), torch.tensor(x, requires_grad=requires_grad))


# --- Modules ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,args", ACTIVATIONS, ids=[f"{n}{a}" for n, a in ACTIVATIONS])
def test_module_forward_backward(name, args, dtype):
    ours = getattr(minigrad.nn, name)(*args).to(getattr(minigrad, dtype))
    theirs = getattr(torch.nn, name)(*args).to(getattr(torch, dtype))
    values = np.random.default_rng(0).standard_normal((3, 4, 5)) * 4
    x_ours, x_theirs = _pair(values, dtype)
    out_ours, out_theirs = ours(x_ours), theirs(x_theirs)
    assert_float_close(out_ours, out_theirs, ACT_TERMS, ACT_OPS, FLOAT64_TOL, "forward", scale=np.abs(values).max())
    assert out_ours.grad_fn.name() == out_theirs.grad_fn.name()
    w = np.random.default_rng(1).standard_normal(values.shape).astype(dtype)
    (out_ours * minigrad.tensor(w)).sum().backward()
    (out_theirs * torch.tensor(w)).sum().backward()
    # the gradient's terms are w times derivatives of at most ~1.1 (and softmax's rows of ACT_TERMS)
    assert_float_close(x_ours.grad, x_theirs.grad, ACT_TERMS, ACT_OPS, FLOAT64_TOL, "input grad",
                       scale=1.1 * np.abs(w).max())
    for (key, p_ours), (_, p_theirs) in zip(ours.named_parameters(), theirs.named_parameters()):
        # PReLU: a sum over all of x * w (at most values.size terms, whose magnitudes sum to |x| . |w|)
        assert_float_close(p_ours.grad, p_theirs.grad, values.size, ACT_OPS, [10 * t for t in FLOAT64_TOL],
                           f"{key} grad", scale=np.abs(values * w).sum())


@pytest.mark.parametrize("name,args", ACTIVATIONS + [
    ("ReLU", (True,)), ("ReLU6", (True,)), ("LeakyReLU", (0.1, True)), ("ELU", (1.0, True)), ("SELU", (True,)),
    ("CELU", (1.0, True)), ("SiLU", (True,)), ("Mish", (True,)), ("Hardtanh", (-1.0, 1.0, True)),
    ("Threshold", (0.5, 1, True)), ("Softmax", ()), ("PReLU", (3,)), ("Hardsigmoid", (True,)),
], ids=lambda v: str(v))
def test_module_repr(name, args):
    assert repr(getattr(minigrad.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))


def test_prelu_parameter_and_state_dict():
    ours, theirs = minigrad.nn.PReLU(3, init=0.1), torch.nn.PReLU(3, init=0.1)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert ours.weight.tolist() == theirs.weight.tolist()  # float32(0.1), copied
    assert ours.weight.requires_grad and isinstance(ours.weight, minigrad.nn.Parameter)


def test_hardtanh_module_rejects_empty_range():
    for lib in (minigrad, torch):
        with pytest.raises(AssertionError, match=r"max_val \(1.0\) must be greater than min_val \(2.0\)"):
            lib.nn.Hardtanh(2.0, 1.0)


def test_all_lists_the_activations():
    import minigrad.nn.modules.activation as ours
    assert set(ours.__all__) <= set(torch.nn.modules.activation.__all__)
    assert {name for name, _ in ACTIVATIONS} <= set(ours.__all__)


# --- in place ---------------------------------------------------------------------------------------
IN_PLACE = ["relu", "relu6", "leaky_relu", "elu", "selu", "celu", "silu", "mish", "hardtanh", "hardsigmoid",
            "hardswish"]


@pytest.mark.parametrize("name", IN_PLACE)
def test_inplace_writes_into_the_input(name):
    results = []
    for lib in (minigrad, torch):
        leaf = lib.tensor([[-2.0, -0.5, 0.5, 3.0]], requires_grad=True)
        x = leaf * 1
        out = getattr(lib.nn.functional, name)(x, inplace=True)
        assert out is x
        out.sum().backward()
        results.append((x.detach().numpy(), leaf.grad.numpy(), x.grad_fn.name(), x._version))
    (vo, go, no, version), (vt, gt, nt, _) = results
    x = np.array([[-2.0, -0.5, 0.5, 3.0]])
    assert_within(vo, vt, pointwise_bound(vt, x), "value")
    assert_within(go, gt, pointwise_bound(gt, x), "gradient")
    assert no == nt and version >= 1


def test_inplace_threshold_and_leaf_error():
    for lib in (minigrad, torch):
        x = lib.tensor([0.05, 0.5])
        assert lib.nn.functional.threshold(x, 0.1, 9.0, inplace=True) is x
        assert x.tolist() == [9.0, 0.5]
        leaf = lib.tensor([1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
            lib.nn.functional.relu(leaf, inplace=True)


def test_inplace_module_keeps_identity():
    for lib in (minigrad, torch):
        x = lib.tensor([-1.0, 2.0])
        assert lib.nn.ReLU(inplace=True)(x) is x and x.tolist() == [0.0, 2.0]


# --- softmax's implicit dim ---------------------------------------------------------------------------
@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 3, 4), (2, 3, 2, 2)])
def test_implicit_softmax_dim_warns_like_torch(fn, shape):
    x = np.random.default_rng(2).standard_normal(shape).astype("float32")
    outs, messages = [], []
    for lib in (minigrad, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            outs.append(getattr(lib.nn.functional, fn)(lib.tensor(x)))
        messages.append([(w.category, str(w.message), w.filename) for w in caught])
    assert messages[0] == [(UserWarning, messages[1][0][1], __file__)]
    # rows of at most 4 terms (exp after subtracting the max: <= 1), then a log or a division
    assert_within(outs[0], outs[1], tensor_bound(outs[1], n_terms=4, ops=2, scale=4.0), fn)


def test_softmax_module_without_dim_warns_at_the_caller():
    for lib in (minigrad, torch):
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax has been deprecated"):
            lib.nn.Softmax()(lib.ones(2, 3))


# --- extreme values -----------------------------------------------------------------------------------
EXTREME = [-1e4, -100.0, -30.0, -1.0, 0.0, 1.0, 30.0, 100.0, 1e4]
POINTWISE = ["relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "sigmoid", "tanh",
             "hardtanh", "hardsigmoid", "hardswish", "softplus", "softsign", "logsigmoid", "tanhshrink", "softshrink",
             "hardshrink"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", POINTWISE)
def test_extreme_inputs_match_torch_without_warnings(name, dtype):
    grads, outs = [], []
    for lib in (minigrad, torch):
        x = lib.tensor(np.asarray(EXTREME, dtype=dtype), requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no overflow/invalid-value warnings from NumPy
            out = getattr(lib.nn.functional, name)(x)
            out.sum().backward()
        outs.append(out.detach().numpy())
        grads.append(x.grad.numpy())
    if dtype == "float64":
        np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, atol=1e-300)
    else:
        assert_within(outs[0], outs[1], pointwise_bound(outs[1], EXTREME), "value")
        assert_within(grads[0], grads[1], pointwise_bound(grads[1], EXTREME), "gradient")


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("row", [[1e4, -1e4, 0.0], [-math.inf, 1.0, 2.0], [1e4, 1e4, -math.inf], [-1e4, -1e4, -1e4]])
def test_softmax_family_is_stable(name, row):
    results = []
    for lib in (minigrad, torch):
        x = lib.tensor([row, [0.5, -0.5, 1.5]], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = getattr(lib.nn.functional, name)(x, dim=1)
            (out.masked_fill(out.isinf(), 0.0) * lib.tensor([[1.0, 2.0, 3.0]])).sum().backward()
        results.append((out.detach().numpy(), x.grad.numpy()))
    # the inputs are integers: subtracting a row's max is exact, then exps <= 1 in rows of 3, times
    # weights <= 3 in the gradient; exp, log and the derivative's exp
    for ours, theirs in zip(*results):
        assert_within(ours, theirs, tensor_bound(theirs, n_terms=3, ops=3, scale=3 * 3), name)


def test_erf_matches_torch_to_float64_precision():
    x = np.concatenate([np.linspace(-7, 7, 20001), [0.0, 2.5, -2.5, 1e-300, 40.0, -math.inf, math.inf]])
    np.testing.assert_allclose(erf_array(x), torch.erf(torch.tensor(x)).numpy(), rtol=2e-15, atol=3e-16)
    x32 = x.astype(np.float32)
    assert erf_array(x32).dtype == np.float32
    # |erf| <= 1: two float32 erf implementations differ by LIBM_ULPS ulps of 1 at most
    assert_within(erf_array(x32), torch.erf(torch.tensor(x32)).numpy(), ulps(LIBM_ULPS, 1.0), "float32 erf")
    assert np.isnan(erf_array(np.array([math.nan])))[0]


@given(st.lists(st.floats(-50, 50, allow_nan=False, width=32), min_size=1, max_size=30),
       st.sampled_from(POINTWISE))
def test_pointwise_activations_match_torch(values, name):
    x = np.asarray(values, dtype=np.float32)
    ours = minigrad.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    out_ours = getattr(minigrad.nn.functional, name)(ours)
    out_theirs = getattr(torch.nn.functional, name)(theirs)
    assert_within(out_ours, out_theirs, pointwise_bound(out_theirs.detach(), x), "value")
    out_ours.sum().backward()
    out_theirs.sum().backward()
    assert_within(ours.grad, theirs.grad, pointwise_bound(theirs.grad, x), "gradient")


# --- one_hot, pad, normalize -----------------------------------------------------------------------
@pytest.mark.parametrize("values,num_classes", [([0, 2, 1], -1), ([[1, 0], [3, 3]], 5), ([], 3), (2, -1),
                                                ([[0]], 1)])
def test_one_hot(values, num_classes):
    ours = minigrad.nn.functional.one_hot(minigrad.tensor(values, dtype=minigrad.int64), num_classes)
    theirs = torch.nn.functional.one_hot(torch.tensor(values, dtype=torch.int64), num_classes)
    assert ours.dtype == minigrad.int64 and ours.shape == theirs.shape
    assert ours.tolist() == theirs.tolist()


def test_pad_defaults_and_integer_values():
    for mode in ("constant", "reflect", "replicate", "circular"):
        x = np.arange(12.0).reshape(1, 3, 4)
        ours = minigrad.nn.functional.pad(minigrad.tensor(x), (2, 1), mode=mode)
        theirs = torch.nn.functional.pad(torch.tensor(x), (2, 1), mode=mode)
        assert ours.tolist() == theirs.tolist()
    ours = minigrad.nn.functional.pad(minigrad.tensor([1, 2]), (1, 1), value=2.5)
    theirs = torch.nn.functional.pad(torch.tensor([1, 2]), (1, 1), value=2.5)
    assert ours.tolist() == theirs.tolist() and ours.dtype == minigrad.int64


def test_normalize_and_similarity_of_zero_vectors():
    """At a zero vector the clamped norms (eps) set the scale of the gradient, as in torch."""
    grads = []
    for lib in (minigrad, torch):
        x = lib.zeros(2, 3, requires_grad=True)
        F = lib.nn.functional
        similarity = F.cosine_similarity(x, lib.ones(2, 3))
        assert similarity.tolist() == [0.0, 0.0]
        (F.normalize(x).sum() + similarity.sum()).backward()
        grads.append(x.grad.numpy())
    # elementwise: a clamped norm of 3 terms, its sqrt and a division (1 ulp each, no cancellation)
    assert_within(grads[0], grads[1], elementwise_rtol(3 + 3, ulps_per_op=1) * np.abs(grads[1]), "gradient")


# --- errors -------------------------------------------------------------------------------------------
def _f(lib):
    return lib.nn.functional


ERRORS = {
    "leaky_relu_int": lambda lib: _f(lib).leaky_relu(lib.tensor([1, 2])),
    "elu_int": lambda lib: _f(lib).elu(lib.tensor([1, 2])),
    "selu_int": lambda lib: _f(lib).selu(lib.tensor([1, 2])),
    "gelu_int": lambda lib: _f(lib).gelu(lib.tensor([1, 2])),
    "silu_int": lambda lib: _f(lib).silu(lib.tensor([1, 2])),
    "mish_int": lambda lib: _f(lib).mish(lib.tensor([1, 2])),
    "softplus_int": lambda lib: _f(lib).softplus(lib.tensor([1, 2])),
    "logsigmoid_int": lambda lib: _f(lib).logsigmoid(lib.tensor([1, 2])),
    "hardsigmoid_int": lambda lib: _f(lib).hardsigmoid(lib.tensor([1, 2])),
    "hardswish_int": lambda lib: _f(lib).hardswish(lib.tensor([1, 2])),
    "hardshrink_int": lambda lib: _f(lib).hardshrink(lib.tensor([1, 2])),
    "softshrink_int": lambda lib: _f(lib).softshrink(lib.tensor([1, 2])),
    "prelu_int": lambda lib: _f(lib).prelu(lib.tensor([1, 2]), lib.tensor([1])),
    "softshrink_negative": lambda lib: _f(lib).softshrink(lib.ones(3), -0.5),
    "softshrink_negative_double": lambda lib: _f(lib).softshrink(lib.ones(3, dtype=lib.float64), -2.0),
    "gelu_approximate": lambda lib: _f(lib).gelu(lib.ones(3), approximate="fast"),
    "hardtanh_range": lambda lib: _f(lib).hardtanh(lib.ones(3), 2.0, 1.0),
    "celu_zero_alpha": lambda lib: _f(lib).celu(lib.ones(3), 0.0),
    "prelu_channels": lambda lib: _f(lib).prelu(lib.ones(2, 3, 4), lib.ones(2)),
    "prelu_weight_2d": lambda lib: _f(lib).prelu(lib.ones(2, 3, 4), lib.ones(3, 1)),
    "prelu_dtypes": lambda lib: _f(lib).prelu(lib.ones(2, 3), lib.ones(3, dtype=lib.float64)),
    "prelu_zero_dim": lambda lib: _f(lib).prelu(lib.tensor(1.0), lib.ones(3)),
    "softmax_dim": lambda lib: _f(lib).softmax(lib.ones(2, 3), dim=2),
    "one_hot_negative": lambda lib: _f(lib).one_hot(lib.tensor([0, -1])),
    "one_hot_too_large": lambda lib: _f(lib).one_hot(lib.tensor([0, 5]), 3),
    "one_hot_float": lambda lib: _f(lib).one_hot(lib.tensor([0.0, 1.0])),
    "one_hot_int32": lambda lib: _f(lib).one_hot(lib.tensor([0, 1], dtype=lib.int32)),
    "one_hot_empty": lambda lib: _f(lib).one_hot(lib.zeros(0, dtype=lib.int64)),
    "one_hot_zero_classes": lambda lib: _f(lib).one_hot(lib.tensor([0, 1]), 0),
    "pad_odd": lambda lib: _f(lib).pad(lib.ones(3, 4), (1, 2, 3)),
    "pad_too_long": lambda lib: _f(lib).pad(lib.ones(3, 4), (1, 1, 1, 1, 1, 1)),
    "pad_mode": lambda lib: _f(lib).pad(lib.ones(3, 4), (1, 1), mode="foo"),
    "pad_reflect_too_big": lambda lib: _f(lib).pad(lib.ones(1, 2, 3), (3, 1), mode="reflect"),
    "pad_reflect_1d": lambda lib: _f(lib).pad(lib.ones(3), (1, 1), mode="reflect"),
    "pad_replicate_4d_len2": lambda lib: _f(lib).pad(lib.ones(1, 1, 2, 3), (1, 1), mode="replicate"),
    "pad_circular_wraps": lambda lib: _f(lib).pad(lib.ones(1, 2, 3), (4, 1), mode="circular"),
    "pad_value_reflect": lambda lib: _f(lib).pad(lib.ones(1, 2, 3), (1, 1), mode="reflect", value=1.0),
    "cosine_similarity_int": lambda lib: _f(lib).cosine_similarity(lib.tensor([1, 2]), lib.tensor([1, 2]), dim=0),
    "cosine_similarity_shapes": lambda lib: _f(lib).cosine_similarity(lib.ones(3, 4), lib.ones(2, 4)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    theirs = outcome(ERRORS[name], torch)
    assert theirs[0] is not None, "torch accepts this input; the case is wrong"
    assert outcome(ERRORS[name], minigrad) == theirs
