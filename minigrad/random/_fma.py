"""Fused multiply-adds (``a * b + c`` with one rounding, as the C compiler emits them) in
numpy, built from error-free transformations: Dekker's product, Knuth's sum, round-to-odd."""

import math
from fractions import Fraction

import numpy as np


def two_prod(a, b):
    """``a * b == p + e`` exactly (Dekker's product with Veltkamp's 27-bit split)."""
    p = a * b
    a_split = a * 134217729.0
    a_hi = a_split - (a_split - a)
    a_lo = a - a_hi
    b_split = b * 134217729.0
    b_hi = b_split - (b_split - b)
    b_lo = b - b_hi
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def two_sum(a, b):
    """``a + b == s + t`` exactly (Knuth's TwoSum)."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def round_odd(s, error):
    """Round-to-odd of ``s + error`` where ``s`` is the nearest float: an inexact result
    with an even last bit moves one ulp towards ``error`` (its odd neighbour). Rounding a
    round-to-odd value to a narrower format is then correct (Boldo and Melquiond).
    On the bit pattern, one ulp towards ``error`` is +1 when ``error`` has the sign of ``s``
    (away from zero) and -1 otherwise. Infinite ``s`` (NaN error) is left alone."""
    bits = s.view(np.int64)
    towards = np.where((error > 0) == (s > 0), 1, -1)
    inexact = (error != 0) & (np.abs(error) < np.inf)
    step = np.where(inexact & ((bits & 1) == 0), towards, 0)
    return (bits + step).view(np.float64)


def fma64(a, b, c):
    """float64 ``a * b + c`` with one rounding (the C compiler's fused multiply-add), for any
    inputs: ``fma64_in_range``; elements with an infinite or NaN input follow IEEE
    arithmetic, and the rare ones whose product is subnormal or huge (where Dekker's split
    is inexact) are redone in exact rational arithmetic."""
    if np.ndim(b) == 0 and b == 1:
        return np.asarray(a, np.float64) + c
    a, b, c = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64),
                                  np.asarray(c, np.float64))
    with np.errstate(over="ignore", invalid="ignore"):      # those elements are redone
        out = np.array(fma64_in_range(a, b, c))
        product = np.abs(a * b)
        finite = np.isfinite(a) & np.isfinite(b) & np.isfinite(c)
        out[~finite] = (a * b + c)[~finite]
    extreme = finite & (a != 0) & (b != 0) & ((product < 2.0**-969) | (product > 2.0**995) |
                                              (np.abs(a) > 2.0**995) | (np.abs(b) > 2.0**995))
    for index in zip(*np.nonzero(extreme), strict=True):
        exact = Fraction(float(a[index])) * Fraction(float(b[index])) + Fraction(float(c[index]))
        try:
            out[index] = float(exact)       # correctly rounded, subnormals included
        except OverflowError:
            out[index] = math.inf if exact > 0 else -math.inf
    return out


def fma64_in_range(a, b, c):
    """float64 ``a * b + c`` with one rounding: ``p + e = a * b`` and ``s + t = p + c``
    exactly, then ``s + round_to_odd(t + e)`` (Boldo and Melquiond). Exact unless the
    product is subnormal or beyond 2**995 (never the case in the libm replicas)."""
    a, b, c = np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64)
    p, e = two_prod(a, b)
    s, t = two_sum(p, c)
    correction = round_odd(*two_sum(t, e))
    return np.where(correction == 0, s, s + correction)     # keeps the sign of a zero s


def fma32(a, b, c):
    """float32 ``a * b + c`` with one rounding: the product of two floats is exact in
    float64; round the float64 sum to odd, then to float32."""
    if np.all(b == 1):
        return a + np.float32(c)
    s = round_odd(*two_sum(a.astype(np.float64) * np.float64(b), np.float64(c)))
    return s.astype(np.float32)
