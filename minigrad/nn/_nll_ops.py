"""Classification losses: ``nll_loss``, and ``cross_entropy`` = ``log_softmax`` then ``nll_loss``.

Shapes, as in torch: the input holds one score per class along dim 1, (N, C) or (N, C, d1, d2, ...),
or along dim 0 for a single sample (C,). The target holds a class index per sample and position,
(N,) or (N, d1, ...) or (); for ``cross_entropy`` it may instead hold class probabilities, with the
input's shape. ``weight`` rescales each class; positions whose target is ``ignore_index`` add
nothing, and the mean is taken over the weights of the positions that count.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..ops.arithmetic import Div
from ..tensor import Tensor
from . import _reduction
from ._loss_ops import reduce_array


class NllLoss(BuiltinFunction):
    """loss_i = -w[t_i]*a[i, t_i] (0 where t_i == ignore_index), mean = sum_i loss_i / sum_i w[t_i];
    d/da[i, t_i] = -g_i*w[t_i] (g_i = g/sum w[t] for the mean), 0 at the other classes"""

    @staticmethod
    def forward(ctx, a, target, weight, reduction, ignore_index):
        x, t = a._data, target._data
        dim = 0 if x.ndim == 1 else 1
        ignored = t == ignore_index
        index = np.where(ignored, 0, t).astype(np.int64)
        out_of_bounds = (index < 0) | (index >= x.shape[dim])
        if out_of_bounds.any():
            raise IndexError(f"Target {t[out_of_bounds][0]} is out of bounds.")
        w = weight._data[index] if weight is not None else np.ones_like(index, dtype=x.dtype)
        w = np.where(ignored, 0, w).astype(x.dtype, copy=False)
        loss = -np.take_along_axis(x, np.expand_dims(index, dim), dim).squeeze(dim) * w
        ctx.dim, ctx.shape, ctx.reduction = dim, x.shape, reduction
        ctx.save_for_backward(Tensor._wrap(index), Tensor._wrap(w))
        if reduction != "mean":
            return reduce_array(loss, reduction)
        ctx.total = float(w.sum())
        with np.errstate(invalid="ignore", divide="ignore"):  # every target ignored: nan, as in torch
            return loss.sum() / w.sum()

    @staticmethod
    def backward(ctx, grad):
        index, weights = ctx.saved_tensors
        g = grad / ctx.total if ctx.reduction == "mean" and ctx.total else grad  # all ignored: zeros, as torch
        per_sample = -(g * weights)
        dim = ctx.dim
        return grad.new_zeros(ctx.shape).scatter(dim, index.unsqueeze(dim), per_sample.unsqueeze(dim)), \
            None, None, None, None


class NllLoss2d(NllLoss):
    """The same for (N, C, H, W) inputs (torch's spatial kernel)"""

    _name = "NllLoss2DBackward0"


class DivByNumber(Div):
    """a / c for a Python number c, the node torch's C++ losses make (``DivBackward1``)"""

    _name = "DivBackward1"


def _check_target_dtype(target):
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {target.dtype.legacy_name}")


def _check_class_weight(weight, classes, prefix=""):
    if weight is not None and (weight.ndim != 1 or weight.numel() != classes):
        raise RuntimeError(f"{prefix}weight tensor should be defined either for all {classes} classes or no classes "
                           f"but got weight tensor of shape: {list(weight.shape)}")


def _nll_loss_nd(input, target, weight, reduction, ignore_index):  # noqa: A002 - torch's parameter name
    """torch's nll_loss_nd: checks, then the kernel for (C,)/(N, C) or the spatial one for more dims."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim != 1 and input.shape[0] != (target.shape[0] if target.ndim else 0):
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0] if target.ndim else 0}).")
    if input.ndim <= 2:
        if target.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if input.ndim == 1 and target.ndim == 1:
            if target.numel() != 1:
                raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.numel()}")
            target = target.reshape(())
        _check_class_weight(weight, input.shape[-1])
        _check_target_dtype(target)
        return NllLoss.apply(input, target, weight, reduction, ignore_index)
    n, c = input.shape[:2]
    if input.ndim == 4:
        if target.ndim != 3:
            raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of "
                               f"dimension: {target.ndim}")
        if weight is not None and weight.numel() != c:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        if (n,) + tuple(input.shape[2:]) != tuple(target.shape):
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
        _check_target_dtype(target)
        return NllLoss2d.apply(input, target, weight, reduction, ignore_index)
    out_size = [n, *input.shape[2:]]
    if list(target.shape[1:]) != out_size[1:]:
        raise RuntimeError(f"Expected target size {out_size}, got {list(target.shape)}")
    # (N, C, d1, ..., dk) as (N, C, 1, d1*...*dk) for the spatial kernel, like torch
    flat_input = input.reshape(n, c, 1, -1) if input.numel() else input.reshape(n, c, 0, 0)
    flat_target = target.reshape(n, 1, -1) if target.numel() else target.reshape(n, 0, 0)
    out = _nll_loss_nd(flat_input, flat_target, weight, reduction, ignore_index)
    return out.reshape(out_size) if reduction == "none" else out


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):
    """The negative log likelihood of the target classes, given log-probabilities ``input``."""
    return _nll_loss_nd(input, target, weight, _reduction.resolve(reduction, size_average, reduce), ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
                  reduction="mean", label_smoothing=0.0):
    """nll_loss(log_softmax(input)), for class-index targets (optionally smoothed) or probabilities."""
    reduction = _reduction.resolve(reduction, size_average, reduce)
    class_dim = 0 if input.ndim == 1 else 1
    if input.shape == target.shape:
        if not target.dtype.is_floating_point:
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{target.dtype.legacy_name}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, class_dim)
    if label_smoothing > 0:
        _check_smoothing(label_smoothing)
        return _cross_entropy_smoothed(input, target, weight, reduction, ignore_index, label_smoothing, class_dim)
    return _nll_loss_nd(input.log_softmax(class_dim), target, weight, reduction, ignore_index)


def _check_smoothing(label_smoothing):
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")


def _per_class(weight, ndim, class_dim):
    """The class weights shaped to broadcast along ``class_dim``."""
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return weight.reshape(shape)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, class_dim):  # noqa: A002
    """-sum_c w_c*p_c*log_softmax(input)_c per sample; the mean divides by the number of samples."""
    n_classes = input.shape[class_dim]
    _check_class_weight(weight, n_classes, prefix="cross_entropy: ")
    log_probs = input.log_softmax(class_dim)
    if label_smoothing > 0:
        _check_smoothing(label_smoothing)
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = log_probs * target
    if weight is not None:
        terms = terms * _per_class(weight, input.ndim, class_dim)
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    return DivByNumber.apply(-terms.sum(), input.numel() / n_classes)


def _cross_entropy_smoothed(input, target, weight, reduction, ignore_index, label_smoothing,  # noqa: A002
                            class_dim):
    """(1 - s)*nll + s/C * (-sum_c w_c*log_softmax(input)_c): the target is mixed with a uniform one."""
    log_probs = input.log_softmax(class_dim)
    nll = _nll_loss_nd(log_probs, target, weight, reduction, ignore_index)
    n_classes = input.shape[class_dim]
    ignored = target == ignore_index
    weighted = log_probs if weight is None else log_probs * _per_class(weight, input.ndim, class_dim)
    smooth = (-weighted.sum(class_dim)).masked_fill(ignored, 0.0)
    if reduction == "mean":
        counted = weight[target[~ignored]].sum() if weight is not None else (~ignored).sum()
        smooth = smooth.sum() / counted
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)
