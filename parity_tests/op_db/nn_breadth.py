"""Registry entries for the breadth of ``nn.functional`` added for issue 15: glu, bilinear, rms_norm,
scaled_dot_product_attention, multi_head_attention_forward and the margin/likelihood losses
(minigrad/nn/_glu.py, _bilinear.py, _rms_norm.py, _attention.py, _margin_losses.py, ...).

Tolerances (float32; float64 scales them by 1e-5): these ops are short compositions whose terms are
O(1) for the sample values here, so the defaults (atol 1e-5, rtol 1e-4: ~100 ulps of eps32 = 1.2e-7)
hold, except where a reduction of k terms is noted next to the entry.
"""
import numpy as np

import minigrad.nn  # noqa: F401 - makes ``minigrad.nn`` reachable as ``lib.nn``

from . import OpInfo, Sample, Rng


def F(lib):  # noqa: N802 - reads like torch's ``F``
    return lib.nn.functional


def _glu_samples(dtype):
    rng = Rng(60)
    for shape, dim in (((3, 4), -1), ((4, 3), 0), ((2, 6, 3), 1), ((2,), 0), ((2, 0, 4), -1)):
        yield Sample([rng.normal(shape, dtype, 2.0)], {"dim": dim})


def _bilinear_samples(dtype):
    rng = Rng(61)
    for lead in ((3,), (2, 3), ()):
        yield Sample([rng.normal(lead + (4,), dtype), rng.normal(lead + (5,), dtype), rng.normal((2, 4, 5), dtype),
                      rng.normal((2,), dtype)])
        yield Sample([rng.normal(lead + (4,), dtype), rng.normal(lead + (5,), dtype), rng.normal((3, 4, 5), dtype),
                      None])


def _rms_norm_samples(dtype):
    rng = Rng(62)
    yield Sample([rng.normal((4, 5), dtype), rng.positive((5,), dtype)], {"normalized_shape": (5,)})
    yield Sample([rng.normal((2, 3, 4), dtype), rng.normal((3, 4), dtype)], {"normalized_shape": [3, 4], "eps": 1e-3})
    yield Sample([rng.normal((3, 6), dtype), None], {"normalized_shape": (6,)})
    yield Sample([rng.normal((2, 3, 4), dtype), None], {"normalized_shape": (2, 3, 4), "eps": 0.5})


def _bool_mask(rng, shape):
    """True = attend (the sdpa convention); column 0 stays True so no row is masked everywhere."""
    mask = rng.r.random(shape) < 0.6
    mask[..., 0] = True
    return mask


def _sdpa_math_samples(dtype):
    """3-d inputs (and GQA-free head broadcasting) run torch's math path."""
    rng = Rng(63)
    q, k, v = (3, 4, 5), (3, 6, 5), (3, 6, 7)
    yield Sample([rng.normal(q, dtype), rng.normal(k, dtype), rng.normal(v, dtype)])
    yield Sample([rng.normal(q, dtype), rng.normal(k, dtype), rng.normal(v, dtype)], {"is_causal": True})
    yield Sample([rng.normal(q, dtype), rng.normal(k, dtype), rng.normal(v, dtype), _bool_mask(rng, (4, 6))])
    yield Sample([rng.normal(q, dtype), rng.normal(k, dtype), rng.normal(v, dtype), rng.normal((3, 4, 6), dtype)],
                 {"scale": 0.3})
    yield Sample([rng.normal(q, dtype), rng.normal(k, dtype), rng.normal(v, dtype), rng.normal((4, 6), dtype)],
                 {"scale": -0.7}, grad=[True, True, True, False])
    # a query row masked everywhere gives zeros (torch's _safe_softmax), and no nan in any gradient
    mask = _bool_mask(rng, (4, 6))
    mask[2] = False
    yield Sample([rng.normal(q, dtype), rng.normal(k, dtype), rng.normal(v, dtype), mask])
    # 4-d with one key/value head broadcast over 3 query heads (no enable_gqa): math path
    yield Sample([rng.normal((2, 3, 4, 5), dtype), rng.normal((2, 1, 6, 5), dtype), rng.normal((2, 1, 6, 5), dtype)])
    yield Sample([rng.normal((4, 5), dtype), rng.normal((6, 5), dtype), rng.normal((6, 5), dtype)])


