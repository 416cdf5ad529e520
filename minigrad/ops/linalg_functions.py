"""torch.linalg functions composed from other ops, as torch composes them: vector_norm,
matrix_norm, norm, cond, matrix_rank, multi_dot, vecdot, matrix_power; and torch.tensordot,
inner, chain_matmul."""
import warnings

import numpy as np

from ..tensor import Tensor
from ._util import normalize_dim
from .reduction import Norm, norm as _vector_norm, _reduced_axes, _unreduce
from .linalg_decompositions import inv, svdvals, _check


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002 - torch's name
    """(sum |x|^ord)^(1/ord) over ``dim`` (all dims when None); ord may be inf, -inf or 0."""
    if dtype is not None:
        x = x.to(dtype)
    if ord == float("-inf"):
        return MinAbs.apply(x, _reduced_axes(dim, x.ndim), keepdim)
    return _vector_norm(x, ord, dim, keepdim)


class MinAbs(Norm):
    """The -inf norm, min |x|; d/dx = g*sign(x) shared evenly among the elements attaining it"""

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.axes, ctx.keepdim = axes, keepdim
        out = np.min(np.abs(a._data), axis=axes, keepdims=keepdim)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        grad = _unreduce(grad, a.shape, ctx.axes, ctx.keepdim)
        out = _unreduce(ctx.output, a.shape, ctx.axes, ctx.keepdim)
        hits = a.abs() == out
        return grad * a.sign() * hits / hits.sum(dim=ctx.axes, keepdim=True), None, None


