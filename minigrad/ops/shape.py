"""Shape ops: reshape/view, squeeze/unsqueeze, transpose/permute, expand, cat/stack, split, flip.

Most are views of the input's memory (they share its version counter, so an in-place change
through a view is seen by backward's checks). Their backward undoes the rearrangement.
"""
import math

import numpy as np

from ..autograd.function import BuiltinFunction
from ..dtypes import result_type, to_dtype
from ..factories import int_sizes
from ..tensor import Tensor
from .indexing import getitem, select
from ._util import normalize_dim, normalize_dims, expand_error, device_error


def _view(out, base):
    return out._make_view(base)


def infer_shape(shape, numel):
    """Resolve one -1 in ``shape``; torch's RuntimeError when the sizes cannot fit."""
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return shape


class Reshape(BuiltinFunction):
    """Same elements, new shape; d/da = g reshaped back"""

    _name = "ViewBackward0"

    @staticmethod
    def forward(ctx, a, shape, require_view):
        ctx.shape = a._data.shape
        if not require_view:
            return a._data.reshape(shape)
        out = a._data.view()
        try:
            out.shape = shape
        except AttributeError:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) "
                               "instead.") from None
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None, None


def reshape(a, *shape):
    shape = infer_shape(int_sizes(shape, "reshape", "shape"), a._data.size)
    if shape == a._data.shape:
        return _view(Reshape.apply(a, shape, False), a)
    out = Reshape.apply(a, shape, False)
    return _view(out, a) if np.shares_memory(out._data, a._data) else out


def view(a, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)):
        return view_dtype(a, shape[0])
    return _view(Reshape.apply(a, infer_shape(_shape_args(shape), a._data.size), True), a)


