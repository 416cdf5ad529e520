"""Activation functions: each an op (forward and backward side by side) plus its
``torch.nn.functional`` function, with torch's signature, defaults and graph-node name.

Backward formulas are written with Tensor ops, so they are differentiable again (double backward).
Where a formula needs ``e**x`` only on one side of a branch, the input is clamped to that side
first, so the unused branch never overflows into ``0 * inf = nan`` in a second derivative.

relu, sigmoid, softmax and log_softmax are the core ops of ``minigrad/ops/activation.py`` (tanh
is in ``ops/unary.py``). ``inplace=True`` writes the result into the input (torch's ``relu_``
etc.) through ``ops/inplace.py``, which also records the op in the graph the way torch does.
"""
import math

import numpy as np

from ..autograd.function import BuiltinFunction
from ..ops import inplace as _inplace
from ..ops.arithmetic import where
from ..ops.activation import implicit_dim, sigmoid_array
from ._special import erf_array


def _float_only(a, kernel):
    """torch's error for an activation that has no integer kernel."""
    if not a.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{a.dtype.legacy_name}'")
    return a._data


def _apply(op, input, inplace, *args):
    """``op(input, *args)``, or written into ``input`` when ``inplace``."""
    if inplace:
        return _inplace.apply(input, op.apply, *args)
    return op.apply(input, *args)


# --- piecewise linear ----------------------------------------------------------------------------
# Their backward is an op of its own, as torch's (``hardtanh_backward``, ``leaky_relu_backward``,
# ...): g times the slope of the piece the saved tensor falls on. Its derivatives, as torch's
# derivatives.yaml gives them: d/dg = the same op on the incoming gradient, d/d(saved) = zeros (the
# slopes are constant on each piece). So under ``create_graph`` the gradient requires grad, and a
# second derivative reaches the input as zeros, not as no gradient, both as in torch.
class PiecewiseLinearGrad(BuiltinFunction):
    """Base of the backward ops above: ``select(x, g, *params)`` gives the gradient from the saved
    array ``x`` and the incoming gradient ``g``."""

    @staticmethod
    def select(x, g, *params):
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, grad, saved, *params):
        ctx.save_for_backward(saved)
        ctx.params = params
        return cls.select(saved._data, grad._data, *params)

    @classmethod
    def backward(cls, ctx, grad):
        saved, = ctx.saved_tensors
        zeros = grad.new_zeros(grad.shape) if ctx.needs_input_grad[1] else None
        return (cls.apply(grad, saved, *ctx.params), zeros) + (None,) * len(ctx.params)


class LeakyReluBackward(PiecewiseLinearGrad):
    """g where x > 0, else slope*g (x: the input, or the result when run in place)"""

    @staticmethod
    def select(x, g, slope):
        return np.where(x > 0, g, g * slope)


class LeakyRelu(BuiltinFunction):
    """leaky_relu(a) = a if a > 0 else slope*a; d/da = g if a > 0 else slope*g"""

    @staticmethod
    def forward(ctx, a, slope):
        x = _float_only(a, "leaky_relu_cpu")
        ctx.save_for_backward(a)
        ctx.slope = slope
        return np.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return LeakyReluBackward.apply(grad, a, ctx.slope), None


class LeakyReluInPlace(BuiltinFunction):
    """The same op run in place (torch's ``leaky_relu_``, node ``LeakyReluBackward1``): its input is
    overwritten, so, as torch, it saves the result y (y > 0 exactly where a > 0 when slope >= 0):
    d/da = g if y > 0 else slope*g. A negative slope breaks that, and torch's backward refuses it."""

    _name = "LeakyReluBackward1"

    @staticmethod
    def forward(ctx, a, slope):
        x = _float_only(a, "leaky_relu_cpu")
        ctx.slope = slope
        out = np.where(x > 0, x, x * slope)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        if ctx.slope < 0:
            raise RuntimeError(
                "In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. "
                "This is caused by calling in-place forward function with a negative slope, please call out-of-place "
                "version instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting "
                "in-place leakRelu backward calculation with negative slope")
        return LeakyReluBackward.apply(grad, ctx.output, ctx.slope), None


class HardtanhBackward(PiecewiseLinearGrad):
    """g where lo < x < hi, else 0 (a nan x passes g, as in torch)"""

    @staticmethod
    def select(x, g, low, high):
        return np.where((x <= low) | (x >= high), 0, g).astype(g.dtype, copy=False)


