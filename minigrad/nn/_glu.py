"""``F.glu``: the gated linear unit (Dauphin et al. 2017, "Language Modeling with Gated Convolutional
Networks"). The input is halved along ``dim`` into ``a`` (first half) and ``b`` (second half):

    glu(x) = a * sigmoid(b)
    d/da = g * sigmoid(b),   d/db = g * a * sigmoid(b) * (1 - sigmoid(b))

One op (torch's node is ``GluBackward0``); its backward is written with Tensor ops and joins the
two halves' gradients with ``cat``, so double backward works.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..ops._util import normalize_dim
from ..ops.shape import cat
from ..ops.activation import sigmoid_array


class Glu(BuiltinFunction):
    """out = a * sigmoid(b) for the halves a, b of the input along ``dim`` (formulas above)"""

    @staticmethod
    def forward(ctx, x, dim):
        if not x.dtype.is_floating_point:
            raise NotImplementedError(f"\"glu_cpu\" not implemented for '{x.dtype.legacy_name}'")
        a, b = np.split(x._data, 2, axis=dim)
        ctx.save_for_backward(x)
        ctx.dim = dim
        return a * sigmoid_array(b)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        a, b = x.chunk(2, ctx.dim)
        gate = b.sigmoid()
        return cat([grad * gate, grad * a * gate * (1 - gate)], ctx.dim), None


def glu(input, dim=-1):  # noqa: A002 - torch's parameter name
    """Halve ``input`` along ``dim`` (its size there must be even) into a, b; return a * sigmoid(b).
    Shape: (*, 2N, *) -> (*, N, *). Raises RuntimeError for a 0-d input or an odd size."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = normalize_dim(dim, input.dim())
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {input.shape[dim]}")
    return Glu.apply(input, dim)
