"""Margin and ranking losses: margin_ranking, hinge_embedding, soft_margin, multilabel_soft_margin,
multi_margin, multilabel_margin, triplet_margin (and with a custom distance).

Where torch computes a loss as a composition (aten/src/ATen/native/Loss.cpp or
torch/nn/functional.py) minigrad composes the same Tensor ops, so the graph and the double backward
are torch's. soft_margin, multi_margin and multilabel_margin are single kernels in torch (their
nodes are ``SoftMarginLossBackward0`` ...), so they are ops here, forward beside backward.

``reduction``: ``'mean'`` averages the per-sample losses, ``'sum'`` adds them, ``'none'`` keeps them.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..autograd.grad_mode import is_grad_enabled
from ..ops._util import broadcast_error
from ..ops.arithmetic import minimum, where
from ..ops.unary import Clamp
from ..tensor import Tensor
from . import _reduction
from ._activation_ops import logsigmoid
from ._distance_ops import pairwise_distance
from ._loss_ops import _reduction_grad, reduce_array


class ClampMin(Clamp):
    """``clamp_min(a, lo)`` (torch's node for it is ``ClampMinBackward0``); d/da = g where a >= lo"""

    @staticmethod
    def forward(ctx, a, low, high):
        out = Clamp.forward(ctx, a, low, high)
        ctx._name = "ClampMinBackward0"  # after Clamp's forward, which names its node by the bounds' kinds
        return out


def _clamp_min(a, low):
    return ClampMin.apply(a, low, None)


def _reduce(loss, reduction):
    """torch's ``apply_loss_reduction``."""
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


# --- compositions ----------------------------------------------------------------------------------
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin): input1 should rank above input2 where target = 1,
    below where target = -1. All three have the same number of dims (RuntimeError otherwise)."""
    reduction = _reduction.resolve(reduction, size_average, reduce)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return _reduce(_clamp_min(-target * (input1 - input2) + margin, 0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    """input where target = 1, max(0, margin - input) where target = -1 (input: distances)."""
    reduction = _reduction.resolve(reduction, size_average, reduce)
    zeros = input.new_zeros(input.shape)
    margin_clamp = _clamp_min(margin - input, 0)
    output = where(target != 1, margin_clamp, zeros) + where(target != -1, input, zeros)
    return _reduce(output, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                reduction="mean"):
    """-(t * logsigmoid(x) + (1 - t) * logsigmoid(-x)), optionally weighted, averaged over the C classes
    (the last dim) per sample."""
    if size_average is not None or reduce is not None:
        reduction = _reduction.legacy_get_string(size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with d = pairwise_distance(p, eps);
    ``swap`` uses min(d(a, n), d(p, n)) as the negative distance (Balntas et al. 2016)."""
    reduction = _reduction.resolve(reduction, size_average, reduce)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(_clamp_min(margin + dist_pos - dist_neg, 0), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """triplet_margin_loss with any ``distance_function(x1, x2)`` (default: pairwise_distance)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    distance_function = distance_function or pairwise_distance
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_neg = minimum(dist_neg, distance_function(positive, negative))
    return _reduce(_clamp_min(margin + dist_pos - dist_neg, 0), reduction)


def _check_triplet_dims(anchor, positive, negative):
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not a_dim == p_dim == n_dim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs")


# --- soft margin ---------------------------------------------------------------------------------
class SoftMarginLoss(BuiltinFunction):
    """loss = log(1 + exp(-y*x)); d/dx = -y*sigmoid(-y*x)*g' (g': the reduced g); torch gives the target
    no gradient"""

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.save_for_backward(x, y)
        ctx.reduction = reduction
        with np.errstate(over="ignore"):
            loss = np.log1p(np.exp(-x._data * y._data))
        ctx.count = loss.size
        return reduce_array(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return -y * _reduction_grad(grad, ctx.reduction, ctx.count) * (-(x * y)).sigmoid(), None, None


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """log(1 + exp(-target * input)) per element, target in {1, -1} (the two-class logistic loss)."""
    reduction = _reduction.resolve(reduction, size_average, reduce)
    if target.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. "
                           "This input cannot have requires_grad True.")
    try:
        shape = np.broadcast_shapes(input.shape, target.shape)
    except ValueError:
        raise broadcast_error(input.shape, target.shape) from None
    if shape != tuple(input.shape):  # torch's kernel writes the losses into a tensor shaped like input
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape {list(shape)}")
    return SoftMarginLoss.apply(input, target.expand(shape), reduction)


# --- multi-class margins -------------------------------------------------------------------------
def _check_class_input(input, target):  # noqa: A002
    """(N, C) or (C,) input: torch's shape and dtype checks; returns the input viewed as (N, C)."""
    if input.dim() > 2 or (input.dim() >= 1 and input.shape[-1] == 0) or input.dim() == 0:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    if target.dtype.name != "int64":
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.legacy_name}")
    return input.reshape(-1, input.shape[-1])