def _sdpa_flash_samples(dtype):
    """4-d inputs without dropout run torch's fused CPU kernel (the flash op)."""
    rng = Rng(64)
    q, kv = (2, 3, 4, 5), (2, 3, 6, 5)
    yield Sample([rng.normal(q, dtype), rng.normal(kv, dtype), rng.normal(kv, dtype)])
    yield Sample([rng.normal(q, dtype), rng.normal(kv, dtype), rng.normal(kv, dtype)], {"is_causal": True})
    yield Sample([rng.normal(q, dtype), rng.normal(kv, dtype), rng.normal(kv, dtype), _bool_mask(rng, (4, 6))])
    yield Sample([rng.normal(q, dtype), rng.normal(kv, dtype), rng.normal(kv, dtype),
                  rng.normal((2, 1, 4, 6), dtype)], {"scale": 0.2}, grad=[True, True, True, False])
    yield Sample([rng.normal((2, 4, 4, 5), dtype), rng.normal((2, 2, 6, 5), dtype), rng.normal((2, 2, 6, 5), dtype)],
                 {"enable_gqa": True, "is_causal": True})


def _sdpa(lib, q, k, v, attn_mask=None, **kwargs):
    return F(lib).scaled_dot_product_attention(q, k, v, attn_mask, **kwargs)


def _mha_samples(need_weights):
    """(query, key, value, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias) with E = 6, 2 heads."""
    def samples(dtype):
        rng = Rng(65)
        def weights():
            return [rng.normal((18, 6), dtype, 0.5), rng.normal((18,), dtype), rng.normal((6, 6), dtype, 0.5),
                    rng.normal((6,), dtype)]
        yield Sample([rng.normal((4, 2, 6), dtype), rng.normal((5, 2, 6), dtype), rng.normal((5, 2, 6), dtype),
                      *weights()], {"need_weights": need_weights})
        kpm = rng.r.random((2, 5)) < 0.4
        kpm[:, 0] = False
        yield Sample([rng.normal((4, 2, 6), dtype), rng.normal((5, 2, 6), dtype), rng.normal((5, 2, 6), dtype),
                      *weights()], {"need_weights": need_weights, "key_padding_mask": kpm,
                                    "attn_mask": ~_bool_mask(rng, (4, 5))})  # True = masked here
        yield Sample([rng.normal((4, 6), dtype), rng.normal((5, 6), dtype), rng.normal((5, 6), dtype), *weights()],
                     {"need_weights": need_weights, "average_attn_weights": False})
        yield Sample([rng.normal((3, 2, 6), dtype), rng.normal((3, 2, 6), dtype), rng.normal((3, 2, 6), dtype),
                      *weights()], {"need_weights": need_weights, "bias_kv": (rng.normal((1, 1, 6), dtype),
                                                                              rng.normal((1, 1, 6), dtype)),
                                    "add_zero_attn": True})
    return samples


def _mha(which):
    """multi_head_attention_forward's output (which = 0) or attention weights (which = 1)."""
    def fn(lib, q, k, v, in_w, in_b, out_w, out_b, bias_kv=(None, None), add_zero_attn=False, **kwargs):
        # the masks and bias_k/bias_v live on the inputs' device
        kwargs = {k: lib.tensor(a, device=q.device) if isinstance(a, np.ndarray) else a for k, a in kwargs.items()}
        bias_k, bias_v = (None if b is None else lib.tensor(b, device=q.device) for b in bias_kv)
        return F(lib).multi_head_attention_forward(q, k, v, 6, 2, in_w, in_b, bias_k, bias_v, add_zero_attn, 0.0,
                                                   out_w, out_b, **kwargs)[which]
    return fn


# --- losses: every reduction; values kept off the hinges' kinks ------------------------------------------------
REDUCTIONS = ("mean", "sum", "none")


def _signs(rng, shape):
    return np.where(rng.r.random(shape) < 0.5, -1.0, 1.0)


