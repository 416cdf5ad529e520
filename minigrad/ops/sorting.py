"""Sorting and selection: sort, argsort, topk (values differentiable), unique."""
import numpy as np

from ..tensor import Tensor
from . import return_types
from ._util import normalize_dim
from .indexing import TakeAlong


def _order(a, dim, descending):
    """Stable argsort along ``dim``; descending keeps equal elements in their original order."""
    x = a._data
    if not descending:
        return np.argsort(x, axis=dim, kind="stable")
    reversed_order = np.argsort(np.flip(x, dim), axis=dim, kind="stable")
    return np.ascontiguousarray(np.flip(x.shape[dim] - 1 - reversed_order, dim), like=x)


def sort(a, dim=-1, descending=False):
    d = normalize_dim(dim, a.ndim)
    if a.ndim == 0:
        return return_types.sort(a.clone(), Tensor._wrap(np.zeros((), np.int64, like=a._data)))
    idx = Tensor._wrap(_order(a, d, descending))
    return return_types.sort(TakeAlong.apply(a, d, idx, True, "SortBackward0"), idx)


def argsort(a, dim=-1, descending=False):
    return sort(a, dim, descending)[1]


def topk(a, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    d = normalize_dim(dim, a.ndim)
    if not 0 <= k <= (a.shape[d] if a.ndim else 1):
        raise RuntimeError("selected index k out of range")
    idx = _order(a, d, largest)
    idx = Tensor._wrap(np.ascontiguousarray(np.take(idx, np.arange(k, like=idx), axis=d), like=idx))
    return return_types.topk(TakeAlong.apply(a, d, idx, True, "TopkBackward0"), idx)


def unique(a, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements, sorted; each NaN is distinct (NaN != NaN), as in torch."""
    values, inverse, counts = np.unique(a._data, return_inverse=True, return_counts=True, axis=dim,
                                        equal_nan=False)
    out = [Tensor._wrap(values)]
    if return_inverse:
        out.append(Tensor._wrap(inverse.reshape(a._data.shape) if dim is None else inverse))
    if return_counts:
        out.append(Tensor._wrap(counts))
    return out[0] if len(out) == 1 else tuple(out)
