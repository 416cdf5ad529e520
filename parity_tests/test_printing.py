"""repr(tensor) must equal torch's, character for character.

Each test builds the same values in torch and in minigrad, sets the same print options in both,
and compares the two strings. The parametrised cases name the rules one by one (modes, widths,
wrapping, summarising, suffixes); the hypothesis test then mixes them at random. Set
MINIGRAD_TEST_PROFILE=full for many more random examples.
"""
import math
import os
from contextlib import contextmanager
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad import _printing
from minigrad import dtypes as mg_dtypes
import strict_device

FULL = os.environ.get("MINIGRAD_TEST_PROFILE") == "full"

nan, inf = math.nan, math.inf


# ---------------------------------------------------------------- building both tensors

def _tensor_pair(data, requires_grad=False, computed=False, device="cpu"):
    """``data`` as a torch and a minigrad tensor; ``computed`` makes both non-leaves (``x * 1``)."""
    pair = []
    for lib in (torch, minigrad):
        t = lib.tensor(data, device=device, requires_grad=requires_grad or computed)
        pair.append(t * 1 if computed else t)
    return pair


def assert_same_repr(data, requires_grad=False, computed=False, device="cpu"):
    """repr and str of ``data`` as a minigrad tensor equal those of it as a torch tensor."""
    expected, t = _tensor_pair(data, requires_grad, computed, device)
    assert repr(t) == repr(expected), f"\nminigrad:\n{t!r}\ntorch:\n{expected!r}"
    assert str(t) == str(expected)


@contextmanager
def both_printoptions(**options):
    """Set the same print options in torch and minigrad for the ``with`` block."""
    torch.set_printoptions(**options)
    minigrad.set_printoptions(**options)
    try:
        yield
    finally:
        torch.set_printoptions(profile="default")
        minigrad.set_printoptions(profile="default")


@contextmanager
def both_default_dtype(name):
    """Set the same default float dtype in torch and minigrad for the ``with`` block."""
    torch.set_default_dtype(getattr(torch, name))
    mg_dtypes.set_default_dtype(getattr(mg_dtypes, name))
    try:
        yield
    finally:
        torch.set_default_dtype(torch.float32)
        mg_dtypes.set_default_dtype(mg_dtypes.float32)


# ---------------------------------------------------------------- named cases

f32, f64, f16 = np.float32, np.float64, np.float16