class Hardtanh(BuiltinFunction):
    """hardtanh(a) = clamp(a, lo, hi); d/da = g where lo < a < hi, else 0"""

    @staticmethod
    def forward(ctx, a, low, high):
        ctx.save_for_backward(a)
        ctx.low, ctx.high = low, high
        return np.clip(a._data, low, high).astype(a._data.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return HardtanhBackward.apply(grad, a, ctx.low, ctx.high), None, None


class ThresholdBackward(PiecewiseLinearGrad):
    """0 where x <= threshold, else g (a nan x passes g, as in torch)"""

    @staticmethod
    def select(x, g, threshold):
        return np.where(x <= threshold, 0, g).astype(g.dtype, copy=False)


class Threshold(BuiltinFunction):
    """threshold(a) = a if a > t else value; d/da = g where a > t, else 0"""

    @staticmethod
    def forward(ctx, a, threshold, value):
        ctx.save_for_backward(a)
        ctx.threshold = threshold
        x = a._data
        return np.where(x <= threshold, value, x).astype(x.dtype, copy=False)  # (nan stays nan, as torch's)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return ThresholdBackward.apply(grad, a, ctx.threshold), None, None


class ThresholdInPlace(Threshold):
    """The same op run in place (torch names that node ``ThresholdBackward1``)"""

    _name = "ThresholdBackward1"


_ONE_SIXTH = float(np.float32(1 / 6))  # torch's kernel multiplies the gradient by 1/6 rounded to float32


class Hardsigmoid(BuiltinFunction):
    """hardsigmoid(a) = clamp(a + 3, 0, 6)/6; d/da = g/6 where -3 < a < 3, else 0"""

    @staticmethod
    def forward(ctx, a):
        x = _float_only(a, "hardsigmoid_cpu")
        ctx.save_for_backward(a)
        return np.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return HardsigmoidBackward.apply(grad, a)


class HardsigmoidBackward(BuiltinFunction):
    """hardsigmoid's backward as an op (torch's ``hardsigmoid_backward``): g/6 where -3 < x < 3,
    else 0. torch defines no derivative for it: its node is ``NotImplemented`` and a second
    backward raises, here as there."""

    _name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, grad, a):
        x = a._data
        return (grad._data * ((x > -3) & (x < 3)) * _ONE_SIXTH).astype(grad._data.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::hardsigmoid_backward is not implemented")


class Hardswish(BuiltinFunction):
    """hardswish(a) = a*clamp(a + 3, 0, 6)/6; d/da = 0 (a <= -3), g*(a/3 + 1/2) (-3 < a < 3), g (a >= 3)"""

    @staticmethod
    def forward(ctx, a):
        x = _float_only(a, "hardswish_cpu")
        ctx.save_for_backward(a)
        return x * np.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        middle = (a > -3) & (a < 3)
        return grad * ((a / 3 + 0.5) * middle + (a >= 3))


class ShrinkBackward(PiecewiseLinearGrad):
    """0 where -lambd <= x <= lambd, else g (a nan x passes g, as in torch; softshrink's and
    hardshrink's backward alike)"""

    @staticmethod
    def select(x, g, lambd):
        return np.where((x >= -lambd) & (x <= lambd), 0, g).astype(g.dtype, copy=False)


class SoftshrinkBackward(ShrinkBackward):
    pass


class HardshrinkBackward(ShrinkBackward):
    pass


class Softshrink(BuiltinFunction):
    """softshrink(a) = a - l (a > l), a + l (a < -l), 0 otherwise (nan stays nan, as torch's a*0);
    d/da = g where |a| > l"""

    @staticmethod
    def forward(ctx, a, lambd):
        x = _float_only(a, "softshrink_check")
        ctx.save_for_backward(a)
        ctx.lambd = lambd
        return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, x * 0)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return SoftshrinkBackward.apply(grad, a, ctx.lambd), None