def _margin_ranking_samples(dtype):
    rng = Rng(70)
    for reduction in REDUCTIONS:
        for shape, margin in (((5,), 0.0), ((2, 3), 0.5)):
            yield Sample([rng.normal(shape, dtype), rng.normal(shape, dtype), _signs(rng, shape).astype(dtype)],
                         {"margin": margin, "reduction": reduction}, grad=[True, True, False])


def _hinge_samples(dtype):
    rng = Rng(71)
    for reduction in REDUCTIONS:
        yield Sample([rng.away_from_zero((3, 4), dtype), _signs(rng, (3, 4)).astype(dtype)],
                     {"reduction": reduction}, grad=[True, False])
        yield Sample([rng.uniform((5,), dtype, 0.1, 0.8), _signs(rng, (5,)).astype(dtype)],
                     {"reduction": reduction, "margin": 0.5}, grad=[True, False])


def _soft_margin_samples(dtype):
    rng = Rng(72)
    for reduction in REDUCTIONS:
        for shape in ((3, 4), (5,), ()):
            yield Sample([rng.normal(shape, dtype, 2.0), _signs(rng, shape).astype(dtype)], {"reduction": reduction},
                         grad=[True, False])  # torch: "not differentiable with respect to argument 'target'"


def _multilabel_soft_margin_samples(dtype):
    rng = Rng(73)
    for reduction in REDUCTIONS:
        yield Sample([rng.normal((3, 4), dtype), (rng.r.random((3, 4)) < 0.5).astype(dtype), None],
                     {"reduction": reduction}, grad=[True, False, False])
        yield Sample([rng.normal((3, 4), dtype), rng.uniform((3, 4), dtype, 0, 1), rng.positive((4,), dtype)],
                     {"reduction": reduction})


def _class_scores(rng, shape, dtype):
    """Scores whose pairwise differences are multiples of 0.25 offset by 0.125, so no margin term
    margin - x[y] + x[i] (margin 1 or 0.5) sits on its kink at 0."""
    return (rng.integers(-6, 6, shape) * 0.25 + 0.125 * (rng.r.random(shape) < 2)).astype(dtype) + \
        (np.arange(shape[-1]) * 0.01).astype(dtype)


def _multi_margin_samples(dtype):
    rng = Rng(74)
    for reduction in REDUCTIONS:
        for p in (1, 2):
            yield Sample([_class_scores(rng, (4, 5), dtype), rng.integers(0, 5, (4,)), None],
                         {"p": p, "reduction": reduction})
        yield Sample([_class_scores(rng, (4, 5), dtype), rng.integers(0, 5, (4,)), rng.positive((5,), dtype)],
                     {"margin": 0.5, "reduction": reduction}, grad=[True, False, False])
    yield Sample([_class_scores(rng, (5,), dtype), np.array(2), None], {})
    yield Sample([_class_scores(rng, (5,), dtype), np.array([3]), None], {"p": 2})


def _multilabel_margin_samples(dtype):
    rng = Rng(75)
    target = np.array([[3, 0, -1, 1, 2], [1, 1, 4, -1, -1], [-1, 2, 3, 0, 0], [0, 1, 2, 3, 4]])
    for reduction in REDUCTIONS:
        yield Sample([_class_scores(rng, (4, 5), dtype), target], {"reduction": reduction})
    yield Sample([_class_scores(rng, (5,), dtype), np.array([4, 2, -1, 0, 0])], {})


def _triplet_samples(dtype):
    rng = Rng(76)
    for reduction in REDUCTIONS:
        for kw in ({}, {"margin": 0.5, "p": 1.0}, {"swap": True}, {"p": 3.0, "eps": 1e-3}):
            yield Sample([rng.normal((4, 3), dtype), rng.normal((4, 3), dtype), rng.normal((4, 3), dtype)],
                         {"reduction": reduction, **kw})
    yield Sample([rng.normal((3,), dtype), rng.normal((3,), dtype), rng.normal((3,), dtype)], {"margin": 2.0})


def _triplet_distance(lib, a, p, n, cosine=False, **kw):
    if cosine:
        kw["distance_function"] = lambda x, y: 1 - F(lib).cosine_similarity(x, y)
    return F(lib).triplet_margin_with_distance_loss(a, p, n, **kw)


