"""Pooling: ``F.max_pool1d/2d``, ``F.avg_pool1d/2d``, their adaptive versions, ``F.max_unpool2d``.

A pooling window is the same strided view a convolution reads (``_conv_ops.windows``): for output
position ``o`` and kernel offset ``k`` it sees ``xp[o*stride + k*dilation]`` of the padded input.

* max:     out[o] = max_k xp[o*s + k*d], found by one pass per kernel offset k that remembers the
           winning offset; d/dx = g routed back to each window's winner (again one pass per k).
           ``return_indices`` gives the winners as flat positions in each input plane (torch's).
* avg:     out[o] = sum_k xp[o*s + k] / divisor[o]; a linear map, so d/dx is its adjoint: g/divisor
           spread back over each window (col2im). The adjoint's own gradient is the pooling again.
* adaptive avg: windows [floor(i*In/Out), ceil((i+1)*In/Out)) per dim: a fixed matrix per dim,
           out = A_h x A_w^T (see ``_resample_ops.Resample``).

1-D pooling is 2-D pooling of ``input.unsqueeze(-2)``, as in torch (the node is ``SqueezeBackward1``).
Sources: aten/src/ATen/native/Pool.h (``pooling_output_shape``, the checks), cpu/AvgPoolKernel.cpp
(the divisor), cpu/MaxPoolKernel.cpp (first maximum wins), AdaptivePooling.h (``start_index``).
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..tensor import Tensor
from ._conv_ops import _tuple, col2im, windows
from ._resample_ops import Resample


# --- shapes and checks ---------------------------------------------------------------------------
def pooling_output_shape(n, k, s, p, dl, ceil_mode):
    """torch's ``pooling_output_shape``: floor (or ceil) of (n + 2p - d(k-1) - 1)/s + 1; with ceil_mode
    the last window must start inside the input or its left padding."""
    numerator = n + 2 * p - dl * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = numerator // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _pool_args(input, kernel_size, stride, padding, dilation, ceil_mode):  # noqa: A002
    """kernel, stride (default: the kernel), padding, dilation as pairs, the output size; torch's checks."""
    if input.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    kernel = _tuple(kernel_size, 2, "kernel_size")
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) else \
        _tuple(stride, 2, "stride")
    padding, dilation = _tuple(padding, 2, "padding"), _tuple(dilation, 2, "dilation")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero" if any(s == 0 for s in stride) else
                           "stride should be greater than zero")
    for k, p, dl in zip(kernel, padding, dilation):
        if p > (dl * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={dl}")
    size = input.shape[-2:]
    out = tuple(pooling_output_shape(n, k, s, p, dl, ceil_mode)
                for n, k, s, p, dl in zip(size, kernel, stride, padding, dilation))
    if kernel[1] // 2 < padding[1] or kernel[0] // 2 < padding[0]:  # pool2d_shape_check: the kernel itself
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = "
                           f"{padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, kH = {kernel[0]}")
    if any(o < 1 for o in out):
        c = input.shape[-3]
        raise RuntimeError(f"Given input size: ({c}x{size[0]}x{size[1]}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}). Output size is too small")
    return kernel, stride, padding, dilation, out


def _pads(size, kernel, stride, padding, dilation, out):
    """(before, after) per dim: ``padding`` before, and after as far as the last of ``out`` windows reaches."""
    return [(p, max(0, (o - 1) * s + dl * (k - 1) + 1 - n - p))
            for n, k, s, p, dl, o in zip(size, kernel, stride, padding, dilation, out)]


def _padded(a, kernel, stride, padding, dilation, out, value):
    """``a`` padded by ``_pads`` with ``value`` (``a`` itself when nothing is padded)."""
    pads = _pads(a.shape[-2:], kernel, stride, padding, dilation, out)
    if not any(b or e for b, e in pads):
        return a
    return np.pad(a, [(0, 0)] * (a.ndim - 2) + pads, constant_values=value)


