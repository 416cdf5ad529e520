"""Sorting and selection: sort, argsort, topk (values differentiable), unique.

Equal elements come out as torch's CPU kernels leave them (``_std_order`` replays their unstable
algorithms where ties decide); ``stable=True`` keeps them in their original order."""
import numpy as np

from ..tensor import Tensor
from ..dtypes import bool as bool_
from . import _std_order, return_types
from ._util import normalize_dim
from .indexing import TakeAlong


def _order(a, dim, k, descending, kernel):
    """The first ``k`` indices along ``dim`` in the order torch's CPU ``kernel`` leaves them (see
    ``_std_order.order``): stable argsort, with libstdc++'s algorithm replayed where ties decide."""
    return _std_order.along(a._data, dim, lambda lines: _std_order.order(lines, k, descending, kernel))


def _of_one_element(a, pair):
    """sort/topk of a 0-d tensor: itself, at index 0."""
    return pair(a.clone(), Tensor._wrap(np.zeros((), np.int64, like=a._data)))


def _stable_order(a, dim, descending):
    """Stable argsort along ``dim``; descending keeps equal elements in their original order."""
    x = a._data
    if not descending:
        return np.argsort(x, axis=dim, kind="stable")
    reversed_order = np.argsort(np.flip(x, dim), axis=dim, kind="stable")
    return np.ascontiguousarray(np.flip(x.shape[dim] - 1 - reversed_order, dim), like=x)


def sort(a, dim=-1, descending=False, *, stable=False):
    """(values, indices) sorted along ``dim``. ``stable=True`` keeps equal elements in their order;
    otherwise their order is std::sort's, as torch's CPU kernel leaves it."""
    d = normalize_dim(dim, a.ndim)
    if a.ndim == 0:
        return _of_one_element(a, return_types.sort)
    n = a.shape[d]
    if stable:
        idx = Tensor._wrap(_stable_order(a, d, descending))
    else:
        idx = Tensor._wrap(_order(a, d, n, descending, "sort"))
    return return_types.sort(TakeAlong.apply(a, d, idx, True, "SortBackward0"), idx)


def argsort(a, dim=-1, descending=False, *, stable=False):
    return sort(a, dim, descending, stable=stable)[1]


def topk(a, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices; NaN counts as the
    largest. Among equal elements the ones picked, and their order, are torch's CPU kernel's."""
    d = normalize_dim(dim, a.ndim)
    if a.dtype is bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if not 0 <= k <= (a.shape[d] if a.ndim else 1):
        raise RuntimeError("selected index k out of range")
    if a.ndim == 0:
        return _of_one_element(a, return_types.topk)
    idx = Tensor._wrap(_order(a, d, k, largest, "topk" if sorted else "topk_unsorted"))
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
