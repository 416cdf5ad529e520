"""The element-wise ops torch computes with a fused multiply-add, rounded once as its vectorised CPU
kernels round them (``minigrad/_fma.py``): ``add``/``sub`` with ``alpha``, ``addcmul``, ``lerp``; and
``addcdiv``, which torch's kernel rounds step by step.

Measured against torch 2.13 on 10^5 random float32 and float64 elements, every element equal:

    add(x, y, alpha=a)         fma(a, y, x)                    (sub: fma(-a, y, x))
    addcmul(x, t1, t2, value)  fma(value * t1, t2, x)          (value * t1 rounded first)
    addcdiv(x, t1, t2, value)  x + (value * t1) / t2           (three roundings, no fma)
    lerp(start, end, w)        fma(w, end - start, start)      where |w| < 0.5,
                               fma(w - 1, end - start, end)    elsewhere (torch's lerp from the nearer end)

A Python-number ``alpha``/``value``/``weight`` is first rounded to the result's dtype, as torch converts
a Scalar to the kernel's ``scalar_t``. Integer tensors are exact and computed plainly.
"""
import numpy as np

from .._fma import fma
from ..autograd.function import BuiltinFunction
from ..tensor import Tensor
from ._util import broadcast_error, shape_of
from ..dtypes import result_type


def _arrays(*values):
    """The values as arrays of their common dtype, broadcast to one shape; and that dtype."""
    dt = result_type(*values)
    like = next(v._data for v in values if isinstance(v, Tensor))
    arrays = [np.asarray(v._data if isinstance(v, Tensor) else v, dtype=dt.np, like=like) for v in values]
    try:
        return np.broadcast_arrays(*arrays), dt
    except ValueError:
        raise broadcast_error(shape_of(values[0]), np.broadcast_shapes(*(a.shape for a in arrays[1:]))) from None


def _scalar(value, dt):
    """A Python number as torch's Scalar in a kernel of dtype ``dt`` (with torch's check on integer kernels)."""
    if not dt.is_floating_point and isinstance(value, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return dt.np.type(value)


class AddScaled(BuiltinFunction):
    """a + alpha * b (``add(a, b, alpha=)``; ``sub`` passes ``-alpha`` and names its node SubBackward0);
    d/da = g, d/db = alpha * g (for sub: (-g) * alpha)"""

    _name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha, subtract=False):
        (x, y), dt = _arrays(a, b)
        if dt.name == "bool":
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        ctx.alpha, ctx.subtract = alpha, subtract
        if subtract:
            ctx._name = "SubBackward0"
        scale = _scalar(-alpha if subtract else alpha, dt)
        if not dt.is_floating_point:
            return x + scale * y
        return fma(scale, y, x)

    @staticmethod
    def backward(ctx, grad):
        scaled = (-grad if ctx.subtract else grad) * ctx.alpha if ctx.needs_input_grad[1] else None
        return grad, scaled, None, None


class Addcmul(BuiltinFunction):
    """input + value * t1 * t2; d/dinput = g, d/dt1 = g * (t2 * value), d/dt2 = g * (t1 * value)"""

    @staticmethod
    def forward(ctx, input, t1, t2, value):  # noqa: A002 - torch's parameter name
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        (x, u, v), dt = _arrays(input, t1, t2)
        if not dt.is_floating_point:
            return x + _scalar(value, dt) * u * v
        return fma(_scalar(value, dt) * u, v, x)

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        return (grad,
                grad * (t2 * ctx.value) if ctx.needs_input_grad[1] else None,
                grad * (t1 * ctx.value) if ctx.needs_input_grad[2] else None,
                None)


class Addcdiv(BuiltinFunction):
    """input + value * t1 / t2; d/dinput = g, d/dt1 = g * (value / t2), d/dt2 = -g * value * t1 / (t2 * t2)"""

    @staticmethod
    def forward(ctx, input, t1, t2, value):  # noqa: A002
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        (x, u, v), dt = _arrays(input, t1, t2)
        if not dt.is_floating_point:
            raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future release "
                               "addcdiv will perform a true division of tensor1 and tensor2. The historic "
                               "addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / "
                               "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
                               "tensor2) for float inputs. The future addcdiv behavior is just the latter "
                               "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        return x + (_scalar(value, dt) * u) / v

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        return (grad,
                grad * (ctx.value / t2) if ctx.needs_input_grad[1] else None,
                -grad * ctx.value * t1 / (t2 * t2) if ctx.needs_input_grad[2] else None,
                None)


class Lerp(BuiltinFunction):
    """start + weight * (end - start), rounded from the nearer end (see the module docstring);
    d/dstart = g * (1 - weight), d/dend = g * weight, d/dweight = g * (end - start).
    LerpBackward0 for a number weight, LerpBackward1 for a tensor."""

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight if isinstance(weight, Tensor) else None)
        ctx.weight = None if isinstance(weight, Tensor) else weight
        ctx._name = "LerpBackward1" if isinstance(weight, Tensor) else "LerpBackward0"
        for name, other in (("end", end), ("weight", weight)):
            if isinstance(other, Tensor) and other.dtype is not start.dtype:
                raise RuntimeError(f"expected dtype {start.dtype.name} for `{name}` but got dtype {other.dtype.name}")
        if not start.dtype.is_floating_point:
            raise NotImplementedError(f"\"lerp_kernel_scalar\" not implemented for '{start.dtype.legacy_name}'")
        if isinstance(weight, Tensor):
            (s, e, w), _ = _arrays(start, end, weight)
        else:
            (s, e), _ = _arrays(start, end)
            w = start.dtype.np.type(weight)
        d = e - s
        near_start = np.abs(w) < 0.5
        return np.where(near_start, fma(w, d, s), fma(w - 1, d, e))

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.saved_tensors
        w = ctx.weight if weight is None else weight
        return (grad * (1 - w) if ctx.needs_input_grad[0] else None,
                grad * w if ctx.needs_input_grad[1] else None,
                grad * (end - start) if ctx.needs_input_grad[2] else None)


def add_scaled(a, b, alpha, subtract=False):
    """``add(a, b, alpha=alpha)`` (``sub`` with ``subtract=True``) for ``alpha != 1``, rounded once."""
    return AddScaled.apply(a, b, alpha, subtract)


def addcmul(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 * tensor2`` (broadcast; dtype of all three promoted)."""
    return Addcmul.apply(input, tensor1, tensor2, value)


def addcdiv(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 / tensor2`` (floating dtypes only: torch's error for integers)."""
    return Addcdiv.apply(input, tensor1, tensor2, value)


def lerp(input, end, weight):  # noqa: A002
    """``input + weight * (end - input)``; ``weight`` a number or a tensor; ``input``, ``end`` (and a
    tensor ``weight``) of one floating dtype."""
    return Lerp.apply(input, end, weight)
