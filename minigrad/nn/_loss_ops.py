"""Regression and binary losses: mse, l1, smooth_l1, huber, binary_cross_entropy (plain and with
logits), kl_div, cosine_embedding. Classification losses (nll, cross_entropy) are in ``_nll_ops.py``.

A fused loss op computes the per-element loss and its reduction in one forward, as torch's kernels
do (so ``grad_fn`` is e.g. ``MseLossBackward0`` even after the mean); its backward scales the
incoming gradient by the reduction's own derivative (``1/N`` for the mean) and multiplies in the
per-element derivative. The other losses are compositions of Tensor ops, exactly as torch writes
them, so their graph nodes are the ones torch shows.
"""
import warnings

import numpy as np

from ..autograd.function import BuiltinFunction
from ..ops.arithmetic import _broadcasting, where
from ..ops._util import operands
from . import _reduction
from ._activation_ops import LogSigmoid, log_sigmoid_array

# torch's kernels clamp p*(1-p) from below by this float32 constant in binary_cross_entropy's gradient
_BCE_EPSILON = float(np.float32(1e-12))


def reduce_array(loss, reduction):
    """The per-element losses reduced; the mean of no elements is nan, as in torch."""
    if reduction == "none":
        return loss
    with np.errstate(invalid="ignore", divide="ignore"):
        return loss.sum() / loss.size if reduction == "mean" else loss.sum()


def _reduction_grad(grad, reduction, count):
    """d(reduction)/d(element) times the incoming gradient: g/N for the mean, g otherwise."""
    return grad / count if reduction == "mean" else grad


def _warn_if_broadcasting(input, target):  # noqa: A002 - torch's parameter name
    """torch's warning for shapes that differ (they broadcast, usually by mistake: (N, 1) vs (N,))."""
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have "
                      "the same size.", stacklevel=3)


# --- losses of the difference d = input - target -------------------------------------------------
class _DifferenceLoss(BuiltinFunction):
    """loss = reduce(f(a - b)); d/da = g' * f'(a - b), d/db = -d/da (g' = the reduction's gradient)"""

    _kernel = None  # torch's kernel name, for its integer-dtype error

    @classmethod
    def forward(cls, ctx, a, b, reduction, param):
        x, y, dt = operands(a, b)
        if not dt.is_floating_point:
            raise NotImplementedError(f"\"{cls._kernel}\" not implemented for '{dt.legacy_name}'")
        ctx.save_for_backward(a, b)
        ctx.reduction, ctx.param = reduction, param
        loss = cls.loss(_broadcasting(np.subtract, a, b, x, y), param)
        ctx.count = loss.size
        return reduce_array(loss, reduction)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        g = _reduction_grad(grad, ctx.reduction, ctx.count) * cls.derivative(a - b, ctx.param)
        return (g if ctx.needs_input_grad[0] else None, -g if ctx.needs_input_grad[1] else None, None, None)


class MseLoss(_DifferenceLoss):
    """f(d) = d**2; f'(d) = 2d"""

    _kernel = "mse_cpu"

    @staticmethod
    def loss(d, _):
        return d * d

    @staticmethod
    def derivative(d, _):
        return d * 2


class SmoothL1Loss(_DifferenceLoss):
    """f(d) = d**2/(2 beta) where |d| < beta, else |d| - beta/2; f'(d) = d/beta where |d| < beta, else
    sign(d) (so f'' = 0 at the kink |d| = beta, as torch)"""

    _kernel = "smooth_l1_cpu"

    @staticmethod
    def loss(d, beta):
        z = np.abs(d)
        return np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta).astype(d.dtype, copy=False)

    @staticmethod
    def derivative(d, beta):
        return where(d.abs() < beta, d / beta if beta else d, d.sign())


class HuberLoss(_DifferenceLoss):
    """f(d) = d**2/2 where |d| < delta, else delta*(|d| - delta/2); f'(d) = d where |d| < delta, else
    delta*sign(d) (so f'' = 0 at the kink |d| = delta, as torch)"""

    _kernel = "huber_cpu"

    @staticmethod
    def loss(d, delta):
        z = np.abs(d)
        return np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)).astype(d.dtype, copy=False)

    @staticmethod
    def derivative(d, delta):
        return where(d.abs() < delta, d, d.sign() * delta)