# --- max pooling ---------------------------------------------------------------------------------
def _offsets(kernel, stride, dilation, out):
    """Per kernel offset k (row-major): the strided slice of the padded input it reads in every window."""
    for k in np.ndindex(*kernel):
        yield (Ellipsis,) + tuple(slice(ki * dl, ki * dl + s * (o - 1) + 1, s)
                                  for ki, dl, s, o in zip(k, dilation, stride, out))


def _window_max(a, geometry):
    """(maxima, argmax offset) of each window, the offset row-major in the kernel. As torch's CPU kernel
    (``val > maxval || isnan(val)``) the first maximum wins, and a NaN if there is one (the last NaN).
    One pass per kernel offset over the strided slice it reads."""
    kernel, stride, padding, dilation, out = geometry
    floating = a.dtype.kind == "f"
    xp = _padded(a, kernel, stride, padding, dilation, out, -np.inf if floating else np.iinfo(a.dtype).min)
    slices = list(_offsets(kernel, stride, dilation, out))
    best = xp[slices[0]].copy()
    arg = np.zeros_like(best, dtype=np.uint8 if len(slices) < 256 else np.int64)  # small: less memory traffic
    for k, where in enumerate(slices[1:], 1):
        v = xp[where]
        np.copyto(arg, k, where=v > best)
        np.maximum(best, v, out=best)
    with np.errstate(over="ignore", invalid="ignore"):  # the sum is only a cheap probe for NaN
        probe = floating and np.isnan(a.sum())
    if probe:  # rare (NaN, or +inf with -inf): windows holding a NaN take it
        nan = np.isnan(xp)
        for k, where in enumerate(slices):
            np.copyto(arg, k, where=nan[where])
            np.copyto(best, xp[where], where=nan[where])
    return best, arg