CASES = {
    # 0-d
    "scalar_float": np.array(3.0, f32),
    "scalar_fraction": np.array(0.1, f32),
    "scalar_negative_zero": np.array(-0.0, f32),
    "scalar_nan": np.array(nan, f32),
    "scalar_inf": np.array(-inf, f32),
    "scalar_huge": np.array(1e20, f64),
    "scalar_tiny": np.array(1e-20, f64),
    "float64_extremes": np.array([1.7e308, 5e-324, -1e-300], f64),
    "scalar_int": np.array(7),
    "scalar_bool": np.array(True),
    "scalar_half": np.array(0.1, f16),
    # float modes and widths
    "int_mode": np.array([1.0, 2.0, -30.0], f32),
    "fixed_mode": np.array([0.1, 2.0, -3.25], f32),
    "float32_tenth": np.array([0.1, 0.2, 0.3], f32),
    "sci_ratio_over_1000": np.array([1.0, 1001.0], f32),
    "ratio_exactly_1000": np.array([1.0, 1000.0], f32),
    "sci_max_over_1e8": np.array([1e9, 2e9], f32),
    "sci_min_under_1e-4": np.array([1e-5, 2e-5], f32),
    "float32_1e-4_is_below": np.array([1e-4, 2e-4], f32),
    "sci_int_mode": np.array([1.0, 1e10], f64),
    "rounding_half_even": np.array([0.00005, 0.00015, 2.5], f64),
    "negative_zero_int_mode": np.array([-0.0, 1.0], f32),
    "negative_zero_fixed": np.array([-0.0, 1.5], f32),
    "nan_inf_int_mode": np.array([1.0, nan, -inf, inf], f32),
    "nan_inf_fixed": np.array([0.5, nan, -inf], f32),
    "nan_inf_sci": np.array([1e-8, nan, inf], f32),
    "only_nan_inf": np.array([nan, inf, -inf], f32),
    "only_zeros": np.zeros(4, f32),
    "zeros_and_nan": np.array([0.0, nan], f32),
    "float16_values": np.array([0.1, 65504.0, -2.0], f16),
    "float16_inf": np.array([1.0, inf], f16),
    "float64_values": np.array([1.0, 2.5], f64),
    # integer and bool dtypes
    "int64": np.array([1, -20, 300]),
    "int32": np.array([1, 2], np.int32),
    "int16": np.array([-32768, 32767], np.int16),
    "int8": np.array([-128, 127], np.int8),
    "uint8": np.array([0, 255], np.uint8),
    "int64_extremes": np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max]),
    "bool": np.array([True, False, True]),
    "bool_2d": np.array([[True], [False]]),
    # layout
    "matrix": np.arange(12, dtype=f32).reshape(3, 4) / 7,
    "tensor_3d": np.arange(24, dtype=f32).reshape(2, 3, 4),
    "tensor_4d": np.arange(16).reshape(2, 2, 2, 2),
    "wrapped_vector": np.linspace(-1, 1, 40).astype(f32),
    "wrapped_rows": np.linspace(0, 1, 60).astype(f32).reshape(3, 20),
    "wide_ints_wrap": np.arange(50) * 10**15,
    "size_one_dims": np.ones((1, 1, 3), f32),
    # summarisation (numel > threshold)
    "summarised_vector": np.arange(1001, dtype=f32),
    "summarised_matrix": np.arange(2000, dtype=f32).reshape(40, 50) / 3,
    "summarised_3d": np.arange(1331).reshape(11, 11, 11),
    "summarised_short_axis": np.arange(2004, dtype=f32).reshape(2, 1002),
    "summary_hides_outlier": np.r_[np.ones(500), 1e-9, np.ones(500)].astype(f32),
    # empty
    "empty_float": np.zeros(0, f32),
    "empty_int64": np.zeros(0, np.int64),
    "empty_int32": np.zeros(0, np.int32),
    "empty_bool": np.zeros(0, bool),
    "empty_float64": np.zeros(0, f64),
    "empty_2d": np.zeros((0, 3), f32),
    "empty_3d_int": np.zeros((2, 0, 4), np.int64),
}


@pytest.mark.parametrize("name", CASES)
def test_repr_matches_torch(name):
    assert_same_repr(CASES[name])


@pytest.mark.parametrize("data", [[1, 2], [1.0, 2.0], [[0.5], [1e-5]], 3, 2.5, True, [],
                                  [[True, False]]], ids=str)
def test_repr_of_python_data_matches_torch(data):
    assert_same_repr(data)


@pytest.mark.parametrize("name", ["scalar_float", "fixed_mode", "float64_values", "empty_2d",
                                  "wrapped_rows", "summarised_matrix", "float16_values"])
@pytest.mark.parametrize("computed", [False, True], ids=["leaf", "computed"])
def test_autograd_suffix_matches_torch(name, computed):
    assert_same_repr(CASES[name], requires_grad=True, computed=computed)


@pytest.mark.parametrize("name", ["scalar_float", "float64_values", "matrix", "empty_2d"])
def test_suffixes_wrap_like_torch_at_every_linewidth(name):
    arr = CASES[name].astype(f64)  # float64, so both dtype= and grad_fn= follow the values
    for linewidth in range(10, 90):
        with both_printoptions(linewidth=linewidth):
            assert_same_repr(arr, computed=True)