def _weighted(errors, weight, reduction, mean_over_weights):
    """torch's path for an element-wise ``weight`` (a composition of Tensor ops): the mean divides the
    weighted sum by the sum of the weights (mse, l1) or by the number of elements (huber)."""
    if weight.shape != errors.shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = errors * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    return weighted.sum() / weight.sum() if mean_over_weights else weighted.mean()


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    _warn_if_broadcasting(input, target)
    reduction = _reduction.resolve(reduction, size_average, reduce)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, reduction, mean_over_weights=True)
    return MseLoss.apply(input, target, reduction, None)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """|input - target|, a composition as in torch (its node is Abs, Mean or Sum)."""
    _warn_if_broadcasting(input, target)
    reduction = _reduction.resolve(reduction, size_average, reduce)
    errors = (input - target).abs()
    if weight is not None:
        return _weighted(errors, weight, reduction, mean_over_weights=True)
    return errors if reduction == "none" else errors.mean() if reduction == "mean" else errors.sum()


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):  # noqa: A002
    _warn_if_broadcasting(input, target)
    reduction = _reduction.resolve(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return SmoothL1Loss.apply(input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    _warn_if_broadcasting(input, target)
    reduction = _reduction.resolve(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        return _weighted(HuberLoss.apply(input, target, "none", delta), weight, reduction, mean_over_weights=False)
    return HuberLoss.apply(input, target, reduction, delta)


# --- binary cross entropy ----------------------------------------------------------------------------
class BinaryCrossEntropy(BuiltinFunction):
    """bce = -w*(t*log(p) + (1 - t)*log(1 - p)), each log clamped at -100;
    d/dp = g*w*(p - t)/max(p*(1 - p), 1e-12), d/dt = g*w*(log(1 - p) - log(p))"""

    @staticmethod
    def forward(ctx, p, t, weight, reduction):
        x, y = p._data, t._data
        if not ((x >= 0) & (x <= 1)).all():
            raise RuntimeError("all elements of input should be between 0 and 1")
        if not ((y >= 0) & (y <= 1)).all():
            raise RuntimeError("all elements of target should be between 0 and 1")
        ctx.save_for_backward(p, t, weight)
        ctx.reduction = reduction
        with np.errstate(divide="ignore"):
            loss = (y - 1) * np.maximum(np.log1p(-x), -100) - y * np.maximum(np.log(x), -100)
        if weight is not None:
            loss = loss * weight._data
        ctx.count = loss.size
        return reduce_array(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        p, t, weight = ctx.saved_tensors
        g = _reduction_grad(grad, ctx.reduction, ctx.count)
        if weight is not None:
            g = g * weight
        grad_p = g * (p - t) / ((1 - p) * p).clamp(min=_BCE_EPSILON) if ctx.needs_input_grad[0] else None
        grad_t = g * ((-p).log1p() - p.log()) if ctx.needs_input_grad[1] else None
        return grad_p, grad_t, None, None


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    reduction = _reduction.resolve(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {target.dtype.legacy_name} but expected {input.dtype.legacy_name}")
    if weight is not None:
        weight = weight.expand(np.broadcast_shapes(target.shape, weight.shape))
    return BinaryCrossEntropy.apply(input, target, weight, reduction)


class BinaryCrossEntropyWithLogits(BuiltinFunction):
    """loss = w*((1 - t)*a - l*logsigmoid(a)) with l = 1 + (pos_weight - 1)*t (stable at any a);
    d/da = g*w*(l*sigmoid(a) - pos_weight*t), d/dt = g*w*(-a - (pos_weight - 1)*logsigmoid(a))"""

    @staticmethod
    def forward(ctx, a, t, weight, pos_weight, reduction):
        x, y = a._data, t._data
        ctx.save_for_backward(a, t, weight, pos_weight)
        ctx.reduction = reduction
        log_sig = log_sigmoid_array(x)
        if pos_weight is not None:
            log_sig = log_sig * ((pos_weight._data - 1) * y + 1)
        loss = (1 - y) * x - log_sig
        if weight is not None:
            loss = loss * weight._data
        ctx.count = loss.size
        return reduce_array(loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        a, t, weight, pos_weight = ctx.saved_tensors
        g = _reduction_grad(grad, ctx.reduction, ctx.count)
        if weight is not None:
            g = g * weight
        grad_a = grad_t = None
        if ctx.needs_input_grad[0]:
            if pos_weight is None:
                grad_a = g * (a.sigmoid() - t)
            else:
                grad_a = g * (((pos_weight - 1) * t + 1) * a.sigmoid() - pos_weight * t)
        if ctx.needs_input_grad[1]:
            grad_t = -g * a if pos_weight is None else g * (-a - (pos_weight - 1) * LogSigmoid.apply(a))
        return grad_a, grad_t, None, None, None


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                     reduction="mean", pos_weight=None):
    reduction = _reduction.resolve(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"result type {input.dtype.legacy_name} can't be cast to the desired output type "
                           f"{target.dtype.legacy_name}")
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction)


# --- compositions -----------------------------------------------------------------------------------
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):  # noqa: A002
    """KL(target || input) with ``input`` given as log-probabilities:
    sum target*(log target - input), or exp(target)*(target - input) when ``log_target``."""
    if size_average is not None or reduce is not None:
        reduction = _reduction.legacy_get_string(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    _reduction.resolve(reduction, allowed=("none", "mean", "sum", "batchmean"))
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = target * target.masked_fill(target == 0, 1.0).log() - target * input  # t*log(t), 0 at t = 0
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    total = loss.sum()
    return total / input.shape[0] if reduction == "batchmean" and input.ndim != 0 else total


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target = 1, max(0, cos(x1, x2) - margin) where target = -1."""
    reduction = _reduction.resolve(reduction, size_average, reduce)
    dim = target.ndim
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if (input1.ndim, input2.ndim) != (dim + 1, dim + 1):
        raise RuntimeError(f"{dim}D target tensor expects {dim + 1}D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    eps = 1e-12
    dot = (input1 * input2).sum(dim)
    norms = (((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps)).sqrt()
    cos = dot / norms
    loss = where(target == 1, 1 - cos, 0.0) + where(target == -1, (cos - margin).clamp(min=0), 0.0)
    return loss if reduction == "none" else loss.mean() if reduction == "mean" else loss.sum()
