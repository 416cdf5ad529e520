"""Ops that move or pick elements without arithmetic on them: tril, triu, diagonal, diag_embed,
diag, trace, roll, and the compositions torch defines from existing ops (tile, broadcast_to,
repeat_interleave, atleast_nd, vstack/hstack/dstack/column_stack, meshgrid, take_along_dim, outer,
diff).

Composed functions are written as torch writes them, so their ``grad_fn`` is the node torch shows
(``vstack`` ends in ``CatBackward0``, ``outer`` in ``MulBackward0``, ``diff`` in ``SubBackward0``).
"""
import itertools
import warnings

import numpy as np

from ..autograd.function import BuiltinFunction
from .._backend import device as _backend_device, xp
from ..tensor import Tensor, Size
from ._util import normalize_dim
from .shape import cat, expand, repeat, stack, _shape_args
from .indexing import gather, index_select


class Tril(BuiltinFunction):
    """Keep the elements on and below the ``diagonal``-th diagonal of the last two dims; d/da = tril(g)"""

    @staticmethod
    def forward(ctx, a, diagonal):
        ctx.diagonal = diagonal
        return np.tril(a._data, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return grad.tril(ctx.diagonal), None


class Triu(BuiltinFunction):
    """Keep the elements on and above the ``diagonal``-th diagonal of the last two dims; d/da = triu(g)"""

    @staticmethod
    def forward(ctx, a, diagonal):
        ctx.diagonal = diagonal
        return np.triu(a._data, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return grad.triu(ctx.diagonal), None


def _diagonal_index(rows, cols, offset):
    """Row and column indices of the ``offset``-th diagonal of a rows x cols matrix."""
    n = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    start_row, start_col = (0, offset) if offset >= 0 else (-offset, 0)
    return [start_row + i for i in range(n)], [start_col + i for i in range(n)]


class Diagonal(BuiltinFunction):
    """The ``offset``-th diagonal of the (dim1, dim2) planes, as a new last dim;
    d/da = zeros of a's shape with g written on that diagonal (``diagonal_scatter`` of g)"""

    @staticmethod
    def forward(ctx, a, offset, dim1, dim2, name):
        ctx.shape, ctx.offset, ctx.dim1, ctx.dim2, ctx._name = a._data.shape, offset, dim1, dim2, name
        return np.diagonal(a._data, offset, dim1, dim2).copy()

    @staticmethod
    def backward(ctx, grad):
        return DiagEmbed.apply(grad, ctx.offset, ctx.dim1, ctx.dim2, ctx.shape), None, None, None, None


class DiagEmbed(BuiltinFunction):
    """Zeros of ``shape`` with the last dim of ``a`` written on the ``offset``-th diagonal of the
    (dim1, dim2) planes (torch.diag_embed, and diagonal's backward); d/da = diagonal(g)"""

    @staticmethod
    def forward(ctx, a, offset, dim1, dim2, shape):
        ctx.offset, ctx.dim1, ctx.dim2 = offset, dim1, dim2
        x = a._data
        out = np.zeros(shape, dtype=x.dtype, like=x)
        plane = np.moveaxis(out, (dim1, dim2), (-2, -1))  # a view: writing it writes out
        rows, cols = _diagonal_index(plane.shape[-2], plane.shape[-1], offset)
        plane[..., rows, cols] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return Diagonal.apply(grad, ctx.offset, ctx.dim1, ctx.dim2, "DiagonalBackward0"), None, None, None, None


class Trace(BuiltinFunction):
    """Sum of the main diagonal of a matrix; d/da = g on the diagonal, zeros elsewhere"""

    @staticmethod
    def forward(ctx, a):
        ctx.shape = a._data.shape
        return np.trace(a._data, dtype=a._data.dtype if a.dtype.is_floating_point else np.int64)

    @staticmethod
    def backward(ctx, grad):
        n = min(ctx.shape)
        return DiagEmbed.apply(grad.expand(n), 0, 0, 1, ctx.shape)


class Roll(BuiltinFunction):
    """Shift elements along dims (dims None: of the flattened tensor), wrapping around;
    d/da = g rolled back by -shifts"""

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(a._data, shifts if dims is not None else shifts[0], dims)

    @staticmethod
    def backward(ctx, grad):
        return Roll.apply(grad, tuple(-s for s in ctx.shifts), ctx.dims), None, None


def tril(a, diagonal=0):
    _check_matrix("tril", a)
    return Tril.apply(a, diagonal)


def triu(a, diagonal=0):
    _check_matrix("triu", a)
    return Triu.apply(a, diagonal)


def _check_matrix(name, a):
    if a.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def diagonal(a, offset=0, dim1=0, dim2=1):
    d1, d2 = normalize_dim(dim1, a.ndim), normalize_dim(dim2, a.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(a, offset, d1, d2, "DiagonalBackward0")


def diag_embed(a, offset=0, dim1=-2, dim2=-1):
    ndim = a.ndim + 1
    d1, d2 = normalize_dim(dim1, ndim), normalize_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = a.shape[-1] + abs(offset)
    rest = list(a.shape[:-1])
    shape = [0] * ndim
    for axis in range(ndim):
        shape[axis] = n if axis in (d1, d2) else rest.pop(0)
    return DiagEmbed.apply(a, offset, d1, d2, tuple(shape))


def diag(a, diagonal=0):
    """A 1-D tensor -> the square matrix with it on the ``diagonal``-th diagonal; a matrix -> that
    diagonal (1-D)."""
    if a.ndim == 1:
        return diag_embed(a, diagonal, 0, 1)
    if a.ndim != 2:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{a.ndim}D")
    return Diagonal.apply(a, diagonal, 0, 1, "DiagonalBackward0_copy")  # torch's diag copies: its node's name


def diagflat(a, offset=0):
    return diag_embed(a.reshape(-1), offset, 0, 1)


def trace(a):
    if a.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
    return Trace.apply(a)


def roll(a, shifts, dims=None):
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return Roll.apply(a, shifts, None)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return Roll.apply(a, shifts, tuple(normalize_dim(d, a.ndim) for d in dims))


def tile(a, *dims):
    """``repeat`` after padding ``dims`` with leading 1s to a's number of dims (torch.tile)."""
    dims = tuple(_shape_args(dims))
    return repeat(a, *((1,) * (a.ndim - len(dims)) + dims))


def broadcast_to(a, size):
    return expand(a, *_shape_args((size,)))


def repeat_interleave(a, repeats=None, dim=None, *, output_size=None):
    """Each element repeated ``repeats`` times along ``dim`` (flattened when ``dim`` is None).
    ``repeat_interleave(counts)`` alone gives ``i`` repeated ``counts[i]`` times (an index tensor)."""
    if repeats is None:  # the one-argument form
        counts = a._data
        return Tensor._wrap(np.repeat(np.arange(counts.shape[0], like=counts), counts))
    if dim is None:
        a, dim = a.reshape(-1), 0
    dim = normalize_dim(dim, a.ndim)
    if isinstance(repeats, Tensor) and repeats.numel() != 1:
        if repeats.shape != (a.shape[dim],):
            raise RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{repeats.shape[0] if repeats.ndim else 1} and input.size({dim}) = {a.shape[dim]}")
        return index_select(a, dim, repeat_interleave(repeats))
    r = int(repeats.item()) if isinstance(repeats, Tensor) else int(repeats)
    shape = list(a.shape)
    expanded = a.unsqueeze(dim + 1).expand(*shape[:dim + 1], r, *shape[dim + 1:])
    return expanded.clone().flatten(dim, dim + 1)


def atleast_1d(*tensors):
    return _each(tensors, lambda t: t.reshape(1) if t.ndim == 0 else t)


def atleast_2d(*tensors):
    return _each(tensors, lambda t: t.reshape(1, 1) if t.ndim == 0 else t.unsqueeze(0) if t.ndim == 1 else t)


def atleast_3d(*tensors):
    def lift(t):
        if t.ndim == 0:
            return t.reshape(1, 1, 1)
        if t.ndim == 1:
            return t.unsqueeze(0).unsqueeze(-1)
        return t.unsqueeze(-1) if t.ndim == 2 else t
    return _each(tensors, lift)


def _each(tensors, fn):
    """torch's atleast_nd: one tensor in -> one out; several (or a sequence) -> a tuple."""
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return fn(tensors[0])
    if len(tensors) == 1:
        tensors = tensors[0]
    return tuple(fn(t) for t in tensors)


def vstack(tensors):
    return cat(atleast_2d(tuple(tensors)), 0)


def hstack(tensors):
    tensors = atleast_1d(tuple(tensors))
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def dstack(tensors):
    return cat(atleast_3d(tuple(tensors)), 2)


def column_stack(tensors):
    return cat([t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in tensors], 1)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids: output k varies along dim k ('ij') or, for 'xy', the first two swapped."""
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                      "argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0
    shape = [tensors[k].numel() for k in order]
    grids = []
    for k, t in enumerate(tensors):
        view = [1] * len(tensors)
        view[order.index(k)] = t.numel()
        grids.append(t.reshape(view).expand(*shape))
    return tuple(grids)


def take_along_dim(a, indices, dim=None):
    """``a``'s values at ``indices`` along ``dim`` (both broadcast except along dim); dim None:
    indices into the flattened ``a``."""
    if dim is None:
        return gather(a.reshape(-1), 0, indices.reshape(-1))
    d = normalize_dim(dim, a.ndim)
    shape_a, shape_i = list(a.shape), list(indices.shape)
    shape_a[d] = shape_i[d] = 1
    common = list(np.broadcast_shapes(tuple(shape_a), tuple(shape_i)))
    a_shape, i_shape = list(common), list(common)
    a_shape[d], i_shape[d] = a.shape[d], indices.shape[d]
    return gather(expand(a, *a_shape), d, expand(indices, *i_shape))


def outer(a, b):
    return a.reshape(-1, 1) * b


def diff(a, n=1, dim=-1, prepend=None, append=None):
    """n-th forward difference along ``dim``: out[i] = a[i+1] - a[i], applied n times (prepend and
    append joined first)."""
    if a.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = normalize_dim(dim, a.ndim)
    parts = [t for t in (prepend, a, append) if t is not None]
    if len(parts) > 1:
        a = cat(parts, d)
    for _ in range(n):
        length = a.shape[d]
        if length == 0:
            break
        a = a.narrow(d, 1, length - 1) - a.narrow(d, 0, length - 1)
    return a


def ravel(a):
    return a.reshape(-1)


def fliplr(a):
    if a.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return a.flip(1)


def flipud(a):
    if a.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return a.flip(0)


def msort(a):
    return a.sort(0)[0]


def tensor_split(a, indices_or_sections, dim=0):
    """Split into ``n`` parts as even as possible (the first ``size % n`` one longer), or at the
    given indices; the parts are slices (``narrow``)."""
    d = normalize_dim(dim, a.ndim)
    size = a.shape[d]
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        bounds = [i * (size // n) + min(i, size % n) for i in range(n + 1)]
    else:
        bounds = [0] + [min(max(int(i), 0), size) for i in indices_or_sections] + [size]
    return tuple(a.narrow(d, start, max(stop - start, 0)) for start, stop in zip(bounds, bounds[1:]))


def hsplit(a, sections):
    return tensor_split(a, sections, 1 if a.ndim > 1 else 0)


def vsplit(a, sections):
    return tensor_split(a, sections, 0)


def dsplit(a, sections):
    return tensor_split(a, sections, 2)


def broadcast_shapes(*shapes):
    return Size(np.broadcast_shapes(*[(s,) if isinstance(s, int) else tuple(s) for s in shapes]))


def broadcast_tensors(*tensors):
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(expand(t, *shape) for t in tensors)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, one per row (as torch: meshgrid,
    then stack)."""
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def rot90(a, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times in the plane of ``dims`` (from the first towards the second):
    flips and a transpose, as torch composes it."""
    d0, d1 = (normalize_dim(d, a.ndim) for d in dims)
    k %= 4
    if k == 1:
        return a.flip(d1).transpose(d0, d1)
    if k == 2:
        return a.flip(d0, d1)
    if k == 3:
        return a.flip(d0).transpose(d0, d1)
    return a.clone()


def adjoint(a):
    """The conjugate transpose of the last two dims (the transpose: minigrad has no complex dtypes)."""
    return a.transpose(-2, -1)


def take(a, index):
    """Elements of the flattened ``a`` at ``index`` (index's shape)."""
    return a.reshape(-1)[index]


def _index_pairs(fn, row, col, offset, device, dtype):
    module = np if device is None else xp(device)
    rows, cols = fn(row, offset, col)
    out = Tensor._wrap(module.stack([module.asarray(rows), module.asarray(cols)]).astype(np.int64))
    return out if dtype is None else out.to(dtype)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """(2, N) row and column indices of the lower triangle of a row x col matrix, row by row."""
    return _index_pairs(np.tril_indices, row, col, offset, _device(device), dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """(2, N) row and column indices of the upper triangle of a row x col matrix, row by row."""
    return _index_pairs(np.triu_indices, row, col, offset, _device(device), dtype)


def _device(device):
    return None if device is None else _backend_device(device)


def combinations(a, r=2, with_replacement=False):
    """Rows of r elements of 1-D ``a`` in lexicographic index order (itertools.combinations)."""
    n = a.shape[0]
    pool = itertools.combinations_with_replacement(range(n), r) if with_replacement else \
        itertools.combinations(range(n), r)
    idx = [list(c) for c in pool]
    if not idx:
        return a[:0].reshape(0, r) if r else a[:0]
    index = Tensor._wrap(np.asarray(idx, dtype=np.int64, like=a._data))
    return a[index]


def block_diag(*tensors):
    """The tensors (each 0-, 1- or 2-D) on the diagonal of a block matrix, zeros elsewhere."""
    blocks = [t.reshape(1, 1) if t.ndim == 0 else t.reshape(1, -1) if t.ndim == 1 else t for t in tensors]
    cols = sum(b.shape[1] for b in blocks)
    rows, start = [], 0
    for b in blocks:
        left = b.new_zeros(b.shape[0], start)
        right = b.new_zeros(b.shape[0], cols - start - b.shape[1])
        rows.append(cat([left, b, right], 1))
        start += b.shape[1]
    return cat(rows, 0)


def unravel_index(indices, shape):
    """The coordinates of flat ``indices`` in a tensor of ``shape``: one int64 tensor per dim."""
    shape = tuple(_shape_args((shape,)) if not isinstance(shape, int) else (shape,))
    coords = np.unravel_index(indices._data, shape)
    return tuple(Tensor._wrap(c.astype(np.int64)) for c in coords)


def vander(x, N=None, increasing=False):  # noqa: N803 - torch's parameter name
    """Columns x**(N-1), ..., x**0 (or increasing powers), as torch: a cumulative product."""
    n = x.shape[0] if N is None else N
    if n == 0:
        return x.new_zeros(x.shape[0], 0)
    powers = cat([x.new_ones(x.shape[0], 1), x.unsqueeze(1).expand(x.shape[0], n - 1)], 1).cumprod(1) \
        if n > 1 else x.new_ones(x.shape[0], 1)
    return powers if increasing else powers.flip(1)


def unique_consecutive(a, return_inverse=False, return_counts=False, dim=None):
    """The first element of each run of equal consecutive elements (of the flattened tensor), with
    each element's run number (``return_inverse``) and the runs' lengths (``return_counts``)."""
    if dim is not None:
        raise NotImplementedError("minigrad: unique_consecutive with dim is not implemented")
    x = a._data.reshape(-1)
    starts = np.concatenate([np.ones(min(x.shape[0], 1), dtype=bool, like=x), x[1:] != x[:-1]])
    out = [Tensor._wrap(x[starts])]
    if return_inverse:
        out.append(Tensor._wrap((np.cumsum(starts) - 1).astype(np.int64).reshape(a._data.shape)))
    if return_counts:
        positions = np.concatenate([np.nonzero(starts)[0], np.asarray([x.shape[0]], like=x)])
        out.append(Tensor._wrap(np.diff(positions).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def slice_scatter(a, src, dim=0, start=None, end=None, step=1):
    """A copy of ``a`` with the slice start:end:step along ``dim`` replaced by ``src``."""
    out = a.clone()
    out[(slice(None),) * normalize_dim(dim, a.ndim) + (slice(start, end, step),)] = src
    return out


def select_scatter(a, src, dim, index):
    """A copy of ``a`` with ``a.select(dim, index)`` replaced by ``src``."""
    out = a.clone()
    out[(slice(None),) * normalize_dim(dim, a.ndim) + (index,)] = src
    return out


def diagonal_scatter(a, src, offset=0, dim1=0, dim2=1):
    """A copy of ``a`` with its ``offset``-th diagonal of the (dim1, dim2) planes replaced by ``src``
    (the diagonal as a new last dim, as ``diagonal`` returns it)."""
    d1, d2 = normalize_dim(dim1, a.ndim), normalize_dim(dim2, a.ndim)
    mask = DiagEmbed.apply(Tensor._wrap(np.ones(src.shape, dtype=bool, like=a._data)), offset, d1, d2, a.shape)
    return DiagEmbed.apply(src, offset, d1, d2, a.shape) + a.masked_fill(mask, 0)