class MultiMarginLoss(BuiltinFunction):
    """loss_n = sum_{i != y} w[y] * max(0, margin - x[y] + x[i])**p / C  (p = 1 or 2);
    d/dx[i] = g'_n * w[y] * p * z_i**(p-1) / C where z_i > 0 (i != y), d/dx[y] = -(sum of those)"""

    @staticmethod
    def forward(ctx, x, target, p, margin, weight, reduction):
        a, y = x._data.reshape(-1, x.shape[-1]), target._data.reshape(-1)
        n, c = a.shape
        rows = np.arange(n, like=a)
        z = margin - a[rows, y][:, None] + a
        active = (z > 0) & (np.arange(c, like=a) != y[:, None])
        scale = np.ones(n, dtype=a.dtype, like=a) if weight is None else weight._data[y].astype(a.dtype)
        losses = (np.where(active, z if p == 1 else z * z, 0) * scale[:, None]).sum(axis=1) / c
        ctx.save_for_backward(x)
        ctx.target, ctx.p, ctx.margin, ctx.scale, ctx.reduction = y, p, margin, scale, reduction
        ctx.active, ctx.count = active, n
        losses = losses.astype(a.dtype, copy=False).reshape(target.shape)  # (N,), or () for one sample
        return reduce_array(losses, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        x2d = x.reshape(-1, x.shape[-1])
        c = x2d.shape[1]
        g = _reduction_grad(grad, ctx.reduction, ctx.count)
        g = g.reshape(-1, 1) if ctx.reduction == "none" else g
        y = ctx.target
        coefficient = Tensor._wrap((ctx.active * ctx.scale[:, None] / c).astype(x.dtype.np))
        if ctx.p == 2:  # d z**2 = 2 z dz, z = margin - x[y] + x[i]
            x_target = x2d.gather(1, Tensor._wrap(y[:, None]))
            coefficient = coefficient * 2 * (ctx.margin - x_target + x2d)
        per_class = g * coefficient  # d/dx[i] for i != y
        at_target = Tensor._wrap(np.arange(c, like=y) == y[:, None])
        grad_x = where(at_target, -per_class.sum(1, keepdim=True), per_class).reshape(x.shape)
        return grad_x, None, None, None, None, None


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,  # noqa: A002
                      reduction="mean"):
    """Multi-class hinge loss: input (N, C) or (C,) scores, target (N,) or () class indices;
    ``weight`` (C,) rescales each sample by the weight of its class. p must be 1 or 2 (ValueError)."""
    reduction = _reduction.resolve(reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    x = _check_class_input(input, target)
    n, c = x.shape
    if target.numel() != n or (input.dim() == 2 and target.dim() != 1):
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{n}], but got {list(target.shape)}. Input "
                           f"has shape {list(input.shape)}.")
    if weight is not None and weight.numel() != c:
        raise RuntimeError(f"inconsistent weight size, expected {c} but got {list(weight.shape)}")
    if n and (target._data.min() < 0 or target._data.max() >= c):
        raise RuntimeError("target out of range")
    return MultiMarginLoss.apply(input, target, p, margin, weight, reduction)


class MultilabelMarginLoss(BuiltinFunction):
    """loss_n = sum over listed targets j and non-target classes i of max(0, 1 - (x[j] - x[i])) / C;
    piecewise linear: d/dx = g'_n * K with K[i] = (active pairs with i as non-target
    - active pairs with i as target) / C (no second derivative)"""

    @staticmethod
    def forward(ctx, x, target, reduction):
        a, t = x._data.reshape(-1, x.shape[-1]), target._data.reshape(-1, x.shape[-1])
        n, c = a.shape
        listed = np.cumprod(t >= 0, axis=1).astype(bool)  # each row's targets end at its first -1
        index = np.where(listed, t, 0)
        listed_class = (index[:, :, None] == np.arange(c, like=a)) & listed[:, :, None]  # (N, listed j, class)
        is_target = listed_class.any(axis=1)
        z = 1 - np.take_along_axis(a, index, axis=1)[:, :, None] + a[:, None, :]  # (N, listed j, class i)
        active = listed[:, :, None] & ~is_target[:, None, :] & (z > 0)
        losses = np.where(active, z, 0).sum(axis=(1, 2)) / c
        # each active pair adds 1 at its non-target class i and -1 at its target class j
        coefficient = (active.sum(axis=1) - (listed_class * active.sum(axis=2)[:, :, None]).sum(axis=1)).astype(a.dtype)
        ctx.coefficient, ctx.reduction, ctx.count = (coefficient / c).reshape(x.shape), reduction, n
        return reduce_array(losses.astype(a.dtype, copy=False).reshape(x.shape[:-1]), reduction)

    @staticmethod
    def backward(ctx, grad):
        g = _reduction_grad(grad, ctx.reduction, ctx.count)
        g = g.unsqueeze(-1) if ctx.reduction == "none" else g
        return g * Tensor._wrap(ctx.coefficient), None, None


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """Multi-label hinge loss: input (N, C) or (C,), target of the same shape listing each sample's
    classes, ended by the first -1 (e.g. ``[3, 0, -1, 1]`` means classes 3 and 0)."""
    reduction = _reduction.resolve(reduction, size_average, reduce)
    x = _check_class_input(input, target)
    if target.shape != input.shape:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    if target.numel() and (target._data.min() < -1 or target._data.max() >= x.shape[1]):
        raise RuntimeError("argument #2 'target' is out of range")
    return MultilabelMarginLoss.apply(input, target, reduction)
