"""Indexing: ``a[idx]``, ``a[idx] = v``, gather/scatter, index_select, masked_fill.

The backward of reading some elements is writing the gradient back into zeros at the same
places, *adding* where an index repeats (``np.add.at``), so each of these ops is a pair.
"""
import numpy as np

from .._modes import grad_state as _grad_state
from ..dtypes import cast_setitem_number
from ..autograd.function import BuiltinFunction
from ..tensor import Tensor
from . import inplace
from ._util import broadcast_error, normalize_dim, expand_error


def to_numpy_index(index, like):
    """A Python/Tensor index as a NumPy index (tensors and lists become arrays on ``like``'s device;
    arrays of that device, as a node keeps them for backward, stay as they are)."""
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    for item in index:
        if isinstance(item, slice) and item.step is not None and item.step <= 0:
            raise ValueError("step must be greater than zero")
        if isinstance(item, range):  # y_hat[range(n), y]
            item = list(item)
        if isinstance(item, Tensor):
            arr = item._data
            if arr.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(arr if arr.dtype != np.uint8 else arr.astype(bool))
        elif isinstance(item, list):
            out.append(np.asarray([i.tolist() if isinstance(i, Tensor) else i for i in item], like=like))
        elif isinstance(item, (slice, int, type(None), type(Ellipsis), np.ndarray, np.integer, type(like))):
            out.append(item)
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                             "are valid indices (got " + type(item).__name__ + ")")
    return tuple(out)


def _is_basic(index):
    return all(isinstance(i, (slice, int, type(None), type(Ellipsis), np.integer)) and not isinstance(i, bool)
               for i in index)


def _node_name(index):
    """torch's node for the last thing the index does: Select, Slice, Unsqueeze or Index."""
    if not _is_basic(index):
        return "IndexBackward0"
    name = "AliasBackward0"
    for item in index:
        if isinstance(item, (int, np.integer)):
            name = "SelectBackward0"
        elif item is None:
            name = "UnsqueezeBackward0"
        elif isinstance(item, slice) and item != slice(None):
            name = "SliceBackward0"
    return name


def _read(x, index, shape):
    try:
        return x[index]
    except IndexError as exc:
        raise IndexError(_torch_index_message(str(exc), shape)) from None


def _torch_index_message(msg, shape):
    if "boolean index did not match" in msg:
        return f"The shape of the mask does not match the shape of the indexed tensor {list(shape)}: {msg}"
    return msg.replace("axis", "dimension")


class Index(BuiltinFunction):
    """a[idx]; d/da = zeros with g added at idx"""

    @staticmethod
    def forward(ctx, a, index, name=None):
        ctx.shape, ctx.index = a._data.shape, index
        ctx._name = name or _node_name(index)  # torch's node: what the index does (or split's, unbind's)
        return _read(a._data, index, a._data.shape)  # (a scalar for a full index: apply wraps it)

    @staticmethod
    def backward(ctx, grad):
        return IndexAddInto.apply(grad, ctx.shape, ctx.index), None, None


class IndexAddInto(BuiltinFunction):
    """zeros(shape) with g added at idx; d/dg = (its gradient)[idx]"""

    _name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, grad, shape, index):
        ctx.index = index
        out = np.zeros_like(grad._data, shape=shape)  # on grad's device
        if _is_basic(index):
            out[index] = grad._data
        else:
            np.add.at(out, index, grad._data)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.index], None, None


def getitem(a, index, multi=None):
    """``a[index]``: a view for basic indices (ints, slices, None, ...), a copy for advanced ones.
    ``multi``: (output index, op name) when the caller is a multi-output view op (split, unbind):
    it names the node (``SplitBackward0``) and forbids in-place changes of the view."""
    np_index = to_numpy_index(index, a._data)
    if a._data.ndim == 0:
        _check_0_dim(np_index)
    if not _is_basic(np_index):
        return Index.apply(a, np_index, None)
    if Ellipsis not in np_index:  # so that a full integer index gives a 0-d view, not a copied scalar
        np_index = np_index + (Ellipsis,)
    out = Index.apply(a, np_index, f"{multi[1]}Backward0" if multi else None)
    return out._make_view(a, multi)


