"""Registry entries for ``nn.functional``'s activations, losses, pad and distances
(minigrad/nn/_activation_ops.py, _loss_ops.py, _nll_ops.py, _pad_ops.py, _distance_ops.py).

Sample values keep clear of the kinks of piecewise functions (finite differences across a kink
disagree with any one-sided derivative). Loss targets that are class indices are int64 arrays, so
they are not differentiable; float targets are, as in torch, unless a sample says otherwise.
"""
import numpy as np

import minigrad.nn  # noqa: F401 - makes ``minigrad.nn`` reachable as ``lib.nn``

from . import OpInfo, Sample, Rng

SHAPES = [(), (5,), (3, 4), (2, 3, 4), (0, 3)]
REDUCTIONS = ("mean", "sum", "none")


def F(lib):  # noqa: N802 - reads like torch's ``F``
    return lib.nn.functional


def activation(make="normal", scale=1.0, shapes=SHAPES, kwargs=({},)):
    """One tensor per shape (values ``Rng.<make>`` times ``scale``), for each set of keyword arguments."""
    def samples(dtype):
        rng = Rng(30)
        for kw in kwargs:
            for shape in shapes:
                yield Sample([np.asarray(getattr(rng, make)(shape, dtype) * scale, dtype=dtype)], dict(kw))
    return samples


def in_place(name):
    """``F.<name>(a * 1, inplace=True)``: in place on a non-leaf, as torch allows."""
    return lambda lib, a, **kw: getattr(F(lib), name)(a * 1, inplace=True, **kw)


def _prelu_samples(dtype):
    rng = Rng(31)
    yield Sample([rng.away_from_zero((3, 4), dtype), rng.positive((1,), dtype, 0.1, 0.5)])
    yield Sample([rng.away_from_zero((2, 3, 4), dtype), rng.positive((3,), dtype, 0.1, 0.5)])
    yield Sample([rng.away_from_zero((4,), dtype), rng.positive((1,), dtype, 0.1, 0.5)])
    yield Sample([rng.away_from_zero((2, 3), dtype), rng.normal((3,), dtype)])


