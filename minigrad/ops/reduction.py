"""Reductions: sum, mean, prod, max/min, var/std, logsumexp, norm, cumsum, all/any (softmax is in
``activation.py``).

Every reduction takes ``dim`` (None, an int or a tuple) and ``keepdim``. Backward first puts the
reduced dims back as size 1 (``_unreduce``), then broadcasts against the input.
"""
import math
import warnings

import numpy as np

from ..autograd.function import BuiltinFunction
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor
from . import return_types
from ._util import normalize_dims, normalize_dim
from .indexing import TakeAlong
from .arithmetic import maximum, minimum, where
from .unary import _floating


def _unreduce(grad, in_shape, axes, keepdim):
    """Reshape a reduced gradient so that it broadcasts against the input (reduced dims -> 1)."""
    if not keepdim and axes:
        kept = tuple(1 if i in axes else n for i, n in enumerate(in_shape))
        grad = grad.reshape(kept)
    return grad


def _accumulate_dtype(a):
    """sum/prod of integers or bools accumulate in int64, as in torch."""
    return a.dtype.np if a.dtype.is_floating_point else np.int64


class Sum(BuiltinFunction):
    """d(sum a)/da = g broadcast to a's shape"""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        if a.dtype.is_floating_point:
            return sum_array(a._data, axes, keepdim)
        return np.add.reduce(a._data, axis=axes, keepdims=keepdim, dtype=np.int64)

    @staticmethod
    def backward(ctx, grad):
        return _unreduce(grad, ctx.shape, ctx.axes, ctx.keepdim).expand(ctx.shape), None, None


class SumDim(Sum):
    _name = "SumBackward1"


_ROW = 4096  # elements per row of the 2-D view sum_array takes of a large array
_ONES = {ones.dtype: ones for ones in (np.ones(_ROW, np.float32), np.ones(_ROW, np.float64))}  # host: NumPy arrays only


def sum_array(x, axes, keepdim):
    """The sum of a floating array over ``axes``.

    NumPy's ``add.reduce`` (pairwise summation, scalar accumulators) runs at a third of torch's
    speed on a large float32 array. A sum over every element of a large contiguous float32/float64
    array is instead a matrix-vector product: the array viewed as rows of ``_ROW`` elements times a
    vector of ones gives the row sums, which ``add.reduce`` then adds up (plus the tail that does not
    fill a row). BLAS's dot kernel keeps several SIMD accumulators in registers, as torch's cascade
    sum does; ``a * 1 + acc`` rounds exactly as ``a + acc``, so each row sum is an ordinary float
    sum, in another order: the result is within the ``n * eps * sum|a|`` bound of any summation
    order. BLAS threads the product itself; the result is the same on every run with the same number
    of BLAS threads (as torch's, its last bits may change with that number)."""
    n = x.size
    ones = _ONES.get(x.dtype) if isinstance(x, np.ndarray) and n >= 4 * _ROW and len(axes) == x.ndim else None
    if ones is None or not (x.flags.c_contiguous or x.flags.f_contiguous):
        return np.add.reduce(x, axis=axes, keepdims=keepdim)
    flat = x.reshape(-1, order="A")  # (a view, in memory order: the order of the terms does not matter)
    body = n // _ROW * _ROW
    total = np.add.reduce(flat[:body].reshape(-1, _ROW) @ ones) + np.add.reduce(flat[body:])
    return total.reshape((1,) * x.ndim) if keepdim else total


