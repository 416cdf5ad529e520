"""Bit-exact replicas of torch's AVX2 float32 ``log256_ps`` and ``sincos256_ps``
(``avx_mathfun.h``, Cephes polynomials, with the multiply-adds the compiler fuses), which
torch's vectorised float32 normal kernel uses. Checked against the real functions on every
input the float32 sampler can produce (2**24 values)."""

import numpy as np

# torch's avx_mathfun.h (Cephes single-precision polynomials), as float32 constants.
_F32 = np.float32
_LOG_P = [_F32(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                             1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                             3.3333331174e-1)]
_LOG_Q1, _LOG_Q2 = _F32(-2.12194440e-4), _F32(0.693359375)
_SQRT_HALF = _F32(0.707106781186547524)
_DP1, _DP2, _DP3 = _F32(-0.78515625), _F32(-2.4187564849853515625e-4), _F32(-3.77489497744594108e-8)
_SIN_P = [_F32(c) for c in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)]
_COS_P = [_F32(c) for c in (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)]
_FOUR_OVER_PI = _F32(1.27323954473516)
_SIGN_BIT = np.int32(-2**31)


def _round_fma(t, y):
    """Finish a float32 fused multiply-add computed in float64 (``t = a * b + c``; the product
    of two floats is exact there): round ``t`` into the float32 array ``y``.
    Rounding twice (to float64, then float32) could in principle differ from one fma rounding;
    on the 2**24 inputs these kernels ever see it never does (checked against ``_fma.fma32``)."""
    np.copyto(y, t, casting="same_kind")
    return y


def log256(x):
    """torch's ``log256_ps`` (float32, x in (0, 1]): ``x = m 2**e`` with m in [sqrt(1/2),
    sqrt(2)), ``f = m - 1``, ``log x = f - f**2/2 + f**3 P(f) + e ln2`` with ln2 split in two
    parts. The compiler fuses the AVX2 code's multiply-adds; fused steps are computed in
    float64 (``t``) and rounded once (``_round_fma``)."""
    m, e = np.frexp(x)                                  # m in [0.5, 1)
    small = m < _SQRT_HALF                              # then use 2m and e - 1 (exact)
    f = m * (np.float32(1) + small) - np.float32(1)
    e = e.astype(np.float32) - small
    z = f * f
    f64 = f.astype(np.float64)
    t = f64 * np.float64(_LOG_P[0]) + np.float64(_LOG_P[1])
    y = t.astype(np.float32)
    for p in _LOG_P[2:]:                                # Horner: y = fma(y, f, p)
        np.multiply(y, f64, out=t)
        t += np.float64(p)
        _round_fma(t, y)
    y *= f
    np.multiply(y, z, out=t, dtype=np.float64)          # y = fma(y, z, e * q1)
    t += e * _LOG_Q1
    _round_fma(t, y)
    y -= z * np.float32(0.5)
    y += f
    y += e * _LOG_Q2
    return y


def sincos256(x):
    """torch's ``sincos256_ps`` (float32, x >= 0): ``j`` = the even integer nearest
    ``x 4/pi`` (via truncation), ``r = x - j pi/4`` (pi/4 in three parts, the last one fused),
    ``sin r = r + r**3 S(r**2)``, ``cos r = 1 - r**2/2 + r**4 C(r**2)`` (Cephes), swapped and
    negated by octant. Fused multiply-adds as in ``log256``. Returns ``(sin x, cos x)``."""
    j = (x * _FOUR_OVER_PI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    t = y.astype(np.float64) * np.float64(_DP3) + ((x + y * _DP1) + y * _DP2)
    r = t.astype(np.float32)
    z = r * r
    z64 = z.astype(np.float64)
    cos = _horner2(_COS_P, z64, t)
    cos *= z
    np.multiply(cos, z64, out=t)                        # cos = fma(cos * z, z, -z/2) + 1
    t -= z * np.float32(0.5)
    _round_fma(t, cos)
    cos += np.float32(1)
    sin = _horner2(_SIN_P, z64, t)
    sin *= z
    np.multiply(sin, r, out=t, dtype=np.float64)        # sin = fma(sin * z, r, r)
    t += r
    _round_fma(t, sin)
    # Octant fix-up on the bit patterns, as the AVX2 code does (no data-dependent branches):
    # swap the two results where bit 1 of j is set, then flip signs with bit 2 of j / j - 2.
    sin_bits, cos_bits = sin.view(np.int32), cos.view(np.int32)
    swap = (sin_bits ^ cos_bits) & ((j << 30) >> 31)
    sin_bits ^= swap
    cos_bits ^= swap
    sin_bits ^= (j << 29) & _SIGN_BIT
    cos_bits ^= (~(j - 2) << 29) & _SIGN_BIT
    return sin, cos


def _horner2(p, z64, t):
    """float32 ``fma(fma(p0, z, p1), z, p2)``, using ``t`` (float64) as scratch."""
    np.multiply(z64, np.float64(p[0]), out=t)
    t += np.float64(p[1])
    y = t.astype(np.float32)
    np.multiply(y, z64, out=t)
    t += np.float64(p[2])
    return _round_fma(t, y)