def _softmax_samples(dtype):
    rng = Rng(32)
    for shape, dim in (((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -1), ((5,), 0), ((2, 0), 1)):
        yield Sample([rng.normal(shape, dtype, 2.0)], {"dim": dim})
    yield Sample([rng.normal((3, 4), dtype)], {"dim": 1, "dtype": "float64"})


def _softmax_fn(name):
    def fn(lib, a, dim, dtype=None):
        return getattr(F(lib), name)(a, dim, dtype=None if dtype is None else getattr(lib, dtype))
    return fn


# --- losses -------------------------------------------------------------------------------------------
def regression(kwargs=({},), make_target="normal", int_target=True):
    """(input, target) pairs for every reduction, and an integer target (promoted, as in torch)."""
    def samples(dtype):
        rng = Rng(40)
        for kw in kwargs:
            for reduction in REDUCTIONS:
                for shape in ((3, 4), (5,), ()):
                    yield Sample([rng.normal(shape, dtype, 2.0), getattr(rng, make_target)(shape, dtype)],
                                 {"reduction": reduction, **kw})
        yield Sample([rng.normal((4, 2), dtype), rng.normal((4, 2), dtype)], {"reduction": "mean"},
                     grad=[True, False])
        if int_target:
            yield Sample([rng.normal((2, 3), dtype), rng.integers(-2, 3, (2, 3))], {"reduction": "mean"})
    return samples


def _weighted_regression_samples(dtype):
    rng = Rng(41)
    for reduction in REDUCTIONS:
        yield Sample([rng.normal((3, 4), dtype, 2.0), rng.normal((3, 4), dtype), rng.positive((3, 4), dtype)],
                     {"reduction": reduction}, grad=[True, True, False])


def _loss_fn(name):
    """``F.<name>(input, target, ...)``, with extra tensors passed by keyword (weight, pos_weight)."""
    def fn(lib, input, target, weight=None, pos_weight=None, **kw):  # noqa: A002
        if weight is not None:
            kw["weight"] = weight
        if pos_weight is not None:
            kw["pos_weight"] = pos_weight
        return getattr(F(lib), name)(input, target, **kw)
    return fn


def _bce_samples(dtype):
    rng = Rng(42)
    for reduction in REDUCTIONS:
        yield Sample([rng.uniform((3, 4), dtype, 0.05, 0.95), rng.uniform((3, 4), dtype, 0, 1)],
                     {"reduction": reduction})
        yield Sample([rng.uniform((3, 4), dtype, 0.05, 0.95), rng.uniform((3, 4), dtype, 0, 1) > 0.5],
                     {"reduction": reduction}, grad=[True, False])
        yield Sample([rng.uniform((3, 4), dtype, 0.05, 0.95), rng.uniform((3, 4), dtype, 0, 1),
                      rng.positive((4,), dtype)], {"reduction": reduction}, grad=[True, True, False])
    yield Sample([rng.uniform((5,), dtype, 0.05, 0.95), rng.uniform((5,), dtype, 0, 1)])


def _bce_fn(lib, input, target, weight=None, **kw):  # noqa: A002
    if target.dtype == lib.bool:
        target = target.to(input.dtype)
    return F(lib).binary_cross_entropy(input, target, weight=weight, **kw)


def _bce_logits_samples(dtype):
    rng = Rng(43)
    for reduction in REDUCTIONS:
        yield Sample([rng.normal((3, 4), dtype, 3.0), rng.uniform((3, 4), dtype, 0, 1)], {"reduction": reduction})
        yield Sample([rng.normal((3, 4), dtype, 3.0), rng.uniform((3, 4), dtype, 0, 1), rng.positive((3, 4), dtype),
                      rng.positive((4,), dtype)], {"reduction": reduction}, grad=[True, True, False, False])
    yield Sample([rng.normal((3, 4), dtype, 3.0), rng.uniform((3, 4), dtype, 0, 1), None,
                  rng.positive((4,), dtype)], {}, grad=[True, True, False, False])
    yield Sample([rng.normal((2, 3, 4), dtype, 3.0), rng.uniform((2, 3, 4), dtype, 0, 1), rng.positive((3, 1), dtype)],
                 {"reduction": "sum"}, grad=[True, True, False])


CLASS_SHAPES = (((4, 5), (4,)), ((5,), ()), ((2, 5, 3), (2, 3)), ((2, 5, 3, 2), (2, 3, 2)),
                ((2, 5, 2, 1, 2), (2, 2, 1, 2)))


def _class_samples(rng, dtype, reduction, weight, shapes=CLASS_SHAPES, **kw):
    """(scores, class indices[, weight]) for (N, C), (C,), (N, C, d), (N, C, d1, d2), ... inputs."""
    for shape, target_shape in shapes:
        inputs = [rng.normal(shape, dtype, 2.0), rng.integers(0, 5, target_shape)]
        if weight:
            inputs.append(rng.positive((5,), dtype))
        yield Sample(inputs, {"reduction": reduction, **kw}, grad=[True, False, False][:len(inputs)])


def _nll_samples(dtype):
    rng = Rng(44)
    for reduction in REDUCTIONS:
        for weight in (False, True):
            yield from _class_samples(rng, dtype, reduction, weight)
        yield Sample([rng.normal((4, 5), dtype), np.array([1, -100, 4, 0]), rng.positive((5,), dtype)],
                     {"reduction": reduction}, grad=[True, False, False])
        yield Sample([rng.normal((4, 5), dtype), np.array([1, 2, 4, 2])], {"reduction": reduction, "ignore_index": 2})


def _cross_entropy_samples(dtype):
    rng = Rng(45)
    for reduction in REDUCTIONS:
        for weight in (False, True):
            yield from _class_samples(rng, dtype, reduction, weight)
            yield from _class_samples(rng, dtype, reduction, weight, CLASS_SHAPES[:3], label_smoothing=0.2)
        yield Sample([rng.normal((4, 5), dtype), np.array([1, -100, 4, 0]), rng.positive((5,), dtype)],
                     {"reduction": reduction, "label_smoothing": 0.1}, grad=[True, False, False])
        yield Sample([rng.normal((4, 5), dtype), np.array([1, 3, 4, 3])],
                     {"reduction": reduction, "ignore_index": 3, "label_smoothing": 0.3})
    # extreme logits: log-sum-exp keeps these finite
    yield Sample([np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], dtype=dtype), np.array([1, 2])])


