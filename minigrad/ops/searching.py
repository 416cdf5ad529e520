"""Searching and counting, not differentiable (integer or bool results): searchsorted, bucketize,
bincount, argwhere, isin.
"""
import numpy as np

from ..dtypes import float64
from ..tensor import Tensor
from .indexing import nonzero


def _array(x, like):
    """A Python number as a 0-d array on ``like``'s device; a Tensor's array otherwise."""
    return x._data if isinstance(x, Tensor) else np.asarray(x, like=like)


def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value, the index where it would be inserted into ``sorted_sequence`` to keep it
    sorted: the first such index (``side='left'``) or the last (``right=True``/``side='right'``).
    ``sorted_sequence`` is 1-D, or N-D with the first N-1 dims equal to ``values``'; NaN sorts
    last. Returns int64 (int32 with ``out_int32``) of ``values``' shape."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of "
                               "left while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    vals = _array(values, seq)
    how = "right" if right else "left"
    if seq.ndim <= 1:
        out = np.searchsorted(seq, vals, side=how)
    else:
        if vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
                f"{list(seq.shape)} and input value tensor {list(vals.shape)}")
        rows_seq, rows_val = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
        out = np.stack([np.searchsorted(s, v, side=how) for s, v in zip(rows_seq, rows_val)]).reshape(vals.shape) \
            if rows_seq.shape[0] else np.zeros(vals.shape, dtype=np.int64, like=seq)
    return Tensor._wrap(np.asarray(out, dtype=np.int32 if out_int32 else np.int64, like=seq))


def bucketize(input, boundaries, *, out_int32=False, right=False):  # noqa: A002 - torch's name
    """The bucket of each input element among 1-D ``boundaries`` (searchsorted with the roles swapped)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def bincount(input, weights=None, minlength=0):  # noqa: A002
    """How often each value 0..max occurs in a 1-D non-negative integer tensor (length at least
    ``minlength``); with ``weights``, their sums (float weights keep their dtype, integer ones give
    float64)."""
    x = input._data
    if input.dtype.is_floating_point or input.dtype.np == np.bool_:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{input.dtype.legacy_name}'")
    if x.ndim != 1 or (x.shape[0] and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._wrap(np.bincount(x, minlength=minlength).astype(np.int64))
    dtype = weights.dtype if weights.dtype.is_floating_point else float64
    counts = np.bincount(x, weights=weights._data, minlength=minlength)
    return Tensor._wrap(counts.astype(dtype.np))


def argwhere(input):  # noqa: A002
    """Indices of the nonzero elements, one row each (``nonzero``)."""
    return nonzero(input)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element occurs in ``test_elements`` (either may be a number); bool, elements' shape."""
    like = elements._data if isinstance(elements, Tensor) else test_elements._data
    return Tensor._wrap(np.isin(_array(elements, like), _array(test_elements, like), assume_unique=assume_unique,
                                invert=invert))
