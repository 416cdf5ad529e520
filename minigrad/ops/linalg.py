"""Matrix products: matmul (every rank combination), mm, bmm, dot, mv, addmm, and the fused
linear layer ``x @ W.T + b``.

For C = A @ B with upstream gradient G: dA = G @ B^T and dB = A^T @ G. Vectors are treated as
a row (left) or column (right) matrix and the extra dim removed again; batch dims broadcast, and
the engine sums the gradient back over the ones an input did not have.

A matmul with a 3-D or larger operand that records the graph is built as torch builds it (its
``_matmul_impl`` is a composite of views, mm/mv/bmm and ``_unsafe_view``: ``_matmul_composite``),
so that its graph, and its gradient's graph under ``create_graph``, has torch's nodes.
"""
import math

import numpy as np

from .._modes import grad_state as _grad_state
from ..autograd.function import BuiltinFunction
from ._util import broadcast_error, expand_error, device_error
from .reduction import SumDim
from .shape import Reshape, Transpose


def _check_matmul(a, b):
    """torch's checks; the common case (same dtype, matching inner sizes) costs two comparisons."""
    x, y = a._data, b._data
    if a.dtype is b.dtype and x.ndim and y.ndim and x.shape[-1] == y.shape[-2 if y.ndim > 1 else 0]:
        return
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype.cpp_name} != "
                           f"{b.dtype.cpp_name}")
    if a.device != b.device:
        raise device_error(a.device, b.device)
    k_a = a.shape[-1]
    k_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if k_a != k_b:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have the same "
                               f"number of elements, but got {k_a} and {k_b} elements respectively")
        # torch folds ``a``'s leading dims into rows when ``b`` is a vector (mv) or a matrix (mm);
        # otherwise the batch dims broadcast first and bmm names the mismatch
        rows_a = math.prod(a.shape[:-1])
        if b.ndim == 1:
            raise RuntimeError(f"size mismatch, got input ({rows_a}), mat ({rows_a}x{k_a}), vec ({k_b})")
        if b.ndim == 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows_a}x{k_a} and {k_b}x{b.shape[-1]})")
        try:
            batch = math.prod(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
        except ValueError:
            raise broadcast_error(a.shape[:-2], b.shape[:-2]) from None
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k_a}] "
                           f"but got: [{batch}, {k_b}].")


def _matmul_name(a_ndim, b_ndim):
    if a_ndim == 1 and b_ndim == 1:
        return "DotBackward0"
    if a_ndim == 2 and b_ndim == 2:
        return "MmBackward0"
    if a_ndim == 2 and b_ndim == 1:
        return "MvBackward0"
    if a_ndim == 1 and b_ndim == 2:
        return "SqueezeBackward4"
    return "UnsafeViewBackward0"


class Matmul(BuiltinFunction):
    """C = A @ B; dA = G @ B^T, dB = A^T @ G"""

    @staticmethod
    def forward(ctx, a, b, name=None):
        ctx.save_for_backward(a, b)
        ctx._name = name or _matmul_name(a._data.ndim, b._data.ndim)  # torch's node depends on the dims
        try:
            return np.matmul(a._data, b._data)
        except ValueError:
            _batch_shape(a, b)  # raises torch's error for batch dims that do not broadcast
            raise

    @staticmethod
    def backward(ctx, grad):
        """Decomposed as torch's matmul is, so that a double-backward graph has torch's nodes:
        dot: g*b, g*a; mv: outer(g, b) (g as a column times b), A^T mv g; vector @ matrix:
        (g mm B^T) squeezed, a^T mm g; mm: g mm B^T, A^T mm g; bmm: g bmm B^T, A^T bmm g (each
        transposed in its last two dims); otherwise (a graph recorded by Linear): g @ B^T, A^T @ g."""
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        if a.ndim == 1 and b.ndim == 1:
            return grad * b if need_a else None, grad * a if need_b else None, None
        if a.ndim == 2 and b.ndim == 1:
            return grad.reshape(-1, 1) * b if need_a else None, a.t().mv(grad) if need_b else None, None
        if a.ndim == 1 and b.ndim == 2:
            g2 = grad.unsqueeze(0)
            return (g2.mm(b.t()).squeeze(0) if need_a else None,
                    a.unsqueeze(0).t().mm(g2) if need_b else None, None)
        if a.ndim == 2 and b.ndim == 2:  # (torch's mm_mat1/mat2_backward: column-major inputs get column-major grads)
            grad_a = grad_b = None
            if need_a:
                grad_a = b.mm(grad.t()).t() if _column_major(a) else grad.mm(b.t())
            if need_b:
                grad_b = grad.t().mm(a).t() if _column_major(b) else a.t().mm(grad)
            return grad_a, grad_b, None
        if a.ndim == 3 and b.ndim == 3 and a.shape[0] == b.shape[0]:
            return (bmm(grad, b.transpose(1, 2)) if need_a else None,
                    bmm(a.transpose(1, 2), grad) if need_b else None, None)
        a2 = a.unsqueeze(0) if a.ndim == 1 else a
        b2 = b.unsqueeze(-1) if b.ndim == 1 else b
        g2 = grad
        if b.ndim == 1:
            g2 = g2.unsqueeze(-1)
        if a.ndim == 1:
            g2 = g2.unsqueeze(-2)
        grad_a = grad_b = None
        if need_a:
            grad_a = g2 @ b2.mT
            if a.ndim == 1:
                grad_a = grad_a.squeeze(-2)
        if need_b:
            grad_b = a2.mT @ g2
            if b.ndim == 1:
                grad_b = grad_b.squeeze(-1)
        return grad_a, grad_b, None