def _triplet_distance_samples(dtype):
    rng = Rng(77)
    for reduction in REDUCTIONS:
        for kw in ({}, {"swap": True, "margin": 0.3}, {"cosine": True, "margin": 0.5}):
            yield Sample([rng.normal((4, 3), dtype), rng.normal((4, 3), dtype), rng.normal((4, 3), dtype)],
                         {"reduction": reduction, **kw})


def _poisson_samples(dtype):
    rng = Rng(78)
    for reduction in REDUCTIONS:
        yield Sample([rng.normal((3, 4), dtype), rng.integers(0, 5, (3, 4)).astype(dtype)],
                     {"reduction": reduction}, grad=[True, False])
        yield Sample([rng.positive((3, 4), dtype), rng.integers(0, 5, (3, 4)).astype(dtype)],
                     {"reduction": reduction, "log_input": False}, grad=[True, False])
        yield Sample([rng.normal((5,), dtype), rng.positive((5,), dtype, 0.5, 4.0)],
                     {"reduction": reduction, "full": True})


def _gaussian_samples(dtype):
    rng = Rng(79)
    for reduction in REDUCTIONS:
        yield Sample([rng.normal((3, 4), dtype), rng.normal((3, 4), dtype), rng.positive((3, 4), dtype)],
                     {"reduction": reduction})
        yield Sample([rng.normal((3, 4), dtype), rng.normal((3, 4), dtype), rng.positive((3,), dtype)],
                     {"reduction": reduction, "full": True})


def _gaussian_clamped_samples(dtype):
    """Variances below ``eps`` are clamped outside the graph, so var's gradient is that of the unclamped
    formula there (as in torch): compared with torch only, not with finite differences."""
    rng = Rng(80)
    for reduction in REDUCTIONS:
        yield Sample([rng.normal((2, 3, 4), dtype), rng.normal((2, 3, 4), dtype), rng.positive((2, 1, 4), dtype)],
                     {"reduction": reduction, "eps": 0.6})


def _channel_shuffle_samples(dtype):
    rng = Rng(81)
    for shape, groups in (((2, 6, 3), 3), ((2, 6, 3), 2), ((1, 4, 2, 2), 4), ((1, 4, 2, 1, 2), 2), ((2, 5, 1), 1)):
        yield Sample([rng.normal(shape, dtype)], {"groups": groups})


def _pdist_samples(dtype):
    rng = Rng(82)
    for p in (2, 1, 3, 1.5, 0, float("inf")):
        yield Sample([rng.normal((5, 3), dtype)], {"p": p})
    yield Sample([rng.normal((1, 3), dtype)], {})  # one row: no pairs
    yield Sample([rng.normal((3, 1), dtype)], {"p": 2})


def _local_response_norm_samples(dtype):
    rng = Rng(83)
    for shape, kw in (((2, 6, 3), {"size": 3}), ((2, 5, 3), {"size": 2, "alpha": 0.5, "beta": 0.6, "k": 2.0}),
                      ((1, 4, 2, 3), {"size": 5, "alpha": 1.0}), ((1, 4, 2, 2, 2), {"size": 3, "alpha": 0.3})):
        yield Sample([rng.normal(shape, dtype)], kw)


def _seeded(name, **fixed):
    """``F.<name>`` right after ``manual_seed(0)``: a random op made a deterministic function of its input,
    so forward, gradients and finite differences see the same draws in both libraries."""
    def fn(lib, a, **kw):
        lib.manual_seed(0)
        return getattr(F(lib), name)(a * 1 if kw.get("inplace") else a, **fixed, **kw)
    return fn


def _random_op_samples(dtype):
    rng = Rng(84)
    for shape in ((3, 4), (2, 3, 5), (6,)):
        yield Sample([rng.away_from_zero(shape, dtype)])
    yield Sample([rng.away_from_zero((2, 3), dtype)], {"inplace": True})


def _gumbel_samples(dtype):
    rng = Rng(85)
    yield Sample([rng.normal((3, 4), dtype)])
    yield Sample([rng.normal((2, 3, 4), dtype)], {"tau": 0.5, "dim": 1})


