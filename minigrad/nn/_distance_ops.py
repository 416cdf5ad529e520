"""Vector lengths and similarities: ``normalize``, ``cosine_similarity``, ``pairwise_distance``.

All three are compositions of Tensor ops written as torch writes them, so their gradients (and
second derivatives) come from the ops they are made of.
"""
import numpy as np

from ..autograd.grad_mode import no_grad
from ..dtypes import result_type
from ..ops._util import broadcast_error
from ..ops.reduction import Norm


class NormDim(Norm):
    """``at::norm(a, p, dim)``, the call inside torch's C++ losses (its node is ``NormBackward1``)"""

    _name = "NormBackward1"


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):  # noqa: A002 - torch's parameter names
    """input / max(||input||_p along dim, eps)."""
    result = input / input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    return result if out is None else out.copy_(result)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """<x1/max(||x1||, eps), x2/max(||x2||, eps)> along ``dim`` (x1 and x2 broadcast).

    As in torch, each vector is scaled to unit length before the dot product (so the result stays in
    [-1, 1]), and the clamp by ``eps`` happens outside the graph: the gradient is that of the
    unclamped norms."""
    dtype = result_type(x1, x2)
    if not dtype.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {dtype.legacy_name}")
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise broadcast_error(x1.shape, x2.shape) from None
    x1, x2 = (x.to(dtype).expand(shape) if x.shape != shape else x.to(dtype) for x in (x1, x2))
    norm1 = x1.norm(2, dim, keepdim=True).clone()
    norm2 = x2.norm(2, dim, keepdim=True).clone()
    with no_grad():
        norm1.clamp_(min=eps)
        norm2.clamp_(min=eps)
    return ((x1 / norm1) * (x2 / norm2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dim."""
    diff = x1 - x2 + eps
    return NormDim.apply(diff, float(p), (diff.ndim - 1,) if diff.ndim else (), keepdim)
