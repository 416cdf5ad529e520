"""Negative log likelihoods of a distribution's parameters: ``poisson_nll_loss`` (rate) and
``gaussian_nll_loss`` (mean and variance). Both are compositions of Tensor ops, written as torch writes
them (aten/src/ATen/native/Loss.cpp and torch/nn/functional.py), so their graphs and double backward
are torch's.
"""
import math

from ..autograd.grad_mode import no_grad
from . import _reduction
from ._margin_losses import _reduce


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,  # noqa: A002
                     reduce=None, reduction="mean"):
    """exp(input) - target * input (``log_input``: input is the log-rate), or input - target * log(input + eps);
    ``full`` adds Stirling's approximation of log(target!), target*log(target) - target + log(2 pi target)/2,
    where target > 1."""
    if size_average is not None or reduce is not None:
        reduction = _reduction.legacy_get_string(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):  # noqa: A002
    """(log(max(var, eps)) + (input - target)**2 / max(var, eps)) / 2, plus log(2 pi)/2 when ``full``.
    ``var`` has input's shape, or one dim fewer / one dim of size 1 (one variance shared there), or is
    a float. The clamp to ``eps`` is outside the graph (the gradient is that of the unclamped var).
    Raises ValueError for negative or wrongly sized ``var`` and unknown reductions."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * input.new_ones(input.shape)
    elif (var < 0).any():
        raise ValueError("var has negative entry/entries")
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(y for x, y in zip(input.size(), var.size()) if x != y) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)