def _gumbel_hard_samples(dtype):
    """hard=True: a one-hot forward with the soft sample's gradient (straight-through), deliberately not
    the derivative of the forward, so compared with torch only, not with finite differences."""
    rng = Rng(86)
    yield Sample([rng.normal((3, 5), dtype)], {"hard": True})
    yield Sample([rng.normal((2, 3, 4), dtype)], {"hard": True, "dim": 0, "tau": 2.0})


def _embedding_bag_samples(dtype):
    rng = Rng(87)
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 0, 5])
    for mode in ("sum", "mean", "max"):
        yield Sample([idx, rng.normal((6, 3), dtype), np.array([0, 2, 2, 5]), None], {"mode": mode})
        yield Sample([idx.reshape(3, 3), rng.normal((6, 3), dtype), None, None], {"mode": mode, "padding_idx": 4})
        yield Sample([idx, rng.normal((6, 3), dtype), np.array([0, 3, 7, 9]), None],
                     {"mode": mode, "include_last_offset": True, "padding_idx": -1})
    yield Sample([idx, rng.normal((6, 3), dtype), np.array([0, 4]), rng.normal((9,), dtype)], {"mode": "sum"})
    yield Sample([idx.reshape(3, 3), rng.normal((6, 3), dtype), None, rng.normal((3, 3), dtype)],
                 {"mode": "sum", "padding_idx": 2})


def _embedding_bag_freq_samples(dtype):
    """scale_grad_by_freq changes the gradient on purpose (compared with torch only)."""
    rng = Rng(88)
    for mode in ("sum", "mean"):
        for idx in ([1, 1, 4, 1, 4, 3], [0, 2, 2, 5], [2, 2, 3, 3, 3, 1, 0]):
            yield Sample([np.array(idx), rng.normal((6, 3), dtype), np.array([0, 2]), None],
                         {"mode": mode, "scale_grad_by_freq": True})


def _embedding_bag(lib, idx, weight, offsets, psw, **kw):
    return F(lib).embedding_bag(idx, weight, offsets, per_sample_weights=psw, **kw)


def _ctc_samples(dtype):
    """Raw scores (T=6, N=3, C=5); the entry applies log_softmax, through which torch's CTC gradient is
    the true derivative (see minigrad/nn/_ctc_loss.py)."""
    rng = Rng(89)
    padded = np.array([[1, 2, 2], [3, 1, 0], [0, 0, 2]])
    for reduction in REDUCTIONS:
        yield Sample([rng.normal((6, 3, 5), dtype), padded, (6, 5, 6), (3, 2, 3)], {"reduction": reduction})
    yield Sample([rng.normal((6, 3, 5), dtype), np.array([1, 2, 2, 3, 1, 4]), (6, 5, 4), (3, 2, 1)], {"blank": 0})
    yield Sample([rng.normal((6, 3, 5), dtype), np.array([[1, 1, 1], [3, 1, 0], [0, 0, 2]]), (5, 6, 3), (3, 2, 0)],
                 {"blank": 2, "reduction": "none"})
    yield Sample([rng.normal((6, 3, 5), dtype), padded, (2, 2, 6), (3, 2, 3)], {"zero_infinity": True})
    yield Sample([rng.normal((6, 5), dtype), np.array([1, 3, 3]), (6,), (3,)], {})


def _ctc(lib, scores, targets, input_lengths, target_lengths, **kw):
    return F(lib).ctc_loss(scores.log_softmax(-1), targets, input_lengths, target_lengths, **kw)


def _linear_cross_entropy_samples(dtype):
    rng = Rng(90)
    yield Sample([rng.normal((4, 3), dtype), rng.normal((5, 3), dtype), rng.integers(0, 5, (4,)), None], {})
    yield Sample([rng.normal((4, 3), dtype), rng.normal((5, 3), dtype), np.array([0, 4, -100, 2]),
                  rng.normal((5,), dtype)], {"reduction": "sum", "label_smoothing": 0.2})
    yield Sample([rng.normal((3,), dtype), rng.normal((5, 3), dtype), np.array(3), None], {"reduction": "none"})
    yield Sample([rng.normal((4, 3), dtype), rng.normal((5, 2, 3), dtype), rng.integers(0, 5, (4, 2)),
                  rng.normal((5, 2), dtype)], {"ignore_index": 1})
    yield Sample([rng.normal((4, 3), dtype), rng.normal((5, 3), dtype), rng.uniform((4, 5), dtype, 0, 1), None],
                 {}, grad=[True, True, False, False])