def _check_0_dim(index):
    for item in index:
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                             "in C++ to convert a 0-dim tensor to a number")
        if isinstance(item, slice):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")


class IndexPut(BuiltinFunction):
    """a with a[idx] = v; d/da = g with zeros at idx, d/dv = g[idx] (given v's leading 1s back: the
    write drops them)"""

    @staticmethod
    def forward(ctx, a, index, value):
        ctx.index, ctx.value_shape = index, np.shape(value._data) if isinstance(value, Tensor) else ()
        out = a._data.copy()
        _write(out, index, value._data if isinstance(value, Tensor) else value, a._data.shape)
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_value = None
        if ctx.needs_input_grad[2]:
            grad_value = grad[ctx.index]
            if grad_value.ndim < len(ctx.value_shape):
                grad_value = grad_value.reshape((1,) * (len(ctx.value_shape) - grad_value.ndim) + grad_value.shape)
        return IndexPut.apply(grad, ctx.index, 0.0), None, grad_value


def _write(array, index, value, shape):
    try:
        array[index] = value
    except IndexError as exc:
        raise IndexError(_torch_index_message(str(exc), shape)) from None
    except ValueError:
        target = np.empty(shape, like=array)[index].shape
        if not _is_basic(index):
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(value))} cannot be broadcast "
                               f"to indexing result of shape {list(target)}") from None
        raise expand_error(np.shape(value), target) from None


def setitem(a, index, value):
    """``a[index] = value`` in place, as torch does it: for a basic index, ``copy_`` (or ``fill_``) into
    the view ``a[index]`` (so a recorded change rebases ``a``'s history: CopySlices); for an advanced
    one, ``index_put_`` (IndexPutBackward0), which needs the value's dtype to be ``a``'s."""
    if isinstance(value, (int, float)):  # (bool too): checked and cast as torch's fill does
        value = cast_setitem_number(value, a.dtype)
    np_index = to_numpy_index(index, a._data)
    is_tensor = isinstance(value, Tensor)
    basic = _is_basic(np_index)
    if not _grad_state.enabled or not (a.requires_grad or is_tensor and value._requires_grad):
        if is_tensor and not basic and value.dtype is not a.dtype:
            raise _index_put_dtype_error(a, value)
        inplace.check(a, overlap_ok=True)  # nothing to record: write the memory directly (for a basic
        if basic:  # index, the written part must not overlap: a[0] = 1 of an expanded a is fine; torch's
            inplace.check_overlap(a._data[np_index])  # index_put_ does not check)
            if is_tensor and value._data.shape == a._data[np_index].shape:  # (nor may a value of that shape share
                inplace.check_partial_overlap(getitem(a, np_index), value)  # part of it: torch's copy_)
        _write(inplace.writable(a._data), np_index, value._data if is_tensor else value, a._data.shape)
        a._bump_version()
        return
    if basic:
        view = getitem(a, np_index)
        if inplace.same_elements(view._data, a._data):
            view = a  # a full index (a[...], a[:]) selects a itself, as torch's slicing returns self
        if not is_tensor:
            return inplace.fill_(view, value, setitem=True)
        if value.ndim == 0 and view.ndim:  # torch's copy_to: a 0-d value fills (no overlap check)
            return inplace.fill_(view, value)
        shape, target = value._data.shape, view._data.shape
        while len(shape) > len(target) and shape[0] == 1:  # leading 1s are dropped, as torch's copy_to
            shape = shape[1:]
            value = value.reshape(shape)
        if len(shape) > len(target) or any(s != 1 and s != n for s, n in zip(shape[::-1], target[::-1])):
            raise expand_error(shape, target)  # the value is expanded to the view (torch's message)
        if shape != target:  # torch's copy_to expands it first: an expanded source is never checked for
            value = value.expand(target)  # partial overlap (get_overlap_status: too hard to tell)
        return inplace.copy_(view, value)
    if is_tensor and value.dtype is not a.dtype:
        raise _index_put_dtype_error(a, value)
    inplace.modify(a, lambda base: IndexPut.apply(base, np_index, value),
                   lambda: _write(a._data, np_index, value._data if isinstance(value, Tensor) else value,
                                  a._data.shape),
                   needs_grad=isinstance(value, Tensor) and value._requires_grad)