class Mean(BuiltinFunction):
    """d(mean a)/da = g/N broadcast to a's shape"""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        if not a.dtype.is_floating_point:
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating "
                               f"point or complex dtype. Got: {a.dtype.legacy_name}")
        x = a._data
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        ctx.count = count = _count(a, axes)
        if not count:  # the mean of nothing is nan (0/0), silently (np.mean would warn)
            return np.add.reduce(x, axis=axes, keepdims=keepdim) / x.dtype.type(0)
        if x.dtype != np.float16:
            return sum_array(x, axes, keepdim) / count
        return np.mean(x, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _unreduce(grad, ctx.shape, ctx.axes, ctx.keepdim).expand(ctx.shape) / ctx.count, None, None


class MeanDim(Mean):
    _name = "MeanBackward1"


class Prod(BuiltinFunction):
    """d(prod a)/da_i = g * prod of the other elements"""

    _over_all = True  # prod(): torch's shortcut for two or more zeros applies (not to prod(dim))

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.axes, ctx.keepdim = axes, keepdim
        out = np.prod(a._data, axis=axes, keepdims=keepdim, dtype=_accumulate_dtype(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        shape = a._data.shape
        if not shape:  # torch's prod_backward: a 0-d input's gradient is g itself (its saved result is
            ctx.output  # still unpacked, so a result changed in place since raises, as torch's)
            return grad, None, None
        grad = _unreduce(grad, shape, ctx.axes, ctx.keepdim)
        out = _unreduce(ctx.output, shape, ctx.axes, ctx.keepdim)
        zeros = np.count_nonzero(a._data == 0)
        if not zeros:
            return grad * (out / a), None, None  # (torch's grad * (result / input): MulBackward0)
        if math.prod(shape[ax] for ax in ctx.axes) == 1:  # torch's prod_safe_zeros_backward of one element:
            return grad, None, None  # g itself (no graph)
        if not is_grad_enabled():
            if zeros > 1 and ctx._over_all:  # every product of others is 0: torch returns zeros, even for a
                return grad.new_zeros(shape), None, None  # nan grad
            return grad * _prod_of_others(a, ctx.axes), None, None
        return grad * _prod_of_others_differentiable(a, ctx.axes), None, None  # create_graph: a graph


class ProdDim(Prod):
    _name = "ProdBackward1"
    _over_all = False


def _prod_of_others(a, axes):
    """prod_{j != i} a_j along ``axes``, exact when some a_j are 0 (exclusive cumulative products)."""
    x = np.moveaxis(a._data, axes, tuple(range(-len(axes), 0)))
    flat = x.reshape(x.shape[:x.ndim - len(axes)] + (-1,))
    ones = np.ones_like(flat, shape=flat.shape[:-1] + (1,))
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], -1), -1)[..., ::-1]
    others = (left * right).reshape(x.shape)
    return Tensor._wrap(np.ascontiguousarray(np.moveaxis(others, tuple(range(-len(axes), 0)), axes), like=others))


def _prod_of_others_differentiable(a, axes):
    """The same products as Tensor ops, so that double backward goes through them: row i of an
    (n, n) matrix is the reduced elements with the i-th replaced by 1, and its product is the i-th
    product of the others (torch's ``prod_safe_zeros_backward`` plays the same part)."""
    moved = a.permute(*[d for d in range(a.ndim) if d not in axes], *axes)
    kept = moved.shape[:a.ndim - len(axes)]
    flat = moved.reshape(*kept, -1)
    n = flat.shape[-1]
    eye = Tensor._wrap(np.eye(n, dtype=bool, like=a._data))
    others = where(eye, 1.0, flat.unsqueeze(-2)).prod(-1).reshape(moved.shape)
    order = [d for d in range(a.ndim) if d not in axes] + list(axes)
    return others.permute(*np.argsort(order).tolist())