def _cross_entropy_probability_samples(dtype):
    rng = Rng(46)
    for reduction in REDUCTIONS:
        for shape in ((4, 5), (5,), (2, 5, 3)):
            yield Sample([rng.normal(shape, dtype, 2.0), rng.uniform(shape, dtype, 0, 1)], {"reduction": reduction})
        yield Sample([rng.normal((4, 5), dtype), rng.uniform((4, 5), dtype, 0, 1), rng.positive((5,), dtype)],
                     {"reduction": reduction, "label_smoothing": 0.2}, grad=[True, True, False])


def _kl_div_samples(dtype):
    rng = Rng(47)
    for reduction in ("sum", "none", "batchmean"):
        yield Sample([rng.normal((3, 4), dtype), rng.uniform((3, 4), dtype, 0.05, 1)], {"reduction": reduction})
        yield Sample([rng.normal((3, 4), dtype), rng.normal((3, 4), dtype)], {"reduction": reduction,
                                                                              "log_target": True})
    yield Sample([rng.normal((3, 4), dtype), np.array([[0.5, 0, 0.25, 0.25]] * 3, dtype=dtype)],
                 {"reduction": "sum"}, grad=[True, False])


def _cosine_embedding_samples(dtype):
    rng = Rng(48)
    for reduction in REDUCTIONS:
        yield Sample([rng.normal((4, 5), dtype), rng.normal((4, 5), dtype), np.array([1, -1, 1, -1])],
                     {"reduction": reduction})
        yield Sample([rng.normal((4, 5), dtype), rng.normal((4, 5), dtype), np.array([-1, -1, 1, -1])],
                     {"reduction": reduction, "margin": -0.3})
    yield Sample([rng.normal((5,), dtype), rng.normal((5,), dtype), np.array(1)])


# --- pad and distances -----------------------------------------------------------------------------
def _pad_samples(dtype):
    rng = Rng(49)
    for shape, pad, mode, value in (((3, 4), (1, 2), "constant", None), ((3, 4), (1, 0, 2, 1), "constant", 1.5),
                                    ((2, 3, 4), (-1, 2, 0, 1), "constant", -2.0), ((3, 4), (-1, -2), "constant", 0),
                                    ((5,), (2, 2), "constant", None), ((2, 5), (1, 2), "reflect", None),
                                    ((2, 3, 5), (2, 4), "reflect", None), ((1, 2, 4, 3), (1, 2, 2, 1), "reflect", None),
                                    ((2, 3, 4, 4), (1, 0, 2, 1, 1, 2), "reflect", None),
                                    ((2, 3, 5), (-1, 2), "reflect", None), ((2, 5), (3, 1), "replicate", None),
                                    ((1, 2, 4, 3), (1, 2, 2, 1), "replicate", 0),
                                    ((1, 2, 3, 4, 3), (1, 1, 2, 0, 1, 1), "replicate", None),
                                    ((2, 5), (2, 3), "circular", None), ((1, 2, 4, 3), (1, 2, 3, 1), "circular", None)):
        kw = {"pad": pad, "mode": mode}
        if value is not None:
            kw["value"] = value
        yield Sample([rng.normal(shape, dtype)], kw)


def _normalize_samples(dtype):
    rng = Rng(50)
    for kw in ({}, {"p": 1.0}, {"dim": 0}, {"p": 3.0, "dim": -1}):
        yield Sample([rng.away_from_zero((3, 4), dtype)], kw)
    yield Sample([rng.away_from_zero((2, 3, 4), dtype)], {"dim": 2})


def _cosine_similarity_samples(dtype):
    rng = Rng(51)
    for sa, sb, kw in (((3, 4), (3, 4), {}), ((3, 4), (3, 4), {"dim": 0}), ((2, 3, 4), (3, 4), {"dim": -1}),
                       ((3, 1), (1, 3), {"dim": 0}), ((5,), (5,), {"dim": 0})):
        yield Sample([rng.normal(sa, dtype), rng.normal(sb, dtype)], kw)


