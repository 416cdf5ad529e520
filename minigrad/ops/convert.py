"""Copies and conversions: clone, dtype casts, device moves."""
from ..autograd.function import BuiltinFunction
from .._backend import to_device
from .._modes import quiet_fp, restore_fp
from ..tensor import _wrap


class Clone(BuiltinFunction):
    """A copy in new memory; d/da = g"""

    @staticmethod
    def forward(ctx, a):
        return a._data.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class ToCopy(BuiltinFunction):
    """A cast to another float dtype; d/da = g cast back (the engine casts it)"""

    _name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        return a._data.astype(dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def to_dtype(a, dtype):
    """Cast; only float-to-float casts are differentiable, as in torch."""
    if dtype.is_floating_point and a.dtype.is_floating_point:
        return ToCopy.apply(a, dtype)
    token = quiet_fp()  # (nan or 1e20 to an integer: no NumPy warning, as torch is silent)
    try:
        return _wrap(a._data.astype(dtype.np), dtype)
    finally:
        restore_fp(token)


class ToDevice(BuiltinFunction):
    """A copy on another device; d/da = g copied back"""

    _name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, device):
        ctx.device = a.device
        return to_device(a._data, device)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.device), None
