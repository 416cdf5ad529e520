"""Forward parity of the non-differentiable breadth ops (searchsorted, bucketize, bincount,
count_nonzero, argwhere, nonzero, isin) over dtypes and edge cases (empty, ties, NaN), their errors,
and what the op registry cannot check: the node names of outputs compared through sign-invariant
functions, tie/NaN index rules, warnings, and ``linalg.cond``'s gradient where torch has none.
"""
import warnings

import numpy as np
import pytest
import torch

import minigrad
from _compare import assert_close

NAN = float("nan")


def both(fn, *arrays, **kwargs):
    """fn run with torch and minigrad on the same NumPy inputs: (ours, theirs)."""
    ours = fn(minigrad, *[minigrad.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays], **kwargs)
    theirs = fn(torch, *[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays], **kwargs)
    return ours, theirs


def assert_same(ours, theirs):
    """Exactly equal values, shape and dtype (integer and bool results have no rounding)."""
    assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def assert_raises_same(fn, *arrays, **kwargs):
    with pytest.raises(Exception) as theirs:
        fn(torch, *[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays], **kwargs)
    with pytest.raises(Exception) as ours:
        fn(minigrad, *[minigrad.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays], **kwargs)
    assert isinstance(ours.value, RuntimeError) == isinstance(theirs.value, RuntimeError)
    assert type(ours.value).__name__ in (type(theirs.value).__name__, "LinAlgError"), (ours.value, theirs.value)
    assert str(ours.value) == str(theirs.value)


SORTED = [np.array([1.0, 2.0, 2.0, 3.0, 5.0], dtype=np.float32), np.array([1.0, 2.0, 2.0, 3.0, 5.0]),
          np.array([], dtype=np.float32)]
VALUES = [np.array([2.0, 0.0, 6.0, 2.5, NAN, -np.inf]), np.array([[2.0, 0.0], [6.0, 3.0]]), np.array(2.0)]


@pytest.mark.parametrize("seq", SORTED, ids=["float32", "float64", "empty"])
@pytest.mark.parametrize("values", VALUES, ids=["ties-nan-inf", "2d", "0d"])
@pytest.mark.parametrize("kwargs", [{}, {"right": True}, {"side": "right"}, {"out_int32": True}])
def test_searchsorted(seq, values, kwargs):
    assert_same(*both(lambda lib, s, v: lib.searchsorted(s, v, **kwargs), seq, values.astype(seq.dtype)))


def test_searchsorted_integers():
    assert_same(*both(lambda lib, s, v: lib.searchsorted(s, v), np.array([1, 2, 2, 3, 5]), np.array([[2, 0], [6, 3]])))
    assert_same(*both(lambda lib, s, v: lib.searchsorted(s, v, right=True), np.array([1, 2, 2]), np.array([2])))


def test_searchsorted_batched_and_scalar():
    seq = np.array([[1.0, 3.0, 5.0], [0.0, 0.0, 2.0]])
    values = np.array([[3.0, 6.0], [0.0, 1.0]])
    assert_same(*both(lambda lib, s, v: lib.searchsorted(s, v, right=True), seq, values))
    assert_same(*both(lambda lib, s: lib.searchsorted(s[0], 4.0), seq))
    sorter = np.array([2, 0, 1])
    assert_same(*both(lambda lib, s, o: lib.searchsorted(s, s, sorter=o), np.array([5.0, 1.0, 3.0]), sorter))


def test_searchsorted_errors():
    assert_raises_same(lambda lib, s, v: lib.searchsorted(s, v, side="left", right=True),
                       np.array([1, 2]), np.array([1]))
    assert_raises_same(lambda lib, s, v: lib.searchsorted(s, v), np.array([[1, 2]]), np.array([1, 2]))


@pytest.mark.parametrize("right", [False, True])
def test_bucketize(right):
    boundaries = np.array([1.0, 3.0, 3.0, 7.0])
    for x in (np.array([[0.0, 3.0], [7.0, 9.0]]), np.array(3.0), np.array([NAN, -np.inf, np.inf])):
        assert_same(*both(lambda lib, a, b: lib.bucketize(a, b, right=right), x, boundaries))
    assert_raises_same(lambda lib, a, b: lib.bucketize(a, b), np.array([1]), np.array([[1]]))


@pytest.mark.parametrize("weights", [None, np.array([0.5, 1.0, 2.0, 4.0, 8.0], dtype=np.float32),
                                     np.array([0.5, 1.0, 2.0, 4.0, 8.0]), np.array([1, 2, 3, 4, 5])],
                         ids=["counts", "float32", "float64", "int-weights"])
