"""Registry entries for the core tensor ops (minigrad/ops/)."""
import numpy as np

from . import OpInfo, Sample, Rng

SHAPES = [(), (5,), (3, 4), (2, 3, 4), (0, 3)]
PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (3,)), ((3, 1), (1, 4)), ((0, 3), (3,)),
         ((4,), ())]


def unary(make="normal", shapes=SHAPES, **kwargs):
    """Samples of one tensor drawn with ``Rng.<make>`` (e.g. 'positive' for log/sqrt)."""
    def samples(dtype):
        rng = Rng(0)
        for shape in shapes:
            yield Sample([getattr(rng, make)(shape, dtype)], dict(kwargs))
    return samples


def binary(make_a="normal", make_b="normal", pairs=PAIRS, scalars=(2.5, -3)):
    def samples(dtype):
        rng = Rng(1)
        for sa, sb in pairs:
            yield Sample([getattr(rng, make_a)(sa, dtype), getattr(rng, make_b)(sb, dtype)])
        for s in scalars:
            yield Sample([getattr(rng, make_a)((3, 4), dtype), s], grad=[True, False])
    return samples


def reduction(dims=(None, 0, 1, -1, (0, 1)), make="normal", shape=(3, 4), extra_shapes=((5,), (2, 3, 4))):
    def samples(dtype):
        rng = Rng(2)
        for dim in dims:
            for keepdim in (False, True):
                kwargs = {} if dim is None else {"dim": dim, "keepdim": keepdim}
                if dim is None and keepdim:
                    continue
                yield Sample([getattr(rng, make)(shape, dtype)], kwargs)
        for s in extra_shapes:
            yield Sample([getattr(rng, make)(s, dtype)], {"dim": -1})
    return samples


def fixed(*builders):
    """Samples from explicit builder functions ``(rng, dtype) -> Sample``."""
    def samples(dtype):
        rng = Rng(3)
        for build in builders:
            yield build(rng, dtype)
    return samples


def _matmul_pairs(rng, dtype):
    for sa, sb in [((4,), (4,)), ((3, 4), (4, 5)), ((3, 4), (4,)), ((4,), (4, 5)), ((2, 3, 4), (2, 4, 5)),
                   ((2, 3, 4), (4, 5)), ((4,), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2)), ((0, 4), (4, 2))]:
        yield Sample([rng.normal(sa, dtype), rng.normal(sb, dtype)])


def _pow_samples(dtype):
    rng = Rng(4)
    for sa, sb in PAIRS[:5]:
        yield Sample([rng.positive(sa, dtype), rng.normal(sb, dtype)])


def _pow_scalar_samples(dtype):
    rng = Rng(5)
    for e in (2, 3, 0.5, -1.5, 0, 1):
        yield Sample([rng.positive((3, 4), dtype)], {"exponent": e})
    yield Sample([rng.normal((3, 4), dtype)], {"exponent": 2})


def _rpow_samples(dtype):
    rng = Rng(6)
    for base in (2.0, 0.5, 3):
        yield Sample([rng.normal((3, 4), dtype)], {"base": base})


def _where_samples(dtype):
    rng = Rng(7)
    yield Sample([rng.normal((3, 4), dtype) > 0, rng.normal((3, 4), dtype), rng.normal((3, 4), dtype)],
                 grad=[False, True, True])
    yield Sample([rng.normal((3, 1), dtype) > 0, rng.normal((1, 4), dtype), rng.normal((4,), dtype)],
                 grad=[False, True, True])


def _clamp_samples(dtype):
    rng = Rng(8)
    for kw in ({"min": -0.5}, {"max": 0.5}, {"min": -0.5, "max": 0.5}):
        yield Sample([rng.normal((3, 4), dtype) * 2], kw)


def _clamp_tensor_samples(dtype):
    rng = Rng(9)
    yield Sample([rng.normal((3, 4), dtype) * 2, rng.normal((4,), dtype) - 0.5, rng.normal((3, 1), dtype) + 0.5],
                 grad=[True, False, False])


def _var_samples(dtype):
    rng = Rng(10)
    for kw in ({}, {"dim": 0}, {"dim": 1, "keepdim": True}, {"dim": (0, 1)}, {"dim": 1, "unbiased": False},
               {"dim": 0, "correction": 0}, {"dim": 1, "correction": 2}):
        yield Sample([rng.normal((4, 5), dtype)], kw)