def view_dtype(a, dtype):
    """``a.view(dtype)``: the same bytes read as another dtype (not differentiable). With a different
    element size the last dim must be contiguous and its byte size divisible: it shrinks or grows."""
    dtype = to_dtype(dtype)
    if dtype is a.dtype:
        return _view(Reshape.apply(a, a._data.shape, True), a)
    old, new = a.dtype.itemsize, dtype.itemsize
    x = a._data
    if old != new:
        names = f"{a.dtype.legacy_name} as {dtype.legacy_name} (different element sizes)"
        if x.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to view {names}")
        if x.strides[-1] != old and x.shape[-1] != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 to view {names}, but got {x.strides[-1] // old}")
        if new > old and (x.shape[-1] * old) % new:
            raise RuntimeError(f"self.size(-1) must be divisible by {new // old} to view {names}, but got "
                               f"{x.shape[-1]}")
    out = Tensor._wrap(x.view(dtype.np), dtype)
    return out._make_view(a)


def flatten(a, start_dim=0, end_dim=-1):
    if a.ndim == 0:
        return reshape(a, 1)
    s, e = normalize_dim(start_dim, a.ndim), normalize_dim(end_dim, a.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = a.shape
    return reshape(a, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def unflatten(a, dim, sizes):
    d = normalize_dim(dim, a.ndim)
    sizes = tuple(sizes)
    if -1 not in sizes and math.prod(sizes) != a.shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                           f"{dim} ({a.shape[d]}) in the input tensor")
    return reshape(a, a.shape[:d] + infer_shape(sizes, a.shape[d]) + a.shape[d + 1:])


class Squeeze(BuiltinFunction):
    """Remove size-1 dims; d/da = g reshaped back"""

    @staticmethod
    def forward(ctx, a, axes):
        ctx.shape = a._data.shape
        return np.squeeze(a._data, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


class SqueezeDim(Squeeze):
    """Remove the given size-1 dims; d/da = g with each unsqueezed again (torch's ``unsqueeze_to``)"""

    _name = "SqueezeBackward1"

    @staticmethod
    def forward(ctx, a, axes):
        ctx.axes = axes
        return np.squeeze(a._data, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        for axis in sorted(ctx.axes):
            grad = grad.unsqueeze(axis)
        return grad, None


def squeeze(a, dim=None):
    if dim is None:
        return _view(Squeeze.apply(a, tuple(i for i, n in enumerate(a._data.shape) if n == 1)), a)
    axes = tuple(i for i in normalize_dims(dim, a.ndim) if a._data.shape[i] == 1)
    return _view(SqueezeDim.apply(a, axes), a)


class Unsqueeze(BuiltinFunction):
    """Insert a size-1 dim; d/da = g with it removed"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.expand_dims(a._data, dim)

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.dim), None


def unsqueeze(a, dim):
    return _view(Unsqueeze.apply(a, normalize_dim(dim, a.ndim + 1)), a)


class Permute(BuiltinFunction):
    """Reorder dims; d/da = g with the inverse permutation"""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.transpose(a._data, dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(tuple(np.argsort(ctx.dims).tolist())), None


class Transpose(BuiltinFunction):
    """Swap two dims; d/da = g with them swapped back"""

    @staticmethod
    def forward(ctx, a, d0, d1):
        ctx.d0, ctx.d1 = d0, d1
        return np.swapaxes(a._data, d0, d1)

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(ctx.d0, ctx.d1), None, None


class T(Transpose):
    """``t()`` of a matrix; d/da = g.t()"""

    @staticmethod
    def backward(ctx, grad):
        return grad.t(), None, None


def permute(a, *dims):
    dims = tuple(normalize_dim(d, a.ndim) for d in _shape_args(dims))
    if len(dims) != a.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {a.ndim} is not "
                           f"equal to len(dims) = {len(dims)}")
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view(Permute.apply(a, dims), a)


def transpose(a, dim0, dim1):
    return _view(Transpose.apply(a, normalize_dim(dim0, a.ndim), normalize_dim(dim1, a.ndim)), a)


def t(a):
    if a.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
    return _view(T.apply(a, 0, a.ndim - 1) if a.ndim else Reshape.apply(a, a._data.shape, False), a)


class Expand(BuiltinFunction):
    """Broadcast to a larger shape (a read-only view); d/da = g summed back to a's shape"""

    @staticmethod
    def forward(ctx, a, shape):
        return np.broadcast_to(a._data, shape)  # (read-only; ops/inplace.writable for torch's allowed writes)

    @staticmethod
    def backward(ctx, grad):
        return grad, None  # the engine sums the broadcast gradient back to a's shape


def expand(a, *sizes):
    sizes = _shape_args(sizes)
    shape = a._data.shape
    if len(sizes) < len(shape):
        raise expand_error(shape, sizes)
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        own = shape[i - lead] if i >= lead else 1
        if s == -1:
            if i < lead:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            s = own
        elif own != 1 and own != s:
            raise expand_error(shape, sizes)
        target.append(int(s))
    target = tuple(target)
    if target == shape:
        return a if not a._requires_grad else _view(Expand.apply(a, target), a)
    return _view(Expand.apply(a, target), a)


class SumToSize(BuiltinFunction):
    """Sum a broadcast gradient back to ``shape``; d/da = g expanded again"""

    _name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a._data.shape
        x = a._data
        lead = x.ndim - len(shape)
        ctx._name = "ViewBackward0" if lead else "SumBackward1"
        axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1)
        out = np.sum(x, axis=axes, keepdims=True) if axes else x
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.expand(ctx.shape), None


def sum_to_size(a, *shape):
    return SumToSize.apply(a, tuple(_shape_args(shape)))


class Repeat(BuiltinFunction):
    """Tile ``repeats`` times per dim; d/da = g summed over the copies"""

    @staticmethod
    def forward(ctx, a, repeats):
        ctx.shape = a._data.shape
        ctx.repeats = repeats
        x = a._data.reshape((1,) * (len(repeats) - a._data.ndim) + a._data.shape)
        return np.tile(x, repeats)

    @staticmethod
    def backward(ctx, grad):
        repeats = ctx.repeats
        padded = (1,) * (len(repeats) - len(ctx.shape)) + ctx.shape
        split = []
        for r, n in zip(repeats, padded):
            split += [r, n]
        summed = grad.reshape(split).sum(dim=tuple(range(0, 2 * len(repeats), 2)))
        return summed.reshape(ctx.shape), None


def repeat(a, *repeats):
    repeats = tuple(_shape_args(repeats))
    if len(repeats) < a.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                           "of tensor")
    return Repeat.apply(a, repeats)


class Flip(BuiltinFunction):
    """Reverse the order along dims; d/da = g flipped back"""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a._data, dims).copy()

    @staticmethod
    def backward(ctx, grad):
        return grad.flip(ctx.dims), None


def flip(a, *dims):
    return Flip.apply(a, normalize_dims(_shape_args(dims), a.ndim))


class Cat(BuiltinFunction):
    """Join along ``dim``; d/d(input k) = the k-th slice of g"""

    @staticmethod
    def forward(ctx, dim, *tensors):
        dt = result_type(*tensors)
        ctx.dim = dim
        ctx.sizes = [t._data.shape[dim] if t._data.ndim else 0 for t in tensors]
        return np.concatenate([t._data for t in tensors if t._data.shape != (0,)] or [tensors[0]._data],
                              axis=dim).astype(dt.np, copy=False)

    @staticmethod
    def backward(ctx, grad):
        grads, start = [], 0
        for size in ctx.sizes:
            grads.append(grad.narrow(ctx.dim, start, size))
            start += size
        return (None, *grads)


def _tensor_list(tensors, name):
    """``tensors`` as a list, with torch's TypeErrors for a lone tensor or a non-tensor element."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return list(tensors)


def cat(tensors, dim=0):
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = next((t for t in tensors if t._data.shape != (0,)), tensors[0])
    if ref.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = normalize_dim(dim, ref.ndim)
    for i, t in enumerate(tensors):
        if t._data.shape == (0,):
            continue  # torch skips legacy empty 1-D tensors
        if t.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}")
        for k in range(ref.ndim):
            if k != d and t.shape[k] != ref.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref.shape[k]} but got size {t.shape[k]} for tensor number {i} in the list.")
    _check_same_device(tensors)
    return Cat.apply(d, *tensors)


class Stack(BuiltinFunction):
    """Join along a new ``dim``; d/d(input k) = g selected at k"""

    @staticmethod
    def forward(ctx, dim, *tensors):
        dt = result_type(*tensors)
        ctx.dim = dim
        return np.stack([t._data for t in tensors], axis=dim).astype(dt.np, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return (None, *grad.unbind(ctx.dim))


def stack(tensors, dim=0):
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    _check_same_device(tensors)
    return Stack.apply(normalize_dim(dim, tensors[0].ndim + 1), *tensors)


def _check_same_device(tensors):
    devices = {t.device for t in tensors}
    if len(devices) > 1:
        names = sorted(str(d) for d in devices)
        raise device_error(names[1], names[0])


def narrow(a, dim, start, length, multi=None):
    """``multi``: (output index, op name) when this is one output of split or chunk."""
    d = normalize_dim(dim, a.ndim)
    n = a.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start = start + n if start < 0 else start
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return getitem(a, (slice(None),) * d + (slice(start, start + length),), multi)


def split(a, split_size_or_sections, dim=0):
    d = normalize_dim(dim, a.ndim)
    n = a.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [min(step, n - s) for s in range(0, n, step)] if n else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                               f"at dimension {d}), but got split_sizes={sizes}")
    kind = "Split" if isinstance(split_size_or_sections, int) else "SplitWithSizes"
    out, start = [], 0
    for i, size in enumerate(sizes):
        out.append(narrow(a, d, start, size, (i, kind)))
        start += size
    return tuple(out)


def chunk(a, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = a.shape[normalize_dim(dim, a.ndim)]
    return split(a, max(1, -(-n // chunks)), dim)


def unbind(a, dim=0):
    d = normalize_dim(dim, a.ndim)
    return tuple(select(a, d, i, (i, "Unbind")) for i in range(a.shape[d]))


def movedim(a, source, destination):
    src = [normalize_dim(s, a.ndim) for s in ((source,) if isinstance(source, int) else source)]
    dst = [normalize_dim(s, a.ndim) for s in ((destination,) if isinstance(destination, int) else destination)]
    order = [i for i in range(a.ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(a, order)

