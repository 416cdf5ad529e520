"""Distances and the cross product: dist, cdist, cross.

``dist`` and ``cdist`` are vector p-norms of differences; they reuse ``reduction.Norm``'s forward
and backward (torch fuses the difference into one node; here the difference is its own node and the
norm's node bears torch's name, ``DistBackward0`` / ``CdistBackward0``).
"""
import warnings

import numpy as np

from ..autograd.function import BuiltinFunction
from ._util import normalize_dim
from .arithmetic import _broadcasting
from .reduction import Norm


class Dist(Norm):
    """||a - b||_p over all elements (the difference broadcast); backward: Norm's"""

    _name = "DistBackward0"


class Cdist(Norm):
    """||x1_i - x2_j||_p over the last dim, for every pair of rows; backward: Norm's"""

    _name = "CdistBackward0"


class Cross(BuiltinFunction):
    """a x b along a dim of size 3; d/da = b x g, d/db = g x a"""

    _name = "LinalgCrossBackward0"

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.save_for_backward(a, b)
        ctx.dim = dim
        return _broadcasting(lambda x, y: np.cross(x, y, axis=dim), a, b, a._data, b._data)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (Cross.apply(b, grad, ctx.dim) if ctx.needs_input_grad[0] else None,
                Cross.apply(grad, a, ctx.dim) if ctx.needs_input_grad[1] else None, None)


def dist(a, other, p=2):
    diff = a - other
    return Dist.apply(diff, float(p), tuple(range(diff.ndim)), False)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """Pairwise p-norm distances between the rows of x1 (..., P, M) and x2 (..., R, M): (..., P, R).
    Computed from the differences (exact to rounding; torch switches to a matrix-product formula for
    p=2 with more than 25 rows, which can differ by its cancellation error)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return Cdist.apply(diff, float(p), (diff.ndim - 1,), False)


def cross(a, other, dim=None):
    """torch.cross: without ``dim``, the first dim of size 3 (deprecated in torch, which warns)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(a.shape, other.shape)
        dim = next((i for i, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(a, other, dim)


def linalg_cross(a, other, dim=-1):
    """torch.linalg.cross: a x b along ``dim`` (size 3; a and b broadcast)."""
    ndim = max(a.ndim, other.ndim)
    d = normalize_dim(dim, ndim)
    if (a.shape[d - ndim + a.ndim] if a.ndim else 0) != 3 or (other.shape[d - ndim + other.ndim]
                                                             if other.ndim else 0) != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d - ndim + a.ndim]} and {other.shape[d - ndim + other.ndim]}")
    return Cross.apply(a, other, d - ndim)
