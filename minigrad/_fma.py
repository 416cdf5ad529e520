"""``fma(a, b, c)``: ``a * b + c`` rounded once, as the fused multiply-add instruction of torch's
vectorised CPU kernels computes it (``add(x, y, alpha=)``, ``addcmul``, ``lerp``, the optimizers'
updates). Used by ``ops/arithmetic.py`` and ``optim/``.

torch's vectorised CPU kernels (AVX2, AVX512) compute those with a fused multiply-add: ``x + a * y`` is rounded *once*, where NumPy's ``x + a * y``
rounds the product and then the sum. The difference is the last bit of about 2% of the elements of
one SGD step, and it compounds along a float32 training trajectory. This module computes

    fma(a, b, c) = round(a * b + c)          (one rounding, ties to even)

exactly as the FMA instruction does (measured against torch: every element of every optimizer
step equal, vector body and scalar tail alike), for float32 and float64:

* float32: ``a * b`` of two float32 values is exact in float64; the sum ``a * b + c`` is rounded
  to float64 *to odd* (any inexact result gets an odd last bit), then to float32 -- rounding to odd
  with two or more spare bits and then to nearest gives the correctly rounded result (Boldo and
  Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using rounding to odd",
  IEEE Trans. Computers 2008). Narrower dtypes (float16) are rounded to float32 first, as torch's
  kernels compute them in float32.
* float64: there is no wider type, so the same paper's algorithm runs on error-free transforms:
  ``a * b = uh + ul`` exactly (Dekker's product), ``c + uh = th + tl`` exactly (Knuth's TwoSum),
  then ``round(th + round_to_odd(tl + ul))``. Exact unless a product or sum over/underflows
  (|values| above ~1e300 or below ~1e-290), where it falls back to the plain ``a * b + c``.

torch's *default* CPU kernels (a CPU without AVX2, or ``ATEN_CPU_CAPABILITY=default``) round twice
instead; minigrad follows the vectorised kernels, which every x86-64 CPU of the last decade runs.
"""
import numpy as np


def fma(a, b, c):
    """``a * b + c`` rounded once to ``c``'s dtype. ``b`` and ``c`` are arrays of one floating dtype
    and one shape, ``a`` an array like them or a number (a Python or
    NumPy scalar, rounded to that dtype first, as torch converts a Scalar ``alpha``/``value``/``weight``
    to the tensor's dtype)."""
    if c.ndim == 0:  # NumPy's arithmetic on 0-d arrays gives scalars, which cannot be written into
        return fma(a, b.reshape(1), c.reshape(1)).reshape(())
    dtype = c.dtype
    scalar = getattr(a, "ndim", 0) == 0
    a = dtype.type(a) if scalar else a
    if scalar and abs(a) == 1:  # the product is exact: one rounding anyway
        return c + b if a > 0 else c - b
    with np.errstate(over="ignore", invalid="ignore"):
        if dtype == np.float64:
            return _fma64(a, b, c)
        s = np.multiply(a, b, dtype=np.float64)  # exact: 24 + 24 bits < 53
        np.add(s, c, out=s)
        # Rounding s (the sum rounded to float64) to float32 is the single rounding of the exact
        # sum unless s fell exactly on a float32 tie or in float32's subnormal range: only there
        # (about 2**-28 of random values) the sum rounded to odd decides.
        bits = s.view(np.int64)
        suspect = np.flatnonzero(((bits & _LOW29) == _TIE29) | ((bits & _EXPONENT) < _FLOAT32_NORMAL))
        if suspect.size:
            a_s = a if scalar else a.reshape(-1)[suspect]
            p = np.multiply(a_s, b.reshape(-1)[suspect], dtype=np.float64)
            s.reshape(-1)[suspect] = _add_round_to_odd(p, c.reshape(-1)[suspect].astype(np.float64))
        return s.astype(np.float32).astype(dtype, copy=False)


_LOW29 = (1 << 29) - 1  # the float64 fraction bits below float32's precision
_TIE29 = 1 << 28  # ... when the value is halfway between two float32 values
_EXPONENT = 0x7FF << 52
_FLOAT32_NORMAL = (1023 - 126) << 52  # the float64 exponent field of 2**-126, float32's smallest normal


def _add_round_to_odd(x, y):
    """``x + y`` (float64 arrays) rounded to odd: the nearest float64 when exact, else the one of
    the two neighbours of the exact sum whose last bit is odd."""
    s = x + y
    bv = s - x
    err = (x - (s - bv)) + (y - bv)  # TwoSum: x + y == s + err exactly (when s is finite)
    inexact_even = (err != 0) & np.isfinite(err) & ((s.view(np.int64) & 1) == 0)
    return np.where(inexact_even, np.nextafter(s, np.copysign(np.inf, err)), s)


_SPLITTER = 134217729.0  # 2**27 + 1: Veltkamp's split of a float64 into two 26-bit halves


def _split(a):
    c = _SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def _fma64(a, b, c):
    """Correctly rounded ``a * b + c`` in float64 (Boldo and Melquiond's algorithm, see above)."""
    uh = a * b
    (ah, al), (bh, bl) = _split(a), _split(b)
    ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl  # Dekker: a * b == uh + ul exactly
    th = c + uh
    bv = th - c
    tl = (c - (th - bv)) + (uh - bv)  # TwoSum: c + uh == th + tl exactly
    z = th + _add_round_to_odd(tl, ul)
    return np.where(np.isfinite(z) & np.isfinite(_SPLITTER * a) & np.isfinite(_SPLITTER * b), z, uh + c)
