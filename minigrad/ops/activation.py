"""Activations: relu, sigmoid, softmax and log_softmax, each op's forward and backward side by side.

These are the core activations that ``Tensor`` methods and ``minigrad.relu``/``softmax`` call; the
rest of torch.nn.functional's (leaky_relu, gelu, softplus, ...) are in ``nn/_activation_ops.py``,
and tanh is with the other elementwise math in ``unary.py``. ``*_array`` functions are the NumPy
kernels, shared with the nn ops and the metrics.
"""
import warnings

import numpy as np

from .._modes import grad_state as _grad_state, quiet_fp, restore_fp
from .._parallel import GRAIN_SIZE, parallel_for
from ..autograd.function import BuiltinFunction
from ..tensor import _wrap
from ._util import normalize_dim
from .unary import _floating


class Sigmoid(BuiltinFunction):
    """sigmoid(a) = 1/(1+e**-a); d/da = g*out*(1-out)"""

    @staticmethod
    def forward(ctx, a):
        out = sigmoid_array(_floating(a))
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return grad * out * (1 - out)


# float16/32/64 -> a 0-d one: a ufunc takes it faster than the Python number 1, which it must first
# place among the dtypes (NEP 50), and the values are the same
_ONE = {one.dtype: one
        for one in (np.ones((), np.float16), np.ones((), np.float32), np.ones((), np.float64))}  # host: NumPy only


def sigmoid_array(x):
    """1/(1+e**-x), torch's formula, in four ufunc passes over one new array; silent where e**-x
    overflows (inf gives exactly 0), as torch is."""
    one = _ONE.get(x.dtype, 1) if x.__class__ is np.ndarray else 1
    token = quiet_fp()
    try:
        out = np.exp(np.negative(x))
        if out.__class__ is not np.ndarray:  # (a 0-d input gives a NumPy scalar)
            return one / (one + out)
        np.add(out, one, out=out)
        return np.divide(one, out, out=out)
    finally:
        restore_fp(token)


class Relu(BuiltinFunction):
    """relu(a) = max(0, a); d/da = g*(out > 0)"""

    @staticmethod
    def forward(ctx, a):
        out = relu_array(a._data)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return ReluGrad.apply(grad, ctx.output)


_ROW = 16384  # elements per row of the 2-D view relu_array takes of a large array
# float32/float64: (a 0-d zero, a row of _ROW zeros); a view of the row is never handed out
_ZEROS = {z.dtype: (z[:1].reshape(()), z)
          for z in (np.zeros(_ROW, np.float32), np.zeros(_ROW, np.float64))}  # host: NumPy arrays only


def relu_array(x):
    """max(0, x) elementwise, as torch's kernel: NaN stays NaN, -0.0 stays -0.0, bool is an error.

    NumPy's ``maximum`` returns one operand when the two compare equal (0 and -0.0): the second in
    its float32 and float64 loops, the first in its float16 loop; so the zero goes first for those
    two and second for the others, and relu(-0.0) is -0.0 as in torch.

    ``maximum`` against a scalar runs a scalar loop (about 1 ns an element here); against a
    contiguous array it runs its SIMD loop, several times faster. So a contiguous float32/float64
    array is maxed against a cached row of zeros: viewed as rows of ``_ROW`` elements with the row
    broadcast over them, in chunks spread over the threads as torch's ``parallel_for`` does. The same
    loop gives the same values either way. (Rows of 4096 float32, 16 KiB, measured 1.6x slower than
    rows of 8192 or more on the benchmark machine, likely 4 KiB aliasing of loads and stores.)"""
    zeros = _ZEROS.get(x.dtype)
    if zeros is None:  # float16, integers
        if x.dtype == bool:
            raise RuntimeError("Boolean inputs not supported for relu")
        return np.maximum(x, 0)
    if x.__class__ is not np.ndarray:  # CuPy, or minigrad.compile's recording array: one call
        return np.maximum(0, x)
    zero, row = zeros
    if x.size <= 256 or not x.flags.c_contiguous:  # (the scalar loop is as quick as slicing the row)
        return np.maximum(zero, x)
    out = np.empty_like(x)
    flat_x, flat_out = x.reshape(-1), out.reshape(-1)

    def chunk(start, stop):
        body = start + (stop - start) // _ROW * _ROW
        if body > start:
            np.maximum(row, flat_x[start:body].reshape(-1, _ROW), out=flat_out[start:body].reshape(-1, _ROW))
        np.maximum(row[:stop - body], flat_x[body:stop], out=flat_out[body:stop])

    parallel_for(0, x.size, GRAIN_SIZE, chunk)
    return out