def _linear_cross_entropy(lib, x, w, target, bias, **kw):
    return F(lib).linear_cross_entropy(x, w, target, linear_bias=bias, **kw)


def _affine_grid_samples(dtype):
    rng = Rng(91)
    for size, align in (((2, 3, 4, 5), False), ((2, 1, 3, 3), True), ((1, 2, 1, 4), False)):
        yield Sample([rng.normal((size[0], 2, 3), dtype)], {"size": size, "align_corners": align})
    yield Sample([rng.normal((2, 3, 4), dtype)], {"size": (2, 1, 2, 3, 4), "align_corners": True})


def _grid_sample_samples(dtype):
    """Positions drawn off the pixel grid (the bilinear weights have kinks at whole pixels), some outside
    [-1, 1] to exercise each padding mode."""
    rng = Rng(92)
    for mode in ("bilinear", "nearest", "bicubic"):
        for padding_mode in ("zeros", "border", "reflection"):
            for align in (False, True):
                yield Sample([rng.normal((2, 3, 4, 5), dtype), rng.uniform((2, 3, 6, 2), dtype, -1.3, 1.3)],
                             {"mode": mode, "padding_mode": padding_mode, "align_corners": align})
    yield Sample([rng.normal((1, 2, 1, 3), dtype), rng.uniform((1, 2, 2, 2), dtype, -1, 1)],
                 {"padding_mode": "reflection", "align_corners": True})  # a single row folds to itself


def _loss(name):
    return lambda lib, *args, **kw: getattr(F(lib), name)(*args, **kw)