def _column_major(m):
    """Whether matrix ``m`` is laid out column by column (torch's test: strides (1, rows))."""
    x = m._data
    return x.strides[0] == x.itemsize and x.strides[1] == x.itemsize * x.shape[0]


class UnsafeView(Reshape):
    """torch's ``_unsafe_view``: a reshape whose result is not a view (it ends matmul's composite);
    d/da = g reshaped back"""

    _name = "UnsafeViewBackward0"


def matmul(a, b):
    _check_matmul(a, b)
    if (a._data.ndim <= 2 and b._data.ndim <= 2) or not _grad_state.enabled or \
            not (a.requires_grad or b.requires_grad):
        return Matmul.apply(a, b)
    return _matmul_composite(a, b)


def _matmul_composite(a, b):
    """A recorded matmul with a 3-D or larger operand, as torch's composite makes it
    (torch/_decomp/decompositions.py ``matmul`` and ``should_fold``, the Python twin of
    aten/src/ATen/native/LinearAlgebra.cpp's): with a matrix or vector on one side, the batched
    side is folded into one matrix and multiplied by mm or mv (the other side transposed when the
    batched tensor is on the right); otherwise both sides are expanded to the broadcast batch and
    multiplied by bmm. A batch dim of 1 against another size is squeezed off first when that side
    requires grad."""
    da, db = a.ndim, b.ndim
    if (da >= 3 and db <= 2 and b.requires_grad) or (db >= 3 and da <= 2 and a.requires_grad) or \
            (max(da, db) >= 3 and min(da, db) <= 2 and _foldable(a if da >= db else b.mT, da)):
        transpose = db > da
        t1 = b.mT if transpose else a
        t2 = (a.t() if da == 2 else a) if transpose else b
        lead = tuple(t1.shape[:-1])
        folded = _reshape(t1, (math.prod(lead), t1.shape[-1]))
        if t2.ndim == 2:
            out = UnsafeView.apply(Matmul.apply(folded, t2), lead + (t2.shape[1],), False)
            return out.mT.contiguous() if transpose else out
        return UnsafeView.apply(Matmul.apply(folded, t2), lead, False)
    n, m1 = (a.shape[-2] if da > 1 else 1), a.shape[-1]
    m2, p = (b.shape[-2] if db > 1 else b.shape[-1]), (b.shape[-1] if db > 1 else 1)
    batch_a, batch_b = tuple(a.shape[:-2]), tuple(b.shape[:-2])
    if da == 3 and db == 3 and batch_a[0] != batch_b[0]:
        if batch_a[0] == 1 and a.requires_grad:
            return matmul(a.squeeze(0), b)
        if batch_b[0] == 1 and b.requires_grad:
            return matmul(a, b.squeeze(0))
    batch = _batch_shape(a, b)
    count = math.prod(batch)
    a3 = _reshape(a.expand(*batch, n, m1), (count, n, m1))
    if db == 1:
        b3 = _reshape(b.expand(*batch, m2), (count, m2)).unsqueeze(2)
    else:
        b3 = _reshape(b.expand(*batch, m2, p), (count, m2, p))
    out = bmm(a3, b3)
    shape = batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ())
    return UnsafeView.apply(out.squeeze(-1) if db == 1 else out, shape, False)


def _batch_shape(a, b):
    """The broadcast of the batch dims (all but the last two) of ``a`` and ``b``; torch's error if none."""
    batch_a, batch_b = a._data.shape[:-2], b._data.shape[:-2]
    try:
        return tuple(np.broadcast_shapes(batch_a, batch_b))
    except ValueError:
        raise broadcast_error(batch_a, batch_b) from None


