"""Elementwise functions of one or two tensors beyond ``arithmetic.py``: fmod, fmax, fmin, frac,
clamp_min, clamp_max, hypot, logaddexp, logaddexp2, xlogy.

Binary ops broadcast; backward may return the broadcast shape (the engine reduces it). Derivatives
follow torch's ``tools/autograd/derivatives.yaml``.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..tensor import Tensor
from ._util import operands, float_result_type
from .arithmetic import _broadcasting, where, logical_or


class Fmod(BuiltinFunction):
    """fmod(a, b) = a - trunc(a/b)*b (the sign of a, as C's fmod); d/da = g, d/db = -g*trunc(a/b)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx._name = "FmodBackward1" if isinstance(b, Tensor) else "FmodBackward0"
        x, y, _ = operands(a, b)
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
