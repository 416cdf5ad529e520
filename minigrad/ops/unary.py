"""Elementwise math of one tensor: exp, log, sqrt, tanh, clamp, floor, ... (relu and sigmoid are in
``activation.py``).

Integer inputs to float functions give the default float dtype, as in torch.
Ops whose derivative is best written with their own result (exp, sqrt, tanh) keep it
with ``ctx.save_output`` and read it back as ``ctx.output``.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..dtypes import check_bounds_cast, get_default_dtype, result_type
from ..tensor import Tensor
from .arithmetic import where
from ._util import as_array, broadcast_error, shape_of


def _floating(a):
    """The array of ``a`` as floats (integers and bools become the default dtype)."""
    x = a._data
    return x if a.dtype.is_floating_point else x.astype(get_default_dtype().np)


class Exp(BuiltinFunction):
    """d(e**a)/da = g*e**a"""

    @staticmethod
    def forward(ctx, a):
        out = np.exp(_floating(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.output


class Expm1(BuiltinFunction):
    """d(e**a - 1)/da = g*(out + 1)"""

    @staticmethod
    def forward(ctx, a):
        out = np.expm1(_floating(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * (ctx.output + 1)


class Log(BuiltinFunction):
    """d(log a)/da = g/a"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(_floating(a))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / a


class Log1p(BuiltinFunction):
    """d(log(1+a))/da = g/(1+a)"""

    _name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(_floating(a))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / (a + 1)


class Log2(BuiltinFunction):
    """d(log2 a)/da = g/(a*ln 2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log2(_floating(a))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / (a * float(np.log(2.0)))


class Log10(BuiltinFunction):
    """d(log10 a)/da = g/(a*ln 10)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(_floating(a))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / (a * float(np.log(10.0)))


class Sqrt(BuiltinFunction):
    """d(sqrt a)/da = g/(2*sqrt a)"""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(_floating(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad / (2 * ctx.output)


class Rsqrt(BuiltinFunction):
    """d(a**-1/2)/da = -g*out**3/2"""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = 1 / np.sqrt(_floating(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return -0.5 * grad * out * out * out


class Sin(BuiltinFunction):
    """d(sin a)/da = g*cos a"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(_floating(a))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * a.cos()


class Cos(BuiltinFunction):
    """d(cos a)/da = -g*sin a"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(_floating(a))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * -a.sin()


class Tanh(BuiltinFunction):
    """d(tanh a)/da = g*(1 - out**2)"""

    @staticmethod
    def forward(ctx, a):
        out = np.tanh(_floating(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return grad * (1 - out * out)


class Reciprocal(BuiltinFunction):
    """d(1/a)/da = -g*out**2"""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore"):
            out = 1 / _floating(a)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return -grad * out * out


class Clamp(BuiltinFunction):
    """clamp(a, lo, hi); d/da = g where lo <= a <= hi, else 0. The result has the bounds' promoted
    dtype, as in torch: an integer tensor clamped to float bounds gives floats."""

    @staticmethod
    def forward(ctx, a, low, high):
        ctx.save_for_backward(a, low, high)
        ctx._name = "ClampBackward0" if isinstance(low, Tensor) or isinstance(high, Tensor) else "ClampBackward1"
        dt = result_type(a, *(b for b in (low, high) if b is not None))
        check_bounds_cast(low, high, d=dt)
        x = as_array(a, dt)
        for bound, fn in ((low, np.maximum), (high, np.minimum)):
            if bound is not None:
                try:
                    x = fn(x, as_array(bound, dt))
                except ValueError:
                    raise broadcast_error(shape_of(a), shape_of(bound)) from None
        return x.astype(dt.np, copy=x is a._data)

    @staticmethod
    def backward(ctx, grad):
        a, low, high = ctx.saved_tensors
        if low is None:
            inside = a <= high
        elif high is None:
            inside = a >= low
        else:
            inside = (a >= low) & (a <= high)
        return where(inside, grad, 0.0), None, None


class NanToNum(BuiltinFunction):
    """NaN, +inf, -inf replaced by numbers (default 0, the dtype's largest, its lowest);
    d/da = g where a is finite, 0 where it was replaced"""

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.save_for_backward(a)
        return np.nan_to_num(a._data, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return where(a.isfinite(), grad, 0.0), None, None, None


class ZeroGradient(BuiltinFunction):
    """Piecewise-constant ops (sign, floor, ceil, round, trunc): the derivative is 0 everywhere."""

    _fn = None

    @classmethod
    def forward(cls, ctx, a):
        return cls._fn(a._data)

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape)


class Sign(ZeroGradient):
    _fn = staticmethod(lambda x: np.sign(x) if x.dtype.kind != "f" else np.sign(np.nan_to_num(x)))  # sign(nan) = 0


class Floor(ZeroGradient):
    _fn = staticmethod(np.floor)


class Ceil(ZeroGradient):
    _fn = staticmethod(np.ceil)


class Round(ZeroGradient):
    _fn = staticmethod(np.round)  # half to even, like torch


class Trunc(ZeroGradient):
    _fn = staticmethod(np.trunc)


def exp(a):
    return Exp.apply(a)


def expm1(a):
    return Expm1.apply(a)


def log(a):
    return Log.apply(a)


def log1p(a):
    return Log1p.apply(a)


def log2(a):
    return Log2.apply(a)


def log10(a):
    return Log10.apply(a)


def sqrt(a):
    return Sqrt.apply(a)


def rsqrt(a):
    return Rsqrt.apply(a)


def sin(a):
    return Sin.apply(a)


def cos(a):
    return Cos.apply(a)


def tanh(a):
    return Tanh.apply(a)


def reciprocal(a):
    return Reciprocal.apply(a)


def square(a):
    return a ** 2


def clamp(a, min=None, max=None):  # noqa: A002 - torch's parameter names
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return Clamp.apply(a, min, max)


def sign(a):
    return Sign.apply(a)


def floor(a):
    return a if not a.dtype.is_floating_point else Floor.apply(a)


def ceil(a):
    return a if not a.dtype.is_floating_point else Ceil.apply(a)


def round(a, decimals=0):  # noqa: A001 - torch.round
    if decimals:
        scale = 10.0 ** decimals
        return Round.apply(a * scale) / scale
    return Round.apply(a)


def trunc(a):
    return Trunc.apply(a)


def isnan(a):
    return Tensor._wrap(np.isnan(a._data))


def isinf(a):
    return Tensor._wrap(np.isinf(a._data))


def isfinite(a):
    return Tensor._wrap(np.isfinite(a._data))


def nan_to_num(a, nan=0.0, posinf=None, neginf=None):
    return NanToNum.apply(a, nan, posinf, neginf)