@pytest.mark.parametrize("minlength", [0, 9])
def test_bincount(weights, minlength):
    x = np.array([0, 1, 1, 4, 1])
    args = (x,) if weights is None else (x, weights)
    assert_same(*both(lambda lib, *a: lib.bincount(*a, minlength=minlength), *args))


def test_bincount_empty_and_errors():
    assert_same(*both(lambda lib, a: lib.bincount(a), np.array([], dtype=np.int64)))
    assert_same(*both(lambda lib, a: a.bincount(minlength=3), np.array([], dtype=np.int64)))
    for bad in (np.array([-1, 2]), np.array([[1, 2]])):
        assert_raises_same(lambda lib, a: lib.bincount(a), bad)
    assert_raises_same(lambda lib, a: lib.bincount(a), np.array([1.0]))


COUNTABLE = [np.array([[0.0, 1.5, NAN], [0.0, -0.0, 2.0]]), np.array([[True, False], [True, True]]),
             np.array([0, 3, 0, 7]), np.zeros((0, 3)), np.array(5)]


@pytest.mark.parametrize("x", COUNTABLE, ids=["float-nan-negzero", "bool", "int", "empty", "0d"])
def test_count_nonzero_argwhere_nonzero(x):
    assert_same(*both(lambda lib, a: lib.count_nonzero(a), x))
    if x.ndim >= 2:
        assert_same(*both(lambda lib, a: lib.count_nonzero(a, dim=1), x))
        assert_same(*both(lambda lib, a: a.count_nonzero(dim=(0, 1)), x))
    assert_same(*both(lambda lib, a: lib.argwhere(a), x))
    assert_same(*both(lambda lib, a: a.nonzero(), x))


@pytest.mark.parametrize("invert", [False, True])
def test_isin(invert):
    cases = [(np.array([[1, 2], [3, 4]]), np.array([2, 4, 9])), (np.array([1.0, NAN, 2.0]), np.array([NAN, 2.0])),
             (np.array([1.0, 2.0]), np.array([1, 2])), (np.array([], dtype=np.int64), np.array([1])),
             (np.array([1, 2, 3]), 2), (2, np.array([1, 2]))]
    for elements, test in cases:
        assert_same(*both(lambda lib, e, t: lib.isin(e, t, invert=invert), elements, test))


def test_selection_indices_follow_torch_on_nan_and_ties():
    """cummax/cummin: the latest index on ties, a NaN wins and stays; median(dim): the first NaN."""
    x = np.array([[1.0, 3.0, 3.0, 2.0, NAN, 5.0, NAN], [1.0, 3.0, 3.0, 2.0, 1.0, 5.0, 5.0]])
    for name in ("cummax", "cummin"):
        ours, theirs = both(lambda lib, a: getattr(lib, name)(a, 1), x)
        assert_same(ours.indices, theirs.indices)
        assert_close(ours.values, theirs.values, 0, 0, name)
    ours, theirs = both(lambda lib, a: a.median(1), np.array([[3.0, NAN, 1.0, NAN, 2.0], [4.0, 1.0, 0.0, 3.0, 2.0]]))
    assert_same(ours.indices, theirs.indices)
    ours, theirs = both(lambda lib, a: a.nanmedian(), np.array([NAN, NAN]))
    assert np.isnan(ours.item()) and np.isnan(theirs.item())


def test_reduction_edge_cases():
    x = np.array([[1.0, NAN, 3.0], [NAN, NAN, NAN]])
    for fn in (lambda lib, a: lib.nansum(a, 1), lambda lib, a: lib.nanmean(a, 1), lambda lib, a: a.nanmedian(1).values,
               lambda lib, a: lib.median(a), lambda lib, a: lib.aminmax(a, dim=1).max, lambda lib, a: a.logcumsumexp(1)):
        assert_close(*both(fn, x), 0, 0, "nan handling")
    assert_same(*both(lambda lib, a: lib.nansum(a), np.array([1, 2, 3])))
    assert_close(*both(lambda lib, a: lib.median(a), np.zeros((0,))), 0, 0, "median of nothing")
    assert_raises_same(lambda lib, a: lib.aminmax(a), np.zeros((0,)))
    assert_raises_same(lambda lib, a: a.kthvalue(4), np.array([1.0, 2.0]))
    assert_close(*both(lambda lib, a: a.logcumsumexp(0), np.array([-1000.0, 0.0, 1000.0])), 0, 0, "no overflow")


