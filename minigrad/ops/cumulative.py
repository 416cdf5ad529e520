"""Running reductions along a dim beyond ``cumsum`` (in ``reduction.py``): cumprod, cummax, cummin,
logcumsumexp. Each keeps the input's shape.

Backward formulas follow torch's ``torch/csrc/autograd/FunctionsManual.cpp`` (cumprod_backward,
cummaxmin_backward, logcumsumexp_backward), written with Tensor ops so they differentiate again.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..tensor import Tensor
from . import return_types
from ._util import normalize_dim
from .arithmetic import where
from .reduction import _accumulate_dtype


def _reverse_cumsum(x, dim):
    return x.flip(dim).cumsum(dim).flip(dim)


class Cumprod(BuiltinFunction):
    """out_j = prod_{i<=j} a_i; d/da_k = sum_{j>=k} g_j * prod_{i<=j, i!=k} a_i.

    Without zeros in ``a`` that is reverse_cumsum(g*out)/a (O(n)). With a zero the division is
    undefined, so backward forms the products that leave out a_k explicitly: an n x n table per
    line, O(n^2) (torch instead splits at the first zero)."""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.save_for_backward(a)
        ctx.dim = dim
        ctx.has_zero = bool((a._data == 0).any())
        out = np.cumprod(a._data, axis=dim, dtype=_accumulate_dtype(a)).reshape(a._data.shape)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        dim = ctx.dim
        if a.ndim == 0:
            return grad, None
        if not ctx.has_zero:
            return _reverse_cumsum(grad * ctx.output, dim) / a, None
        x, g = a.movedim(dim, -1), grad.movedim(dim, -1)
        n = x.shape[-1]
        eye = Tensor._wrap(np.eye(n, dtype=bool, like=a._data))
        leave_out = where(eye, 1.0, x.unsqueeze(-2))  # row k: a with a_k replaced by 1
        products = leave_out.cumprod(-1)  # [k, j] = prod_{i<=j, i!=k} a_i
        later = Tensor._wrap(np.triu(np.ones((n, n), dtype=bool, like=a._data)))  # j >= k
        return (where(later, products, 0.0) * g.unsqueeze(-2)).sum(-1).movedim(-1, dim), None


def _running_indices(x, dim, ufunc, better):
    """Where the running max (ufunc=np.maximum, better=np.greater) or min was attained along
    ``dim``: the latest index on ties; a NaN wins and stays, as in torch."""
    if x.ndim == 0:
        return np.zeros((), dtype=np.int64, like=x)
    line = np.moveaxis(x, dim, -1)
    n = line.shape[-1]
    if n == 0:
        return np.zeros(x.shape, dtype=np.int64, like=x)
    running = ufunc.accumulate(line, axis=-1)
    previous = np.concatenate([running[..., :1], running[..., :-1]], axis=-1)
    with np.errstate(invalid="ignore"):
        takes = better(line, previous) | (line == previous) | np.isnan(line)
    positions = np.where(takes, np.arange(n, dtype=np.int64, like=x), 0)
    return np.moveaxis(np.maximum.accumulate(positions, axis=-1), -1, dim).copy()


class _CumulativeExtreme(BuiltinFunction):
    """Running max (cummax) or min (cummin) along ``dim``, attained at ``indices``;
    d/da = g summed into those indices (scatter_add: one element may be the max of many)."""

    _ufunc = None

    @classmethod
    def forward(cls, ctx, a, dim, indices):
        ctx.shape, ctx.dim = a._data.shape, dim
        ctx.save_for_backward(indices)
        return cls._ufunc.accumulate(a._data, axis=dim) if a.ndim else a._data.copy()

    @staticmethod
    def backward(ctx, grad):
        indices, = ctx.saved_tensors
        if grad.ndim == 0:
            return grad, None, None
        return grad.new_zeros(ctx.shape).scatter_add(ctx.dim, indices, grad), None, None


class Cummax(_CumulativeExtreme):
    _ufunc = np.maximum


class Cummin(_CumulativeExtreme):
    _ufunc = np.minimum


class Logcumsumexp(BuiltinFunction):
    """out_j = log sum_{i<=j} e**a_i (np.logaddexp.accumulate: no overflow);
    d/da_k = sum_{j>=k} g_j * e**(a_k - out_j), summed in log space separately for g > 0 and g < 0
    (torch's logcumsumexp_backward) so that nothing overflows"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.save_for_backward(a)
        ctx.dim = dim
        x = a._data
        with np.errstate(invalid="ignore"):  # a NaN propagates silently
            out = np.logaddexp.accumulate(x, axis=dim) if x.ndim else x.copy()
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        if a.ndim == 0:
            return grad, None
        out, dim = ctx.output, ctx.dim
        lowest = float(np.finfo(a.dtype.np).min)
        log_abs = grad.abs().log()
        log_pos = where(grad > 0, log_abs, lowest)
        log_neg = where(grad < 0, log_abs, lowest)

        def part(log_g):
            return ((log_g - out).flip(dim).logcumsumexp(dim).flip(dim) + a).exp()
        return part(log_pos) - part(log_neg), None


def cumprod(a, dim, dtype=None):
    if dtype is not None:
        a = a.to(dtype)
    return Cumprod.apply(a, normalize_dim(dim, a.ndim))


def cummax(a, dim):
    d = normalize_dim(dim, a.ndim)
    indices = Tensor._wrap(_running_indices(a._data, d, np.maximum, np.greater))
    return return_types.cummax(Cummax.apply(a, d, indices), indices)


def cummin(a, dim):
    d = normalize_dim(dim, a.ndim)
    indices = Tensor._wrap(_running_indices(a._data, d, np.minimum, np.less))
    return return_types.cummin(Cummin.apply(a, d, indices), indices)


def logcumsumexp(a, dim):
    return Logcumsumexp.apply(a, normalize_dim(dim, a.ndim))
