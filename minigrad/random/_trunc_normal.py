"""``torch.nn.init.trunc_normal_`` as torch 2.13 samples it: rejection sampling, either by
redrawing normals or by accepting uniform proposals."""

import math
import warnings

import numpy as np

from ._arguments import float_dtype
from ._normal import normal
from ._parallel import quiet
from ._uniform import uniform


@quiet
def trunc_normal(engine, shape, dtype, mean, std, a, b):
    """``torch.nn.init.trunc_normal_`` (torch 2.13: rejection sampling, no erfinv).

    If more than 30% of the normal's mass lies in [a, b]: draw ``normal(mean, std)`` and
    redraw a whole new tensor of normals for as long as any value lies outside [a, b],
    keeping new values only where needed. Otherwise propose uniforms on [a, b] and accept
    where ``log(u) <= -((x - mean) / std)**2 / 2 - log_peak`` (``u`` uniform on [0, 1))."""
    dtype = float_dtype(dtype, "normal_kernel_cpu")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.",
                      stacklevel=4)                 # the caller of Generator.trunc_normal
    mass = _normal_cdf((b - mean) / std) - _normal_cdf((a - mean) / std)
    if mass > 0.3:
        low, high = dtype.type(a), dtype.type(b)
        result = normal(engine, shape, dtype, mean, std)
        while True:
            outside = (result < low) | (result > high)
            if not outside.any():
                return result
            result = np.where(outside, normal(engine, shape, dtype, mean, std), result)
    return _trunc_normal_by_uniforms(engine, shape, dtype, mean, std, a, b)


def _trunc_normal_by_uniforms(engine, shape, dtype, mean, std, a, b):
    """The uniform-proposal branch of ``trunc_normal``; each step rounds in ``dtype``.

    Not bit-exact in one respect: torch takes ``log(u)`` with its own vectorised log,
    we with numpy's; they can differ in the last bit, which changes an accept/reject
    decision only if both sides of the comparison are within that bit."""
    mode = max(a, min(mean, b))
    log_peak = dtype.type(-0.5 * ((mode - mean) / std) ** 2)
    mean, std, half = dtype.type(mean), dtype.type(std), dtype.type(-0.5)

    def log_density(x):
        z = (x - mean) / std
        return (z * z) * half - log_peak

    def rejected(x):
        return np.log(uniform(engine, shape, dtype, 0.0, 1.0)) > log_density(x)

    result = uniform(engine, shape, dtype, a, b)
    pending = rejected(result)
    while pending.any():
        candidates = uniform(engine, shape, dtype, a, b)
        result = np.where(pending, candidates, result)
        pending = pending & rejected(candidates)
    return result


def _normal_cdf(x):
    """Standard normal CDF, as torch.nn.init computes it (``math.erf``)."""
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0