def _index_put_dtype_error(a, value):
    return RuntimeError(f"Index put requires the source and destination dtypes match, got {a.dtype.legacy_name} "
                        f"for the destination and {value.dtype.legacy_name} for the source.")


def _grids(index_shape, dim, index):
    """The fancy index that reads ``input[i0, .., index[i0, .., id, ..], ..]`` for gather/scatter:
    an ``arange`` per dim shaped to broadcast (made on ``index``'s device via ``like=``), and
    ``index`` itself along ``dim``."""
    ndim = len(index_shape)
    grids = [np.arange(n, like=index).reshape((1,) * k + (n,) + (1,) * (ndim - k - 1))
             for k, n in enumerate(index_shape)]
    grids[dim] = index
    return tuple(grids)


def _check_gather_index(name, a, dim, index):
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index.ndim != a.ndim:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as input tensor")
    for d, (n, m) in enumerate(zip(index.shape, a.shape)):
        if d != dim and n > m:
            raise RuntimeError(f"Size does not match at dimension {d} expected index {list(index.shape)} to be no "
                               f"larger than self {list(a.shape)} apart from dimension {dim}")
    outside = (index._data < 0) | (index._data >= a.shape[dim])  # (no negative indices, as in torch)
    if outside.any():
        bad = index._data.reshape(-1)[np.flatnonzero(outside)[0]]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {a.shape[dim]}")


class Gather(BuiltinFunction):
    """out[i][j] = a[i][index[i][j]] (dim=1); d/da = zeros scatter-added with g"""

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.shape, ctx.dim = a._data.shape, dim
        ctx.save_for_backward(index, a)  # (a only as torch saves self: changed in place since, backward raises)
        return a._data[_grids(index._data.shape, dim, index._data)]

    @staticmethod
    def backward(ctx, grad):
        index, _ = ctx.saved_tensors
        return grad.new_zeros(ctx.shape).scatter_add(ctx.dim, index, grad), None, None


def gather(a, dim, index):
    d = normalize_dim(dim, a.ndim)
    _check_gather_index("gather", a, d, index)
    return Gather.apply(a, d, index)


class TakeAlong(BuiltinFunction):
    """Values of ``a`` at ``indices`` along ``dim`` (``sort``, ``topk``, the values of ``max(dim)`` and
    ``min(dim)``, which name the node); d/da = zeros with g scattered back to those indices.
    Without ``keepdim``, ``indices`` lacks ``dim`` (as ``argmax(dim)`` gives it)."""

    @staticmethod
    def forward(ctx, a, dim, indices, keepdim, name):
        ctx.shape, ctx.dim, ctx.keepdim, ctx._name = a._data.shape, dim, keepdim, name
        ctx.save_for_backward(indices)
        index = indices._data if keepdim else np.expand_dims(indices._data, dim)
        return np.take_along_axis(a._data, index, dim).reshape(indices._data.shape)

    @staticmethod
    def backward(ctx, grad):
        indices, = ctx.saved_tensors
        if not ctx.keepdim:
            grad, indices = grad.unsqueeze(ctx.dim), indices.unsqueeze(ctx.dim)
        return grad.new_zeros(ctx.shape).scatter(ctx.dim, indices, grad), None, None, None, None