def _pairwise_distance_samples(dtype):
    rng = Rng(52)
    for sa, sb, kw in (((3, 4), (3, 4), {}), ((3, 4), (4,), {"p": 1.0}), ((2, 3, 4), (3, 4), {"keepdim": True}),
                       ((3, 4), (3, 4), {"p": 3.0, "eps": 0.0})):
        yield Sample([rng.normal(sa, dtype), rng.normal(sb, dtype)], kw)


OPS = [
    # activations
    OpInfo("F.relu", lambda lib, a: F(lib).relu(a), activation("away_from_zero")),
    OpInfo("F.relu_inplace", in_place("relu"), activation("away_from_zero")),
    OpInfo("F.relu6", lambda lib, a: F(lib).relu6(a), activation(scale=4.0)),
    OpInfo("F.relu6_inplace", in_place("relu6"), activation(scale=4.0)),
    OpInfo("F.leaky_relu", lambda lib, a, **kw: F(lib).leaky_relu(a, **kw),
           activation("away_from_zero", kwargs=({}, {"negative_slope": 0.2}, {"negative_slope": -1.5}))),
    OpInfo("F.leaky_relu_inplace", in_place("leaky_relu"), activation("away_from_zero")),
    OpInfo("F.prelu", lambda lib, a, w: F(lib).prelu(a, w), _prelu_samples),
    OpInfo("F.elu", lambda lib, a, **kw: F(lib).elu(a, **kw),
           activation("away_from_zero", 2.0, kwargs=({}, {"alpha": 0.5}))),
    OpInfo("F.elu_inplace", in_place("elu"), activation("away_from_zero", 2.0)),
    OpInfo("F.selu", lambda lib, a: F(lib).selu(a), activation("away_from_zero", 2.0)),
    OpInfo("F.selu_inplace", in_place("selu"), activation("away_from_zero", 2.0)),
    OpInfo("F.celu", lambda lib, a, **kw: F(lib).celu(a, **kw),
           activation("away_from_zero", 2.0, kwargs=({}, {"alpha": 2.0}))),
    OpInfo("F.celu_inplace", in_place("celu"), activation("away_from_zero", 2.0)),
    OpInfo("F.gelu", lambda lib, a, **kw: F(lib).gelu(a, **kw),
           activation(scale=3.0, kwargs=({}, {"approximate": "tanh"}))),
    OpInfo("F.silu", lambda lib, a: F(lib).silu(a), activation(scale=3.0)),
    OpInfo("F.silu_inplace", in_place("silu"), activation(scale=3.0)),
    OpInfo("F.mish", lambda lib, a: F(lib).mish(a), activation(scale=3.0)),
    OpInfo("F.mish_inplace", in_place("mish"), activation(scale=3.0)),
    OpInfo("F.sigmoid", lambda lib, a: F(lib).sigmoid(a), activation(scale=3.0)),
    OpInfo("F.tanh", lambda lib, a: F(lib).tanh(a), activation(scale=2.0)),
    OpInfo("F.hardtanh", lambda lib, a, **kw: F(lib).hardtanh(a, **kw),
           activation(scale=2.0, kwargs=({}, {"min_val": -0.5, "max_val": 2.0}))),
    OpInfo("F.hardtanh_inplace", in_place("hardtanh"), activation(scale=2.0)),
    # torch has no derivative for hardsigmoid_backward, so no double backward to compare with
    OpInfo("F.hardsigmoid", lambda lib, a: F(lib).hardsigmoid(a), activation(scale=4.0), supports_gradgrad=False),
    OpInfo("F.hardsigmoid_inplace", in_place("hardsigmoid"), activation(scale=4.0), supports_gradgrad=False),
    OpInfo("F.hardswish", lambda lib, a: F(lib).hardswish(a), activation(scale=4.0)),
    OpInfo("F.hardswish_inplace", in_place("hardswish"), activation(scale=4.0)),
    OpInfo("F.softplus", lambda lib, a, **kw: F(lib).softplus(a, **kw),
           activation(scale=4.0, kwargs=({}, {"beta": 2.0}, {"beta": 0.5, "threshold": 1.0}))),
    OpInfo("F.softsign", lambda lib, a: F(lib).softsign(a), activation(scale=2.0)),
    OpInfo("F.logsigmoid", lambda lib, a: F(lib).logsigmoid(a), activation(scale=4.0)),
    OpInfo("F.threshold", lambda lib, a, **kw: F(lib).threshold(a, **kw),
           activation(scale=2.0, kwargs=({"threshold": 0.1, "value": 20.0}, {"threshold": -0.5, "value": -1.0}))),
    OpInfo("F.threshold_inplace", in_place("threshold"), activation(scale=2.0, kwargs=({"threshold": 0.1,
                                                                                         "value": 2.0},))),
    OpInfo("F.tanhshrink", lambda lib, a: F(lib).tanhshrink(a), activation(scale=2.0)),
    OpInfo("F.softshrink", lambda lib, a, **kw: F(lib).softshrink(a, **kw),
           activation(scale=2.0, kwargs=({}, {"lambd": 1.0}))),
    OpInfo("F.hardshrink", lambda lib, a, **kw: F(lib).hardshrink(a, **kw),
           activation(scale=2.0, kwargs=({}, {"lambd": 1.0}))),
    OpInfo("F.softmax", _softmax_fn("softmax"), _softmax_samples),
    OpInfo("F.softmin", _softmax_fn("softmin"), _softmax_samples),
    OpInfo("F.log_softmax", _softmax_fn("log_softmax"), _softmax_samples),
    # losses
    OpInfo("F.mse_loss", _loss_fn("mse_loss"), regression()),
    OpInfo("F.mse_loss_weight", _loss_fn("mse_loss"), _weighted_regression_samples),
    OpInfo("F.l1_loss", _loss_fn("l1_loss"), regression(make_target="away_from_zero")),
    OpInfo("F.l1_loss_weight", _loss_fn("l1_loss"), _weighted_regression_samples),
    OpInfo("F.smooth_l1_loss", _loss_fn("smooth_l1_loss"), regression(({}, {"beta": 0.5}, {"beta": 0.0}))),
    # torch's huber backward rejects an integer target ("Found dtype Long but expected Float")
    OpInfo("F.huber_loss", _loss_fn("huber_loss"), regression(({}, {"delta": 0.5}, {"delta": 2.0}), int_target=False)),
    OpInfo("F.huber_loss_weight", _loss_fn("huber_loss"), _weighted_regression_samples),
    OpInfo("F.binary_cross_entropy", _bce_fn, _bce_samples),
    OpInfo("F.binary_cross_entropy_with_logits", _loss_fn("binary_cross_entropy_with_logits"), _bce_logits_samples),
    OpInfo("F.nll_loss", _loss_fn("nll_loss"), _nll_samples),
    OpInfo("F.cross_entropy", _loss_fn("cross_entropy"), _cross_entropy_samples),
    OpInfo("F.cross_entropy_probabilities", _loss_fn("cross_entropy"), _cross_entropy_probability_samples),
    OpInfo("F.kl_div", _loss_fn("kl_div"), _kl_div_samples),
    OpInfo("F.cosine_embedding_loss", lambda lib, a, b, t, **kw: F(lib).cosine_embedding_loss(a, b, t, **kw),
           _cosine_embedding_samples),
    # pad and distances
    OpInfo("F.pad", lambda lib, a, **kw: F(lib).pad(a, **kw), _pad_samples),
    OpInfo("F.normalize", lambda lib, a, **kw: F(lib).normalize(a, **kw), _normalize_samples),
    OpInfo("F.cosine_similarity", lambda lib, a, b, **kw: F(lib).cosine_similarity(a, b, **kw),
           _cosine_similarity_samples),
    OpInfo("F.pairwise_distance", lambda lib, a, b, **kw: F(lib).pairwise_distance(a, b, **kw),
           _pairwise_distance_samples),
]
