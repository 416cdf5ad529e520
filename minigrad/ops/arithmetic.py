"""Elementwise arithmetic with broadcasting: + - * / // % ** and friends.

Backward formulas return gradients of the broadcast shape; the engine sums them back to each
input's shape. Inputs may be Tensors or Python scalars (then no gradient flows to them).
"""
import numpy as np

from .._modes import grad_state as _grad_state, quiet_fp, restore_fp
from ..autograd.function import BuiltinFunction
from ..dtypes import check_fits, check_scalar_cast, check_unpacks_64, float16, float32, int64
from ..tensor import Tensor, _wrap
from .indexing import nonzero
from .fused import add_scaled
from ._util import operands, float_result_type, broadcast_error, device_error, half_by_scalar_operands, shape_of


def _broadcasting(fn, a, b, x, y):
    try:
        return fn(x, y)
    except ValueError:
        raise broadcast_error(shape_of(a), shape_of(b)) from None
    except TypeError:  # a NumPy array meeting a CuPy array
        if isinstance(a, Tensor) and isinstance(b, Tensor) and a.device != b.device:
            raise device_error(b.device, a.device) from None
        raise


class Add(BuiltinFunction):
    """d(a+b)/da = g, d(a+b)/db = g"""

    @staticmethod
    def forward(ctx, a, b):
        x, y, _ = operands(a, b)
        return _broadcasting(np.add, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(BuiltinFunction):
    """d(a-b)/da = g, d(a-b)/db = -g"""

    @staticmethod
    def forward(ctx, a, b):
        _check_no_bool_subtraction(a, b)  # (before promotion, whose errors torch checks later)
        x, y, dt = operands(a, b)
        return _broadcasting(np.subtract, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad


def _check_no_bool_subtraction(a, b):
    """torch refuses ``-`` with a bool operand (tensor or Python bool): it is not logical xor. (With
    a NumPy array operand the subtraction is NumPy's, which allows it.)"""
    if a.__class__ is np.ndarray or b.__class__ is np.ndarray:
        return
    for x in (a, b):  # (a number past 64 bits fails torch's argument parsing, before this check)
        if isinstance(x, int):
            check_unpacks_64(x)
    bools = [x.dtype.name == "bool" if isinstance(x, Tensor) else isinstance(x, (bool, np.bool_)) for x in (a, b)]
    if all(bools):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if any(bools):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def _check_not_bool(dt, kernel):
    """torch has no bool kernel for ``//``, ``%``, fmod, rounded division and pow: its
    NotImplementedError, naming the kernel."""
    if dt.name == "bool":
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def _check_integer_divisor(y, dt):
    """Integer ``//``, ``%`` and rounded division by zero: torch's RuntimeError (NumPy gives 0)."""
    if not dt.is_floating_point and bool((y == 0).any() if hasattr(y, "any") else y == 0):
        raise RuntimeError("ZeroDivisionError")


class RSub(BuiltinFunction):
    """c - a for a number c; d/da = -g"""

    _name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, c):
        _check_no_bool_subtraction(a, c)
        x, y, _ = operands(a, c)
        return np.subtract(y, x)

    @staticmethod
    def backward(ctx, grad):
        return -grad, None


class Mul(BuiltinFunction):
    """d(a*b)/da = g*b, d(a*b)/db = g*a"""

    @staticmethod
    def forward(ctx, a, b):
        needs = ctx.needs_input_grad  # each operand is saved only for the other's gradient (as torch)
        ctx.save_for_backward(a if needs[1] else None, b if needs[0] else None)
        half = half_by_scalar_operands(a, b)
        if half is not None:  # float16 times a number: in float32, rounded once (torch's opmath)
            return np.multiply(*half).astype(np.float16)
        x, y, _ = operands(a, b)
        return _broadcasting(np.multiply, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad * b if ctx.needs_input_grad[0] else None,
                grad * a if ctx.needs_input_grad[1] else None)


_INT64 = 2 ** 63


def _operator(ufunc, op, floats_only=False, half_opmath=False):
    """The Tensor method of an operator such as ``+`` (tensor.py binds ``Tensor.__add__`` to it): the
    common case inline (``b`` a tensor of ``a``'s dtype, or a Python number that keeps it, and no
    graph to record: one ufunc call), and otherwise ``op.apply(a, b)``, which does promotion,
    autograd and torch's errors."""
    def operator(a, b):
        kind = b.__class__
        if kind is Tensor:
            if a.dtype is b.dtype and not ((a._requires_grad or b._requires_grad or a._view is not None and
                                            a._view.unlinked or b._view is not None and b._view.unlinked) and
                                           _grad_state.enabled):
                if not floats_only or a.dtype.is_floating_point:
                    token = quiet_fp()  # (inf - inf is nan without NumPy's warning, as in torch)
                    try:
                        return _wrap(ufunc(a._data, b._data), a.dtype)
                    except (ValueError, TypeError):  # shapes or devices: the general path names it
                        pass
                    finally:
                        restore_fp(token)
        elif kind is float or kind is int and -_INT64 <= b < _INT64:
            # (a number must not promote the dtype: int * 2.5 and bool + 1 take the general path; nor
            # may an int that does not fit 64 bits: torch's OverflowError is there)
            if a.dtype._category >= (2 if kind is float else 1) and not (
                    (a._requires_grad or a._view is not None and a._view.unlinked) and _grad_state.enabled) \
                    and not (half_opmath and a.dtype is float16):
                if not floats_only or a.dtype.is_floating_point:
                    token = quiet_fp()
                    try:
                        return _wrap(ufunc(a._data, b), a.dtype)
                    except OverflowError:
                        pass
                    finally:
                        restore_fp(token)
        return op.apply(a, b)
    return operator


add_operator = _operator(np.add, Add)
sub_operator = _operator(np.subtract, Sub, floats_only=True)  # (bool - bool is torch's error, in Sub)
mul_operator = _operator(np.multiply, Mul, half_opmath=True)  # (float16 * number: in float32, in Mul)


class Div(BuiltinFunction):
    """d(a/b)/da = g/b, d(a/b)/db = -g*a/b**2"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)  # a only for b's gradient (as torch)
        half = half_by_scalar_operands(a, b)
        if half is not None:  # float16 by a number: in float32, rounded once (torch's opmath)
            return np.true_divide(*half).astype(np.float16)
        x, y, dt = operands(a, b, float_result_type(a, b))
        return _broadcasting(np.true_divide, a, b, x, y).astype(dt.np, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad / b if ctx.needs_input_grad[0] else None,
                -grad * ((a / b) / b) if ctx.needs_input_grad[1] else None)  # torch's order; b*b can overflow


class Neg(BuiltinFunction):
    """d(-a)/da = -g"""

    @staticmethod
    def forward(ctx, a):
        if a.dtype.name == "bool":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or `logical_not()` "
                               "operator instead.")
        return np.negative(a._data)

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Abs(BuiltinFunction):
    """d|a|/da = g*sign(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a._data)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * a.sign()


class Remainder(BuiltinFunction):
    """a % b (sign of b, like Python); d/da = g, d/db = -g*floor(a/b)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx._name = "RemainderBackward1" if isinstance(b, Tensor) else "RemainderBackward0"
        x, y, dt = operands(a, b)
        _check_not_bool(dt, "remainder_cpu")
        _check_integer_divisor(y, dt)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _broadcasting(np.remainder, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad, (-grad * (a / b).floor() if ctx.needs_input_grad[1] else None)


class PowScalar(BuiltinFunction):
    """d(a**c)/da = g*c*a**(c-1) for a number c"""

    _name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, exponent):
        """torch's pow_out order: an integer (or bool) base checks an integer exponent as an int64
        and refuses it negative; exponent 0 fills ones and 1 copies, in the result dtype (so a bool
        tensor ** True stays bool); otherwise the exponent is cast to the base's type (a Half
        holds at most 65504; float32 and float64 take it as a double) and the kernel runs (none
        for bool)."""
        if isinstance(exponent, np.generic):  # a NumPy scalar acts as the Python number it holds
            exponent = exponent.item()
        ctx.save_for_backward(a, exponent)
        if not a.dtype.is_floating_point and isinstance(exponent, int):
            check_fits(exponent, int64, "int64_t")
            if exponent < 0:
                raise RuntimeError("Integers to negative integer powers are not allowed.")
        x, _, dt = operands(a, exponent)
        if exponent.__class__ is not np.ndarray and (exponent == 0 or exponent == 1):
            return np.full_like(x, 1, dtype=dt.np) if exponent == 0 else x.astype(dt.np)
        _check_not_bool(dt, "pow")
        if dt is not float32:  # (torch's kernel reads a float32 base's exponent as a double)
            check_scalar_cast(exponent, dt)
        return np.power(x, exponent, dtype=dt.np)

    @staticmethod
    def backward(ctx, grad):
        a, exponent = ctx.saved_tensors
        if exponent == 0:
            return grad.new_zeros(grad.shape), None
        return grad * exponent * a ** (exponent - 1), None


class Pow(BuiltinFunction):
    """d(a**b)/da = g*b*a**(b-1) (0 where b == 0), d(a**b)/db = g*a**b*log(a) (0 where a == 0 and b >= 0)"""

    _name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y, dt = operands(a, b)
        _check_not_bool(dt, "pow")
        if not dt.is_floating_point and bool(np.any(y < 0)):
            return _integer_power(a, b, x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = _broadcasting(np.power, a, b, x, y)
        ctx.save_output(out)  # as torch's PowBackward1 (the exponent's gradient reads it; kept, and checked, always)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        out = ctx.output  # (unpacked first, as torch unpacks every saved tensor: a changed result raises)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:  # 0 where b == 0 (not 0 * 0**-1 = nan), as torch
            grad_a = where(b == 0, 0.0, grad * b * a ** (b - 1))
        if ctx.needs_input_grad[1]:
            grad_b = grad * where(((a == 0) & (b >= 0)), 0.0, out * a.log())
        return grad_a, grad_b


def _integer_power(a, b, x, y):
    """Integer ``x ** y`` with some ``y < 0`` (a tensor exponent; a scalar one is torch's error):
    torch's kernel gives the integer part of ``1 / x**|y|``: 1 for x = 1, +-1 for x = -1, else 0."""
    positive = _broadcasting(np.power, a, b, x, np.maximum(y, 0))
    odd = (y % 2) == 1
    negative = np.where(x == 1, 1, np.where(x == -1, np.where(odd, -1, 1), 0)).astype(positive.dtype)
    return np.where(y < 0, negative, positive)


class RPowScalar(BuiltinFunction):
    """d(c**b)/db = g*c**b*log(c) for a number c"""

    _name = "PowBackward2"

    @staticmethod
    def forward(ctx, base, b):
        x, y, dt = operands(base, b)
        _check_not_bool(dt, "pow")
        if not dt.is_floating_point and bool(np.any(y < 0)):
            out = _integer_power(base, b, np.asarray(x, like=y), y)
        else:
            out = np.power(x, y, dtype=dt.np)
        ctx.save_for_backward(base)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        base, = ctx.saved_tensors
        if base == 0:
            return None, grad * 0
        return None, grad * ctx.output * float(np.log(base))


class Maximum(BuiltinFunction):
    """max(a,b); the gradient goes to the larger input, split evenly on ties"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y, _ = operands(a, b)
        return _broadcasting(np.maximum, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (_split_by(grad, a < b, a == b) if ctx.needs_input_grad[0] else None,
                _split_by(grad, b < a, a == b) if ctx.needs_input_grad[1] else None)


class Minimum(BuiltinFunction):
    """min(a,b); the gradient goes to the smaller input, split evenly on ties"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y, _ = operands(a, b)
        return _broadcasting(np.minimum, a, b, x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (_split_by(grad, a > b, a == b) if ctx.needs_input_grad[0] else None,
                _split_by(grad, b > a, a == b) if ctx.needs_input_grad[1] else None)


def _split_by(grad, loses, ties):
    """Half the gradient where the inputs tie, 0 where this input loses, all of it elsewhere (also
    where a nan makes the comparison undecided, as in torch)."""
    return where(ties, grad * 0.5, where(loses, 0.0, grad))


class Where(BuiltinFunction):
    """where(c, a, b); d/da = g where c, d/db = g where not c"""

    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.save_for_backward(condition)
        x, y, _ = operands(a, b)
        cond = condition._data
        if cond.dtype != np.bool_:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                               f"with dtype {condition.dtype.legacy_name}")
        try:
            return np.where(cond, x, y)
        except ValueError:  # torch broadcasts condition, a, b in turn and names the first clash
            shape = cond.shape
            for other in (shape_of(a), shape_of(b)):
                try:
                    shape = np.broadcast_shapes(shape, other)
                except ValueError:
                    raise broadcast_error(shape, other) from None
            raise

    @staticmethod
    def backward(ctx, grad):
        condition, = ctx.saved_tensors
        zero = grad.new_zeros(())
        return (None, where(condition, grad, zero) if ctx.needs_input_grad[1] else None,
                where(condition, zero, grad) if ctx.needs_input_grad[2] else None)


def add(a, b, alpha=1):
    if alpha != 1:  # a + alpha * b rounded once, as torch's kernel (ops/fused.py)
        return add_scaled(a, b, alpha)
    return add_operator(a, b) if isinstance(a, Tensor) else Add.apply(a, b)


def sub(a, b, alpha=1):
    if alpha != 1:
        return add_scaled(a, b, alpha, subtract=True)
    if not isinstance(a, Tensor):
        return RSub.apply(b, a)
    return sub_operator(a, b)


def mul(a, b):
    return mul_operator(a, b) if isinstance(a, Tensor) else Mul.apply(a, b)


def div(a, b, rounding_mode=None):
    if rounding_mode is None:
        return Div.apply(a, b)
    if rounding_mode == "floor":
        return floor_divide(a, b)
    if rounding_mode == "trunc":
        return _non_differentiable(np.trunc, a, b, divide=True)
    raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")


class FloorDivide(BuiltinFunction):
    """a // b rounded toward -inf when an operand requires grad: torch defines no derivative, but
    records the op (node ``NotImplemented``, the result requires grad) and backward raises"""

    _name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, a, b):
        return _non_differentiable(np.floor_divide, a, b, kernel="div_floor_cpu")._data

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


