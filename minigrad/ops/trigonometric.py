"""Trigonometric and hyperbolic functions beyond sin/cos/tanh (those are in ``unary.py``):
tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, and atan2 of two tensors.

Derivatives as in torch's ``tools/autograd/derivatives.yaml``; each backward is written with
Tensor ops, so it is differentiable again.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ._util import operands, float_result_type
from .arithmetic import _broadcasting
from .unary import _floating


class _Elementwise(BuiltinFunction):
    """One-input float functions that save their input (``_fn`` is the NumPy ufunc)."""

    _fn = None

    @classmethod
    def forward(cls, ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore", divide="ignore"):
            return cls._fn(_floating(a))


class Tan(BuiltinFunction):
    """d(tan a)/da = g*(1 + out**2)"""

    @staticmethod
    def forward(ctx, a):
        out = np.tan(_floating(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return grad * (1 + out * out)


class Asin(_Elementwise):
    """d(asin a)/da = g/sqrt(1 - a**2)"""

    _fn = staticmethod(np.arcsin)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * (1 - a * a).rsqrt()


class Acos(_Elementwise):
    """d(acos a)/da = -g/sqrt(1 - a**2)"""

    _fn = staticmethod(np.arccos)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * -(1 - a * a).rsqrt()


class Atan(_Elementwise):
    """d(atan a)/da = g/(1 + a**2)"""

    _fn = staticmethod(np.arctan)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / (a * a + 1)


class Sinh(_Elementwise):
    """d(sinh a)/da = g*cosh a"""

    _fn = staticmethod(np.sinh)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * cosh(a)


class Cosh(_Elementwise):
    """d(cosh a)/da = g*sinh a"""

    _fn = staticmethod(np.cosh)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * sinh(a)


class Asinh(_Elementwise):
    """d(asinh a)/da = g/sqrt(a**2 + 1)"""

    _fn = staticmethod(np.arcsinh)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * (a * a + 1).rsqrt()


class Acosh(_Elementwise):
    """d(acosh a)/da = g/sqrt(a**2 - 1)"""

    _fn = staticmethod(np.arccosh)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * (a * a - 1).rsqrt()


class Atanh(_Elementwise):
    """d(atanh a)/da = g/(1 - a**2)"""

    _fn = staticmethod(np.arctanh)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad / (1 - a * a)


class Atan2(BuiltinFunction):
    """atan2(a, b), the angle of the point (b, a); d/da = g*b/(a**2+b**2), d/db = -g*a/(a**2+b**2)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y, _ = operands(a, b, float_result_type(a, b))
        return _broadcasting(np.arctan2, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        recip = (a * a + b * b).reciprocal()
        return (grad * b * recip if ctx.needs_input_grad[0] else None,
                grad * -a * recip if ctx.needs_input_grad[1] else None)


def tan(a):
    return Tan.apply(a)


def asin(a):
    return Asin.apply(a)


def acos(a):
    return Acos.apply(a)


def atan(a):
    return Atan.apply(a)


def sinh(a):
    return Sinh.apply(a)


def cosh(a):
    return Cosh.apply(a)


def asinh(a):
    return Asinh.apply(a)


def acosh(a):
    return Acosh.apply(a)


def atanh(a):
    return Atanh.apply(a)


def atan2(a, other):
    return Atan2.apply(a, other)
