"""Registry entries for the breadth ops: trigonometric.py, pointwise.py, rearrange.py,
cumulative.py, statistics.py, einsum.py, distance.py (minigrad/ops/).

Samples keep away from each function's singular points (asin at +-1, acosh at 1, xlogy's log at 0,
ties of max-like selections) so that finite differences and float32 comparisons are meaningful
there; the singular points themselves are checked in test_breadth_ops.py.
"""
import numpy as np

from . import OpInfo, Sample, Rng
from .core import unary, binary, fixed, PAIRS


def _in_unit(dtype_shapes=((3, 4), (5,), ())):
    """Values in (-0.9, 0.9): inside asin/acos/atanh's domain, away from its ends."""
    def samples(dtype):
        rng = Rng(40)
        for shape in dtype_shapes:
            yield Sample([rng.uniform(shape, dtype, -0.9, 0.9)])
    return samples


def _above_one(dtype):
    rng = Rng(41)
    for shape in ((3, 4), (5,)):
        yield Sample([rng.uniform(shape, dtype, 1.2, 3.0)])


def _erf_samples(dtype):
    """Both sides of the switch between erf's series and erfc's continued fraction (|x| = 2.5)."""
    rng = Rng(39)
    yield Sample([rng.normal((3, 4), dtype)])
    yield Sample([rng.uniform((3, 4), dtype, 1.5, 4.0) * np.where(rng.r.random((3, 4)) < 0.5, -1, 1).astype(dtype)])
    yield Sample([rng.normal((), dtype)])


def _unit_interval(dtype):
    rng = Rng(38)
    yield Sample([rng.uniform((3, 4), dtype, 0.05, 0.15)])
    yield Sample([rng.uniform((3, 4), dtype, 0.25, 0.95)])


def _sinc_samples(dtype):
    yield Sample([np.asarray([0.0, 1.0, -2.0, 0.5], dtype=dtype)])  # sinc(0) = 1, zeros at the integers


def _pow_float_samples(dtype):
    rng = Rng(36)
    yield Sample([rng.positive((3, 4), dtype), rng.normal((3, 4), dtype)])
    yield Sample([rng.positive((3, 4), dtype), 2.5], grad=[True, False])


def _tan_samples(dtype):
    rng = Rng(42)
    for shape in ((3, 4), (5,), ()):
        yield Sample([rng.uniform(shape, dtype, -1.2, 1.2)])  # away from the poles at +-pi/2


def _fmod_samples(dtype):
    """a = q*b with q's fractional part in [0.2, 0.8]: fmod jumps where a/b is an integer."""
    rng = Rng(44)
    for sa, sb in [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 3, 4), (3, 1))]:
        b = rng.uniform(sb, dtype, 0.7, 1.3) * np.where(rng.r.random(sb) < 0.5, -1, 1).astype(dtype)
        q = rng.uniform(sa, dtype, 0.2, 0.8) + rng.integers(-3, 3, sa).astype(dtype)
        yield Sample([np.asarray(q * b, dtype=dtype), b])
    yield Sample([rng.uniform((3, 4), dtype, 0.2, 0.8) + 3.0, 1.5], grad=[True, False])


def _frac_samples(dtype):
    rng = Rng(45)
    q = rng.uniform((3, 4), dtype, 0.1, 0.9) + rng.integers(-3, 3, (3, 4)).astype(dtype)
    yield Sample([q])


def _clamp_scalar(dtype):
    rng = Rng(46)
    x = rng.away_from_zero((3, 4), dtype)
    yield Sample([x], {"bound": 0.1})
    yield Sample([x], {"bound": -0.2})


def _clamp_tensor(dtype):
    rng = Rng(47)
    x = rng.normal((3, 4), dtype)
    bound = np.asarray(x + np.where(rng.r.random((3, 4)) < 0.5, -0.3, 0.3), dtype=dtype)  # no ties
    yield Sample([x, bound])
    yield Sample([rng.normal((3, 4), dtype), rng.uniform((4,), dtype, -0.05, 0.05) + 0.5])