class FloorDivideInPlace(FloorDivide):
    """``floor_divide_`` (``//=``) recorded: the same, the tensor still requiring grad afterwards"""

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::floor_divide_ is not implemented")


def floor_divide(a, b):
    """a // b rounded toward -inf; not differentiable (as in torch: see FloorDivide)."""
    if _grad_state.enabled and any(isinstance(t, Tensor) and t.requires_grad for t in (a, b)):
        return FloorDivide.apply(a, b)
    return _non_differentiable(np.floor_divide, a, b, kernel="div_floor_cpu")


def _non_differentiable(fn, a, b, divide=False, kernel="div_trunc_cpu"):
    """Floor or truncated division (no bool kernel; integers refuse a zero divisor). A float16 tensor
    divided by a number is divided in float32, as torch's kernels do (``half_by_scalar_operands``)."""
    in_float32 = half_by_scalar_operands(a, b)
    x, y, dt = operands(a, b) if in_float32 is None else (*in_float32, a.dtype)
    _check_not_bool(dt, kernel)
    _check_integer_divisor(y, dt)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # (a float32 past 65504 is inf)
        if divide:
            out = fn(_broadcasting(np.true_divide, a, b, x, y))
        else:
            out = _broadcasting(fn, a, b, x, y)
        return Tensor._wrap(out.astype(dt.np, copy=False))