class Scatter(BuiltinFunction):
    """a with a[i][index[i][j]] = src[i][j] (dim=1), or ``+=`` for ``add`` (scatter_add);
    d/da = g (zeroed where written, unless added), d/dsrc = g gathered at index"""

    @staticmethod
    def forward(ctx, a, dim, index, src, add):
        ctx.dim, ctx.add = dim, add
        if add:
            ctx._name = "ScatterAddBackward0"
        ctx.save_for_backward(index)
        out = a._data.copy()
        values = src._data[tuple(slice(0, n) for n in index._data.shape)] if isinstance(src, Tensor) else src
        if add:
            np.add.at(out, _grids(index._data.shape, dim, index._data), values)
        else:
            out[_grids(index._data.shape, dim, index._data)] = values
        return out

    @staticmethod
    def backward(ctx, grad):
        index, = ctx.saved_tensors
        grad_src = grad.gather(ctx.dim, index) if ctx.needs_input_grad[3] else None
        return grad if ctx.add else grad.scatter(ctx.dim, index, 0.0), None, None, grad_src, None


def scatter(a, dim, index, src=None, value=None):
    d = normalize_dim(dim, a.ndim)
    _check_gather_index("scatter", a, d, index)
    if src is None:
        src = value
    if isinstance(src, Tensor) and src.dtype is not a.dtype:
        raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype")
    return Scatter.apply(a, d, index, src, False)


def scatter_add(a, dim, index, src):
    d = normalize_dim(dim, a.ndim)
    _check_gather_index("scatter_add", a, d, index)
    return Scatter.apply(a, d, index, src, True)


class IndexSelect(BuiltinFunction):
    """out = a.take(index, dim); d/da = zeros with g added at index along dim"""

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.dim = dim
        ctx.save_for_backward(index)
        ctx.shape = a._data.shape
        return np.take(a._data, index._data, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        index, = ctx.saved_tensors
        full = (slice(None),) * ctx.dim + (index._data,)
        return IndexAddInto.apply(grad, ctx.shape, full), None, None


def index_select(a, dim, index):
    d = normalize_dim(dim, a.ndim)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index._data.size and (index._data.max() >= a.shape[d] or index._data.min() < 0):  # (-1 too, as in torch)
        raise IndexError("index out of range in self")
    return IndexSelect.apply(a, d, index.reshape(-1))


class MaskedFill(BuiltinFunction):
    """a with value where mask; d/da = g where not mask, d/dvalue = sum of g where mask"""

    @staticmethod
    def forward(ctx, a, mask, value):
        ctx.save_for_backward(mask)
        v = value._data if isinstance(value, Tensor) else value
        if mask._data.dtype != np.bool_:
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                               f"{mask.dtype.cpp_name}")
        try:
            return np.where(mask._data, v, a._data).astype(a._data.dtype, copy=False)
        except ValueError:
            raise broadcast_error(mask.shape, a.shape) from None

    @staticmethod
    def backward(ctx, grad):
        mask, = ctx.saved_tensors
        grad_value = None
        if ctx.needs_input_grad[2]:
            grad_value = grad.masked_fill(~mask, 0.0).sum()
        return grad.masked_fill(mask, 0.0), None, grad_value


def masked_fill(a, mask, value):
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    return MaskedFill.apply(a, mask, value)


def masked_select(a, mask):
    return a[mask.expand(np.broadcast_shapes(a.shape, mask.shape))] if mask.shape != a.shape else a[mask]


def nonzero(a, as_tuple=False):
    """The indices of the nonzero elements: an (n, ndim) int64 tensor, or (``as_tuple``) one index
    tensor per dim (``torch.where(condition)``). A 0-d tensor counts as 1-d, as in torch."""
    x = a._data
    idx = np.nonzero(x.reshape(1) if x.ndim == 0 else x)
    if as_tuple:
        return tuple(Tensor._wrap(i) for i in idx)
    if x.ndim == 0:
        return Tensor._wrap(np.zeros((idx[0].size, 0), np.int64, like=x))
    return Tensor._wrap(np.stack(idx, axis=1))


def select(a, dim, index, multi=None):
    d = normalize_dim(dim, a.ndim)
    n = a.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(a.shape)} at "
                         f"dimension {d}")
    return getitem(a, (slice(None),) * d + (index,), multi)