def _xlogy_samples(dtype):
    rng = Rng(48)
    yield Sample([rng.normal((3, 4), dtype), rng.positive((3, 4), dtype)])
    yield Sample([rng.normal((3, 4), dtype), rng.positive((4,), dtype)])
    yield Sample([rng.normal((3, 4), dtype), 2.5], grad=[True, False])


def _hypot_samples(dtype):
    rng = Rng(50)
    for sa, sb in PAIRS[:5]:
        yield Sample([rng.away_from_zero(sa, dtype), rng.away_from_zero(sb, dtype)])


def _matrix_samples(shapes=((4, 4), (3, 5), (5, 3), (2, 3, 4))):
    def samples(dtype):
        rng = Rng(51)
        for shape in shapes:
            yield Sample([rng.normal(shape, dtype)])
    return samples


def _with_kwargs(shape, *kwargs_list, make="normal", seed=52):
    def samples(dtype):
        rng = Rng(seed)
        for kw in kwargs_list:
            yield Sample([getattr(rng, make)(shape, dtype)], dict(kw))
    return samples


def _take_along_samples(dtype):
    rng = Rng(53)
    yield Sample([rng.normal((3, 4), dtype), rng.integers(0, 4, (3, 2))], {"dim": 1}, grad=[True, False])
    yield Sample([rng.normal((3, 4), dtype), rng.integers(0, 3, (1, 4))], {"dim": 0}, grad=[True, False])
    yield Sample([rng.normal((3, 4), dtype), rng.integers(0, 12, (5,))], {}, grad=[True, False])
    yield Sample([rng.normal((2, 3, 4), dtype), rng.integers(0, 3, (1, 2, 4))], {"dim": 1}, grad=[True, False])


def _two(shape_a, shape_b, seed=54):
    return fixed(lambda rng, dt: Sample([Rng(seed).normal(shape_a, dt), Rng(seed + 1).normal(shape_b, dt)]))


def _stack_inputs(*shapes):
    def samples(dtype):
        rng = Rng(55)
        yield Sample([rng.normal(s, dtype) for s in shapes])
    return samples


def _diff_samples(dtype):
    rng = Rng(56)
    yield Sample([rng.normal((3, 5), dtype)], {})
    yield Sample([rng.normal((3, 5), dtype)], {"n": 2, "dim": 0})
    yield Sample([rng.normal((3, 5), dtype), rng.normal((3, 2), dtype)], {"mode": "prepend"})
    yield Sample([rng.normal((3, 5), dtype), rng.normal((3, 1), dtype)], {"mode": "append", "n": 3})


def _diff(lib, a, other=None, mode=None, **kw):
    return lib.diff(a, **kw, **({mode: other} if mode else {}))


def _cumprod_samples(dtype):
    rng = Rng(57)
    yield Sample([rng.away_from_zero((3, 4), dtype)], {"dim": 1})
    yield Sample([rng.away_from_zero((3, 4), dtype)], {"dim": 0})
    yield Sample([rng.away_from_zero((2, 3, 4), dtype)], {"dim": -1})
    yield Sample([rng.away_from_zero((5,), dtype)], {"dim": 0})


def _cumprod_zero_samples(dtype):
    rng = Rng(58)
    x = rng.away_from_zero((3, 5), dtype)
    x[0, 2] = 0
    x[1, 0] = 0
    x[2, 1] = x[2, 3] = 0  # two zeros in one line: every partial product past the second is 0
    yield Sample([x], {"dim": 1})


def _distinct(shape, dtype, seed):
    """Values with no ties (a permutation of a spaced grid), so selections have one answer."""
    r = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return np.asarray(r.permutation(n) * 0.37 - n * 0.15, dtype=dtype).reshape(shape)


def _distinct_dims(dims=(1, 0, -1), keepdim=(False, True), shape=(3, 5)):
    def samples(dtype):
        for k, dim in enumerate(dims):
            for kd in keepdim:
                yield Sample([_distinct(shape, dtype, k)], {"dim": dim, **({} if kd is None else {"keepdim": kd})})
        yield Sample([_distinct((2, 3, 4), dtype, 9)], {"dim": 1})
    return samples


def _distinct_all(dtype):
    for k, shape in enumerate(((3, 5), (4, 4), (7,))):
        yield Sample([_distinct(shape, dtype, k)])


