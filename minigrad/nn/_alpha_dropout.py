"""``F.alpha_dropout`` and ``F.feature_alpha_dropout`` (Klambauer et al. 2017, "Self-Normalizing Neural
Networks"): dropout for SELU networks that keeps the mean and variance of the activations.

Dropped values are set to SELU's negative saturation -alpha' (alpha' = scale * alpha of SELU,
1.7580993408473766) instead of 0, then an affine map a*x + b restores the statistics:

    keep ~ Bernoulli(1 - p),  a = 1 / sqrt((alpha'^2 p + 1)(1 - p)),  b = (keep - 1) * alpha' a + alpha' a p
    y = x * (keep * a) + b

``feature_alpha_dropout`` draws one ``keep`` per channel (shape (N, C, 1, ...)) instead of per element.
The draws and the order of the float operations follow torch's CPU kernel
(aten/src/ATen/native/Dropout.cpp, ``_dropout_impl``), so seeded results equal torch's.
A composition of Tensor ops (its last node is ``AddBackward0``), so double backward comes free.
"""
import math

from ..factories import empty, zeros

_ALPHA = 1.7580993408473766


def _check(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _alpha_dropout(input, p, training, inplace, feature):  # noqa: A002 - torch's parameter name
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        dropped = zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(dropped) if inplace else input * dropped
    if feature:
        if input.dim() < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    else:
        shape = tuple(input.shape)
    noise = empty(shape, dtype=input.dtype, device=input.device).bernoulli_(1 - p)
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    b = noise.add(-1).mul_(_ALPHA * a).add_(_ALPHA * a * p)
    noise.mul_(a)
    return input.mul_(noise).add_(b) if inplace else (input * noise).add_(b)


def alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Alpha dropout of each element (training only; note torch's default ``training=False``)."""
    _check(p)
    return _alpha_dropout(input, p, training, inplace, feature=False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Alpha dropout of whole channels (dim 1) of an input with at least 2 dims (training only)."""
    _check(p)
    return _alpha_dropout(input, p, training, inplace, feature=True)