class Extreme(BuiltinFunction):
    """max()/min()/amax/amin: the gradient is split evenly among the elements equal to the result"""

    _reduce = None
    _masked = False  # max()/min(): as torch, the share goes only where the extreme is (0 elsewhere, even
                     # for a nan gradient), and a nan extreme is shared among the nans

    @classmethod
    def forward(cls, ctx, a, axes, keepdim):
        if 0 in [a._data.shape[d] for d in axes]:  # a full reduction of an empty tensor
            raise RuntimeError(f"{cls._op}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        out = cls._reduce(a._data, axis=axes, keepdims=keepdim)
        ctx.save_for_backward(a)
        ctx.save_output(out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        shape = a._data.shape
        out = _unreduce(ctx.output, shape, ctx.axes, ctx.keepdim)
        hits = a == out
        if ctx._masked:
            hits = hits | (a.isnan() & out.isnan())
            return (_unreduce(grad, shape, ctx.axes, ctx.keepdim) / hits.sum()).masked_fill(~hits, 0), None, None
        count = hits.sum(dim=ctx.axes, keepdim=True)
        return _unreduce(grad, shape, ctx.axes, ctx.keepdim) * hits / count, None, None


class Max(Extreme):
    _name, _op = "MaxBackward1", "max"
    _reduce = staticmethod(np.max)
    _masked = True


class Min(Extreme):
    _name, _op = "MinBackward1", "min"
    _reduce = staticmethod(np.min)
    _masked = True


class Amax(Extreme):
    _op = "amax"
    _reduce = staticmethod(np.max)


class Amin(Extreme):
    _op = "amin"
    _reduce = staticmethod(np.min)


def _extreme(a, dim, keepdim, full_cls, name, arg_fn, pair_cls):
    if dim is None:
        return full_cls.apply(a, tuple(range(a.ndim)), False)
    if isinstance(dim, Tensor):  # torch.max(a, b) is maximum
        return (maximum if full_cls is Max else minimum)(a, dim)
    d = normalize_dim(dim, a.ndim)
    if a._data.ndim == 0:
        return pair_cls(a.clone(), Tensor._wrap(np.zeros((), np.int64, like=a._data)))
    if a._data.shape[d] == 0:
        raise IndexError(f"{pair_cls._op}(): Expected reduction dim {d} to have non-zero size.")
    indices = Tensor._wrap(arg_fn(a._data, axis=d, keepdims=keepdim))
    return pair_cls(TakeAlong.apply(a, d, indices, keepdim, name), indices)


def max(a, dim=None, keepdim=False):  # noqa: A001 - torch.max
    return _extreme(a, dim, keepdim, Max, "MaxBackward0", np.argmax, return_types.max)


def min(a, dim=None, keepdim=False):  # noqa: A001 - torch.min
    return _extreme(a, dim, keepdim, Min, "MinBackward0", np.argmin, return_types.min)


def _check_nonempty(op, a, dim):
    """amax/amin over given dims: torch's IndexError, naming the dim as given, when one is empty."""
    for d in (dim,) if isinstance(dim, int) else dim or ():
        if a._data.ndim and a._data.shape[normalize_dim(d, a.ndim)] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")


def amax(a, dim=(), keepdim=False):
    _check_nonempty("amax", a, dim)
    return Amax.apply(a, _reduced_axes(dim, a.ndim), keepdim)


def amin(a, dim=(), keepdim=False):
    _check_nonempty("amin", a, dim)
    return Amin.apply(a, _reduced_axes(dim, a.ndim), keepdim)


def argmax(a, dim=None, keepdim=False):
    """Index of the largest element (of the flattened tensor without ``dim``: with ``keepdim`` its
    shape is all ones). Errors as torch: bool input, an empty tensor or reduced dim."""
    return _arg_extreme(np.argmax, "argmax", a, dim, keepdim)


def argmin(a, dim=None, keepdim=False):
    """Index of the smallest element; see ``argmax``."""
    return _arg_extreme(np.argmin, "argmin", a, dim, keepdim)


def _arg_extreme(fn, name, a, dim, keepdim):
    if a.dtype.name == "bool":
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if a._data.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        index = fn(a._data).astype(np.int64)
        return Tensor._wrap(index.reshape((1,) * a.ndim) if keepdim else index)
    axis = normalize_dim(dim, a.ndim)
    if a.ndim and a._data.shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
    return Tensor._wrap(fn(a._data, axis=axis, keepdims=keepdim))


def _reduced_axes(dim, ndim):
    """The axes a reduction combines: all of them for ``dim=None`` and, as in torch, for an empty
    ``dim`` (``sum(dim=())`` sums everything); otherwise ``dim``'s, normalised."""
    if dim is not None and not isinstance(dim, int) and len(dim) == 0:
        dim = None
    return normalize_dims(dim, ndim)


def _reduce(full_op, dim_op, a, dim, keepdim, dtype):
    """Run a reduction over everything (``dim=None``: torch's ...Backward0 node) or over ``dim``."""
    if dtype is not None:
        a = a.to(dtype)
    if dim is None:
        return full_op.apply(a, tuple(range(a.ndim)), False)
    return dim_op.apply(a, _reduced_axes(dim, a.ndim), keepdim)


def sum(a, dim=None, keepdim=False, dtype=None):  # noqa: A001 - torch.sum
    return _reduce(Sum, SumDim, a, dim, keepdim, dtype)


def mean(a, dim=None, keepdim=False, dtype=None):
    return _reduce(Mean, MeanDim, a, dim, keepdim, dtype)


def prod(a, dim=None, keepdim=False, dtype=None):
    return _reduce(Prod, ProdDim, a, dim, keepdim, dtype)


class Var(BuiltinFunction):
    """d var/da = g*2(a - mean)/(N - correction)"""

    _name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, axes, correction, keepdim, over_all=False):
        x, var = _variance(ctx, a, axes, correction, keepdim)
        ctx.over_all = over_all or not a._data.ndim  # (var() without dim, or of a 0-d tensor)
        return var.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        dof = _count(a, ctx.axes) - ctx.correction
        centered = a - a.mean(dim=ctx.axes, keepdim=True)
        grad = _unreduce(grad, a._data.shape, ctx.axes, ctx.keepdim)
        if dof <= 0 and ctx.over_all:  # torch's var_backward without dim: 2/0 * (a - mean) as a constant
            return grad * where(centered == 0, float("nan"), float("inf")), None, None, None, None
        scale = 2.0 / dof if dof else float("inf")  # as torch: no degrees of freedom give nan, not an error
        return grad * centered * scale, None, None, None, None


class Std(BuiltinFunction):
    """d std/da = g*(a - mean)/(std*(N - correction))"""

    _name = "StdBackward0"

    @staticmethod
    def forward(ctx, a, axes, correction, keepdim):
        x, var = _variance(ctx, a, axes, correction, keepdim)
        out = np.sqrt(var).astype(x.dtype, copy=False)  # the root of the float64 variance, rounded once
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        shape = a._data.shape
        n = _count(a, ctx.axes)
        centered = a - a.mean(dim=ctx.axes, keepdim=True)
        std = ctx.output
        zero = std == 0  # as torch: no gradient where std is 0 (it would be 0/0); its double backward
        g = (grad / std).masked_fill(zero, 0)  # divides by that zero: nan, as torch's std_backward
        return _unreduce(g, shape, ctx.axes, ctx.keepdim) * centered / (n - ctx.correction), None, None, None


def _variance(ctx, a, axes, correction, keepdim):
    """Var's and Std's forward: keep what backward needs; return ``a`` as floats and its variance in
    float64."""
    if not a.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if _count(a, axes) - correction <= 0:
        warnings.warn(f"{'std' if isinstance(ctx, Std) else 'var'}(): degrees of freedom is <= 0. Correction should "
                      "be strictly less than the reduction factor (input numel divided by output numel).",
                      UserWarning)
    ctx.save_for_backward(a)
    ctx.axes, ctx.correction, ctx.keepdim = axes, correction, keepdim
    x = _floating(a)
    return x, var_array(x, axes, correction, keepdim, np.float64)


def var_array(x, axes, correction, keepdim, out_dtype=None):
    """Variance as torch's CPU kernels compute it: accumulated in float64, around the mean taken in
    the input's own precision for a full reduction (torch's all-reduce), in one Welford pass otherwise
    (exact to float64 rounding). So a float32 row of 1e8 + tiny noise has variance 0, not 64."""
    wide = x.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        if len(axes) == x.ndim and x.size:
            centered = wide - np.float64(np.mean(x))
            out = np.sum(centered * centered, axis=axes, keepdims=keepdim) / np.maximum(x.size - correction, 0)
        elif math.prod(x.shape[i] for i in axes) > correction:
            out = np.var(wide, axis=axes, ddof=correction, keepdims=keepdim)
        else:  # no degrees of freedom: a division by 0, as torch's (np.var would warn)
            n = math.prod(x.shape[i] for i in axes)
            centered = wide - np.add.reduce(wide, axis=axes, keepdims=True) / n
            out = np.add.reduce(centered * centered, axis=axes, keepdims=keepdim) / 0.0
    return out.astype(out_dtype or x.dtype, copy=False)


def _count(a, axes):
    """How many elements a reduction over ``axes`` combines."""
    shape = a._data.shape
    return math.prod(shape[i] for i in axes)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):  # var(unbiased) positional form
        dim, unbiased = None, dim
    return Var.apply(a, _reduced_axes(dim, a.ndim), _correction(unbiased, correction), keepdim, dim is None)