OPTIONS = {
    "precision_2": dict(precision=2),
    "precision_0": dict(precision=0),
    "precision_10": dict(precision=10),
    "sci_on": dict(sci_mode=True),
    "sci_off": dict(sci_mode=False),
    "threshold_5": dict(threshold=5),
    "threshold_0": dict(threshold=0),
    "edgeitems_1": dict(threshold=5, edgeitems=1),
    "edgeitems_0": dict(edgeitems=0),
    "edgeitems_0_summarised": dict(threshold=5, edgeitems=0),
    "linewidth_30": dict(linewidth=30),
    "linewidth_1": dict(linewidth=1),
    "profile_short": dict(profile="short"),
    "profile_full": dict(profile="full"),
    "profile_with_override": dict(profile="short", precision=6),
}


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("name", ["scalar_fraction", "fixed_mode", "sci_int_mode", "int64",
                                  "nan_inf_sci", "wrapped_rows", "summarised_3d", "empty_2d",
                                  "only_zeros", "summarised_vector"])
def test_printoptions_match_torch(option, name):
    with both_printoptions(**OPTIONS[option]):
        assert_same_repr(CASES[name], requires_grad=CASES[name].dtype.kind == "f")


@pytest.mark.parametrize("name", ["scalar_float", "fixed_mode", "float64_values", "float16_values",
                                  "int64", "bool", "empty_float", "empty_float64", "empty_int64"])
@pytest.mark.parametrize("default", ["float64", "float16"])
def test_default_dtype_decides_dtype_suffix(name, default):
    with both_default_dtype(default):
        assert_same_repr(CASES[name])


def test_printoptions_state_matches_torch():
    calls = [dict(precision=2), dict(profile="full"), dict(linewidth=50, sci_mode=True),
             dict(edgeitems=1), dict(profile="short", threshold=7), dict(profile="unknown")]
    try:
        for call in calls:
            torch.set_printoptions(**call)
            _printing.set_printoptions(**call)
            assert _printing.get_printoptions() == torch._tensor_str.get_printoptions()
    finally:
        torch.set_printoptions(profile="default")
        _printing.set_printoptions(profile="default")


def test_printoptions_context_restores_options():
    before = _printing.get_printoptions()
    with _printing.printoptions(precision=1, sci_mode=False):
        assert repr(minigrad.tensor([0.25])) == "tensor([0.2])"
    assert _printing.get_printoptions() == before


class _Device:
    """A device as ``tensor_repr`` sees it: ``type``, ``index`` and ``str()`` like 'cuda:0'."""

    def __init__(self, spec):
        self.type, _, index = spec.partition(":")
        self.index = int(index) if index else None
        self._spec = spec

    def __str__(self):
        return self._spec


def _gpu_stand_in(arr, device, requires_grad=False, grad_fn_name=None):
    """An object with the attributes ``tensor_repr`` reads, on a GPU this machine may not have."""
    return SimpleNamespace(
        _data=arr,
        dtype=mg_dtypes.from_numpy_dtype(arr.dtype),
        device=_Device(device),
        requires_grad=requires_grad or grad_fn_name is not None,
        grad_fn=None if grad_fn_name is None else SimpleNamespace(name=lambda: grad_fn_name),
        is_leaf=grad_fn_name is None,
    )


@pytest.mark.parametrize("name", ["scalar_float", "fixed_mode", "int64", "float64_values",
                                  "empty_2d", "summarised_matrix"])
def test_repr_on_device_matches_torch(name, device):
    strict_device.skip_if_stand_in(device)
    assert_same_repr(CASES[name], computed=CASES[name].dtype.kind == "f", device=device)