def _foldable(t1, ndim_a):
    """torch's ``should_fold`` when no side requires grad... here: the batched tensor ``t1``'s
    leading dims can be folded into rows without a copy (a 2-D left side never folds)."""
    if ndim_a == 2:
        return False
    if t1._data.size == 0:
        return True
    expected = 1
    for size, stride in zip(t1._data.shape[::-1], t1._data.strides[::-1]):
        if size != 1 and stride != expected * t1._data.itemsize:
            return False
        expected *= size
    return True


def _reshape(t, shape):
    """``t.reshape(shape)`` with torch's nodes: a view when the memory allows (ViewBackward0), else a
    contiguous copy made into the shape (CloneBackward0, then UnsafeViewBackward0)."""
    if np.shares_memory(t._data.reshape(shape), t._data):
        return t.reshape(shape)
    return UnsafeView.apply(t.contiguous(), shape, False)


def mm(a, b):
    if a.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    return matmul(a, b)


def bmm(a, b):
    if a.ndim != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError(f"batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {a.shape[0]} and {b.shape[0]}")
    return Matmul.apply(a, b, "BmmBackward0")


def dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    return matmul(a, b)


def mv(a, b):
    if a.ndim != 2 or b.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {a.ndim}, {b.ndim}")
    return matmul(a, b)


class Addmm(BuiltinFunction):
    """beta*C + alpha*(A @ B); dC = beta*G, dA = alpha*G @ B^T, dB = alpha*A^T @ G"""

    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha = beta, alpha
        prod = np.matmul(a._data, b._data)
        if alpha != 1:
            prod *= alpha
        return prod + (c._data if beta == 1 else beta * c._data)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        alpha, beta = ctx.alpha, ctx.beta
        grad_c = grad if beta == 1 else grad * beta
        grad_a = (grad @ b.mT) * alpha if ctx.needs_input_grad[1] else None
        grad_b = (a.mT @ grad) * alpha if ctx.needs_input_grad[2] else None
        return grad_c, grad_a, grad_b, None, None


def addmm(c, a, b, *, beta=1, alpha=1):
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError("mat1 must be a matrix, got " + f"{a.ndim}-D tensor")
    _check_matmul(a, b)
    return Addmm.apply(c, a, b, beta, alpha)


class Linear(BuiltinFunction):
    """y = x @ W^T + b (fused); dx = G @ W, dW = G^T @ x, db = sum of G over the batch"""

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        ctx._name = _linear_name(x._data.ndim, bias is not None)
        out = np.matmul(x._data, weight._data.T)
        if bias is not None:
            out += bias._data
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        # The ops are applied directly (their shapes are known to fit): a training step runs this
        # once per layer, and the public wrappers' checks would cost more than the tiny matmuls.
        g2 = grad.reshape(-1, grad.shape[-1]) if grad.ndim != 2 else grad
        grad_x = Matmul.apply(grad, weight) if need_x else None
        grad_w = grad_b = None
        if need_w:
            x2 = x.reshape(g2.shape[0], x.shape[-1]) if x.ndim != 2 else x  # not -1: x may be empty
            grad_w = Matmul.apply(Transpose.apply(g2, 0, 1), x2)
        if need_b:
            grad_b = SumDim.apply(g2, (0,), False)
        return grad_x, grad_w, grad_b


def _linear_name(x_ndim, has_bias):
    if x_ndim == 2:
        return "AddmmBackward0" if has_bias else "MmBackward0"
    if x_ndim == 1:
        return "ViewBackward0" if has_bias else "SqueezeBackward4"
    return "ViewBackward0" if has_bias else "UnsafeViewBackward0"


def linear(x, weight, bias=None):
    """x @ W^T + b, after torch's checks (the common case passes them in a few comparisons)."""
    xs, ws = x._data.shape, weight._data.shape
    if (xs and xs[-1] == ws[-1] and x.dtype is weight.dtype and
            (bias is None or (bias.dtype is weight.dtype and bias._data.shape == ws[:1]))):
        return Linear.apply(x, weight, bias)
    if x.ndim == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are 0D and 2D")
    if x.dtype is not weight.dtype or (bias is not None and bias.dtype is not weight.dtype):
        other = bias.dtype if x.dtype is weight.dtype else x.dtype
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {other.legacy_name} and "
                           f"{weight.dtype.legacy_name}")
    rows = int(np.prod(x.shape[:-1])) if x.ndim > 1 else 1
    if x.shape[-1] != weight.shape[-1]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
                           f"{weight.shape[-1]}x{weight.shape[0]})")
    if bias is not None and bias.ndim == 1 and bias.shape[0] not in (1, weight.shape[0]):
        raise expand_error(bias.shape, (rows, weight.shape[0]))
    return Linear.apply(x, weight, bias)