def std(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return Std.apply(a, _reduced_axes(dim, a.ndim), _correction(unbiased, correction), keepdim)


class Logsumexp(BuiltinFunction):
    """log(sum(e**a)); d/da = g*e**(a - out)"""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        x = _floating(a)
        ctx.save_for_backward(a)
        ctx.axes, ctx.keepdim = axes, keepdim
        out = logsumexp_array(x, axes, keepdim)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        shape = a._data.shape
        out = _unreduce(ctx.output, shape, ctx.axes, ctx.keepdim)
        return _unreduce(grad, shape, ctx.axes, ctx.keepdim) * (a - out).exp(), None, None


def logsumexp_array(x, axes, keepdims):
    """Stable log-sum-exp: shift by the max (0 where the max is infinite, as torch does)."""
    m = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros([1] * x.ndim, x.dtype, like=x)
    m = np.where(np.isinf(m), 0, m)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axes)


def logsumexp(a, dim, keepdim=False):
    return Logsumexp.apply(a, normalize_dims(dim, a.ndim), keepdim)


class Norm(BuiltinFunction):
    """||a||_p; d/da = g*a*|a|**(p-2)/out**(p-1) (p=2: g*a/out; p=inf: like amax of |a|)"""

    _name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        x = np.abs(_floating(a))
        if p == float("inf"):
            out = np.max(x, axis=axes, keepdims=keepdim)
        elif p == 0:
            out = np.sum(x != 0, axis=axes, keepdims=keepdim).astype(x.dtype)
        else:
            out = np.sum(x ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        shape, p = a._data.shape, ctx.p
        grad = _unreduce(grad, shape, ctx.axes, ctx.keepdim)
        out = _unreduce(ctx.output, shape, ctx.axes, ctx.keepdim)
        if p == 0:
            return grad * 0, None, None, None
        if p == 1:
            return grad * a.sign(), None, None, None
        if p == float("inf"):
            hits = a.abs() == out
            return grad * a.sign() * hits / hits.sum(dim=ctx.axes, keepdim=True), None, None, None
        if p == 2:  # torch's norm_backward: a/out, 0 where out = 0; its double backward divides by that
            return grad * (a / out).masked_fill(out == 0, 0.0), None, None, None  # zero: nan, as torch's
        safe = out.masked_fill(out == 0, 1.0)
        scale = a * a.abs() ** (p - 2)
        return (grad * scale / safe ** (p - 1)).masked_fill(out == 0, 0.0), None, None, None


def norm(a, p="fro", dim=None, keepdim=False):
    if p == "fro" or p is None:
        p = 2
    return Norm.apply(a, float(p), _reduced_axes(dim, a.ndim), keepdim)


def all(a, dim=None, keepdim=False):  # noqa: A001 - torch.all
    axes = None if dim is None else normalize_dims(dim, a.ndim)
    return Tensor._wrap(np.all(a._data, axis=axes, keepdims=keepdim))


def any(a, dim=None, keepdim=False):  # noqa: A001 - torch.any
    axes = None if dim is None else normalize_dims(dim, a.ndim)
    return Tensor._wrap(np.any(a._data, axis=axes, keepdims=keepdim))


class Cumsum(BuiltinFunction):
    """d cumsum(a)/da = reversed cumsum of g"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        # float16 accumulates in float32, each partial sum rounded back (torch's acc_type): 3000 ones
        # sum to 3000, not float16's 2048
        acc = np.float32 if a.dtype.np == np.float16 else _accumulate_dtype(a)
        out = np.cumsum(a._data, axis=dim, dtype=acc).reshape(a._data.shape)  # 0-d stays 0-d
        return out.astype(np.float16) if a.dtype.np == np.float16 else out

    @staticmethod
    def backward(ctx, grad):
        return grad.flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim), None


def cumsum(a, dim, dtype=None):
    if dtype is not None:
        a = a.to(dtype)
    return Cumsum.apply(a, normalize_dim(dim, a.ndim))
