"""Order statistics and NaN-aware reductions: median, nanmedian, kthvalue, nansum, nanmean,
aminmax, std_mean, var_mean, count_nonzero.

Selections pick each line's index as torch does among equal elements (median(dim): the stable
sort's, torch's comparator breaking ties by index; kthvalue and mode: torch's kernels' replayed by
``_std_order``) and take the values with ``TakeAlong`` (the gradient goes to the picked element); a
full ``median()`` shares the gradient evenly among the elements equal to the result (torch's evenly_distribute_backward), like ``max()``.
Where torch records one node with two outputs (aminmax, std_mean, var_mean), minigrad's ops have
one output each: each output gets its own node, bearing torch's node name.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..tensor import Tensor
from . import _std_order, return_types
from ._util import normalize_dim
from .arithmetic import where
from .indexing import TakeAlong
from .shape import cat
from .reduction import Amax, Amin, Extreme, MeanDim, Std, Var, _correction, _reduced_axes, _unreduce


def _lower_median(x, axis, keepdims, ignore_nan=False):
    """The lower median (the ((n-1)//2)-th smallest) of all of ``x``: NaN when one is there, unless
    ``ignore_nan`` (then of the others; NaN when all are NaN)."""
    values = np.sort(x.reshape(-1))  # NaNs sort last
    shape = (1,) * x.ndim if keepdims else ()
    if ignore_nan:  # an array index, not a Python int: no trip to the host
        count = (~np.isnan(values)).sum()
        return np.take(values, np.maximum(count - 1, 0) // 2).reshape(shape)
    middle, last = values[(values.shape[0] - 1) // 2], values[-1]
    return np.where(np.isnan(last), last, middle).reshape(shape)


class MedianAll(Extreme):
    _name, _op = "MedianBackward0", "median"
    _reduce = staticmethod(_lower_median)
    _masked = True


class NanmedianAll(Extreme):
    _name, _op = "NanmedianBackward0", "nanmedian"
    _reduce = staticmethod(lambda x, axis, keepdims: _lower_median(x, axis, keepdims, ignore_nan=True))
    _masked = True


class AminmaxMin(Amin):
    _name = "AminmaxBackward0"


class AminmaxMax(Amax):
    _name = "AminmaxBackward0"


class StdMeanStd(Std):
    _name = "StdMeanBackward0"


class VarMeanVar(Var):
    _name = "VarMeanBackward0"


class StdMeanMean(MeanDim):
    _name = "StdMeanBackward0"


class VarMeanMean(MeanDim):
    _name = "VarMeanBackward0"


class Nansum(BuiltinFunction):
    """sum of the non-NaN elements; d/da = g where a is not NaN, 0 where it is"""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.axes, ctx.keepdim = axes, keepdim
        return np.nansum(a._data, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        g = _unreduce(grad, a.shape, ctx.axes, ctx.keepdim)
        return where(a.isnan(), 0.0, g), None, None


def _select(a, dim, keepdim, position, name, pair):
    """Values and indices of the ``position(sorted line, nan count)``-th element of each line's
    stable ascending sort along ``dim`` (NaNs last)."""
    d = normalize_dim(dim, a.ndim)
    x = a._data
    if x.ndim == 0:
        return pair(a.clone(), Tensor._wrap(np.zeros((), np.int64, like=x)))
    if x.shape[d] == 0:
        raise IndexError(f"{pair._op}(): Expected reduction dim {d} to have non-zero size.")
    order = np.argsort(x, axis=d, kind="stable")
    nans = np.isnan(x).sum(axis=d, keepdims=True) if x.dtype.kind == "f" else np.zeros(
        (1,) * x.ndim, dtype=np.int64, like=x)
    pos = np.broadcast_to(np.asarray(position(x.shape[d], nans), dtype=np.int64, like=x), nans.shape)
    indices = np.take_along_axis(order, pos, d)
    if not keepdim:
        indices = indices.squeeze(d)
    idx = Tensor._wrap(indices)
    return pair(TakeAlong.apply(a, d, idx, keepdim, name), idx)


def median(a, dim=None, keepdim=False):
    """The lower median: of everything (a 0-d tensor) or along ``dim`` ((values, indices)); NaN
    where a NaN is present. Among tied elements the index is one of them (torch's is unspecified)."""
    if dim is None:
        if a.numel() == 0:  # the median of nothing is NaN, as in torch
            return Tensor._wrap(np.full((), np.nan, dtype=a.dtype.np, like=a._data))
        return MedianAll.apply(a, tuple(range(a.ndim)), False)
    return _select(a, dim, keepdim, lambda n, nans: np.where(nans > 0, n - nans, (n - 1) // 2),
                   "MedianBackward1", return_types.median)


def nanmedian(a, dim=None, keepdim=False):
    """median ignoring NaNs (NaN where a line is all NaN)."""
    if dim is None:
        return NanmedianAll.apply(a, tuple(range(a.ndim)), False)
    return _select(a, dim, keepdim, lambda n, nans: np.where(nans == n, 0, (n - nans - 1) // 2),
                   "NanmedianBackward1", return_types.nanmedian)


def kthvalue(a, k, dim=-1, keepdim=False):
    """The k-th smallest element (1-based) along ``dim`` and its index."""
    d = normalize_dim(dim, a.ndim)
    if not 1 <= k <= (a.shape[d] if a.ndim else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if a.ndim == 0:
        return return_types.kthvalue(a.clone(), Tensor._wrap(np.zeros((), np.int64, like=a._data)))
    indices = _std_order.along(a._data, d, lambda lines: _std_order.kth(lines, k - 1))  # torch's pick among ties
    idx = Tensor._wrap(indices if keepdim else indices.squeeze(d))
    return return_types.kthvalue(TakeAlong.apply(a, d, idx, keepdim, "KthvalueBackward0"), idx)


def nansum(a, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        a = a.to(dtype)
    if not a.dtype.is_floating_point:
        return a.sum(dim, keepdim)
    return Nansum.apply(a, _reduced_axes(dim, a.ndim), keepdim)


def nanmean(a, dim=None, keepdim=False, *, dtype=None):
    """mean of the non-NaN elements: nansum / their count (as torch writes it)."""
    if dtype is not None:
        a = a.to(dtype)
    if not a.dtype.is_floating_point:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{a.dtype.legacy_name}")
    return nansum(a, dim, keepdim) / (~a.isnan()).sum(dim, keepdim)


def aminmax(a, *, dim=None, keepdim=False):
    axes = _reduced_axes(dim, a.ndim)
    if any(a._data.shape[d] == 0 for d in axes):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation "
                           "has no identity.")
    return return_types.aminmax(AminmaxMin.apply(a, axes, keepdim), AminmaxMax.apply(a, axes, keepdim))


def std_mean(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    axes, c = _reduced_axes(dim, a.ndim), _correction(unbiased, correction)
    return StdMeanStd.apply(a, axes, c, keepdim), StdMeanMean.apply(a, axes, keepdim)


def var_mean(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    axes, c = _reduced_axes(dim, a.ndim), _correction(unbiased, correction)
    return VarMeanVar.apply(a, axes, c, keepdim), VarMeanMean.apply(a, axes, keepdim)


def count_nonzero(a, dim=None):
    """How many elements are not zero (over everything, or over ``dim``: an int or a tuple); int64."""
    axes = _reduced_axes(dim, a.ndim)
    return Tensor._wrap(np.count_nonzero(a._data, axis=axes).astype(np.int64))


def cov(a, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in ``a``'s rows (observations in columns):
    (a - mean) (a - mean)^T / (N - correction). Weights are not supported."""
    if fweights is not None or aweights is not None:
        raise NotImplementedError("minigrad: cov with fweights or aweights is not implemented")
    x = a if a.ndim == 2 else a.reshape(1, -1)
    centered = x - x.mean(1, keepdim=True)
    out = (centered @ centered.mT) / (x.shape[1] - correction)
    return out.squeeze() if a.ndim < 2 else out


def corrcoef(a):
    """Pearson correlation coefficients of the rows: cov / (std_i std_j), clipped to [-1, 1]."""
    c = cov(a)
    if c.ndim == 0:
        return c / c
    std = c.diagonal().sqrt()
    return (c / std.unsqueeze(1) / std.unsqueeze(0)).clamp(-1, 1)



def mode(a, dim=-1, keepdim=False):
    """The most frequent value along ``dim`` (the smallest on ties) and an index where it occurs: the
    one torch's kernel (std::sort, then the last of the run) leaves."""
    d = normalize_dim(dim, a.ndim)
    if a.ndim == 0:
        return return_types.mode(a.clone(), Tensor._wrap(np.zeros((), np.int64, like=a._data)))
    indices = _std_order.along(a._data, d, _std_order.mode)
    index = Tensor._wrap(indices if keepdim else indices.squeeze(d))
    return return_types.mode(TakeAlong.apply(a, d, index, keepdim, "ModeBackward0"), index)


def histc(a, bins=100, min=0, max=0):  # noqa: A002 - torch's parameter names
    """Counts of the elements in ``bins`` equal-width bins over [min, max] (the data's range when
    min == max); elements outside are ignored. Same dtype as ``a``."""
    x = a._data
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    counts, _ = np.histogram(x, bins=bins, range=(lo, hi))
    return Tensor._wrap(counts.astype(a.dtype.np))


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoid rule along ``dim``: sum of (y[i+1] + y[i])/2 * (x[i+1] - x[i]) (spacing dx, default 1)."""
    return _trapezoids(y, x, dx, dim).sum(normalize_dim(dim, y.ndim))


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid rule along ``dim`` (one element shorter than y)."""
    return _trapezoids(y, x, dx, dim).cumsum(normalize_dim(dim, y.ndim))


def _trapezoids(y, x, dx, dim):
    """The area of each trapezoid along ``dim``."""
    d = normalize_dim(dim, y.ndim)
    n = y.shape[d]
    heights = (y.narrow(d, 1, max(n - 1, 0)) + y.narrow(d, 0, max(n - 1, 0))) / 2
    if x is not None:
        widths = x.diff(dim=-1 if x.ndim == 1 else d)
        if x.ndim == 1:
            widths = widths.reshape([-1 if i == d else 1 for i in range(y.ndim)])
        return heights * widths
    return heights * (1 if dx is None else dx)


def quantile(a, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles (q a number in [0, 1] or a 1-D tensor of them, whose dim then leads the
    result) along ``dim`` (of everything when None): linear interpolation between the sorted
    neighbours at rank q*(n-1); NaN where a NaN is present."""
    return _quantile(a, q, dim, keepdim, interpolation, ignore_nan=False)


def nanquantile(a, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile of the non-NaN elements (NaN where a line has none)."""
    return _quantile(a, q, dim, keepdim, interpolation, ignore_nan=True)


def _quantile(a, q, dim, keepdim, interpolation, ignore_nan):
    if interpolation != "linear":
        raise NotImplementedError(f"minigrad: quantile interpolation '{interpolation}' is not implemented")
    qs = q.reshape(-1).to(a.dtype) if isinstance(q, Tensor) else Tensor._wrap(
        np.asarray([q], dtype=a.dtype.np, like=a._data))
    d = None if dim is None else normalize_dim(dim, a.ndim)
    lines = a.reshape(-1) if d is None else a.movedim(d, -1)
    values = lines.sort(-1)[0]  # NaNs last
    nans = values.isnan()
    valid = (~nans).sum(-1, keepdim=True) if ignore_nan else (nans * 0).sum(-1, keepdim=True) + lines.shape[-1]
    last = (valid - 1).clamp_min(0)
    rank = last.to(a.dtype) * qs  # (..., Q)
    low = rank.floor().to(last.dtype)
    high = _minimum_int(low + 1, last)
    lo_v, hi_v = values.gather(-1, low), values.gather(-1, high)
    out = lo_v + (hi_v - lo_v) * (rank - low.to(a.dtype))
    empty = valid == 0 if ignore_nan else nans.any(-1, keepdim=True)
    out = out.where(~empty, float("nan")).movedim(-1, 0)  # (Q, ...)
    if keepdim:
        out = out.reshape((out.shape[0],) + (1,) * a.ndim) if d is None else out.unsqueeze(d + 1)
    return out.squeeze(0) if not isinstance(q, Tensor) or q.ndim == 0 else out


def _minimum_int(x, bound):
    return x.where(x <= bound, bound.expand(*x.shape) if bound.shape != x.shape else bound)


def histogram(a, bins=100, *, range=None, weight=None, density=False):  # noqa: A002 - torch's names
    """Counts (or weighted sums, or a density) in ``bins`` equal-width bins over ``range`` (the
    data's by default), and the bins' edges."""
    edges_in = bins._data if isinstance(bins, Tensor) else bins
    hist, edges = np.histogram(a._data, bins=edges_in, range=range, density=density,
                               weights=None if weight is None else weight._data)
    return return_types.histogram(Tensor._wrap(hist.astype(a.dtype.np)), Tensor._wrap(edges.astype(a.dtype.np)))


def gradient(a, *, spacing=1, dim=None, edge_order=1):
    """The derivative estimated by central differences inside and one-sided ones at the ends
    (edge_order 1), one tensor per dim; ``spacing`` a number."""
    if edge_order != 1 or not isinstance(spacing, (int, float)):
        raise NotImplementedError("minigrad: gradient supports edge_order=1 and a number spacing")
    dims = range(a.ndim) if dim is None else [dim] if isinstance(dim, int) else dim
    out = []
    for d in dims:
        d = normalize_dim(d, a.ndim)
        n = a.shape[d]
        if n < 2:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
        first = (a.narrow(d, 1, 1) - a.narrow(d, 0, 1)) / spacing
        inner = (a.narrow(d, 2, n - 2) - a.narrow(d, 0, n - 2)) / (2 * spacing)
        last = (a.narrow(d, n - 1, 1) - a.narrow(d, n - 2, 1)) / spacing
        out.append(cat([first, inner, last], d))
    return tuple(out)