def test_decomposition_outputs_carry_torch_node_names():
    """Outputs the registry compares through sign-invariant functions still name torch's node."""
    a = np.random.default_rng(0).standard_normal((4, 3))
    sym = a.T @ a + np.eye(3)
    for fn, array in ((lambda lib, t: lib.linalg.svd(t), a), (lambda lib, t: lib.linalg.eigh(t), sym),
                      (lambda lib, t: lib.linalg.qr(t), a), (lambda lib, t: lib.linalg.slogdet(t), sym)):
        ours = fn(minigrad, minigrad.tensor(array, requires_grad=True))
        theirs = fn(torch, torch.tensor(array, requires_grad=True))
        for o, t in zip(ours, theirs):
            if t.grad_fn is not None and o.grad_fn is not None:
                assert o.grad_fn.name() == t.grad_fn.name()


def test_cond_gradient_where_torch_has_none():
    """torch's backward of cond(A, p) for p not in (None, 2, -2) fails (it fills its inverse in place):
    ours is checked against finite differences."""
    a = minigrad.tensor(np.random.default_rng(1).standard_normal((3, 3)) + 3 * np.eye(3), requires_grad=True)
    for p in ("fro", 1, float("inf"), "nuc"):
        assert minigrad.autograd.gradcheck(lambda t: minigrad.linalg.cond(t, p), [a])
        assert minigrad.autograd.gradgradcheck(lambda t: minigrad.linalg.cond(t, p), [a])


def test_linalg_errors():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    for fn in (lambda lib, a: lib.linalg.inv(np.ones(1) and a[:, :1].T), lambda lib, a: lib.linalg.det(a[0]),
               lambda lib, a: lib.linalg.inv(a.long()), lambda lib, a: lib.linalg.cholesky(-a)):
        assert_raises_same(fn, singular)
    for fn in (lambda lib, a: lib.linalg.inv(a), lambda lib, a: lib.linalg.solve(a, a[0])):
        with pytest.raises(minigrad.linalg.LinAlgError):
            fn(minigrad, minigrad.tensor(singular))
        with pytest.raises(torch.linalg.LinAlgError):
            fn(torch, torch.tensor(singular))
    assert issubclass(minigrad.linalg.LinAlgError, RuntimeError)


def test_warnings_and_messages():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        minigrad.meshgrid(minigrad.zeros(2), minigrad.zeros(3))
        minigrad.cross(minigrad.randn(3, 3), minigrad.randn(3, 3))
    assert [w.category for w in caught] == [UserWarning, UserWarning]
    assert_raises_same(lambda lib, a: lib.einsum("ij,jk", a), np.ones((2, 2)))
    assert_raises_same(lambda lib, a: a.tril(), np.ones(3))
    assert_raises_same(lambda lib, a: lib.linalg.cross(a, a), np.ones((2, 2)))


def test_elementwise_predicates_and_integer_functions():
    x = np.array([-2.0, -0.0, 0.0, 1.5, np.inf, -np.inf, NAN], dtype=np.float32)
    for fn in (lambda lib, a: lib.signbit(a), lambda lib, a: lib.isposinf(a), lambda lib, a: a.isneginf(),
               lambda lib, a: lib.isreal(a), lambda lib, a: lib.heaviside(a, lib.ones_like(a) * 0.5)):
        assert_same(*both(fn, x))
    assert_same(*both(lambda lib, a: lib.isposinf(a), np.array([1, 2])))
    ints = (np.array([12, -18, 0, 7]), np.array([8, 12, 5, 0]))
    for fn in (lambda lib, a, b: lib.gcd(a, b), lambda lib, a, b: a.lcm(b)):
        assert_same(*both(fn, *ints))
    assert_same(*both(lambda lib, a, b: lib.nextafter(a, b), np.array([1.0, 0.0, -1.0]), np.array([2.0, -1.0, -1.0])))
    ours, theirs = both(lambda lib, a: lib.frexp(a), np.array([0.0, 1.0, -3.5, 1e-30, 8.0], dtype=np.float32))
    assert_same(ours.mantissa, theirs.mantissa)
    assert_same(ours.exponent, theirs.exponent)
    assert_raises_same(lambda lib, a: lib.heaviside(a, lib.ones(1, dtype=lib.float64)), np.ones(2, dtype=np.float32))


