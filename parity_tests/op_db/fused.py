"""Registry entries for the fused element-wise ops (minigrad/ops/fused.py): ``add``/``sub`` with an
``alpha`` that is not a power of two (so the product is inexact and the single rounding shows),
``addcmul``, ``addcdiv``, ``lerp`` with a number and a tensor weight; each with broadcasting shapes."""
from . import OpInfo, Sample, Rng

# (input, tensor1, tensor2) shapes: equal, broadcasting each way, 0-dim, empty
TRIPLES = [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1)), ((), (2, 3), (3,)), ((2, 1, 4), (3, 1), ()),
           ((0, 3), (3,), (0, 3))]


def _pair_samples(dtype):
    rng = Rng(11)
    for sa, sb in [((3, 4), (3, 4)), ((3, 4), (4,)), ((), (2, 3)), ((2, 1, 4), (3, 1)), ((0, 3), (3,))]:
        for alpha in (0.3, -1.7):
            yield Sample([rng.normal(sa, dtype), rng.normal(sb, dtype)], {"alpha": alpha})
    yield Sample([rng.normal((3, 4), dtype), 2.5], {"alpha": 0.3}, grad=[True, False])


def _triple_samples(make_t2="normal"):
    def samples(dtype):
        rng = Rng(12)
        for s0, s1, s2 in TRIPLES:
            for value in (1, 0.3, -2.5):
                yield Sample([rng.normal(s0, dtype), rng.normal(s1, dtype), getattr(rng, make_t2)(s2, dtype)],
                             {"value": value})
    return samples


def _lerp_samples(dtype):
    rng = Rng(13)
    for s0, s1, s2 in TRIPLES:
        for weight in (0.3, 0.7, -0.4, 1.5):  # both ends of torch's nearer-end formula, and outside [0, 1]
            yield Sample([rng.normal(s0, dtype), rng.normal(s1, dtype), weight], grad=[True, True, False])
        yield Sample([rng.normal(s0, dtype), rng.normal(s1, dtype), rng.uniform(s2, dtype, -0.5, 1.5)])


OPS = [
    OpInfo("add_alpha_fused", lambda lib, a, b, **kw: lib.add(a, b, **kw), _pair_samples),
    OpInfo("sub_alpha_fused", lambda lib, a, b, **kw: lib.sub(a, b, **kw), _pair_samples),
    OpInfo("addcmul", lambda lib, x, a, b, **kw: lib.addcmul(x, a, b, **kw), _triple_samples()),
    OpInfo("Tensor.addcmul", lambda lib, x, a, b, **kw: x.addcmul(a, b, **kw), _triple_samples()),
    OpInfo("addcdiv", lambda lib, x, a, b, **kw: lib.addcdiv(x, a, b, **kw), _triple_samples("away_from_zero")),
    OpInfo("lerp", lambda lib, x, e, w: lib.lerp(x, e, w), _lerp_samples),
    OpInfo("Tensor.lerp", lambda lib, x, e, w: x.lerp(e, w), _lerp_samples),
]