def remainder(a, b):
    return Remainder.apply(a, b)


def pow(a, b):  # noqa: A001 - torch.pow
    if isinstance(a, Tensor):
        return Pow.apply(a, b) if isinstance(b, Tensor) else PowScalar.apply(a, b)
    return RPowScalar.apply(a, b)


def maximum(a, b):
    return Maximum.apply(a, b)


def minimum(a, b):
    return Minimum.apply(a, b)


def where(condition, a=None, b=None):
    """torch.where(condition, a, b); ``where(condition)`` alone gives the nonzero indices."""
    if a is None and b is None:
        return nonzero(condition, as_tuple=True)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = Tensor._wrap(np.asarray(a, dtype=operands(a, b)[2].np, like=condition._data))
    return Where.apply(condition, a, b)


def neg(a):
    return Neg.apply(a)


def abs(a):  # noqa: A001 - torch.abs
    return Abs.apply(a)


# --- comparisons and logic: not differentiable, results are bool tensors ------------------------
def _compare(fn, a, b):
    x, y, _ = operands(a, b)
    return Tensor._wrap(_broadcasting(fn, a, b, x, y))


def eq(a, b):
    return _compare(np.equal, a, b)


def ne(a, b):
    return _compare(np.not_equal, a, b)


def lt(a, b):
    return _compare(np.less, a, b)


