"""``F.pad``: add values around the last dims of a tensor (negative amounts crop).

``pad`` lists amounts from the last dim backwards: ``(left, right)`` pads the last dim,
``(left, right, top, bottom)`` the last two, and so on.

* ``'constant'`` fills with ``value``. Its gradient is the matching slice of ``g``, which is the
  same op with the amounts negated: ``d/da = pad(g, -pad)``.
* ``'reflect'``, ``'replicate'`` and ``'circular'`` copy existing elements: each output element is
  read from a source index, per padded dim (``[2, 1, 0, 1, 2, 3, 2, 1]`` reflects ``0..3`` by 2).
  Reading is a gather, so the gradient adds ``g`` back into the positions it was read from.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..ops.indexing import IndexAddInto

_SOURCE_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}  # NumPy's names
_NODE_NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0",
               "circular": "torch::autograd::CopySlices"}


def _per_dim(pad, ndim):
    """torch's flat ``pad`` as a (before, after) pair for every dim."""
    pairs = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        pairs[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return pairs


class ConstantPadNd(BuiltinFunction):
    """out = a cropped by the negative amounts, then surrounded by ``value``; d/da = pad(g, -pad)"""

    @staticmethod
    def forward(ctx, a, pad, value):
        ctx.pad = pad
        x = a._data
        pairs = _per_dim(pad, x.ndim)
        x = x[tuple(slice(max(-before, 0), n - max(-after, 0)) for (before, after), n in zip(pairs, x.shape))]
        return np.pad(x, [(max(before, 0), max(after, 0)) for before, after in pairs], constant_values=value)

    @staticmethod
    def backward(ctx, grad):
        return ConstantPadNd.apply(grad, tuple(-p for p in ctx.pad), 0), None, None


class SourcePad(BuiltinFunction):
    """out = a read at a source index along each padded dim; d/da = g added back at those indices"""

    @staticmethod
    def forward(ctx, a, sources, node_name):
        x, shapes = a._data, []
        for dim, index in sources:
            shapes.append(x.shape)
            x = np.take(x, index, axis=dim)
        ctx._name, ctx.sources, ctx.shapes = node_name, sources, shapes
        return x if sources else x.copy()

    @staticmethod
    def backward(ctx, grad):
        for (dim, index), shape in reversed(list(zip(ctx.sources, ctx.shapes))):
            grad = IndexAddInto.apply(grad, shape, (slice(None),) * dim + (index,))
        return grad, None, None


def _source_index(n, before, after, mode, like):
    """Where each output position along one dim reads from, e.g. reflect 0..3 by 2 -> [2 1 0 1 2 3 2 1]
    (an index array on the device of ``like``)."""
    index = np.pad(np.arange(n, like=like), (max(before, 0), max(after, 0)), mode=_SOURCE_MODES[mode])
    return index[max(-before, 0): index.size - max(-after, 0)]


def _check_source_pad(input, pad, mode):  # noqa: A002 - torch's parameter name
    dims = len(pad) // 2
    if dims > 3 or input.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    for dim, (before, after) in enumerate(_per_dim(pad, input.ndim)):
        n = input.shape[dim]
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({before}, {after}) at dimension {dim} of input "
                               f"{list(input.shape)}")
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    if mode not in ("constant", *_SOURCE_MODES):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but "
                           f"got padding length {len(pad)} and input of dimension {input.ndim}")
    if mode == "constant":
        return ConstantPadNd.apply(input, pad, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    _check_source_pad(input, pad, mode)
    sources = [(dim, _source_index(input.shape[dim], before, after, mode, input._data))
               for dim, (before, after) in enumerate(_per_dim(pad, input.ndim)) if (before, after) != (0, 0)]
    return SourcePad.apply(input, sources, _NODE_NAMES[mode].format(len(pad) // 2))
