"""``F.embedding_bag``: look up rows of ``weight`` for bags of indices and reduce each bag to one row
(sum, mean or max), without materialising the per-index rows (torch's ``_embedding_bag``).

Bags: a 1-d ``input`` is cut at the positions in ``offsets`` (bag b is input[offsets[b]:offsets[b+1]],
the last bag runs to the end, or to offsets[-1] with ``include_last_offset``); a 2-d input (B, L) is B
bags of L indices. Entries equal to ``padding_idx`` are left out (also from a mean's count); an empty
bag gives zeros. ``per_sample_weights`` (mode 'sum') scales each looked-up row.

One op (torch's node is ``EmbeddingBagBackward0``). With M the (bags x positions) 0/1 membership
matrix, sum = M @ rows, mean = (M @ rows) / count; max takes each column's largest row. Gradients:

    d/dweight[idx[k]] += (M^T g')[k] * psw[k]   (g' = g / count for the mean; ``scale_grad_by_freq``
                                                  divides by a frequency, see _cpu_frequency_divisor)
    max: g[b, d] goes to the row that was the maximum of bag b in column d
    d/dpsw[k] = <(M^T g)[k], weight[idx[k]]>

torch has no double backward for this node.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..ops.indexing import IndexAddInto
from ..tensor import Tensor
from ._layer_ops import _embedding_renorm_

_MODES = {"sum": 0, "mean": 1, "max": 2}
_TENSOR_TYPE = "<class 'torch.Tensor'>"  # how torch's message names a tensor's type


class EmbeddingBag(BuiltinFunction):
    """out[b] = reduce over the bag's rows weight[idx] (see the module docstring for the gradients)"""

    @staticmethod
    def forward(ctx, weight, per_sample_weights, idx, bag_of, keep, num_bags, mode, scale_grad_by_freq):
        w = weight._data
        member = (bag_of[None, :] == np.arange(num_bags, like=idx)[:, None]) & keep[None, :]  # (B, L)
        rows = w[idx]
        if per_sample_weights is not None:
            rows = rows * per_sample_weights._data[:, None]
        count = member.sum(axis=1)
        if mode == "max":
            candidates = np.where(member[:, :, None], rows[None], -np.inf)  # (B, L, D)
            if idx.size:
                position = candidates.argmax(axis=1)  # (B, D): the position of each column's maximum
                out = np.where(count[:, None] > 0, np.take_along_axis(candidates, position[:, None], 1)[:, 0], 0)
            else:  # no indices at all: every bag is empty
                position = np.zeros((num_bags, w.shape[1]), dtype=np.int64, like=idx)
                out = np.zeros((num_bags, w.shape[1]), dtype=w.dtype, like=w)
            ctx.winner = (position[:, None, :] == np.arange(idx.size, like=idx)[None, :, None]) & \
                (count[:, None, None] > 0)  # (B, L, D)
        else:
            out = member.astype(w.dtype) @ rows
            if mode == "mean":
                out = out / np.maximum(count, 1)[:, None].astype(w.dtype)
        ctx.save_for_backward(weight, per_sample_weights)
        ctx.idx, ctx.member, ctx.count, ctx.mode, ctx.scale = idx, member, count, mode, scale_grad_by_freq
        return out.astype(w.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        weight, per_sample_weights = ctx.saved_tensors
        idx, dtype = ctx.idx, weight.dtype.np
        if ctx.mode == "max":
            grad_rows = (Tensor._wrap(ctx.winner.astype(dtype)) * grad.unsqueeze(1)).sum(0)  # (L, D)
        else:
            share = ctx.member.astype(dtype)
            if ctx.mode == "mean":
                share = share / np.maximum(ctx.count, 1)[:, None].astype(dtype)
            grad_rows = Tensor._wrap(np.ascontiguousarray(share.T, like=share)) @ grad  # (L, D)
        grad_weight = grad_psw = None
        if ctx.needs_input_grad[0]:
            scaled = grad_rows if per_sample_weights is None else grad_rows * per_sample_weights.unsqueeze(1)
            if ctx.scale:
                scaled = scaled / Tensor._wrap(_cpu_frequency_divisor(idx, weight.shape[0])[:, None].astype(dtype))
            grad_weight = IndexAddInto.apply(scaled, weight.shape, (idx,))
        if per_sample_weights is not None and ctx.needs_input_grad[1]:
            grad_psw = (grad_rows * weight[idx]).sum(1)
        return grad_weight, grad_psw, None, None, None, None, None, None


def _cpu_frequency_divisor(idx, num_weights):
    """What torch 2.13's CPU kernel divides each position's gradient by under ``scale_grad_by_freq``.

    The documented rule is the frequency of the position's index; the kernel
    (aten/src/ATen/native/EmbeddingBag.cpp, ``_embedding_bag_dense_backward_cpu_sum_mean``) instead
    divides the gradient of the i-th distinct index (in sorted order) by the frequency of
    ``sorted(indices)[i]``. Both agree when every index occurs equally often; minigrad follows torch's
    measured behaviour (e.g. indices [0, 2, 2, 5]: torch divides index 5's gradient by 2, not 1)."""
    ordered = np.sort(idx)
    distinct = np.unique(ordered)
    frequency = np.bincount(idx, minlength=num_weights)
    return frequency[ordered[:distinct.size]][np.searchsorted(distinct, idx)]


def _bags(input, offsets, include_last_offset, padding_idx):  # noqa: A002 - torch's parameter name
    """(indices, bag of each position, which positions count, number of bags) as arrays."""
    idx = input._data.reshape(-1).astype(np.int64)
    if input.dim() == 2:
        rows, length = input.shape
        return idx, np.repeat(np.arange(rows, like=idx), length), idx != padding_idx, rows
    starts = offsets._data.astype(np.int64)
    if starts.size and starts[0] != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {int(starts[0])}\n[ torch.LongTensor{{}} ]")
    if starts.size and starts[-1] > idx.size:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {idx.size} but got offsets[-1] of "
                           f"{int(starts[-1])}")
    positions = np.arange(idx.size, like=idx)
    end = idx.size
    if include_last_offset:
        starts, end = starts[:-1], (int(starts[-1]) if starts.size else 0)
    bag_of = np.searchsorted(starts, positions, side="right") - 1
    return idx, bag_of, (positions < end) & (idx != padding_idx) & (bag_of >= 0), starts.size


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,  # noqa: A002
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """input (L,) with offsets (B,) [or (B+1,) with ``include_last_offset``], or input (B, L); weight
    (num_embeddings, D) -> (B, D). Raises torch's ValueError/RuntimeError/NotImplementedError for bad
    shapes, dtypes, offsets, modes and out-of-range indices. (``sparse=True`` still gives a dense gradient.)"""
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type "
                             f"{_TENSOR_TYPE if isinstance(offsets, Tensor) else type(offsets)}")
        include_last_offset = False
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding_bag)")
    if max_norm is not None:
        _embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
                           f"'per_sample_weights'; but type {weight.type()} does not equal "
                           f"{per_sample_weights.type()} (while checking arguments for embedding_bag)")
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, {-n} through {n - 1}, but got "
                               f"{padding_idx}")
        padding_idx %= n
    else:
        padding_idx = -1
    flat = input._data.reshape(-1)
    bad = np.nonzero((flat < 0) | (flat >= n))[0]
    if bad.size:
        raise RuntimeError(f"Index {int(bad[0])} of input takes value {int(flat[bad[0]])} which is not in the valid "
                           f"range [0, {n})")
    idx, bag_of, keep, num_bags = _bags(input, offsets, include_last_offset, padding_idx)
    psw = None if per_sample_weights is None else per_sample_weights.reshape(-1)
    return EmbeddingBag.apply(weight, psw, idx, bag_of, keep, num_bags, mode, scale_grad_by_freq)