@pytest.mark.parametrize("name,args", [("tan_", ()), ("asin_", ()), ("arccos_", ()), ("atan_", ()), ("sinh_", ()),
                                       ("cosh_", ()), ("asinh_", ()), ("atanh_", ()), ("erf_", ()), ("erfc_", ()),
                                       ("erfinv_", ()), ("frac_", ()), ("exp2_", ()), ("deg2rad_", ()),
                                       ("rad2deg_", ()), ("logit_", ()), ("sinc_", ()), ("tril_", ()), ("triu_", (1,)),
                                       ("cumprod_", (1,)), ("clamp_min_", (0.2,)), ("clamp_max_", (0.3,)),
                                       ("fmod_", (0.3,)), ("atan2_", (0.5,)), ("hypot_", (0.5,)), ("xlogy_", (2.0,)),
                                       ("copysign_", (-1.0,))])
def test_in_place_forms(name, args):
    """x.op_(...) writes op(x, ...) into x and returns x, with torch's values and its node."""
    x = np.random.default_rng(5).uniform(0.1, 0.9, (3, 4))
    tensor_args = name in ("atan2_", "hypot_")  # torch takes only a tensor there
    args_of = lambda lib: [lib.tensor(v, dtype=lib.float64) for v in args] if tensor_args else args  # noqa: E731
    ours, theirs = minigrad.tensor(x), torch.tensor(x)
    assert getattr(ours, name)(*args_of(minigrad)) is ours and getattr(theirs, name)(*args_of(torch)) is theirs
    assert_close(ours, theirs, 1e-12, 1e-12, name)
    a, b = minigrad.tensor(x, requires_grad=True) * 1, torch.tensor(x, requires_grad=True) * 1
    getattr(a, name)(*args_of(minigrad)), getattr(b, name)(*args_of(torch))
    # torch names the in-place asinh_/atanh_ nodes AsinhBackward1/AtanhBackward1; minigrad's in-place
    # machinery (ops/inplace.py) records the out-of-place op's node
    assert a.grad_fn.name() == b.grad_fn.name() or name in ("asinh_", "atanh_")


COMPOSITES = {  # composed from registry-tested ops; torch records a fused node (Rot90Backward0, ...) instead
    "rot90": (lambda lib, a: lib.rot90(a, 1, (0, 1)), [(3, 4)]),
    "rot90_k3": (lambda lib, a: a.rot90(3, (1, 0)), [(3, 4)]),
    "take": (lambda lib, a: a.take(lib.tensor([[0, 5], [11, 5]])), [(3, 4)]),
    "combinations": (lambda lib, a: lib.combinations(a, 2), [(4,)]),
    "block_diag": (lambda lib, a, b: lib.block_diag(a, b), [(2, 3), (2,)]),
    "vander": (lambda lib, a: lib.vander(a, N=4), [(3,)]),
    "kron": (lambda lib, a, b: lib.kron(a, b), [(2, 3), (3, 2)]),
    "addmv": (lambda lib, c, m, v: lib.addmv(c, m, v, beta=0.5, alpha=2.0), [(3,), (3, 4), (4,)]),
    "addr": (lambda lib, c, u, v: c.addr(u, v, alpha=-1.5), [(3, 4), (3,), (4,)]),
    "baddbmm": (lambda lib, c, x, y: lib.baddbmm(c, x, y, beta=2.0), [(2, 3, 5), (2, 3, 4), (2, 4, 5)]),
    "addbmm": (lambda lib, c, x, y: lib.addbmm(c, x, y), [(3, 5), (2, 3, 4), (2, 4, 5)]),
    "cov": (lambda lib, a: lib.cov(a), [(3, 6)]),
    "corrcoef": (lambda lib, a: a.corrcoef(), [(3, 6)]),
    "adjoint": (lambda lib, a: a.adjoint(), [(2, 3, 4)]),
    "trapezoid": (lambda lib, y: lib.trapezoid(y, dx=0.5), [(3, 5)]),
    "trapezoid_x": (lambda lib, y, x: lib.trapz(y, x, dim=0), [(4, 3), (4,)]),
    "cumulative_trapezoid": (lambda lib, y: lib.cumulative_trapezoid(y), [(3, 5)]),
    "frobenius_norm": (lambda lib, a: lib.frobenius_norm(a, (0, 1)), [(3, 4)]),
    "conj_real": (lambda lib, a: a.conj() * a.real, [(3, 4)]),
    "rsub": (lambda lib, a, b: lib.rsub(a, b, alpha=2), [(3, 4), (4,)]),
    "renorm": (lambda lib, a: a.renorm(2, 0, 1.5), [(3, 4)]),
    "slice_scatter": (lambda lib, a, b: lib.slice_scatter(a, b, 1, 1, 4, 2), [(3, 5), (3, 2)]),
    "select_scatter": (lambda lib, a, b: a.select_scatter(b, 0, 1), [(3, 5), (5,)]),
    "diagonal_scatter": (lambda lib, a, b: lib.diagonal_scatter(a, b, 1), [(3, 5), (3,)]),
    "quantile": (lambda lib, a: lib.quantile(a, 0.3, dim=1), [(3, 6)]),
    "quantile_all": (lambda lib, a: a.quantile(lib.tensor([0.2, 0.75], dtype=lib.float64)), [(3, 4)]),
    "quantile_keepdim": (lambda lib, a: lib.quantile(a, lib.tensor([0.5, 0.9], dtype=lib.float64), 0, True), [(5, 2)]),
    "gradient": (lambda lib, a: lib.gradient(a, spacing=0.5, dim=1)[0], [(3, 5)]),
    "solve_triangular": (lambda lib, a, b: lib.linalg.solve_triangular(a + 4 * lib.eye(4, dtype=a.dtype), b,
                                                                        upper=True), [(4, 4), (4, 2)]),
    "linalg_vander": (lambda lib, a: lib.linalg.vander(a, N=3), [(4,)]),
    "tensorinv": (lambda lib, a: lib.linalg.tensorinv(a + 3 * lib.eye(4, dtype=a.dtype).reshape(4, 2, 2), 1),
                  [(4, 2, 2)]),
}