def _norm_samples(dtype):
    rng = Rng(11)
    for kw in ({}, {"p": 1}, {"p": 3}, {"p": float("inf")}, {"p": 2, "dim": 1}, {"p": 1, "dim": 0, "keepdim": True},
               {"p": 2.5, "dim": (0, 1)}):
        yield Sample([rng.away_from_zero((3, 4), dtype)], kw)


def _dim_samples(make="normal", dims=(0, 1, -1), shape=(3, 4), **kw):
    def samples(dtype):
        rng = Rng(12)
        for d in dims:
            yield Sample([getattr(rng, make)(shape, dtype)], {"dim": d, **kw})
        yield Sample([getattr(rng, make)((2, 3, 4), dtype)], {"dim": 1, **kw})
    return samples


def _index_samples(dtype):
    rng = Rng(13)
    x = lambda: rng.normal((4, 5), dtype)  # noqa: E731
    for index in [1, -1, slice(1, 3), (slice(None), 2), (Ellipsis, slice(None, None, 2)), (None, 1),
                  (slice(None), None, slice(1, 4)), ([0, 2, 2],), (slice(None), [1, 1, 3]), ([0, 1], [2, 3])]:
        yield Sample([x()], {"index": index})
    yield Sample([x(), rng.normal((4, 5), dtype) > 0], {}, grad=[True, False])


def _index_tensor_samples(dtype):
    rng = Rng(14)
    yield Sample([rng.normal((4, 5), dtype), rng.integers(0, 4, (6,))], grad=[True, False])
    yield Sample([rng.normal((4, 5), dtype), rng.integers(0, 4, (2, 3))], grad=[True, False])


def _setitem_samples(dtype):
    rng = Rng(15)
    yield Sample([rng.normal((4, 5), dtype), rng.normal((5,), dtype)], {"index": 1})
    yield Sample([rng.normal((4, 5), dtype), rng.normal((4, 2), dtype)], {"index": (slice(None), slice(1, 3))})
    yield Sample([rng.normal((4, 5), dtype), rng.normal((2, 5), dtype)], {"index": ([0, 3],)})


def _setitem(lib, x, v, index):
    y = x * 1
    y[index] = v
    return y


def _gather_samples(dtype):
    rng = Rng(16)
    yield Sample([rng.normal((3, 4), dtype), rng.integers(0, 4, (3, 2))], {"dim": 1}, grad=[True, False])
    yield Sample([rng.normal((3, 4), dtype), rng.integers(0, 3, (2, 4))], {"dim": 0}, grad=[True, False])
    yield Sample([rng.normal((3, 4), dtype), rng.integers(0, 3, (2, 2))], {"dim": 0}, grad=[True, False])


def _scatter_samples(dtype):
    rng = Rng(17)
    index = np.array([[0, 2], [1, 3], [3, 0]])
    yield Sample([rng.normal((3, 4), dtype), index, rng.normal((3, 2), dtype)], {"dim": 1})
    yield Sample([rng.normal((3, 4), dtype), np.array([[2, 0, 1, 2]]), rng.normal((1, 4), dtype)], {"dim": 0})


def _scatter_add_samples(dtype):
    rng = Rng(18)
    yield Sample([rng.normal((3, 4), dtype), rng.integers(0, 4, (3, 5)), rng.normal((3, 5), dtype)], {"dim": 1})
    yield Sample([rng.normal((3, 4), dtype), rng.integers(0, 3, (2, 4)), rng.normal((2, 4), dtype)], {"dim": 0})


def _index_select_samples(dtype):
    rng = Rng(19)
    yield Sample([rng.normal((3, 4), dtype), np.array([0, 2, 2])], {"dim": 1}, grad=[True, False])
    yield Sample([rng.normal((3, 4), dtype), np.array([1])], {"dim": 0}, grad=[True, False])


def _masked_fill_samples(dtype):
    rng = Rng(20)
    yield Sample([rng.normal((3, 4), dtype), rng.normal((3, 4), dtype) > 0], {"value": 0.5}, grad=[True, False])
    yield Sample([rng.normal((3, 4), dtype), rng.normal((4,), dtype) > 0], {"value": -2.0}, grad=[True, False])


def _cat_samples(dtype):
    rng = Rng(21)
    yield Sample([rng.normal((2, 3), dtype), rng.normal((4, 3), dtype)], {"dim": 0})
    yield Sample([rng.normal((2, 3), dtype), rng.normal((2, 1), dtype), rng.normal((2, 2), dtype)], {"dim": -1})


