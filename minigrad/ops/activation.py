"""Activations: relu, sigmoid, softmax and log_softmax, each op's forward and backward side by side.

These are the core activations that ``Tensor`` methods and ``minigrad.relu``/``softmax`` call; the
rest of torch.nn.functional's (leaky_relu, gelu, softplus, ...) are in ``nn/_activation_ops.py``,
and tanh is with the other elementwise math in ``unary.py``. ``*_array`` functions are the NumPy
kernels, shared with the nn ops and the metrics.
"""
import warnings

import numpy as np

from ..autograd.function import BuiltinFunction
from ._util import normalize_dim
from .unary import _floating


class Sigmoid(BuiltinFunction):
    """sigmoid(a) = 1/(1+e**-a); d/da = g*out*(1-out)"""

    @staticmethod
    def forward(ctx, a):
        out = sigmoid_array(_floating(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return grad * out * (1 - out)


def sigmoid_array(x):
    """1/(1+e**-x), without overflow warnings at large |x| (e**-x = inf gives exactly 0)."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


class Relu(BuiltinFunction):
    """relu(a) = max(a, 0); d/da = g*(out > 0)"""

    @staticmethod
    def forward(ctx, a):
        out = np.maximum(a._data, 0)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return ReluGrad.apply(grad, ctx.output)


class ReluGrad(BuiltinFunction):
    """relu's backward as an op of its own (torch's threshold_backward): 0 where out <= 0, else g —
    a select, not a product, so an inf gradient stays out (and a nan output passes g through, as in
    torch); d/dg = (its gradient) where out > 0"""

    _name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, out):
        ctx.save_for_backward(out)
        return np.where(out._data <= 0, 0, grad._data)

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return ReluGrad.apply(grad, out), None


class Softmax(BuiltinFunction):
    """softmax(a)_i = e**a_i / sum_j e**a_j; d/da = out*(g - sum(g*out))"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = softmax_array(_floating(a), dim)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return out * (grad - (grad * out).sum(dim=ctx.dim, keepdim=True)), None


class LogSoftmax(BuiltinFunction):
    """log_softmax(a) = a - logsumexp(a); d/da = g - e**out * sum(g)"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        x = _floating(a)
        # (x - max) - log(sum(e**(x - max))), as torch: exact at large logits, where
        # x - logsumexp(x) would round logsumexp to the spacing of floats near the max
        with np.errstate(divide="ignore", invalid="ignore"):
            shifted = x - np.maximum.reduce(x, axis=dim, keepdims=True) if x.size else x
            out = shifted - np.log(np.add.reduce(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad - ctx.output.exp() * grad.sum(dim=ctx.dim, keepdim=True), None


def softmax_array(x, dim):
    """Stable softmax along ``dim``: exponentiate after subtracting the row max."""
    if x.size == 0:
        return x.copy()
    with np.errstate(invalid="ignore"):  # an infinite max gives nan, silently, as in torch
        e = np.exp(x - np.maximum.reduce(x, axis=dim, keepdims=True))
        e /= np.add.reduce(e, axis=dim, keepdims=True)
        return e


def implicit_dim(name, ndim, stacklevel):
    """torch's legacy choice of dim when ``F.softmax`` & co. get none, with its deprecation warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                  "as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _check_floating(a, dim, kernel):
    """torch has no integer softmax kernels (``dtype=`` computes in a floating type instead)."""
    if not a.dtype.is_floating_point:
        impl = "lastdim_kernel_impl" if dim >= a.ndim - 1 else "kernel_impl"
        raise NotImplementedError(f"\"{kernel}_{impl}\" not implemented for '{a.dtype.legacy_name}'")


def sigmoid(a):
    return Sigmoid.apply(a)


def relu(a):
    return Relu.apply(a)


def softmax(a, dim, dtype=None):
    if dtype is not None:
        a = a.to(dtype)
    dim = normalize_dim(dim, a.ndim)
    _check_floating(a, dim, "softmax")
    return Softmax.apply(a, dim)


def log_softmax(a, dim, dtype=None):
    if dtype is not None:
        a = a.to(dtype)
    dim = normalize_dim(dim, a.ndim)
    _check_floating(a, dim, "log_softmax")
    return LogSoftmax.apply(a, dim)