class ReluGrad(BuiltinFunction):
    """relu's backward as an op of its own (torch's threshold_backward): 0 where out <= 0, else g —
    a select, not a product, so an inf gradient stays out (and a nan output passes g through, as in
    torch); d/dg = (its gradient) where out > 0; d/dout = zeros (torch's ``zeros_like(grad)``: a
    second derivative reaches the input as zeros, not as no gradient)"""

    _name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, out):
        ctx.save_for_backward(out)
        return np.where(out._data <= 0, 0, grad._data)

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return ReluGrad.apply(grad, out), grad.new_zeros(grad.shape) if ctx.needs_input_grad[1] else None


class Softmax(BuiltinFunction):
    """softmax(a)_i = e**a_i / sum_j e**a_j; d/da = out*(g - sum(g*out))"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = softmax_array(_floating(a), dim)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return out * (grad - (grad * out).sum(dim=ctx.dim, keepdim=True)), None


class LogSoftmax(BuiltinFunction):
    """log_softmax(a) = a - logsumexp(a); d/da = g - e**out * sum(g)"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = log_softmax_array(_floating(a), dim)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad - ctx.output.exp() * grad.sum(dim=ctx.dim, keepdim=True), None


def softmax_array(x, dim):
    """Stable softmax along ``dim``: exponentiate after subtracting the row max (an infinite max
    gives nan, silently, as in torch)."""
    if x.size == 0:
        return x.copy()
    token = quiet_fp()
    try:
        e = np.exp(x - np.maximum.reduce(x, axis=dim, keepdims=True))
        e /= np.add.reduce(e, axis=dim, keepdims=True)
        return e
    finally:
        restore_fp(token)


def log_softmax_array(x, dim):
    """``(x - max) - log(sum(e**(x - max)))`` along ``dim``, as torch: exact at large logits, where
    ``x - logsumexp(x)`` would round logsumexp to the spacing of floats near the max (log(0) and
    inf - inf give -inf and nan silently, as in torch)."""
    token = quiet_fp()
    try:
        shifted = x - np.maximum.reduce(x, axis=dim, keepdims=True) if x.size else x
        return shifted - np.log(np.add.reduce(np.exp(shifted), axis=dim, keepdims=True))
    finally:
        restore_fp(token)


def implicit_dim(name, ndim, stacklevel):
    """torch's legacy choice of dim when ``F.softmax`` & co. get none, with its deprecation warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                  "as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _check_floating(a, dim, kernel):
    """torch has no integer softmax kernels (``dtype=`` computes in a floating type instead)."""
    if not a.dtype.is_floating_point:
        impl = "lastdim_kernel_impl" if dim >= a.ndim - 1 else "kernel_impl"
        raise NotImplementedError(f"\"{kernel}_{impl}\" not implemented for '{a.dtype.legacy_name}'")


def _records(a):
    """Whether ``Function.apply`` records a node for the one Tensor input ``a`` (grad mode on and
    ``a`` needs a gradient, as apply decides). When it does not, the functions below wrap their
    kernel's array themselves: what apply would return, without its ctx and bookkeeping (about
    1 µs, a tiny op's whole cost), as the ``+``/``*`` operators of ``ops/arithmetic.py`` do."""
    return _grad_state.enabled and (a._requires_grad or a._view is not None and a.requires_grad)


def sigmoid(a):
    return Sigmoid.apply(a) if _records(a) else _wrap(sigmoid_array(_floating(a)))


def relu(a):
    return Relu.apply(a) if _records(a) else _wrap(relu_array(a._data))


def softmax(a, dim, dtype=None):
    if dtype is not None:
        a = a.to(dtype)
    dim = normalize_dim(dim, a.ndim)
    _check_floating(a, dim, "softmax")
    return Softmax.apply(a, dim) if _records(a) else _wrap(softmax_array(a._data, dim))


def log_softmax(a, dim, dtype=None):
    if dtype is not None:
        a = a.to(dtype)
    dim = normalize_dim(dim, a.ndim)
    _check_floating(a, dim, "log_softmax")
    return LogSoftmax.apply(a, dim) if _records(a) else _wrap(log_softmax_array(a._data, dim))
