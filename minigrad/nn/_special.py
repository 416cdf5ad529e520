"""The error function ``erf``, vectorised over arrays (NumPy has none; GELU needs it).

Two classical expansions, each used where it converges fast, both in float64:

  |x| <= 2.5:  erf(x) = 2/sqrt(pi) * e**-x**2 * x * sum_n c_n x**(2n),  c_n = 2**n / (1*3*5*...*(2n+1))
               (every term positive, so no cancellation; 35 terms reach float64 precision)
  |x| >  2.5:  erfc(x) = e**-x**2 / sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
               (the continued fraction, evaluated from the inside out with 40 levels)

Checked against ``math.erf`` to within a few float64 ulps.
"""
import math

import numpy as np

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SERIES = np.cumprod([1.0] + [2 / (2 * n + 1) for n in range(1, 35)]).tolist()  # c_0 .. c_34
_FRACTION_LEVELS, _SWITCH = 40, 2.5


def _erf_series(x):
    """The series by Horner's rule, in place (no temporaries per term: this is the hot loop)."""
    x2 = x * x
    total = np.full_like(x, _SERIES[-1])
    for c in reversed(_SERIES[:-1]):
        total *= x2
        total += c
    return _TWO_OVER_SQRT_PI * np.exp(-x2) * x * total


def _erfc_fraction(x):
    """erfc(x) for x > 2.5."""
    f = x.copy()
    for k in range(_FRACTION_LEVELS, 0, -1):
        np.divide(k / 2, f, out=f)
        f += x
    return _TWO_OVER_SQRT_PI / 2 * np.exp(-x * x) / f


def erf_array(x):
    """erf of every element of a float array, in its dtype (computed in float64)."""
    a = np.abs(x).astype(np.float64)
    out = np.empty_like(a)
    near = a <= _SWITCH
    far = ~near  # includes inf and nan (nan stays nan)
    if near.any():
        out[near] = _erf_series(a[near])
    if far.any():
        with np.errstate(over="ignore"):
            out[far] = 1 - _erfc_fraction(a[far])
    return (np.sign(x) * out).astype(x.dtype, copy=False)