def _stack_samples(dtype):
    rng = Rng(22)
    yield Sample([rng.normal((2, 3), dtype), rng.normal((2, 3), dtype)], {"dim": 0})
    yield Sample([rng.normal((2, 3), dtype), rng.normal((2, 3), dtype), rng.normal((2, 3), dtype)], {"dim": 2})


def _addmm_samples(dtype):
    rng = Rng(23)
    yield Sample([rng.normal((5,), dtype), rng.normal((3, 4), dtype), rng.normal((4, 5), dtype)])
    yield Sample([rng.normal((3, 5), dtype), rng.normal((3, 4), dtype), rng.normal((4, 5), dtype)],
                 {"beta": 0.5, "alpha": 2.0})


def _linear_samples(dtype):
    rng = Rng(26)
    yield Sample([rng.normal((3, 4), dtype), rng.normal((5, 4), dtype), rng.normal((5,), dtype)])
    yield Sample([rng.normal((3, 4), dtype), rng.normal((5, 4), dtype)])
    yield Sample([rng.normal((2, 3, 4), dtype), rng.normal((5, 4), dtype), rng.normal((5,), dtype)])
    yield Sample([rng.normal((4,), dtype), rng.normal((5, 4), dtype), rng.normal((5,), dtype)])


def _sort_samples(dtype):
    rng = Rng(24)
    yield Sample([rng.normal((3, 5), dtype)], {"dim": 1})
    yield Sample([rng.normal((3, 5), dtype)], {"dim": 0, "descending": True})


def _topk_samples(dtype):
    rng = Rng(25)
    yield Sample([rng.normal((3, 5), dtype)], {"k": 2})
    yield Sample([rng.normal((4, 5), dtype)], {"k": 3, "dim": 0, "largest": False})