def matrix_norm(a, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: A002
    """'fro' (the vector 2-norm of the entries), 'nuc' (sum of singular values), 2 / -2 (largest /
    smallest singular value), 1 / -1 (max / min column abs sum), inf / -inf (max / min row abs sum)."""
    if dtype is not None:
        a = a.to(dtype)
    if a.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    d0, d1 = (normalize_dim(d, a.ndim) for d in dim)
    if ord == "fro":
        return vector_norm(a, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        s = svdvals(a.movedim((d0, d1), (-2, -1)))
        out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        return out.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1)) if keepdim else out
    if ord in (1, -1, float("inf"), float("-inf")):
        summed, other = (d0, d1) if abs(ord) == 1 else (d1, d0)
        sums = vector_norm(a, 1, summed, keepdim)
        if not keepdim and other > summed:
            other -= 1
        return sums.amax(other, keepdim) if ord > 0 else sums.amin(other, keepdim)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(a, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """A matrix norm when ``ord`` is a string or ``dim`` names two dims (or A is 2-D with ``ord``
    given); otherwise a vector norm (of the flattened tensor when ``dim`` is None)."""
    if isinstance(ord, str) or (dim is not None and not isinstance(dim, int) and len(dim) == 2) or (
            dim is None and ord is not None and a.ndim == 2):
        return matrix_norm(a, "fro" if ord is None else ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(a, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def cond(a, p=None):
    """The condition number: S_max / S_min for p None or 2 (S_min / S_max for -2), else
    ||A||_p * ||A^-1||_p (A invertible: a singular A raises LinAlgError, where torch returns inf)."""
    if p in (None, 2, -2):
        s = svdvals(a)
        n = s.shape[-1]
        ratio = s.narrow(-1, 0, 1) / s.narrow(-1, n - 1, 1)
        return (ratio if p != -2 else 1 / ratio).squeeze(-1)
    return (matrix_norm(a, p) * matrix_norm(inv(a), p)).nan_to_num()  # as torch ends it


def matrix_rank(a, *, atol=None, rtol=None, hermitian=False):
    """How many singular values exceed max(atol, rtol * S_max) (rtol defaults to max(m, n) * eps)."""
    _check("linalg.matrix_rank", a, square=False)
    s = np.linalg.svd(a._data, compute_uv=False)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else max(a.shape[-2:]) * np.finfo(a.dtype.np).eps
    cutoff = np.maximum(atol or 0.0, rtol * (s[..., :1] if s.shape[-1] else s))
    return Tensor._wrap((s > cutoff).sum(-1).astype(np.int64))


def multi_dot(tensors):
    """The product of a chain of matrices (the first may be 1-D, a row; the last 1-D, a column),
    multiplied left to right; the result is reshaped as torch does (its node: ViewBackward0)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1
    shape = ([] if first else [tensors[0].shape[0]]) + ([] if last else [tensors[-1].shape[-1]])
    if first:
        tensors[0] = tensors[0].unsqueeze(0)
    if last:
        tensors[-1] = tensors[-1].unsqueeze(-1)
    out = tensors[0]
    for t in tensors[1:]:
        out = out @ t
    return out.view(shape)


def vecdot(x, y, *, dim=-1):
    """sum(x * y) over ``dim`` (the real dot product along a dim, broadcasting the others)."""
    return (x * y).sum(dim)


def matrix_power(a, n):
    """A^n by repeated products (n < 0: of A^-1; n = 0: the identity)."""
    _check("linalg.matrix_power", a)
    if n == 0:
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype.np, like=a._data), a.shape).copy()
        return Tensor._wrap(eye)
    if n == 1:
        return a.clone()
    base = inv(a) if n < 0 else a
    out = base
    for _ in range(abs(n) - 1):
        out = out @ base
    return out


def tensordot(a, b, dims=2):
    """Sum over ``dims`` of a (its last n, or the listed ones) against b's (first n, or listed):
    a permute and reshape each, one matrix product, a reshape (as torch does)."""
    if isinstance(dims, int):
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [normalize_dim(d, a.ndim) for d in dims_a]
    dims_b = [normalize_dim(d, b.ndim) for d in dims_b]
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    k = int(np.prod([a.shape[d] for d in dims_a]))
    left = a.permute(*free_a, *dims_a).reshape(-1, k)
    right = b.permute(*dims_b, *free_b).reshape(k, -1)
    return (left @ right).reshape([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])


def inner(a, b):
    """Sum over the last dims of a and b; shape a.shape[:-1] + b.shape[:-1] (a product for a number)."""
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return tensordot(a, b, ([-1], [-1]))


def chain_matmul(*matrices):
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
                  "multiple parameters.", UserWarning, stacklevel=2)
    return matrices[0] if len(matrices) == 1 else multi_dot(matrices)


def kron(a, b):
    """The Kronecker product: every a[i, j] times b, tiled; shape a.shape * b.shape per dim."""
    n = max(a.ndim, b.ndim)
    a = a.reshape((1,) * (n - a.ndim) + tuple(a.shape))
    b = b.reshape((1,) * (n - b.ndim) + tuple(b.shape))
    interleaved_a = [s for d in a.shape for s in (d, 1)]
    interleaved_b = [s for d in b.shape for s in (1, d)]
    return (a.reshape(interleaved_a) * b.reshape(interleaved_b)).reshape(
        [x * y for x, y in zip(a.shape, b.shape)])


def vdot(a, b):
    """The dot product of two 1-D tensors (conjugating a, which is real here)."""
    return a.dot(b)


def addmv(input, mat, vec, *, beta=1, alpha=1):  # noqa: A002 - torch's parameter name
    """beta * input + alpha * (mat @ vec)."""
    return _scaled(input, beta) + _scaled(mat @ vec, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * outer(vec1, vec2)."""
    return _scaled(input, beta) + _scaled(vec1.unsqueeze(1) * vec2, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * (batch1 @ batch2), batch by batch."""
    return _scaled(input, beta) + _scaled(batch1 @ batch2, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * sum over the batch of batch1[i] @ batch2[i]."""
    return _scaled(input, beta) + _scaled((batch1 @ batch2).sum(0), alpha)


def _scaled(t, factor):
    """factor * t, where factor 0 ignores t (NaN and inf included), as torch's beta = 0."""
    if factor == 1:
        return t
    return t * factor if factor != 0 else t.new_zeros(t.shape)


def frobenius_norm(a, dim=(-2, -1), keepdim=False):
    warnings.warn("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will be removed "
                  "in a future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, keepdim)` instead",
                  UserWarning, stacklevel=2)
    return vector_norm(a, 2, dim, keepdim)


def nuclear_norm(a, dim=(-2, -1), keepdim=False):
    warnings.warn("at::nuclear_norm is deprecated and it is just left for JIT compatibility. It will be removed in "
                  "a future PyTorch release. Please use `linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead",
                  UserWarning, stacklevel=2)
    return matrix_norm(a, "nuc", dim, keepdim)