def _flat_indices(arg, width, geometry):
    """torch's ``indices``: each window's argmax as a flat position h * W + w in the input plane."""
    kernel, stride, padding, dilation, out = geometry
    arg = arg.astype(np.int64)
    rows = np.arange(out[0], like=arg)[:, None] * stride[0] - padding[0] + (arg // kernel[1]) * dilation[0]
    cols = np.arange(out[1], like=arg)[None, :] * stride[1] - padding[1] + (arg % kernel[1]) * dilation[1]
    return rows * width + cols


class MaxPool2DWithIndices(BuiltinFunction):
    """out[o] = xp[o*s + arg[o]*d], each window's value at its argmax offset;
    d/dx = g routed back to those positions (``MaxPoolAdjoint``)"""

    @staticmethod
    def forward(ctx, x, arg, geometry, maxima=None):
        """``maxima``: the values when the caller's scan (``_window_max``) already found them."""
        ctx.geometry, ctx.size = geometry, x.shape[-2:]
        ctx.save_for_backward(arg)
        if maxima is not None:
            return maxima
        kernel, stride, padding, dilation, out = geometry
        xp = _padded(x._data, kernel, stride, padding, dilation, out, 0)
        a = arg._data
        values = np.zeros_like(xp, shape=a.shape)
        for k, where in enumerate(_offsets(kernel, stride, dilation, out)):
            np.copyto(values, xp[where], where=a == k)
        return values

    @staticmethod
    def backward(ctx, grad):
        arg, = ctx.saved_tensors
        return MaxPoolAdjoint.apply(grad, arg, ctx.geometry, ctx.size), None, None, None


class MaxPoolAdjoint(BuiltinFunction):
    """out[o*s + arg[o]*d] += g[o] (max pooling's gradient; one strided add per kernel offset);
    d/dg = gg read at the argmax positions (``MaxPool2DWithIndices``)"""

    _name = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, arg, geometry, size):
        ctx.geometry = geometry
        ctx.save_for_backward(arg)
        kernel, stride, padding, dilation, out = geometry
        g, a = grad._data, arg._data
        pads = _pads(size, kernel, stride, padding, dilation, out)
        padded = np.zeros_like(g, shape=g.shape[:-2] + tuple(b + n + e for n, (b, e) in zip(size, pads)))
        disjoint = all(s >= dl * (k - 1) + 1 for k, s, dl in zip(kernel, stride, dilation))
        for k, where in enumerate(_offsets(kernel, stride, dilation, out)):
            if disjoint:  # windows do not overlap: each position gets at most one gradient
                np.copyto(padded[where], g, where=a == k)
            else:
                padded[where] += np.where(a == k, g, 0)
        if padded.shape[-2:] == tuple(size):
            return padded
        inside = padded[..., padding[0]:padding[0] + size[0], padding[1]:padding[1] + size[1]]
        return np.ascontiguousarray(inside, like=inside)

    @staticmethod
    def backward(ctx, grad):
        arg, = ctx.saved_tensors
        return MaxPool2DWithIndices.apply(grad, arg, ctx.geometry), None, None, None


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """Max over each (dilated) window of (N, C, H, W) or (C, H, W); with ``return_indices`` also the
    int64 flat positions of the maxima (what ``max_unpool2d`` takes)."""
    geometry = _pool_args(input, kernel_size, stride, padding, dilation, ceil_mode)
    maxima, arg = _window_max(input._data, geometry)
    output = MaxPool2DWithIndices.apply(input, Tensor._wrap(arg), geometry, maxima)
    if return_indices:
        return output, Tensor._wrap(_flat_indices(arg, input.shape[-1], geometry))
    return output


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """Max pooling of (N, C, L) or (C, L): 2-D pooling of ``input.unsqueeze(-2)`` (as torch)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"max_pool1d() Expected 2D or 3D input tensor, but got {list(input.shape)}")
    one = lambda v, default: (1, default) if v is None else (1, _tuple(v, 1)[0])  # noqa: E731
    result = max_pool2d(input.unsqueeze(-2), one(kernel_size, 0), None if stride is None else one(stride, 0),
                        (0, _tuple(padding, 1)[0]), one(dilation, 1), ceil_mode, return_indices)
    if return_indices:
        return result[0].squeeze(-2), result[1].squeeze(-2)
    return result.squeeze(-2)


def max_unpool_size(input, kernel, stride, padding, output_size):  # noqa: A002
    """The (H, W) max_unpool2d fills: (in - 1) * s - 2p + k by default; ``output_size`` may pick
    another within one stride of it (torch's ``_unpool_output_size``)."""
    default = [(n - 1) * s - 2 * p + k for n, k, s, p in zip(input.shape[-2:], kernel, stride, padding)]
    if output_size is None:
        return tuple(default)
    size = tuple(output_size)[-2:]
    if len(tuple(output_size)) not in (2, input.ndim):
        raise ValueError(f"output_size should be a sequence containing 2 or {input.ndim} elements, but it has a "
                         f"length of '{len(tuple(output_size))}'")
    for d, (n, lo, s) in enumerate(zip(size, default, stride)):
        if not lo - s < n < lo + s:
            raise ValueError(f'invalid output_size "{tuple(size)}" (dim {d} must be between {lo - s} and '
                             f'{lo + s})')
    return size


class MaxUnpool(BuiltinFunction):
    """out = zeros with x placed at ``indices`` in each (H, W) plane; d/dx = g read at ``indices``"""

    _name = "MaxUnpool2DBackward0"

    @staticmethod
    def forward(ctx, x, indices, size):
        ctx.save_for_backward(indices)
        a, idx = x._data, indices._data
        lead = a.shape[:-2]
        if idx.size and (idx.min() < 0 or idx.max() >= size[0] * size[1]):
            bad = idx.max() if idx.max() >= size[0] * size[1] else idx.min()
            raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size {size[0]}x{size[1]}")
        out = np.zeros_like(a, shape=lead + (size[0] * size[1],))
        np.put_along_axis(out, idx.reshape(lead + (-1,)), a.reshape(lead + (-1,)), -1)
        return out.reshape(lead + tuple(size))

    @staticmethod
    def backward(ctx, grad):
        indices, = ctx.saved_tensors
        return grad.flatten(-2).gather(-1, indices.flatten(-2)).view(indices.shape), None, None


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    """The partial inverse of max_pool2d: each value put back at its ``indices``, zeros elsewhere."""
    kernel = _tuple(kernel_size, 2, "kernel_size")
    stride = kernel if stride is None else _tuple(stride, 2, "stride")
    padding = _tuple(padding, 2, "padding")
    if input.shape != indices.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    return MaxUnpool.apply(input, indices, max_unpool_size(input, kernel, stride, padding, output_size))


# --- average pooling -----------------------------------------------------------------------------
def _avg_divisor(size, kernel, stride, padding, out, count_include_pad, divisor_override, like):
    """Each window's divisor: its size within the padded input (``count_include_pad``) or within the
    input alone, as torch's AvgPoolKernel.cpp; ``divisor_override`` replaces it."""
    if divisor_override:
        return np.full(out, divisor_override, dtype=like.dtype, like=like)
    counts = []
    for n, k, s, p, o in zip(size, kernel, stride, padding, out):
        start = np.arange(o, like=like) * s - p
        end = np.minimum(start + k, n + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        counts.append(end - start)
    return (counts[0][:, None] * counts[1][None, :]).astype(like.dtype)


class AvgPool(BuiltinFunction):
    """out[o] = sum of the window at o / divisor[o]; d/dx = the adjoint: g/divisor spread over each window"""

    _name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override, out):
        ctx.args = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
        ctx.size = size = x.shape[-2:]
        a = x._data
        view = windows(_padded(a, kernel, stride, padding, (1, 1), out, 0), kernel, stride, (1, 1))
        sums = view[(Ellipsis,) + tuple(slice(0, o) for o in out) + (slice(None),) * 2].sum(axis=(-2, -1))
        return sums / _avg_divisor(size, kernel, stride, padding, out, count_include_pad, divisor_override, a)

    @staticmethod
    def backward(ctx, grad):
        return (AvgPoolAdjoint.apply(grad, ctx.size, *ctx.args),) + (None,) * 7


class AvgPoolAdjoint(BuiltinFunction):
    """out = col2im(g / divisor, repeated over each window) (avg pooling's gradient); d/dg = avg_pool(gg)"""

    _name = "AvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, size, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
        ctx.args = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
        g = grad._data
        out = g.shape[-2:]
        scaled = g / _avg_divisor(size, kernel, stride, padding, out, count_include_pad, divisor_override, g)
        cols = np.broadcast_to(scaled[..., None, None, :, :], g.shape[:-2] + tuple(kernel) + out)
        out = col2im(cols, size, kernel, stride, padding, (1, 1))
        return np.ascontiguousarray(out, like=out)

    @staticmethod
    def backward(ctx, grad):
        kernel, stride, padding, ceil_mode, count_include_pad, divisor_override = ctx.args
        out = tuple(pooling_output_shape(n, k, s, p, 1, ceil_mode)
                    for n, k, s, p in zip(grad.shape[-2:], kernel, stride, padding))
        return (AvgPool.apply(grad, *ctx.args, out),) + (None,) * 7


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    """Mean over each window of (N, C, H, W) or (C, H, W). ``count_include_pad``: padded zeros count
    in the divisor; ``divisor_override``: divide every window sum by this instead."""
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    kernel, stride, padding, _, out = _pool_args(input, kernel_size, stride, padding, 1, ceil_mode)
    return AvgPool.apply(input, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override, out)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):  # noqa: A002
    """Average pooling of (N, C, L) or (C, L): 2-D pooling of ``input.unsqueeze(-2)`` (as torch)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"avg_pool1d: Expected 2D or 3D input tensor, but got {list(input.shape)}")
    kernel = (1, _tuple(kernel_size, 1)[0])
    stride = kernel if stride is None else (1, _tuple(stride, 1)[0])
    return avg_pool2d(input.unsqueeze(-2), kernel, stride, (0, _tuple(padding, 1)[0]), ceil_mode,
                      count_include_pad).squeeze(-2)


# --- adaptive pooling ----------------------------------------------------------------------------
def adaptive_windows(n_in, n_out):
    """[start, end) of each output's window: floor(i*In/Out) to ceil((i+1)*In/Out) (AdaptivePooling.h)."""
    return [((i * n_in) // n_out, -(-((i + 1) * n_in) // n_out)) for i in range(n_out)]


def _adaptive_size(name, input, output_size):  # noqa: A002
    size = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(size) != 2:
        raise RuntimeError(f"{name}: output_size must be 2")
    if input.ndim not in (3, 4) or any(n == 0 for n in input.shape[-2:]):
        raise RuntimeError(f"{name}(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    return tuple(n if o is None else int(o) for n, o in zip(input.shape[-2:], size))


def _mean_matrix(n_in, n_out, like):
    """(Out, In): row i averages its adaptive window."""
    a = np.zeros_like(like, shape=(n_out, n_in))
    for i, (start, end) in enumerate(adaptive_windows(n_in, n_out)):
        a[i, start:end] = 1.0 / (end - start)
    return a


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Mean over adaptive windows, giving (…, *output_size); a 1x1 output is ``mean`` over H, W (as torch)."""
    out = _adaptive_size("adaptive_avg_pool2d", input, output_size)
    if out == (1, 1):
        return input.mean((-2, -1), keepdim=True)
    a = input._data
    return Resample.apply(input, _mean_matrix(a.shape[-2], out[0], a), _mean_matrix(a.shape[-1], out[1], a),
                          "AdaptiveAvgPool2DBackward0")


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    """(N, C, L) -> (N, C, output_size): 2-D adaptive pooling of ``input.unsqueeze(-2)`` (as torch)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got {list(input.shape)}")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, _tuple(output_size, 1)[0])).squeeze(-2)


def _adaptive_max_indices(a, out):
    """Flat positions of each adaptive window's first maximum."""
    h, w = a.shape[-2:]
    idx = np.zeros_like(a, shape=a.shape[:-2] + out, dtype=np.int64)
    for i, (r0, r1) in enumerate(adaptive_windows(h, out[0])):
        for j, (c0, c1) in enumerate(adaptive_windows(w, out[1])):
            window = a[..., r0:r1, c0:c1]
            arg = window.reshape(a.shape[:-2] + (-1,)).argmax(-1)
            idx[..., i, j] = (r0 + arg // (c1 - c0)) * w + c0 + arg % (c1 - c0)
    return idx


class AdaptiveMaxPool(BuiltinFunction):
    """out = x at ``indices`` (flat positions in each (H, W) plane); d/dx = g scatter-added at ``indices``"""

    _name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, indices):
        ctx.shape = x.shape
        ctx.save_for_backward(indices)
        a, idx = x._data, indices._data
        flat = np.take_along_axis(a.reshape(a.shape[:-2] + (-1,)), idx.reshape(idx.shape[:-2] + (-1,)), -1)
        return flat.reshape(idx.shape)

    @staticmethod
    def backward(ctx, grad):
        indices, = ctx.saved_tensors
        shape = ctx.shape
        plane = grad.new_zeros(tuple(shape[:-2]) + (shape[-2] * shape[-1],))
        return plane.scatter_add(-1, indices.flatten(-2), grad.flatten(-2)).view(shape), None


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    """Max over adaptive windows; with ``return_indices`` also the flat positions of the maxima."""
    out = _adaptive_size("adaptive_max_pool2d", input, output_size)
    indices = Tensor._wrap(_adaptive_max_indices(input._data, out))
    output = AdaptiveMaxPool.apply(input, indices)
    return (output, indices) if return_indices else output


def adaptive_max_pool1d(input, output_size, return_indices=False):  # noqa: A002
    """(N, C, L) -> (N, C, output_size): 2-D adaptive max pooling of ``input.unsqueeze(-2)``."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got {list(input.shape)}")
    result = adaptive_max_pool2d(input.unsqueeze(-2), (1, _tuple(output_size, 1)[0]), return_indices)
    if return_indices:
        return result[0].squeeze(-2), result[1].squeeze(-2)
    return result.squeeze(-2)
