"""``F.pdist``: the p-norm distance between every pair of rows of an (N, M) input, i < j, in row-major
order of the pairs: (N, M) -> (N*(N-1)/2,).

One op (torch's node is ``PdistBackward0``). With diff = x[i] - x[j] and d = ||diff||_p, the gradient
adds g * dd/ddiff to row i and subtracts it from row j:

    p = 0: 0;   p = 1: sign(diff);   p = 2: diff / d;   p = inf: sign(diff) where |diff| = d;
    otherwise: sign(diff) * |diff|**(p-1) / d**(p-1)      (0 where d = 0)

(aten/src/ATen/native/cpu/DistanceOpsKernel.cpp). torch has no double backward for this node.
"""
import numpy as np

from .._backend import to_device
from ..autograd.function import BuiltinFunction
from ..ops.arithmetic import where
from ..ops.indexing import IndexAddInto


def _pairs(n, device):
    """Row indices (i, j) of every pair i < j, in torch's order."""
    i, j = np.triu_indices(n, 1)
    return to_device(i, device), to_device(j, device)


class Pdist(BuiltinFunction):
    """out[k] = ||x[i_k] - x[j_k]||_p over the pairs i < j (gradient in the module docstring)"""

    @staticmethod
    def forward(ctx, x, p):
        a = x._data
        i, j = _pairs(a.shape[0], x.device)
        diff = np.abs(a[i] - a[j])
        if p == 0:
            out = (diff != 0).sum(axis=1).astype(a.dtype)
        elif p == np.inf:
            out = diff.max(axis=1, initial=0)
        elif p == 1:
            out = diff.sum(axis=1)
        elif p == 2:
            out = np.sqrt((diff * diff).sum(axis=1))
        else:
            out = (diff ** p).sum(axis=1) ** (1 / p)
        ctx.save_for_backward(x)
        ctx.save_output(out)
        ctx.p, ctx.pairs = p, (i, j)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        p, (i, j) = ctx.p, ctx.pairs
        dist = ctx.output.detach().unsqueeze(1)
        diff = x[i] - x[j]
        if p == 0:
            return x * 0, None
        if p == 1:
            slope = diff.sign()
        elif p == np.inf:
            slope = diff.sign() * (diff.abs() == dist)
        elif p == 2:
            slope = where(dist == 0, 0.0, diff / dist)
        else:
            slope = where(dist == 0, 0.0, diff.sign() * diff.abs() ** (p - 1) / dist ** (p - 1))
        pair_grad = grad.unsqueeze(1) * slope
        return IndexAddInto.apply(pair_grad, x.shape, (i,)) - IndexAddInto.apply(pair_grad, x.shape, (j,)), None


def pdist(input, p=2):  # noqa: A002 - torch's parameter name
    """Pairwise p-norm distances of the rows of a 2-d floating-point input (RuntimeError otherwise, or for p < 0)."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if not input.dtype.is_floating_point:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return Pdist.apply(input, float(p))