def le(a, b):
    return _compare(np.less_equal, a, b)


def gt(a, b):
    return _compare(np.greater, a, b)


def ge(a, b):
    return _compare(np.greater_equal, a, b)


def _bitwise(fn, name, a, b):
    x, y, dt = operands(a, b)
    if dt.is_floating_point:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{dt.legacy_name}\'')
    return Tensor._wrap(_broadcasting(fn, a, b, x, y))


def bitwise_and(a, b):
    return _bitwise(np.bitwise_and, "bitwise_and", a, b)


def bitwise_or(a, b):
    return _bitwise(np.bitwise_or, "bitwise_or", a, b)


def bitwise_xor(a, b):
    return _bitwise(np.bitwise_xor, "bitwise_xor", a, b)


def bitwise_not(a):
    if a.dtype.is_floating_point:
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{a.dtype.legacy_name}'")
    return Tensor._wrap(np.invert(a._data))


def logical_and(a, b):
    return _compare(np.logical_and, a, b)


def logical_or(a, b):
    return _compare(np.logical_or, a, b)


def logical_xor(a, b):
    return _compare(np.logical_xor, a, b)


def logical_not(a):
    return Tensor._wrap(np.logical_not(a._data))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y, _ = operands(a, b)
    return Tensor._wrap(_broadcasting(lambda x, y: np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan),
                                      a, b, x, y))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(a, b, rtol, atol, equal_nan)._data.all())


def equal(a, b):
    """True when both tensors have the same shape and elements."""
    return a.shape == b.shape and bool((a._data == b._data).all())


def _shift(fn, name, a, b):
    x, y, dt = operands(a, b)
    if dt.is_floating_point:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{dt.legacy_name}\'')
    return Tensor._wrap(_broadcasting(fn, a, b, x, y).astype(dt.np, copy=False))


def bitwise_left_shift(a, b):
    """a << b (integers; the bits shifted out are lost, as in C)."""
    return _shift(np.left_shift, "lshift", a, b)


def bitwise_right_shift(a, b):
    """a >> b (integers; arithmetic shift: the sign is kept)."""
    return _shift(np.right_shift, "rshift", a, b)