OPS = [
    OpInfo("F.glu", lambda lib, a, **kw: F(lib).glu(a, **kw), _glu_samples),
    # each output sums in1*in2 = 20 products of O(1) terms: 20 * eps32 * sum|terms| stays below atol 1e-4
    OpInfo("F.bilinear", lambda lib, *args: F(lib).bilinear(*args), _bilinear_samples, atol=1e-4, rtol=1e-4),
    OpInfo("F.rms_norm", lambda lib, x, w, normalized_shape, **kw: F(lib).rms_norm(x, normalized_shape, w, **kw),
           _rms_norm_samples),
    # scores sum E = 5 products, outputs S = 6 weighted values: a few eps32 of O(1) terms
    OpInfo("F.scaled_dot_product_attention", _sdpa, _sdpa_math_samples),
    # torch's fused CPU kernel has no double backward ("derivative ... is not implemented"); minigrad's
    # is checked against finite differences in test_nn_breadth.py
    OpInfo("F.scaled_dot_product_attention.flash", _sdpa, _sdpa_flash_samples, supports_gradgrad=False),
    # three chained projections/contractions of <= 18 O(1) terms each: atol 1e-4 (~ 3 * 18 * eps32 * |terms|)
    OpInfo("F.multi_head_attention_forward", _mha(0), _mha_samples(True), atol=1e-4),
    OpInfo("F.multi_head_attention_forward.weights", _mha(1), _mha_samples(True), atol=1e-4),
    OpInfo("F.margin_ranking_loss", _loss("margin_ranking_loss"), _margin_ranking_samples),
    OpInfo("F.hinge_embedding_loss", _loss("hinge_embedding_loss"), _hinge_samples),
    OpInfo("F.soft_margin_loss", _loss("soft_margin_loss"), _soft_margin_samples),
    OpInfo("F.multilabel_soft_margin_loss", lambda lib, x, t, w, **kw: F(lib).multilabel_soft_margin_loss(
        x, t, weight=w, **kw), _multilabel_soft_margin_samples),
    # torch's multi_margin/multilabel_margin kernels have no double backward
    OpInfo("F.multi_margin_loss", lambda lib, x, t, w, **kw: F(lib).multi_margin_loss(x, t, weight=w, **kw),
           _multi_margin_samples, supports_gradgrad=False),
    OpInfo("F.multilabel_margin_loss", _loss("multilabel_margin_loss"), _multilabel_margin_samples,
           supports_gradgrad=False),
    OpInfo("F.triplet_margin_loss", _loss("triplet_margin_loss"), _triplet_samples),
    OpInfo("F.triplet_margin_with_distance_loss", _triplet_distance, _triplet_distance_samples),
    OpInfo("F.poisson_nll_loss", _loss("poisson_nll_loss"), _poisson_samples),
    OpInfo("F.gaussian_nll_loss", _loss("gaussian_nll_loss"), _gaussian_samples),
    OpInfo("F.gaussian_nll_loss.clamped_var", _loss("gaussian_nll_loss"), _gaussian_clamped_samples,
           supports_gradcheck=False),
    OpInfo("F.channel_shuffle", lambda lib, a, **kw: F(lib).channel_shuffle(a, **kw), _channel_shuffle_samples),
    # torch defines no derivative (backward raises; test_nn_breadth.py checks the error)
    OpInfo("F.native_channel_shuffle", lambda lib, a, **kw: F(lib).native_channel_shuffle(a, **kw),
           lambda dtype: (Sample(s.inputs, s.kwargs, grad=[False]) for s in _channel_shuffle_samples(dtype)),
           supports_grad=False),
    # torch has no double backward for pdist ("the derivative for '_pdist_backward' is not implemented")
    OpInfo("F.pdist", lambda lib, a, **kw: F(lib).pdist(a, **kw), _pdist_samples, supports_gradgrad=False),
    OpInfo("F.local_response_norm", lambda lib, a, **kw: F(lib).local_response_norm(a, **kw),
           _local_response_norm_samples),
    OpInfo("F.rrelu", _seeded("rrelu"), _random_op_samples),
    OpInfo("F.rrelu.training", _seeded("rrelu", training=True, lower=0.1, upper=0.6), _random_op_samples),
    OpInfo("F.alpha_dropout", _seeded("alpha_dropout", p=0.4, training=True), _random_op_samples),
    OpInfo("F.feature_alpha_dropout", _seeded("feature_alpha_dropout", p=0.5, training=True),
           lambda dtype: (s for s in _random_op_samples(dtype) if len(s.inputs[0].shape) >= 2)),
    OpInfo("F.gumbel_softmax", _seeded("gumbel_softmax"), _gumbel_samples),
    OpInfo("F.gumbel_softmax.hard", _seeded("gumbel_softmax"), _gumbel_hard_samples, supports_gradcheck=False),
    # torch's embedding_bag backward is not differentiable again (its gradient is linear in g)
    OpInfo("F.embedding_bag", _embedding_bag, _embedding_bag_samples, supports_gradgrad=False),
    OpInfo("F.embedding_bag.scale_grad_by_freq", _embedding_bag, _embedding_bag_freq_samples,
           supports_gradgrad=False, supports_gradcheck=False),
    # torch's CTC backward is not differentiable again; alpha/beta sums over <= 6 frames in float64 inside
    OpInfo("F.ctc_loss", _ctc, _ctc_samples, supports_gradgrad=False),
    OpInfo("F.linear_cross_entropy", _linear_cross_entropy, _linear_cross_entropy_samples),
    OpInfo("F.affine_grid", lambda lib, theta, **kw: F(lib).affine_grid(theta, **kw), _affine_grid_samples),
    # torch's grid_sampler_2d backward is not differentiable again; bicubic sums 16 taps of weights <= 1.2 on
    # O(1) values: 16 * eps32 * sum|terms| ~ 1e-5, the default atol
    OpInfo("F.grid_sample", lambda lib, x, grid, **kw: F(lib).grid_sample(x, grid, **kw), _grid_sample_samples,
           supports_gradgrad=False),
    OpInfo("F.multi_head_attention_forward.sdpa", _mha(0), _mha_samples(False), atol=1e-4, supports_gradgrad=False),
]