def _with_nan(dtype):
    x = _distinct((3, 5), dtype, 3)
    x[0, 1] = x[2, 4] = np.nan
    return x


def _nan_dims(dtype):
    yield Sample([_with_nan(dtype)], {"dim": 1})
    yield Sample([_with_nan(dtype)], {"dim": 0, "keepdim": True})
    yield Sample([_with_nan(dtype)], {})


def _kthvalue_samples(dtype):
    yield Sample([_distinct((3, 5), dtype, 1)], {"k": 2})
    yield Sample([_distinct((3, 5), dtype, 2)], {"k": 3, "dim": 0, "keepdim": True})
    yield Sample([_distinct((5,), dtype, 3)], {"k": 5})


def _reduce_dims(dtype):
    rng = Rng(59)
    for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"dim": (0, 1)}):
        yield Sample([rng.normal((3, 4), dtype)], kw)


def _var_mean_samples(dtype):
    rng = Rng(60)
    for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"dim": 1, "correction": 0}, {"dim": (0, 1)}):
        yield Sample([rng.normal((4, 5), dtype)], kw)


def _aminmax_samples(dtype):
    yield Sample([_distinct((3, 5), dtype, 4)], {})
    yield Sample([_distinct((3, 5), dtype, 5)], {"dim": 1})
    yield Sample([_distinct((3, 5), dtype, 6)], {"dim": 0, "keepdim": True})


def _aminmax_tied(dtype):
    """Ties share the gradient evenly, as amax/amin (no derivative there: no finite differences)."""
    tied = np.asarray([[1.0, 3.0, 3.0, -2.0], [0.5, 0.5, -1.0, -1.0]], dtype=dtype)
    yield Sample([tied], {})
    yield Sample([tied], {"dim": 1})


