"""Elementwise functions of one or two tensors beyond ``arithmetic.py``: fmod, fmax, fmin, frac,
clamp_min, clamp_max, hypot, logaddexp, logaddexp2, xlogy, exp2, deg2rad, rad2deg, logit, sinc,
copysign, float_power; and the non-differentiable signbit, isposinf, isneginf, heaviside, gcd, lcm,
nextafter, frexp.

Binary ops broadcast; backward may return the broadcast shape (the engine reduces it). Derivatives
follow torch's ``tools/autograd/derivatives.yaml``.
"""
import math

import numpy as np

from ..autograd.function import BuiltinFunction
from ..tensor import Tensor
from . import return_types
from .unary import _floating
from ..dtypes import result_type
from ._util import operands, float_result_type
from .arithmetic import _broadcasting, _check_integer_divisor, _check_not_bool, where, logical_or


class Fmod(BuiltinFunction):
    """fmod(a, b) = a - trunc(a/b)*b (the sign of a, as C's fmod); d/da = g, d/db = -g*trunc(a/b)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx._name = "FmodBackward1" if isinstance(b, Tensor) else "FmodBackward0"
        x, y, dt = operands(a, b)
        _check_not_bool(dt, "fmod_cpu")
        _check_integer_divisor(y, dt)
        with np.errstate(invalid="ignore", divide="ignore"):
            return _broadcasting(np.fmod, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad if ctx.needs_input_grad[0] else None,
                -grad * a.div(b, rounding_mode="trunc") if ctx.needs_input_grad[1] else None)


class Fmax(BuiltinFunction):
    """max(a, b) ignoring NaN (NaN only where both are); g goes to a where a >= b or b is NaN, else to b"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y, _ = operands(a, b)
        return _broadcasting(np.fmax, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        to_a = logical_or(a >= b, b.isnan())
        return (where(to_a, grad, 0.0) if ctx.needs_input_grad[0] else None,
                where(to_a, 0.0, grad) if ctx.needs_input_grad[1] else None)


class Fmin(BuiltinFunction):
    """min(a, b) ignoring NaN; g goes to a where a <= b or b is NaN, else to b"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y, _ = operands(a, b)
        return _broadcasting(np.fmin, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        to_a = logical_or(a <= b, b.isnan())
        return (where(to_a, grad, 0.0) if ctx.needs_input_grad[0] else None,
                where(to_a, 0.0, grad) if ctx.needs_input_grad[1] else None)


class Frac(BuiltinFunction):
    """frac(a) = a - trunc(a) (keeps a's sign); d/da = g"""

    @staticmethod
    def forward(ctx, a):
        x = a._data
        return x - np.trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


class ClampMin(BuiltinFunction):
    """max(a, lo), NaN propagating; d/da = g where a >= lo, d/dlo = g where a < lo (lo a tensor)"""

    @staticmethod
    def forward(ctx, a, low):
        ctx.save_for_backward(a, low)
        ctx._name = "ClampMinBackward1" if isinstance(low, Tensor) else "ClampMinBackward0"
        x, y, _ = operands(a, low)
        return _broadcasting(np.maximum, a, low, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, low = ctx.saved_tensors
        keep = a >= low
        return (where(keep, grad, 0.0) if ctx.needs_input_grad[0] else None,
                where(keep, 0.0, grad) if ctx.needs_input_grad[1] else None)


class ClampMax(BuiltinFunction):
    """min(a, hi), NaN propagating; d/da = g where a <= hi, d/dhi = g where a > hi (hi a tensor)"""

    @staticmethod
    def forward(ctx, a, high):
        ctx.save_for_backward(a, high)
        ctx._name = "ClampMaxBackward1" if isinstance(high, Tensor) else "ClampMaxBackward0"
        x, y, _ = operands(a, high)
        return _broadcasting(np.minimum, a, high, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, high = ctx.saved_tensors
        keep = a <= high
        return (where(keep, grad, 0.0) if ctx.needs_input_grad[0] else None,
                where(keep, 0.0, grad) if ctx.needs_input_grad[1] else None)


class Hypot(BuiltinFunction):
    """sqrt(a**2 + b**2) without overflow; d/da = g*a/out, d/db = g*b/out"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y, _ = operands(a, b, float_result_type(a, b))
        out = _broadcasting(np.hypot, a, b, x, y)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        out = ctx.output
        return (grad * a / out if ctx.needs_input_grad[0] else None,
                grad * b / out if ctx.needs_input_grad[1] else None)


class Logaddexp(BuiltinFunction):
    """log(e**a + e**b), computed as max + log1p(e**-|a-b|); d/da = g/(1 + e**(b-a)), d/db = g/(1 + e**(a-b))"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y, _ = operands(a, b, float_result_type(a, b))
        return _broadcasting(np.logaddexp, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad / (1 + (b - a).exp()) if ctx.needs_input_grad[0] else None,
                grad / (1 + (a - b).exp()) if ctx.needs_input_grad[1] else None)


class Logaddexp2(BuiltinFunction):
    """log2(2**a + 2**b); d/da = g/(1 + 2**(b-a)), d/db = g/(1 + 2**(a-b))"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y, _ = operands(a, b, float_result_type(a, b))
        return _broadcasting(np.logaddexp2, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad / (1 + 2 ** (b - a)) if ctx.needs_input_grad[0] else None,
                grad / (1 + 2 ** (a - b)) if ctx.needs_input_grad[1] else None)


class Xlogy(BuiltinFunction):
    """a*log(b), defined as 0 where a == 0 (unless b is NaN); d/da = g*xlogy(a != 0, b), d/db = g*a/b

    torch names the node by which operand is a number: XlogyBackward0 (two tensors),
    XlogyBackward1 (a is a number), XlogyBackward2 (b is a number)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx._name = ("XlogyBackward0" if isinstance(a, Tensor) and isinstance(b, Tensor)
                     else "XlogyBackward2" if isinstance(a, Tensor) else "XlogyBackward1")
        x, y, dt = operands(a, b, float_result_type(a, b))
        with np.errstate(invalid="ignore", divide="ignore"):
            product = _broadcasting(lambda u, v: np.multiply(u, np.log(v), dtype=dt.np), a, b, x, y)
        return np.where((x == 0) & ~np.isnan(y), 0, product).astype(dt.np, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad * xlogy((a != 0).to(grad.dtype), b) if ctx.needs_input_grad[0] else None,
                grad * a / b if ctx.needs_input_grad[1] else None)


def fmod(a, other):
    return Fmod.apply(a, other)


def fmax(a, other):
    return Fmax.apply(a, other)


def fmin(a, other):
    return Fmin.apply(a, other)


def frac(a):
    return Frac.apply(a)


def check_clamp_bounds_castable(t, *bounds):
    """Before ``t.clamp_(min, max)`` (and clamp_min_/clamp_max_) with number bounds: torch's error when
    the result type cannot be written back into ``t`` (a float bound on an integer tensor). Its
    Scalar overload names ``t``'s type as C++ does (``long int``); tensor bounds give ``Long``."""
    numbers = [b for b in bounds if b is not None and not isinstance(b, Tensor)]
    if numbers and (result := result_type(t, *numbers))._category > t.dtype._category:
        raise RuntimeError(f"result type {result.legacy_name} can't be cast to the desired output type "
                           f"{t.dtype.cpp_name}")


def clamp_min(a, min):  # noqa: A002 - torch's parameter name
    return ClampMin.apply(a, min)


def clamp_max(a, max):  # noqa: A002 - torch's parameter name
    return ClampMax.apply(a, max)


def hypot(a, other):
    return Hypot.apply(a, other)


def logaddexp(a, other):
    return Logaddexp.apply(a, other)


def logaddexp2(a, other):
    return Logaddexp2.apply(a, other)


def xlogy(a, other):
    if not isinstance(a, Tensor) and not isinstance(other, Tensor):
        raise TypeError("xlogy(): expected at least one tensor argument")
    return Xlogy.apply(a, other)


class Exp2(BuiltinFunction):
    """2**a; d/da = g*out*ln 2"""

    @staticmethod
    def forward(ctx, a):
        out = np.exp2(_floating(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.output * math.log(2.0)


class Deg2Rad(BuiltinFunction):
    """a*pi/180; d/da = g*pi/180"""

    _name = "Deg2RadBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.deg2rad(_floating(a))

    @staticmethod
    def backward(ctx, grad):
        return grad * (math.pi / 180)


class Rad2Deg(BuiltinFunction):
    """a*180/pi; d/da = g*180/pi"""

    _name = "Rad2DegBackward0"

    @staticmethod
    def forward(ctx, a):
        return np.rad2deg(_floating(a))

    @staticmethod
    def backward(ctx, grad):
        return grad * (180 / math.pi)


class Logit(BuiltinFunction):
    """log(a/(1-a)), a clamped to [eps, 1-eps] when eps is given; d/da = g/(a(1-a)) (0 outside the
    clamp; NaN outside [0, 1] without eps)"""

    @staticmethod
    def forward(ctx, a, eps):
        ctx.save_for_backward(a)
        ctx.eps = eps
        x = _floating(a)
        if eps is not None:
            x = np.clip(x, eps, 1 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x / (1 - x))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        out = grad / (a * (1 - a))
        if ctx.eps is None:
            return out.where((a >= 0) & (a <= 1), float("nan")), None
        return out.where((a >= ctx.eps) & (a <= 1 - ctx.eps), 0.0), None


class Sinc(BuiltinFunction):
    """sin(pi a)/(pi a), 1 at 0; d/da = g*(cos(pi a) - sinc(a))/a, 0 at 0"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sinc(_floating(a))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        safe = a.where(a != 0, 1.0)
        slope = ((safe * math.pi).cos() - sinc(safe)) / safe
        return grad * slope.where(a != 0, 0.0)


class Copysign(BuiltinFunction):
    """|a| with b's sign; d/da = g*out/a (0 where a == 0), no gradient for b's sign"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a)
        ctx._name = "CopysignBackward0" if isinstance(b, Tensor) else "CopysignBackward1"
        x, y, _ = operands(a, b, float_result_type(a, b))
        out = _broadcasting(np.copysign, a, b, x, y)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        ratio = (ctx.output / a.where(a != 0, 1.0)).where(a != 0, 0.0)
        return grad * ratio if ctx.needs_input_grad[0] else None, grad * 0 if ctx.needs_input_grad[1] else None


def exp2(a):
    return Exp2.apply(a)


def deg2rad(a):
    return Deg2Rad.apply(a)


def rad2deg(a):
    return Rad2Deg.apply(a)


def logit(a, eps=None):
    return Logit.apply(a, eps)


def sinc(a):
    return Sinc.apply(a)


def copysign(a, other):
    return Copysign.apply(a, other)


def float_power(a, exponent):
    """a**exponent computed in float64 (torch.float_power)."""
    return (a.double() if isinstance(a, Tensor) else a) ** (
        exponent.double() if isinstance(exponent, Tensor) else exponent)


def positive(a):
    return a


# --- not differentiable: bool or integer results, or derivative zero where defined -------------
def _wrap2(fn, a, b):
    x, y, _ = operands(a, b)
    return Tensor._wrap(_broadcasting(fn, a, b, x, y))


def signbit(a):
    return Tensor._wrap(np.signbit(a._data))


def isposinf(a):
    return Tensor._wrap(np.isposinf(a._data) if a.dtype.is_floating_point else np.zeros(a.shape, bool, like=a._data))


def isneginf(a):
    return Tensor._wrap(np.isneginf(a._data) if a.dtype.is_floating_point else np.zeros(a.shape, bool, like=a._data))


def isreal(a):
    return Tensor._wrap(np.ones(a.shape, dtype=bool, like=a._data))  # minigrad has no complex dtypes


def heaviside(a, values):
    """0 where a < 0, values where a == 0, 1 where a > 0 (not differentiable in torch either)."""
    if a.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _wrap2(lambda x, v: np.where(x == 0, v, x > 0).astype(x.dtype), a, values)  # NaN -> 0, as torch


def gcd(a, other):
    return _wrap2(np.gcd, a, other)


def lcm(a, other):
    return _wrap2(np.lcm, a, other)


def nextafter(a, other):
    return _wrap2(np.nextafter, a, other)


def frexp(a):
    """(mantissa in [0.5, 1), int32 exponent) with a = mantissa * 2**exponent."""
    mantissa, exponent = np.frexp(a._data)
    return return_types.frexp(Tensor._wrap(mantissa), Tensor._wrap(exponent.astype(np.int32)))


def angle(a):
    """The argument of a real number: pi for negatives, 0 otherwise (NaN stays NaN); no gradient."""
    x = _floating(a)
    return Tensor._wrap(np.where(x < 0, math.pi, np.where(np.isnan(x), x, 0)).astype(x.dtype))


def rsub(a, other, alpha=1):
    """other - alpha * a."""
    return other - (a * alpha if alpha != 1 else a)


def renorm(a, p, dim, maxnorm):
    """Each slice along ``dim`` whose p-norm exceeds ``maxnorm`` scaled down to norm maxnorm
    (scale maxnorm / (norm + 1e-7), as torch)."""
    others = tuple(i for i in range(a.ndim) if i != dim % a.ndim)
    norms = a.norm(p, dim=others, keepdim=True)
    scale = where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    return a * scale
