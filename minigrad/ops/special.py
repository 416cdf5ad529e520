"""The error function family: erf, erfc, erfinv (NumPy has none; SciPy is not a dependency).

Evaluated in float64 and rounded once to the input's dtype:
  * erf(x) for |x| < 2.5: the series 2/sqrt(pi) * e^(-x^2) * sum_n (2x^2)^n x / (1*3*...*(2n+1)),
    whose terms are all positive (no cancellation) and fall below 1e-17 of the sum by n = 70;
  * erfc(x) for |x| >= 2.5: Laplace's continued fraction
    e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), 60 levels, evaluated from the
    bottom up (Abramowitz & Stegun 7.1.14); erfc = 1 - erf elsewhere, erf = 1 - erfc here;
  * erfinv(y): Winitzki's closed-form guess (relative error < 2e-3), then three Halley steps on
    erf(x) = y (cubic convergence: 2e-3 -> 1e-8 -> 1e-24).
Derivatives as in torch's derivatives.yaml: d erf = 2/sqrt(pi) e^(-x^2), d erfc = -that,
d erfinv(y) = sqrt(pi)/2 * e^(erfinv(y)^2).
"""
import math

import numpy as np

from ..autograd.function import BuiltinFunction
from .unary import _floating

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SWITCH = 2.5


def _erf_series(x):
    x2 = x * x
    term, total = x, x
    for n in range(1, 71):
        term = term * (2 * x2) / (2 * n + 1)
        total = total + term
    return _TWO_OVER_SQRT_PI * np.exp(-x2) * total


def _erfc_fraction(x):
    """erfc(x) for x >= _SWITCH (the continued fraction converges fast there)."""
    f = x
    for k in range(60, 0, -1):
        f = x + (k / 2) / f
    return np.exp(-x * x) / (math.sqrt(math.pi) * f)


def _erf64(x):
    ax = np.abs(x)
    small = ax < _SWITCH
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        inner = _erf_series(np.where(small, x, 0.0))
        outer = np.sign(x) * (1 - _erfc_fraction(np.where(small, _SWITCH, ax)))
    return np.where(small, inner, np.where(np.isnan(x), x, outer))


def _erfc64(x):
    ax = np.abs(x)
    small = ax < _SWITCH
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        inner = 1 - _erf_series(np.where(small, x, 0.0))
        tail = _erfc_fraction(np.where(small, _SWITCH, ax))
    outer = np.where(x > 0, tail, 2 - tail)
    return np.where(small, inner, np.where(np.isnan(x), x, outer))


def _erfinv64(y):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = 0.147
        log_term = np.log((1 - y) * (1 + y))
        first = 2 / (math.pi * a) + log_term / 2
        x = np.sign(y) * np.sqrt(np.sqrt(first * first - log_term / a) - first)
        inside = np.abs(y) < 1
        x = np.where(inside, x, 0.0)
        for _ in range(3):
            u = (_erf64(x) - y) / (_TWO_OVER_SQRT_PI * np.exp(-x * x))
            x = x - u / (1 + x * u)
    edge = np.where(np.abs(y) == 1, np.where(y > 0, np.inf, -np.inf), np.nan)
    return np.where(inside, x, edge)


def _in_float64(fn, a):
    x = _floating(a)
    return fn(x.astype(np.float64)).astype(x.dtype)


class Erf(BuiltinFunction):
    """d erf(a)/da = g * 2/sqrt(pi) * e^(-a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _in_float64(_erf64, a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * _TWO_OVER_SQRT_PI * (-(a * a)).exp()


class Erfc(BuiltinFunction):
    """d erfc(a)/da = -g * 2/sqrt(pi) * e^(-a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _in_float64(_erfc64, a)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * -_TWO_OVER_SQRT_PI * (-(a * a)).exp()


class Erfinv(BuiltinFunction):
    """d erfinv(a)/da = g * sqrt(pi)/2 * e^(out^2)"""

    @staticmethod
    def forward(ctx, a):
        out = _in_float64(_erfinv64, a)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return grad * (math.sqrt(math.pi) / 2) * (out * out).exp()


def erf(a):
    return Erf.apply(a)


def erfc(a):
    return Erfc.apply(a)


def erfinv(a):
    return Erfinv.apply(a)