class Hardshrink(BuiltinFunction):
    """hardshrink(a) = a where |a| > l, else 0; d/da = g where |a| > l"""

    @staticmethod
    def forward(ctx, a, lambd):
        x = _float_only(a, "hardshrink_cpu")
        ctx.save_for_backward(a)
        ctx.lambd = lambd
        return np.where((x >= -lambd) & (x <= lambd), 0, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return HardshrinkBackward.apply(grad, a, ctx.lambd), None


class PreluKernel(BuiltinFunction):
    """prelu(a, w) = a if a > 0 else w*a; d/da = g if a > 0 else w*g, d/dw = g*a where a <= 0"""

    @staticmethod
    def forward(ctx, a, weight):
        x = _float_only(a, "prelu_cpu")
        ctx.save_for_backward(a, weight)
        return np.where(x > 0, x, weight._data * x)

    @staticmethod
    def backward(ctx, grad):
        a, weight = ctx.saved_tensors
        positive = a > 0
        grad_a = where(positive, grad, grad * weight) if ctx.needs_input_grad[0] else None
        grad_w = where(positive, 0.0, grad * a) if ctx.needs_input_grad[1] else None
        return grad_a, grad_w


# --- exponential family --------------------------------------------------------------------------
class Elu(BuiltinFunction):
    """elu(a) = s*a (a > 0), s*alpha*(e**(i*a) - 1) (a <= 0) with scale s, input scale i;
    d/da = s*g (a > 0), g*s*alpha*i*e**(i*a) (a <= 0)"""

    @staticmethod
    def forward(ctx, a, alpha, scale, input_scale):
        x = _float_only(a, "elu_cpu")
        ctx.save_for_backward(a)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        negative = np.expm1(np.minimum(x, 0) * input_scale) * (alpha * scale)
        return np.where(x > 0, x * scale, negative)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        # where(a < 0, a, 0), not clamp: the second derivative at the kink a = 0 is 0, as torch's
        negative = where(a < 0, a, 0.0)
        slope = (negative * ctx.input_scale).exp() * (ctx.alpha * ctx.scale * ctx.input_scale)
        return where(a <= 0, grad * slope, grad * ctx.scale), None, None, None  # nan: the positive side, as torch


class EluInPlace(Elu):
    """The same op run in place (torch names that node ``EluBackward1``): its input is overwritten,
    so, as torch, it saves the result y: d/da = g*i*(y + s*alpha) (y <= 0), s*g (y > 0)"""

    _name = "EluBackward1"

    @staticmethod
    def forward(ctx, a, alpha, scale, input_scale):
        x = _float_only(a, "elu_cpu")
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        negative = np.expm1(np.minimum(x, 0) * input_scale) * (alpha * scale)
        out = np.where(x > 0, x * scale, negative)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        slope = (where(y < 0, y, 0.0) + ctx.alpha * ctx.scale) * ctx.input_scale  # (torch: y' = 0 at y = 0)
        return where(y <= 0, grad * slope, grad * ctx.scale), None, None, None


class Celu(Elu):
    """celu(a) = elu(a) with input scale 1/alpha"""


class CeluInPlace(EluInPlace):
    """The same op run in place (torch names that node ``CeluBackward1``)"""

    _name = "CeluBackward1"


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _softplus_array(x, beta, threshold):
    z = x * beta
    with np.errstate(over="ignore"):
        soft = np.log1p(np.exp(z)) / beta
    return np.where(z > threshold, x, soft).astype(x.dtype, copy=False)


class Softplus(BuiltinFunction):
    """softplus(a) = log(1 + e**(beta*a))/beta (a itself where beta*a > threshold);
    d/da = g*sigmoid(beta*a) (g past the threshold)"""

    @staticmethod
    def forward(ctx, a, beta, threshold):
        x = _float_only(a, "softplus_cpu")
        ctx.save_for_backward(a)
        ctx.beta, ctx.threshold = beta, threshold
        return _softplus_array(x, beta, threshold)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        z = a * ctx.beta
        return grad * z.sigmoid().masked_fill(z > ctx.threshold, 1.0), None, None


def log_sigmoid_array(x):
    """log(sigmoid(x)) = min(x, 0) - log(1 + e**-|x|): no overflow at any x."""
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


class LogSigmoid(BuiltinFunction):
    """logsigmoid(a) = log(1/(1 + e**-a)); d/da = g*sigmoid(-a)"""

    @staticmethod
    def forward(ctx, a):
        x = _float_only(a, "log_sigmoid_cpu")
        ctx.save_for_backward(a)
        return log_sigmoid_array(x)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * (-a).sigmoid()


class Silu(BuiltinFunction):
    """silu(a) = a*sigmoid(a); d/da = g*s*(1 + a*(1 - s)) with s = sigmoid(a)"""

    @staticmethod
    def forward(ctx, a):
        x = _float_only(a, "silu_cpu")
        ctx.save_for_backward(a)
        return x * sigmoid_array(x)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        s = a.sigmoid()
        return grad * s * (1 + a * (1 - s))


class Mish(BuiltinFunction):
    """mish(a) = a*tanh(softplus(a)); d/da = g*(t + a*sigmoid(a)*(1 - t**2)) with t = tanh(softplus(a))"""

    @staticmethod
    def forward(ctx, a):
        x = _float_only(a, "mish_cpu")
        ctx.save_for_backward(a)
        return x * np.tanh(_softplus_array(x, 1, 20))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        t = Softplus.apply(a, 1, 20).tanh()
        return grad * (t + a * a.sigmoid() * (1 - t * t))


# --- GELU ----------------------------------------------------------------------------------------
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_KAPPA = 0.044715


def _normal_pdf(a):
    return (a * a * -0.5).exp() * _INV_SQRT_2PI


class NormalCdf(BuiltinFunction):
    """Phi(a) = (1 + erf(a/sqrt 2))/2, the standard normal CDF; d/da = g*phi(a), the normal density"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return 0.5 * (1 + erf_array(a._data * (1 / math.sqrt(2))))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad * _normal_pdf(a)


class Gelu(BuiltinFunction):
    """gelu(a) = a*Phi(a), or with approximate='tanh' a/2*(1 + tanh(u)), u = sqrt(2/pi)*(a + 0.044715a**3);
    d/da = g*(Phi(a) + a*phi(a)), or g*((1 + t)/2 + a/2*(1 - t**2)*sqrt(2/pi)*(1 + 3*0.044715a**2))"""

    @staticmethod
    def forward(ctx, a, approximate):
        x = _float_only(a, "GeluKernelImpl")
        ctx.save_for_backward(a)
        ctx.approximate = approximate
        if approximate == "tanh":
            return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x)))
        return x * 0.5 * (1 + erf_array(x * (1 / math.sqrt(2))))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = ((a + a * a * a * _KAPPA) * _SQRT_2_OVER_PI).tanh()
            du = (a * a * (3 * _KAPPA) + 1) * _SQRT_2_OVER_PI
            return grad * ((t + 1) * 0.5 + a * 0.5 * (1 - t * t) * du), None
        return grad * (NormalCdf.apply(a) + a * _normal_pdf(a)), None


# --- the functional API ----------------------------------------------------------------------------
def relu(input, inplace=False):  # noqa: A002 - torch's parameter names
    return input.relu_() if inplace else input.relu()


def relu_(input):  # noqa: A002
    return input.relu_()


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _apply(Hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):  # noqa: A002
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):  # noqa: A002
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    return _apply(LeakyReluInPlace if inplace else LeakyRelu, input, inplace, negative_slope)


def leaky_relu_(input, negative_slope=0.01):  # noqa: A002
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input, weight):  # noqa: A002
    """Like torch: one slope, or one per channel (dim 1), broadcast over the other dims."""
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {input.dtype.legacy_name} and "
                           f"{weight.dtype.legacy_name}")
    if weight.numel() != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.ndim > 1 else 1
        if channels != weight.numel():
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{weight.numel()} and channel size = {channels}.")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    if input.ndim != weight.ndim:
        shape = [1] * input.ndim
        if input.ndim > 1:
            shape[1] = weight.numel()
        weight = weight.reshape(shape)
    return PreluKernel.apply(input, weight)


def threshold(input, threshold, value, inplace=False):  # noqa: A002
    if inplace:  # (torch's threshold_, alone among the activations, writes into an expanded tensor)
        return _inplace.apply(input, ThresholdInPlace.apply, threshold, value, overlap_ok=True)
    return Threshold.apply(input, threshold, value)


def threshold_(input, threshold, value):  # noqa: A002
    return threshold(input, threshold, value, inplace=True)


def hardsigmoid(input, inplace=False):  # noqa: A002
    return _apply(Hardsigmoid, input, inplace)


def hardswish(input, inplace=False):  # noqa: A002
    return _apply(Hardswish, input, inplace)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    return _apply(EluInPlace if inplace else Elu, input, inplace, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):  # noqa: A002
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):  # noqa: A002
    return _apply(EluInPlace if inplace else Elu, input, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input):  # noqa: A002
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _apply(CeluInPlace if inplace else Celu, input, inplace, alpha, 1.0, 1.0 / alpha)


def celu_(input, alpha=1.0):  # noqa: A002
    return celu(input, alpha, inplace=True)


def gelu(input, approximate="none"):  # noqa: A002
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return Gelu.apply(input, approximate)


def silu(input, inplace=False):  # noqa: A002
    return _apply(Silu, input, inplace)


def mish(input, inplace=False):  # noqa: A002
    return _apply(Mish, input, inplace)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    return Softplus.apply(input, beta, threshold)


def logsigmoid(input):  # noqa: A002
    return LogSigmoid.apply(input)


def softshrink(input, lambd=0.5):  # noqa: A002
    if lambd < 0:
        dtype = input.dtype.np if input.dtype.is_floating_point else np.float32
        raise RuntimeError(f"lambda must be in range [0, {float(np.finfo(dtype).max):g}] for input dtype "
                           f"{input.dtype.legacy_name}, but found {lambd:g}")
    return Softshrink.apply(input, lambd)


def hardshrink(input, lambd=0.5):  # noqa: A002
    return Hardshrink.apply(input, lambd)


def tanhshrink(input):  # noqa: A002
    return input - input.tanh()


def softsign(input):  # noqa: A002
    return input / (input.abs() + 1)


def sigmoid(input):  # noqa: A002
    return input.sigmoid()


def tanh(input):  # noqa: A002
    return input.tanh()


def softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    if dim is None:
        dim = implicit_dim("softmax", input.dim(), _stacklevel)
    return input.softmax(dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    if dim is None:
        dim = implicit_dim("softmin", input.dim(), _stacklevel)
    return (-input).softmax(dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    if dim is None:
        dim = implicit_dim("log_softmax", input.dim(), _stacklevel)
    return input.log_softmax(dim, dtype=dtype)