def _einsum_samples(dtype):
    rng = Rng(61)
    for eq, shapes in [("ij,jk->ik", [(3, 4), (4, 5)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
                       ("ii", [(4, 4)]), ("ii->i", [(4, 4)]), ("iji->j", [(3, 2, 3)]), ("ij->ji", [(3, 4)]), ("ij->", [(3, 4)]),
                       ("i,i->", [(4,), (4,)]), ("i,j->ij", [(3,), (4,)]), ("ij,ij->ij", [(3, 4), (3, 4)]),
                       ("...ij,...jk", [(2, 3, 4), (2, 4, 5)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
                       ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]), ("ijk->kj", [(2, 3, 4)])]:
        yield Sample([rng.normal(s, dtype) for s in shapes], {"equation": eq})


def _cdist_samples(dtype):
    rng = Rng(62)
    for p in (2.0, 1.0, 3.0, float("inf")):
        yield Sample([rng.normal((3, 4), dtype), rng.normal((5, 4), dtype)], {"p": p})
    yield Sample([rng.normal((2, 3, 4), dtype), rng.normal((2, 2, 4), dtype)], {})


def _dist_samples(dtype):
    rng = Rng(63)
    for p in (2, 1, 3.5, float("inf")):
        yield Sample([rng.normal((3, 4), dtype), rng.normal((3, 4), dtype)], {"p": p})
    yield Sample([rng.normal((3, 4), dtype), rng.normal((4,), dtype)], {})


def _cross_samples(dtype):
    rng = Rng(64)
    yield Sample([rng.normal((4, 3), dtype), rng.normal((4, 3), dtype)], {"dim": 1})
    yield Sample([rng.normal((3, 5), dtype), rng.normal((3, 5), dtype)], {"dim": 0})
    yield Sample([rng.normal((2, 4, 3), dtype), rng.normal((1, 4, 3), dtype)], {"dim": -1})


def _meshgrid_samples(dtype):
    rng = Rng(65)
    for indexing in ("ij", "xy"):
        yield Sample([rng.normal((3,), dtype), rng.normal((4,), dtype), rng.normal((2,), dtype)],
                     {"indexing": indexing})


def _meshgrid(lib, *ts, indexing):
    grids = lib.meshgrid(*ts, indexing=indexing)
    return grids[0] * 1.5 + grids[1] * grids[2]  # every grid reaches the output


OPS = [
    # trigonometric.py
    OpInfo("tan", lambda lib, a: a.tan(), _tan_samples),
    OpInfo("asin", lambda lib, a: a.asin(), _in_unit()),
    OpInfo("acos", lambda lib, a: lib.acos(a), _in_unit()),
    OpInfo("atan", lambda lib, a: a.atan(), unary()),
    OpInfo("sinh", lambda lib, a: a.sinh(), unary()),
    OpInfo("cosh", lambda lib, a: lib.cosh(a), unary()),
    OpInfo("asinh", lambda lib, a: a.asinh(), unary()),
    OpInfo("acosh", lambda lib, a: a.acosh(), _above_one),
    OpInfo("atanh", lambda lib, a: a.atanh(), _in_unit()),
    OpInfo("atan2", lambda lib, a, b: lib.atan2(a, b), binary(make_a="away_from_zero", make_b="away_from_zero",
                                                             scalars=())),
    # special.py
    OpInfo("erf", lambda lib, a: a.erf(), _erf_samples),
    OpInfo("erfc", lambda lib, a: lib.erfc(a), _erf_samples),
    OpInfo("erfinv", lambda lib, a: a.erfinv(), _in_unit()),
    # pointwise.py
    OpInfo("fmod", lambda lib, a, b: lib.fmod(a, b), _fmod_samples),
    OpInfo("fmax", lambda lib, a, b: lib.fmax(a, b), binary(scalars=())),  # continuous draws: no ties
    OpInfo("fmin", lambda lib, a, b: a.fmin(b), binary(scalars=())),
    OpInfo("frac", lambda lib, a: a.frac(), _frac_samples),
    OpInfo("clamp_min", lambda lib, a, bound: a.clamp_min(bound), _clamp_scalar),
    OpInfo("clamp_max", lambda lib, a, bound: lib.clamp_max(a, bound), _clamp_scalar),
    OpInfo("clamp_min_tensor", lambda lib, a, b: lib.clamp_min(a, b), _clamp_tensor),
    OpInfo("clamp_max_tensor", lambda lib, a, b: a.clamp_max(b), _clamp_tensor),
    OpInfo("hypot", lambda lib, a, b: lib.hypot(a, b), _hypot_samples),
    OpInfo("logaddexp", lambda lib, a, b: lib.logaddexp(a, b), binary(scalars=())),
    OpInfo("logaddexp2", lambda lib, a, b: a.logaddexp2(b), binary(scalars=())),
    OpInfo("xlogy", lambda lib, a, b: lib.xlogy(a, b), _xlogy_samples),
    OpInfo("xlogy_scalar_self", lambda lib, b: lib.xlogy(2.5, b), unary("positive", shapes=[(3, 4), ()])),
    OpInfo("exp2", lambda lib, a: a.exp2(), unary()),
    OpInfo("deg2rad", lambda lib, a: lib.deg2rad(a), unary()),
    OpInfo("rad2deg", lambda lib, a: a.rad2deg(), unary()),
    OpInfo("logit", lambda lib, a: a.logit(), _unit_interval),
    OpInfo("logit_eps", lambda lib, a: lib.logit(a, eps=0.2), _unit_interval),  # samples avoid |x - 0.2| tiny
    OpInfo("sinc", lambda lib, a: a.sinc(), unary(shapes=[(3, 4), (5,)])),
    OpInfo("sinc_special_points", lambda lib, a: lib.sinc(a), _sinc_samples, supports_grad=False),
    OpInfo("copysign", lambda lib, a, b: lib.copysign(a, b), binary(make_a="away_from_zero",
                                                                   make_b="away_from_zero", scalars=(-1.5,))),
    OpInfo("float_power", lambda lib, a, b: lib.float_power(a, b), _pow_float_samples),
    # rearrange.py
    OpInfo("tril", lambda lib, a, **kw: a.tril(**kw), _with_kwargs((4, 5), {}, {"diagonal": 1}, {"diagonal": -2})),
    OpInfo("triu", lambda lib, a, **kw: lib.triu(a, **kw), _with_kwargs((2, 4, 3), {}, {"diagonal": 1},
                                                                        {"diagonal": -1})),
    OpInfo("diagonal", lambda lib, a, **kw: a.diagonal(**kw), _with_kwargs(
        (3, 4, 5), {}, {"offset": 1}, {"offset": -2, "dim1": 2, "dim2": 0}, {"dim1": -1, "dim2": 1})),
    OpInfo("diag_embed", lambda lib, a, **kw: lib.diag_embed(a, **kw), _with_kwargs(
        (2, 3), {}, {"offset": 1}, {"offset": -1, "dim1": 0, "dim2": 2})),
    OpInfo("diag_vector", lambda lib, a, **kw: lib.diag(a, **kw), _with_kwargs((4,), {}, {"diagonal": 2},
                                                                              {"diagonal": -1})),
    OpInfo("diag_matrix", lambda lib, a, **kw: a.diag(**kw), _with_kwargs((3, 5), {}, {"diagonal": 2},
                                                                         {"diagonal": -1})),
    OpInfo("diagflat", lambda lib, a: lib.diagflat(a), unary(shapes=[(2, 2)])),
    OpInfo("trace", lambda lib, a: a.trace(), _matrix_samples(shapes=((4, 4), (3, 5), (5, 2)))),
    OpInfo("roll", lambda lib, a, **kw: a.roll(**kw), _with_kwargs(
        (3, 4), {"shifts": 1, "dims": 0}, {"shifts": (2, -1), "dims": (1, 0)}, {"shifts": 5}, {"shifts": -7})),
    OpInfo("tile", lambda lib, a, **kw: a.tile(kw["dims"]), _with_kwargs((3, 4), {"dims": (2,)},
                                                                           {"dims": (2, 1, 3)})),
    OpInfo("broadcast_to", lambda lib, a: lib.broadcast_to(a, (2, 3, 4)), unary(shapes=[(3, 1), (4,), ()])),
    OpInfo("repeat_interleave", lambda lib, a, **kw: a.repeat_interleave(**kw), _with_kwargs(
        (3, 4), {"repeats": 2}, {"repeats": 3, "dim": 1}, {"repeats": 2, "dim": 0})),
    OpInfo("repeat_interleave_tensor", lambda lib, a, r: lib.repeat_interleave(a, r, dim=0), fixed(
        lambda rng, dt: Sample([rng.normal((3, 4), dt), np.array([1, 0, 3])], grad=[True, False]))),
    OpInfo("take_along_dim", lambda lib, a, i, **kw: lib.take_along_dim(a, i, **kw), _take_along_samples),
    OpInfo("vstack", lambda lib, *ts: lib.vstack(ts), _stack_inputs((4,), (2, 4), (4,))),
    OpInfo("hstack", lambda lib, *ts: lib.hstack(ts), _stack_inputs((2, 3), (2, 1))),
    OpInfo("hstack_1d", lambda lib, *ts: lib.hstack(ts), _stack_inputs((3,), (2,), ())),
    OpInfo("dstack", lambda lib, *ts: lib.dstack(ts), _stack_inputs((3,), (1, 3), (1, 3, 2))),
    OpInfo("column_stack", lambda lib, *ts: lib.column_stack(ts), _stack_inputs((3,), (3, 2), (3,))),
    OpInfo("atleast_3d", lambda lib, *ts: lib.atleast_3d(ts)[0] * lib.atleast_3d(ts)[1].sum(),
           _stack_inputs((3,), (2, 2))),
    OpInfo("meshgrid", _meshgrid, _meshgrid_samples),
    OpInfo("outer", lambda lib, a, b: lib.outer(a, b), _two((3,), (4,))),
    OpInfo("diff", _diff, _diff_samples),
    OpInfo("ravel", lambda lib, a: a.ravel(), unary(shapes=[(3, 4)])),
    OpInfo("fliplr", lambda lib, a: lib.fliplr(a), unary(shapes=[(3, 4)])),
    OpInfo("flipud", lambda lib, a: a.flipud(), unary(shapes=[(3, 4)])),
    OpInfo("msort", lambda lib, a: lib.msort(a), _distinct_all),
    OpInfo("tensor_split", lambda lib, a, sections, dim=0: lib.tensor_split(a, sections, dim)[-1], _with_kwargs(
        (7, 4), {"sections": 3}, {"sections": (1, 5)}, {"sections": 2, "dim": 1})),
    OpInfo("hsplit", lambda lib, a: a.hsplit(2)[1], unary(shapes=[(3, 4)])),
    OpInfo("broadcast_tensors", lambda lib, a, b: lib.broadcast_tensors(a, b)[0] * lib.broadcast_tensors(a, b)[1],
           _two((3, 1), (4,))),
    OpInfo("cartesian_prod", lambda lib, *ts: lib.cartesian_prod(*ts), _stack_inputs((3,), (2,), (2,))),
    # cumulative.py
    OpInfo("cumprod", lambda lib, a, **kw: a.cumprod(**kw), _cumprod_samples),
    OpInfo("cumprod_with_zeros", lambda lib, a, **kw: lib.cumprod(a, **kw), _cumprod_zero_samples),
    OpInfo("cummax", lambda lib, a, **kw: a.cummax(**kw)[0], _distinct_dims(keepdim=(None,))),
    OpInfo("cummin", lambda lib, a, **kw: lib.cummin(a, **kw).values, _distinct_dims(keepdim=(None,))),
    OpInfo("logcumsumexp", lambda lib, a, **kw: a.logcumsumexp(**kw), _with_kwargs(
        (3, 5), {"dim": 1}, {"dim": 0}, {"dim": -1})),
    # statistics.py
    OpInfo("median", lambda lib, a: a.median(), _distinct_all),
    OpInfo("median_dim", lambda lib, a, **kw: a.median(**kw).values, _distinct_dims()),
    OpInfo("nanmedian", lambda lib, a, **kw: a.nanmedian(**kw) if not kw else a.nanmedian(**kw)[0], _nan_dims),
    OpInfo("kthvalue", lambda lib, a, **kw: a.kthvalue(**kw)[0], _kthvalue_samples),
    OpInfo("nansum", lambda lib, a, **kw: lib.nansum(a, **kw), _nan_dims),
    OpInfo("nanmean", lambda lib, a, **kw: a.nanmean(**kw), _nan_dims),
    OpInfo("aminmax_min", lambda lib, a, **kw: a.aminmax(**kw).min, _aminmax_samples),
    OpInfo("aminmax_max", lambda lib, a, **kw: lib.aminmax(a, **kw)[1], _aminmax_samples),
    OpInfo("aminmax_tied", lambda lib, a, **kw: a.aminmax(**kw).max * 2 + a.aminmax(**kw).min, _aminmax_tied,
           supports_gradcheck=False),
    OpInfo("std_mean_std", lambda lib, a, **kw: lib.std_mean(a, **kw)[0], _var_mean_samples),
    OpInfo("std_mean_mean", lambda lib, a, **kw: lib.std_mean(a, **kw)[1], _var_mean_samples),
    OpInfo("var_mean_var", lambda lib, a, **kw: lib.var_mean(a, **kw)[0], _var_mean_samples),
    OpInfo("var_mean_mean", lambda lib, a, **kw: lib.var_mean(a, **kw)[1], _var_mean_samples),
    # einsum.py
    OpInfo("einsum", lambda lib, *ts, equation: lib.einsum(equation, *ts), _einsum_samples),
    OpInfo("tensordot", lambda lib, a, b, **kw: lib.tensordot(a, b, **kw), lambda dtype: iter([
        Sample([Rng(66).normal((2, 3, 4), dtype), Rng(67).normal((3, 4, 5), dtype)], {}),
        Sample([Rng(66).normal((2, 3, 4), dtype), Rng(67).normal((4, 2), dtype)], {"dims": ([2, 0], [0, 1])})])),
    OpInfo("inner", lambda lib, a, b: lib.inner(a, b), _two((2, 3, 4), (5, 4))),
    # distance.py
    OpInfo("cdist", lambda lib, a, b, **kw: lib.cdist(a, b, **kw), _cdist_samples,
           supports_gradgrad=False),  # torch: "the derivative for '_cdist_backward' is not implemented"
    OpInfo("dist", lambda lib, a, b, **kw: lib.dist(a, b, **kw), _dist_samples),
    OpInfo("cross", lambda lib, a, b, **kw: lib.cross(a, b, **kw), _cross_samples),
    OpInfo("linalg_cross", lambda lib, a, b, **kw: lib.linalg.cross(a, b, **kw), _cross_samples),
]
