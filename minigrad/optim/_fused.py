"""The in-place updates of torch's optimizers, rounded the way torch's CPU kernels round them: with
one rounding where torch's vectorised kernels use a fused multiply-add (``minigrad/_fma.py`` says how
and why)."""
from .._fma import fma
from .optimizer import chunks


def add_(x, y, alpha):
    """``x.add_(y, alpha=alpha)``: ``x = x + alpha * y`` in place, rounded once."""
    for x_part, y_part in chunks(x, y):
        x_part[...] = fma(alpha, y_part, x_part)


def addcmul_(x, t1, t2, value):
    """``x.addcmul_(t1, t2, value=value)``: ``x = x + (value * t1) * t2`` in place, the product
    ``value * t1`` rounded first and the rest once (torch's ``fmadd(scalar * t1, t2, x)``)."""
    for x_part, t1_part, t2_part in chunks(x, t1, t2):
        x_part[...] = fma(x.dtype.type(value) * t1_part, t2_part, x_part)


def lerp_(start, end, weight):
    """``start.lerp_(end, weight)`` for a scalar weight, from whichever end is nearer, as torch's
    ``lerp_vec``: ``fma(w, end - start, start)`` when ``|w| < 0.5``, else ``fma(w - 1, end - start, end)``."""
    w = start.dtype.type(weight)
    for s_part, e_part in chunks(start, end):
        if abs(w) < 0.5:
            s_part[...] = fma(w, e_part - s_part, s_part)
        else:
            s_part[...] = fma(w - 1, e_part - s_part, e_part)
