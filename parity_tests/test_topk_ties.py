"""Selections among equal elements pick torch's indices: topk, sort/argsort (stable or not),
kthvalue, mode and median(dim) on data full of ties.

torch's CPU kernels are unstable (std::partial_sort / nth_element / sort, TH's quickselect), so which
of several equal elements is returned, and in which order, is what their swaps leave. minigrad
replays them (minigrad/ops/_std_order.py). Hypothesis draws small integer-valued data (so nearly
every line has ties), sometimes with NaNs and signed zeros, in every dtype these ops take, any
dim, and every k; values and indices must be torch's exactly (the sign of zeros included, which
tells equal elements apart). The line lengths cross libstdc++'s thresholds: 3 (introselect's
insertion sort), 16 (introsort's), and k * 64 (topk's partial_sort against nth_element).
"""
import numpy as np
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import minigrad

FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@st.composite
def tied_data(draw, dtypes=FLOATS + INTS, max_len=140):
    """(array of small integer values, maybe with NaN and -0.0, as float64; dtype name; dim)."""
    dtype = draw(st.sampled_from(dtypes))
    ndim = draw(st.integers(1, 3))
    shape = [draw(st.integers(1, 4)) for _ in range(ndim)]
    dim = draw(st.integers(-ndim, ndim - 1))
    shape[dim] = draw(st.sampled_from([1, 2, 3, 4, 5, 16, 17, 33, 64, 65, 129]) | st.integers(1, max_len))
    distinct = draw(st.sampled_from([1, 2, 3, 6, 40]))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    data = rng.integers(0, distinct, size=shape).astype(np.float64)
    if dtype in FLOATS and draw(st.booleans()):
        data[rng.random(shape) < 0.15] = np.nan
        data[(data == 0) & (rng.random(shape) < 0.5)] = -0.0
    return data, dtype, dim


def _both(data, dtype, fn):
    """fn's (values, indices) in torch and minigrad, as NumPy."""
    out = []
    for lib in (torch, minigrad):
        result = fn(lib, lib.tensor(data).to(getattr(lib, dtype)))
        out.append([np.asarray(t.double().numpy() if t.dtype.is_floating_point else t.numpy()) for t in result])
    return out


def _assert_same(theirs, ours, note):
    for t, o in zip(theirs, ours):
        assert t.shape == o.shape, note
        np.testing.assert_array_equal(o, t, err_msg=note)
        if t.dtype.kind == "f":
            np.testing.assert_array_equal(np.signbit(o), np.signbit(t), err_msg=f"{note}: sign of zero")


SETTINGS = settings(max_examples=250, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(case=tied_data(), k_fraction=st.floats(0, 1), largest=st.booleans(), sorted_=st.booleans())
def test_topk_picks_torchs_indices_among_ties(case, k_fraction, largest, sorted_):
    data, dtype, dim = case
    k = round(k_fraction * data.shape[dim])
    theirs, ours = _both(data, dtype, lambda lib, x: lib.topk(x, k, dim, largest, sorted_))
    _assert_same(theirs, ours, f"topk k={k} dim={dim} largest={largest} sorted={sorted_} {dtype}")


@SETTINGS
@given(case=tied_data(FLOATS + INTS + ["bool"]), descending=st.booleans(), stable=st.sampled_from([None, False, True]))
def test_sort_orders_ties_as_torch(case, descending, stable):
    data, dtype, dim = case
    if dtype == "bool":
        data = np.nan_to_num(data) % 2
    kw = {} if stable is None else {"stable": stable}
    # (with stable=, torch takes dim and descending only as keywords)
    theirs, ours = _both(data, dtype, lambda lib, x: lib.sort(x, dim=dim, descending=descending, **kw))
    _assert_same(theirs, ours, f"sort dim={dim} descending={descending} {kw} {dtype}")
    theirs, ours = _both(data, dtype, lambda lib, x: (lib.argsort(x, dim=dim, descending=descending, **kw),))
    _assert_same(theirs, ours, f"argsort dim={dim} descending={descending} {kw} {dtype}")


@SETTINGS
@given(case=tied_data(), k_fraction=st.floats(0, 1), keepdim=st.booleans())
def test_kthvalue_and_median_pick_torchs_indices_among_ties(case, k_fraction, keepdim):
    data, dtype, dim = case
    k = 1 + round(k_fraction * (data.shape[dim] - 1))
    for name, fn in [("kthvalue", lambda lib, x: lib.kthvalue(x, k, dim, keepdim)),
                     ("median", lambda lib, x: lib.median(x, dim, keepdim)),
                     ("nanmedian", lambda lib, x: lib.nanmedian(x, dim, keepdim))]:
        theirs, ours = _both(data, dtype, fn)
        _assert_same(theirs, ours, f"{name} k={k} dim={dim} keepdim={keepdim} {dtype}")


@SETTINGS
@given(case=tied_data(FLOATS + INTS, max_len=60), keepdim=st.booleans())
def test_mode_picks_torchs_index(case, keepdim):
    data, dtype, dim = case
    theirs, ours = _both(data, dtype, lambda lib, x: lib.mode(x, dim, keepdim))
    _assert_same(theirs, ours, f"mode dim={dim} keepdim={keepdim} {dtype}")


def test_the_reviews_example():
    """topk of a line of equal values: torch's partial_sort picks [5, 4, 6] here, not [0, 1, 2]."""
    data = [1., 1, 1, 1, 2, 2, 2, 0, 0, 1, 1, 1]
    for lib in (torch, minigrad):
        assert lib.topk(lib.tensor(data), 3).indices.tolist() == [5, 4, 6]