OPS = [
    # arithmetic
    OpInfo("add", lambda lib, a, b: a + b, binary()),
    OpInfo("radd", lambda lib, a: 2.5 + a, unary()),
    OpInfo("add_alpha", lambda lib, a, b: lib.add(a, b, alpha=2), binary(scalars=())),
    OpInfo("sub", lambda lib, a, b: a - b, binary()),
    OpInfo("rsub", lambda lib, a: 2.5 - a, unary()),
    OpInfo("mul", lambda lib, a, b: a * b, binary()),
    OpInfo("div", lambda lib, a, b: a / b, binary(make_b="away_from_zero")),
    OpInfo("rdiv", lambda lib, a: 2.0 / a, unary("away_from_zero")),
    OpInfo("neg", lambda lib, a: -a, unary()),
    OpInfo("abs", lambda lib, a: a.abs(), unary("away_from_zero")),
    OpInfo("remainder", lambda lib, a, b: a % b, binary(make_b="away_from_zero", scalars=(1.5,))),
    OpInfo("pow", lambda lib, a, b: a ** b, _pow_samples),
    OpInfo("pow_scalar", lambda lib, a, exponent: a ** exponent, _pow_scalar_samples),
    OpInfo("rpow", lambda lib, a, base: base ** a, _rpow_samples),
    OpInfo("maximum", lambda lib, a, b: lib.maximum(a, b), binary(scalars=())),
    OpInfo("minimum", lambda lib, a, b: lib.minimum(a, b), binary(scalars=())),
    OpInfo("where", lambda lib, c, a, b: lib.where(c, a, b), _where_samples),
    # unary
    OpInfo("exp", lambda lib, a: a.exp(), unary()),
    OpInfo("expm1", lambda lib, a: a.expm1(), unary()),
    OpInfo("log", lambda lib, a: a.log(), unary("positive")),
    OpInfo("log1p", lambda lib, a: a.log1p(), unary("positive")),
    OpInfo("log2", lambda lib, a: a.log2(), unary("positive")),
    OpInfo("log10", lambda lib, a: a.log10(), unary("positive")),
    OpInfo("sqrt", lambda lib, a: a.sqrt(), unary("positive")),
    OpInfo("rsqrt", lambda lib, a: a.rsqrt(), unary("positive")),
    OpInfo("sin", lambda lib, a: a.sin(), unary()),
    OpInfo("cos", lambda lib, a: a.cos(), unary()),
    OpInfo("tanh", lambda lib, a: a.tanh(), unary()),
    OpInfo("sigmoid", lambda lib, a: a.sigmoid(), unary()),
    OpInfo("relu", lambda lib, a: a.relu(), unary("away_from_zero")),
    OpInfo("reciprocal", lambda lib, a: a.reciprocal(), unary("away_from_zero")),
    OpInfo("square", lambda lib, a: a.square(), unary()),
    OpInfo("sign", lambda lib, a: a.sign(), unary("away_from_zero")),
    OpInfo("floor", lambda lib, a: a.floor(), unary("away_from_zero")),
    OpInfo("ceil", lambda lib, a: a.ceil(), unary("away_from_zero")),
    OpInfo("round", lambda lib, a: a.round(), unary("away_from_zero")),
    OpInfo("trunc", lambda lib, a: a.trunc(), unary("away_from_zero")),
    OpInfo("clamp", lambda lib, a, **kw: a.clamp(**kw), _clamp_samples),
    OpInfo("clamp_tensor", lambda lib, a, lo, hi: a.clamp(lo, hi), _clamp_tensor_samples),
    # reductions
    OpInfo("sum", lambda lib, a, **kw: a.sum(**kw), reduction()),
    OpInfo("mean", lambda lib, a, **kw: a.mean(**kw), reduction()),
    OpInfo("prod", lambda lib, a, **kw: a.prod(**kw), reduction(dims=(None, 0, 1), make="away_from_zero")),
    OpInfo("prod_with_zero", lambda lib, a: (a * (a > 0.5)).prod(1),
           unary(shapes=[(3, 4)]), supports_gradgrad=False, supports_gradcheck=False),
    OpInfo("max", lambda lib, a: a.max(), unary(shapes=[(5,), (3, 4)])),
    OpInfo("min", lambda lib, a: a.min(), unary(shapes=[(5,), (3, 4)])),
    OpInfo("max_dim", lambda lib, a, **kw: a.max(**kw)[0], _dim_samples()),
    OpInfo("min_dim", lambda lib, a, **kw: a.min(**kw)[0], _dim_samples(keepdim=True)),
    OpInfo("amax", lambda lib, a, **kw: a.amax(**kw), reduction(dims=(0, 1, (0, 1)))),
    OpInfo("amin", lambda lib, a, **kw: a.amin(**kw), reduction(dims=(0, 1, (0, 1)))),
    OpInfo("var", lambda lib, a, **kw: a.var(**kw), _var_samples),
    OpInfo("std", lambda lib, a, **kw: a.std(**kw), _var_samples),
    OpInfo("logsumexp", lambda lib, a, **kw: a.logsumexp(**kw), reduction(dims=(0, 1, (0, 1)))),
    OpInfo("norm", lambda lib, a, **kw: a.norm(**kw), _norm_samples),
    OpInfo("cumsum", lambda lib, a, **kw: a.cumsum(**kw), _dim_samples()),
    OpInfo("softmax", lambda lib, a, **kw: a.softmax(**kw), _dim_samples()),
    OpInfo("log_softmax", lambda lib, a, **kw: a.log_softmax(**kw), _dim_samples()),
    # shapes
    OpInfo("reshape", lambda lib, a: a.reshape(4, -1), unary(shapes=[(2, 6), (3, 4)])),
    OpInfo("view", lambda lib, a: a.view(-1), unary(shapes=[(2, 6), (3, 4)])),
    OpInfo("flatten", lambda lib, a: a.flatten(1), unary(shapes=[(2, 3, 4)])),
    OpInfo("unflatten", lambda lib, a: a.unflatten(1, (2, 2)), unary(shapes=[(3, 4)])),
    OpInfo("squeeze", lambda lib, a: a.squeeze(), unary(shapes=[(3, 1, 4, 1)])),
    OpInfo("squeeze_dim", lambda lib, a: a.squeeze(1), unary(shapes=[(3, 1, 4)])),
    OpInfo("unsqueeze", lambda lib, a: a.unsqueeze(-1), unary(shapes=[(3, 4), ()])),
    OpInfo("transpose", lambda lib, a: a.transpose(0, -1), unary(shapes=[(2, 3, 4)])),
    OpInfo("t", lambda lib, a: a.t(), unary(shapes=[(3, 4), (5,)])),
    OpInfo("T", lambda lib, a: a.T, unary(shapes=[(3, 4), (2, 3, 4)])),
    OpInfo("mT", lambda lib, a: a.mT, unary(shapes=[(2, 3, 4)])),
    OpInfo("permute", lambda lib, a: a.permute(2, 0, 1), unary(shapes=[(2, 3, 4)])),
    OpInfo("movedim", lambda lib, a: lib.movedim(a, 0, -1), unary(shapes=[(2, 3, 4)])),
    OpInfo("expand", lambda lib, a: a.expand(2, 3, 4), unary(shapes=[(3, 1), (4,), ()])),
    OpInfo("expand_as", lambda lib, a, b: a.expand_as(b), fixed(
        lambda rng, dt: Sample([rng.normal((3, 1), dt), rng.normal((2, 3, 4), dt)], grad=[True, False]))),
    OpInfo("sum_to_size", lambda lib, a: a.sum_to_size(3, 1), unary(shapes=[(2, 3, 4)])),
    OpInfo("repeat", lambda lib, a: a.repeat(2, 1, 3), unary(shapes=[(3, 4), (4,)])),
    OpInfo("flip", lambda lib, a: a.flip(0, -1), unary(shapes=[(3, 4)])),
    OpInfo("cat", lambda lib, *ts, dim: lib.cat(ts, dim=dim), _cat_samples),
    OpInfo("stack", lambda lib, *ts, dim: lib.stack(ts, dim=dim), _stack_samples),
    OpInfo("split", lambda lib, a: a.split(2, dim=1)[1], unary(shapes=[(3, 5)])),
    OpInfo("split_sizes", lambda lib, a: a.split([1, 4], dim=1)[1], unary(shapes=[(3, 5)])),
    OpInfo("chunk", lambda lib, a: a.chunk(3, dim=0)[-1], unary(shapes=[(5, 2)])),
    OpInfo("unbind", lambda lib, a: a.unbind(1)[2], unary(shapes=[(3, 4)])),
    OpInfo("narrow", lambda lib, a: a.narrow(1, 1, 2), unary(shapes=[(3, 4)])),
    OpInfo("select", lambda lib, a: a.select(0, -1), unary(shapes=[(3, 4)])),
    OpInfo("clone", lambda lib, a: a.clone(), unary()),
    OpInfo("contiguous", lambda lib, a: a.t().contiguous(), unary(shapes=[(3, 4)])),
    OpInfo("to_float64", lambda lib, a: a.to(lib.float64) * 2, unary(shapes=[(3, 4)])),
    OpInfo("to_float32", lambda lib, a: a.float() * 2, unary(shapes=[(3, 4)]),
           supports_gradcheck=False),  # float32 results are too coarse for finite differences
    # indexing
    OpInfo("getitem", lambda lib, a, mask=None, index=None: a[index] if mask is None else a[mask], _index_samples),
    OpInfo("getitem_tensor", lambda lib, a, idx: a[idx], _index_tensor_samples),
    OpInfo("setitem", _setitem, _setitem_samples),
    OpInfo("gather", lambda lib, a, idx, dim: a.gather(dim, idx), _gather_samples),
    OpInfo("scatter", lambda lib, a, idx, src, dim: a.scatter(dim, idx, src), _scatter_samples),
    OpInfo("scatter_add", lambda lib, a, idx, src, dim: a.scatter_add(dim, idx, src), _scatter_add_samples),
    OpInfo("index_select", lambda lib, a, idx, dim: a.index_select(dim, idx), _index_select_samples),
    OpInfo("masked_fill", lambda lib, a, m, value: a.masked_fill(m, value), _masked_fill_samples),
    OpInfo("sort", lambda lib, a, **kw: a.sort(**kw)[0], _sort_samples),
    OpInfo("topk", lambda lib, a, **kw: a.topk(**kw)[0], _topk_samples),
    # linear algebra
    OpInfo("matmul", lambda lib, a, b: a @ b, lambda dtype: _matmul_pairs(Rng(3), dtype)),
    OpInfo("mm", lambda lib, a, b: lib.mm(a, b), fixed(lambda rng, dt: Sample([rng.normal((3, 4), dt),
                                                                                rng.normal((4, 2), dt)]))),
    OpInfo("bmm", lambda lib, a, b: lib.bmm(a, b), fixed(lambda rng, dt: Sample([rng.normal((2, 3, 4), dt),
                                                                                  rng.normal((2, 4, 2), dt)]))),
    OpInfo("dot", lambda lib, a, b: lib.dot(a, b), fixed(lambda rng, dt: Sample([rng.normal((4,), dt),
                                                                                  rng.normal((4,), dt)]))),
    OpInfo("mv", lambda lib, a, b: lib.mv(a, b), fixed(lambda rng, dt: Sample([rng.normal((3, 4), dt),
                                                                                rng.normal((4,), dt)]))),
    OpInfo("addmm", lambda lib, c, a, b, **kw: lib.addmm(c, a, b, **kw), _addmm_samples),
    OpInfo("linear", lambda lib, *args: lib.nn.functional.linear(*args), _linear_samples),
]