@pytest.mark.filterwarnings("ignore:at::frobenius_norm is deprecated")
@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_composites_values_and_gradients(name):
    """Values and gradients in float64 equal torch's (1e-12: the same few roundings per element)."""
    fn, shapes = COMPOSITES[name]
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal(s) for s in shapes]
    ours_in = [minigrad.tensor(a, requires_grad=True) for a in arrays]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    ours, theirs = fn(minigrad, *ours_in), fn(torch, *theirs_in)
    assert_close(ours, theirs, 1e-12, 1e-12, name)
    if name != "vander":  # torch's vander backward fails ("modified by an inplace operation"): gradcheck only
        w = rng.standard_normal(tuple(theirs.shape))
        (ours * minigrad.tensor(w)).sum().backward()
        (theirs * torch.tensor(w)).sum().backward()
        for a, b in zip(ours_in, theirs_in):
            assert_close(a.grad, b.grad, 1e-12, 1e-12, f"{name} grad")
    assert minigrad.autograd.gradcheck(lambda *t: fn(minigrad, *t), [minigrad.tensor(a, requires_grad=True)
                                                                     for a in arrays])


def test_index_factories_and_aliases():
    for fn in (lambda lib: lib.tril_indices(4, 3), lambda lib: lib.triu_indices(3, 5, 1),
               lambda lib: lib.tril_indices(3, 3, -1, dtype=lib.int32),
               lambda lib: lib.unravel_index(lib.tensor([4, 7, 0]), (2, 4))[1],
               lambda lib: lib.greater(lib.tensor([1, 3]), 2), lambda lib: lib.tensor([1, 3]).not_equal(3),
               lambda lib: lib.tensor([1.0]).type_as(lib.tensor([1]))):
        assert_same(fn(minigrad), fn(torch))
    assert minigrad.tensor([2.0]).is_nonzero() and not minigrad.tensor(0).is_nonzero()
    assert minigrad.tensor([1]).is_signed() and not minigrad.tensor([True]).is_signed()


@pytest.mark.filterwarnings("ignore:at::nuclear_norm is deprecated")
def test_mode_histc_and_cholesky_helpers():
    x = np.array([[1.0, 2.0, 2.0, 5.0], [3.0, 3.0, 1.0, 1.0], [4.0, 0.0, 7.0, 7.0]])
    ours, theirs = both(lambda lib, a: a.mode(1), x)
    assert_same(ours.indices, theirs.indices)
    assert_close(ours.values, theirs.values, 0, 0, "mode")
    ours, theirs = both(lambda lib, a: lib.mode(a, 0, keepdim=True), x)
    assert_same(ours.indices, theirs.indices)
    for kwargs in ({}, {"bins": 4, "min": 0, "max": 4}, {"bins": 3, "min": 2, "max": 2}):
        assert_close(*both(lambda lib, a: lib.histc(a, **kwargs), x.astype(np.float32)), 0, 0, "histc")
    spd = x[:, :3] @ x[:, :3].T + np.eye(3)
    lower = np.linalg.cholesky(spd)
    b = np.arange(6.0).reshape(3, 2)
    for upper, factor in ((False, lower), (True, lower.T)):
        assert_close(*both(lambda lib, f, rhs: lib.cholesky_solve(rhs, f, upper), factor, b), 1e-10, 1e-10, "solve")
        assert_close(*both(lambda lib, f: lib.cholesky_inverse(f, upper), factor), 1e-10, 1e-10, "inverse")
    assert_close(*both(lambda lib, a: lib.nuclear_norm(a), x), 1e-12, 1e-12, "nuclear")


