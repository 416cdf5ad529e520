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
        weights = lambda: [rng.normal((18, 6), dtype, 0.5), rng.normal((18,), dtype), rng.normal((6, 6), dtype, 0.5),  # noqa: E731
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
        kwargs = {k: lib.tensor(a) if isinstance(a, np.ndarray) else a for k, a in kwargs.items()}
        bias_k, bias_v = (None if b is None else lib.tensor(b) for b in bias_kv)
        return F(lib).multi_head_attention_forward(q, k, v, 6, 2, in_w, in_b, bias_k, bias_v, add_zero_attn, 0.0,
                                                   out_w, out_b, **kwargs)[which]
    return fn


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
    OpInfo("F.multi_head_attention_forward.sdpa", _mha(0), _mha_samples(False), atol=1e-4, supports_gradgrad=False),
]