# The same suffixes without a GPU: written out by hand, following torch's rules.
@pytest.mark.parametrize("arr, device, kwargs, expected", [
    (np.array([1.0, 2.0], f32), "cuda:0", {}, "tensor([1., 2.], device='cuda:0')"),
    (np.array([1, 2]), "cuda:1", {}, "tensor([1, 2], device='cuda:1')"),
    (np.zeros((0, 2), f64), "cuda:0", dict(requires_grad=True),
     "tensor([], device='cuda:0', size=(0, 2), dtype=torch.float64,\n       requires_grad=True)"),
    (np.linspace(1, 2, 9).astype(f64), "cuda:0", dict(grad_fn_name="MulBackward0"),
     "tensor([1.0000, 1.1250, 1.2500, 1.3750, 1.5000, 1.6250, 1.7500, 1.8750, 2.0000],\n"
     "       device='cuda:0', dtype=torch.float64, grad_fn=<MulBackward0>)"),
])
def test_device_suffix(arr, device, kwargs, expected):
    assert _printing.tensor_repr(_gpu_stand_in(arr, device, **kwargs)) == expected


# ---------------------------------------------------------------- random cases

DTYPES = [f32, f64, f16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]
# Value flavours; integer dtypes use only two: full range ("mixed_magnitudes") or small.
VALUE_KINDS = ["normal", "integral", "mixed_magnitudes", "special", "zeros"]


def _float_values(rng, kind, shape):
    """Float64 values of one flavour: each flavour drives a different formatter mode."""
    if kind == "normal":
        return rng.standard_normal(shape) * 10.0 ** rng.integers(-7, 11)
    if kind == "integral":
        return np.round(rng.standard_normal(shape) * 10.0 ** rng.integers(0, 12))
    if kind == "mixed_magnitudes":
        return rng.standard_normal(shape) * 10.0 ** rng.uniform(-12, 12, shape)
    if kind == "special":
        pool = np.array([0.0, -0.0, nan, -nan, inf, -inf, 1.0, -2.0, 0.5, 1e-5, 1e10, 123.456])
        return rng.choice(pool, shape)
    return np.zeros(shape)


def _random_array(rng, dtype, kind, shape):
    """An array of ``dtype`` and ``shape`` with values of the given flavour."""
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        low, high = (info.min, info.max) if kind == "mixed_magnitudes" else (-20, 20)
        return rng.integers(max(low, info.min), high, shape, dtype=dtype, endpoint=True)
    with np.errstate(over="ignore"):
        return _float_values(rng, kind, shape).astype(dtype)


# Per rank, the range of each dimension for a "large" shape: always more than 1000 elements.
_LARGE_DIMS = {1: (1001, 1500), 2: (32, 45), 3: (11, 13), 4: (6, 7)}


@st.composite
def shapes(draw):
    """Shapes of rank 0-4: small ones (empty dims included) or large ones that get summarised."""
    ndim = draw(st.integers(0, 4))
    low, high = draw(st.sampled_from([(0, 4), (1, 9), _LARGE_DIMS.get(ndim, (1, 1))]))
    return tuple(draw(st.integers(low, high)) for _ in range(ndim))


print_option_sets = st.fixed_dictionaries({}, optional={
    "precision": st.integers(0, 8),
    "threshold": st.sampled_from([0, 10, 100, 1000, inf]),
    "edgeitems": st.integers(0, 4),
    "linewidth": st.integers(10, 150),
    "sci_mode": st.sampled_from([None, True, False]),
    "profile": st.sampled_from(["default", "short", "full"]),
})


# More examples than conftest's shared profiles: a printing example costs about a millisecond.
@settings(max_examples=5000 if FULL else 300)
@given(dtype=st.sampled_from(DTYPES), kind=st.sampled_from(VALUE_KINDS), shape=shapes(),
       seed=st.integers(0, 2**32 - 1), options=print_option_sets,
       autograd=st.sampled_from(["none", "leaf", "computed"]),
       default_dtype=st.sampled_from(["float32", "float32", "float64"]))
def test_random_tensors_match_torch(dtype, kind, shape, seed, options, autograd, default_dtype):
    arr = np.asarray(_random_array(np.random.default_rng(seed), dtype, kind, shape))
    differentiable = arr.dtype.kind == "f"
    with both_printoptions(**options), both_default_dtype(default_dtype):
        assert_same_repr(arr, requires_grad=differentiable and autograd == "leaf",
                         computed=differentiable and autograd == "computed")