def test_unique_consecutive_and_angle():
    for x in (np.array([1, 1, 2, 2, 3, 1, 1, 2]), np.array([[1.0, 1.0], [1.0, 2.0]]), np.array([], dtype=np.int64)):
        for kwargs in ({}, {"return_inverse": True, "return_counts": True}, {"return_counts": True}):
            ours, theirs = both(lambda lib, a: lib.unique_consecutive(a, **kwargs), x)
            for o, t in zip(ours if kwargs else [ours], theirs if kwargs else [theirs]):
                assert_same(o, t)
    assert_close(*both(lambda lib, a: lib.angle(a), np.array([-1.0, 0.0, 2.0, NAN])), 0, 0, "angle")
    assert_close(*both(lambda lib, a: a.angle(), np.array([-1, 2])), 0, 0, "angle of integers")


@pytest.mark.filterwarnings("ignore:torch.triangular_solve is deprecated")
def test_histogram_nanquantile_and_linalg_helpers():
    x = np.array([1.0, 2.0, 1.0, 5.0, 3.5], dtype=np.float32)
    for kwargs in ({"bins": 4}, {"bins": 3, "range": (0.0, 6.0)}, {"bins": 2, "density": True}):
        ours, theirs = both(lambda lib, a: lib.histogram(a, **kwargs), x)
        assert_close(ours.hist, theirs.hist, 1e-6, 1e-6, "hist")
        assert_close(ours.bin_edges, theirs.bin_edges, 1e-6, 1e-6, "edges")
    y = np.array([[1.0, NAN, 3.0, 7.0], [NAN, NAN, NAN, NAN]])
    assert_close(*both(lambda lib, a: lib.nanquantile(a, 0.4, dim=1), y), 1e-12, 1e-12, "nanquantile")
    assert_close(*both(lambda lib, a: lib.quantile(a, 0.4, dim=1), y), 1e-12, 1e-12, "quantile with NaN")
    a = np.array([[2.0, 0.5, 1.0], [0.0, 3.0, -1.0], [0.0, 0.0, 1.5]])
    b = np.array([[1.0], [2.0], [3.0]])
    for kwargs in ({}, {"upper": False}, {"transpose": True}, {"unitriangular": True}):
        ours, theirs = both(lambda lib, rhs, m: lib.triangular_solve(rhs, m, **kwargs), b, a)
        assert_close(ours.solution, theirs.solution, 1e-12, 1e-12, "triangular_solve")
        assert_close(ours.cloned_coefficient, theirs.cloned_coefficient, 0, 0, "copy")
    spd = a @ a.T + np.eye(3)
    assert_close(both(lambda lib, m: lib.linalg.cholesky_ex(m), spd)[0].L,
                 both(lambda lib, m: lib.linalg.cholesky_ex(m), spd)[1].L, 1e-12, 1e-12, "cholesky_ex")
    for fn in (lambda lib, m: lib.linalg.inv_ex(m).info, lambda lib, m: lib.linalg.solve_ex(m, m[0]).info):
        assert_same(*both(fn, spd))
    t = np.random.default_rng(3).standard_normal((2, 3, 6)) + np.eye(6).reshape(2, 3, 6) * 3
    rhs = np.random.default_rng(4).standard_normal((2, 3))
    assert_close(*both(lambda lib, m, r: lib.linalg.tensorsolve(m, r), t, rhs), 1e-10, 1e-10, "tensorsolve")


def test_matrix_rank():
    rng = np.random.default_rng(9)
    full = rng.standard_normal((4, 3))
    low = full @ np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.0, 0.0]])  # rank 2
    for a in (full, low, np.zeros((2, 3)), np.stack([full, low])):
        assert_same(*both(lambda lib, m: lib.linalg.matrix_rank(m), a))
    assert_same(*both(lambda lib, m: lib.linalg.matrix_rank(m, atol=1.0), full))
