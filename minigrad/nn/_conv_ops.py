"""Convolution as im2col + one GEMM: ``F.conv1d/conv2d``, ``F.conv_transpose1d/2d``, ``F.unfold/fold``.

With ``xp`` the zero-padded input, a convolution reads, for each output position ``o`` and kernel
offset ``k`` (per spatial dim), the input element ``xp[o*stride + k*dilation]``. Copying those reads
into a matrix (*im2col*, torch's ``F.unfold``) turns the convolution into one matrix product::

    cols[n, (c, k), o] = xp[n, c, o*s + k*d]                         (N, C*K, L)   im2col
    out[n, f, o]       = sum_(c,k) W[f, (c, k)] cols[n, (c, k), o] + b[f]           one GEMM

(per group when ``groups > 1``: channels split into ``groups`` blocks that see only their own
filters). The adjoint of im2col is *col2im* (torch's ``F.fold``): each column entry is added back
at the position it was read from. With ``g = dL/dout``::

    dL/dcols = W^T g                 dL/dx = col2im(W^T g)     = conv_transpose(g, W)
    dL/dW    = sum_n g cols^T        dL/db = sum of g over batch and positions

so the gradient of a convolution wrt its input *is* a transposed convolution, and the other way
round: a transposed convolution's forward is ``col2im(W^T x)`` and its input gradient a
convolution. ``Convolution`` implements both directions (torch's single ``aten::convolution``,
node ``ConvolutionBackward0``); its backward calls ``Convolution`` and ``Im2Col`` again, so it is
differentiable and double backward works.

Sources: torch/nn/modules/conv.py (shapes, ``'same'`` padding), aten/src/ATen/native/Convolution.cpp
(``output_padding``), aten/src/ATen/native/Im2Col.cpp / Col2Im.cpp (the column layout ``(c, k)``).
"""
import math
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..autograd.function import BuiltinFunction
from ._pad_ops import pad as _pad


# --- array helpers (NumPy in, NumPy out) --------------------------------------------------------
def windows(x, kernel, stride, dilation):
    """The strided view ``(..., *O, *K)`` of the last ``len(kernel)`` dims of an (already padded)
    array: ``view[..., o, k] = x[..., o*stride + k*dilation]``, no copy."""
    d = len(kernel)
    extent = [dl * (k - 1) + 1 for k, dl in zip(kernel, dilation)]
    view = sliding_window_view(x, extent, axis=tuple(range(x.ndim - d, x.ndim)))
    lead = (slice(None),) * (x.ndim - d)
    return view[lead + tuple(slice(None, None, s) for s in stride) + tuple(slice(None, None, dl) for dl in dilation)]


def im2col(x, kernel, stride, padding, dilation):
    """(N, C, *S) -> contiguous columns (N, C, *K, *O), zero padding ``padding`` on each side."""
    d = len(kernel)
    if any(padding):
        x = np.pad(x, [(0, 0)] * (x.ndim - d) + [(p, p) for p in padding])
    view = windows(x, kernel, stride, dilation)
    lead = tuple(range(x.ndim - d))
    view = view.transpose(lead + tuple(range(x.ndim, x.ndim + d)) + tuple(range(x.ndim - d, x.ndim)))
    return np.ascontiguousarray(view, like=view)


def col2im(cols, size, kernel, stride, padding, dilation):
    """The adjoint of ``im2col``: columns (N, C, *K, *O) added back into an (N, C, *size) array
    at the positions they were read from (one strided add per kernel offset)."""
    d = len(kernel)
    out_shape = cols.shape[cols.ndim - d:]
    lead = cols.shape[:cols.ndim - 2 * d]
    # the padded buffer: at least size + 2 * padding, and as far as the last window reaches
    buffer = [max(n + 2 * p, (o - 1) * s + dl * (k - 1) + 1)
              for n, p, o, s, dl, k in zip(size, padding, out_shape, stride, dilation, kernel)]
    out = np.zeros_like(cols, shape=lead + tuple(buffer))
    every = (slice(None),) * len(lead)
    for k in np.ndindex(*kernel):
        target = tuple(slice(ki * dl, ki * dl + s * (o - 1) + 1, s)
                       for ki, dl, s, o in zip(k, dilation, stride, out_shape))
        out[every + target] += cols[every + k]
    return out[every + tuple(slice(p, p + n) for p, n in zip(padding, size))]


def window_positions(size, kernel, stride, padding, dilation):
    """Positions a window of ``kernel`` (dilated) takes along each dim: floor((S + 2p - d(k-1) - 1)/s) + 1."""
    return tuple((n + 2 * p - dl * (k - 1) - 1) // s + 1
                 for n, k, s, p, dl in zip(size, kernel, stride, padding, dilation))


# --- the ops -----------------------------------------------------------------------------------
def _conv(x, w, stride, padding, dilation, groups):
    """out[n, f, o] = sum_(c,k) W[f, (c, k)] cols[n, (c, k), o]: im2col, then one (batched) GEMM.
    Returns (out, cols): the weight gradient reuses the columns."""
    n, c = x.shape[:2]
    f, kernel = w.shape[0], w.shape[2:]
    cols = im2col(x, kernel, stride, padding, dilation)
    spatial = cols.shape[2 + len(kernel):]
    cols = cols.reshape(n, groups, -1, math.prod(spatial))
    out = np.matmul(w.reshape(groups, f // groups, -1), cols)  # (N, G, F/G, L)
    return out.reshape((n, f) + spatial), cols.reshape(n, c * math.prod(kernel), -1)


def _conv_transpose(x, w, stride, padding, dilation, output_padding, groups):
    """out = col2im(W^T x): each input position spreads its values through the kernel."""
    n, c = x.shape[:2]
    kernel = w.shape[2:]
    f = w.shape[1] * groups
    size = tuple((i - 1) * s - 2 * p + dl * (k - 1) + op + 1
                 for i, k, s, p, dl, op in zip(x.shape[2:], kernel, stride, padding, dilation, output_padding))
    wt = w.reshape(groups, c // groups, -1).transpose(0, 2, 1)  # (G, F/G*K, C/G)
    x = np.ascontiguousarray(x, like=x)  # a broadcast gradient (strides 0) would take matmul's slow non-BLAS loop
    cols = np.matmul(wt, x.reshape(n, groups, c // groups, -1))  # (N, G, F/G*K, L)
    cols = cols.reshape((n, f) + kernel + x.shape[2:])
    return col2im(cols, size, kernel, stride, padding, dilation)


class Convolution(BuiltinFunction):
    """out = W * x + b (``transposed=False``) or its adjoint ``col2im(W^T x) + b`` (``transposed=True``).

    With g = dL/dout (see the module docstring):
      conv:            dx = conv_transpose(g, W),  dW = sum_n g im2col(x)^T,  db = sum g
      conv_transpose:  dx = conv(g, W),            dW = sum_n x im2col(g)^T,  db = sum g

    The forward's im2col(x) is kept for dW (not recomputed) until the graph is freed.
    """

    columns = None

    def _release(self):
        self.columns = None
        super()._release()

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
        ctx.save_for_backward(x, weight)
        ctx.args = (stride, padding, dilation, output_padding, groups)
        ctx.transposed = transposed
        if transposed:
            out = _conv_transpose(x._data, weight._data, stride, padding, dilation, output_padding, groups)
        else:
            out, cols = _conv(x._data, weight._data, stride, padding, dilation, groups)
            if ctx.needs_input_grad and ctx.needs_input_grad[1]:
                ctx.columns = cols  # im2col(x), for the weight gradient
        if bias is not None:
            out += bias._data.reshape((-1,) + (1,) * (out.ndim - 2))
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        grad = grad.contiguous()  # e.g. the broadcast gradient of a sum: BLAS needs real strides
        stride, padding, dilation, output_padding, groups = ctx.args
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        kernel = tuple(weight.shape[2:])
        d = len(kernel)
        grad_x = grad_w = grad_b = None
        # transposed with output_padding >= stride (allowed when < dilation): the conv of g reaches past x
        crop = (Ellipsis,) + tuple(slice(0, n) for n in x.shape[2:])
        if need_x:
            if ctx.transposed:
                grad_x = Convolution.apply(grad, weight, None, stride, padding, dilation, False, (0,) * d, groups)
                grad_x = grad_x[crop] if tuple(grad_x.shape) != tuple(x.shape) else grad_x
            else:
                # the transposed conv of g has the size of x when output_padding covers the rows
                # the forward's last window did not reach
                reached = window_positions(x.shape[2:], kernel, stride, padding, dilation)
                extra = tuple(n + 2 * p - ((o - 1) * s + dl * (k - 1) + 1)
                              for n, p, o, s, dl, k in zip(x.shape[2:], padding, reached, stride, dilation, kernel))
                grad_x = Convolution.apply(grad, weight, None, stride, padding, dilation, True, extra, groups)
        if need_w:
            n = x.shape[0]
            # conv: g (the output side) against im2col(x); transposed: x against im2col(g)
            out_side, in_side = (x, grad) if ctx.transposed else (grad, x)
            cols = Im2Col.apply(in_side, kernel, dilation, padding, stride,  # (N, C*K, L)
                                None if ctx.transposed else ctx.columns)
            if ctx.transposed and cols.shape[-1] != math.prod(x.shape[2:]):
                reached = window_positions(grad.shape[2:], kernel, stride, padding, dilation)
                cols = cols.reshape(cols.shape[:2] + reached)[crop].reshape(n, cols.shape[1], -1)
            cols = cols.reshape(n, groups, -1, cols.shape[-1])
            rows = out_side.reshape(n, groups, out_side.shape[1] // groups, -1)  # (N, G, F/G, L)
            grad_w = rows.matmul(cols.transpose(-1, -2)).sum(0).reshape(weight.shape)
        if need_b:
            grad_b = grad.sum((0,) + tuple(range(2, grad.ndim)))
        return grad_x, grad_w, grad_b, None, None, None, None, None, None


class Im2Col(BuiltinFunction):
    """cols[n, (c, k), o] = xp[n, c, o*s + k*d] (``F.unfold``); d/dx = col2im(g) (``F.fold``)"""

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride, columns=None):
        """``columns``: im2col(x) already computed (by the convolution's forward), else made here."""
        ctx.args, ctx.size = (kernel, dilation, padding, stride), x.shape[-len(kernel):]
        if columns is not None:
            return columns
        cols = im2col(x._data, kernel, stride, padding, dilation)  # (*lead, C, *K, *O)
        lead_c = x.shape[:-len(kernel)]
        return cols.reshape(lead_c[:-1] + (lead_c[-1] * math.prod(kernel), -1))

    @staticmethod
    def backward(ctx, grad):
        return (Col2Im.apply(grad, ctx.size, *ctx.args),) + (None,) * 5


class Col2Im(BuiltinFunction):
    """out[n, c, o*s + k*d] += cols[n, (c, k), o] (``F.fold``); d/dcols = im2col(g) (``F.unfold``)"""

    @staticmethod
    def forward(ctx, cols, size, kernel, dilation, padding, stride):
        ctx.args = (kernel, dilation, padding, stride)
        *lead, ck, _ = cols.shape
        blocks = window_positions(size, kernel, stride, padding, dilation)
        columns = cols._data.reshape(tuple(lead) + (ck // math.prod(kernel),) + tuple(kernel) + blocks)
        out = col2im(columns, size, kernel, stride, padding, dilation)
        return np.ascontiguousarray(out, like=out)

    @staticmethod
    def backward(ctx, grad):
        return (Im2Col.apply(grad, *ctx.args),) + (None,) * 5


# --- torch's functional API --------------------------------------------------------------------
def _tuple(value, d, name="value"):
    """An int or a sequence of ints as a d-tuple (torch's ``_single``/``_pair``)."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return tuple(value) * d
        if len(value) != d:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {d} values to match the "
                               f"convolution dimensions, but got {name}={list(value)}")
        return tuple(int(v) for v in value)
    return (int(value),) * d


def _same_padding(kernel, dilation):
    """'same' padding per dim as (before, after): d(k-1) in all, the odd one after (as torch)."""
    total = [dl * (k - 1) for k, dl in zip(kernel, dilation)]
    return [(t // 2, t - t // 2) for t in total]


def _convolution(input, weight, bias, stride, padding, dilation, groups, d, transposed=False,  # noqa: A002
                 output_padding=0):
    """Checks shared by the conv functions, then ``Convolution``; unbatched input gets a batch dim."""
    name = f"conv{'_transpose' if transposed else ''}{d}d"
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(f"Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(input.shape)}")
    if input.ndim == d + 1:
        return _convolution(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups, d, transposed,
                            output_padding).squeeze(0)
    if weight.ndim != d + 2:
        raise RuntimeError("weight should have at least three dimensions" if weight.ndim < 3 else
                           f"Expected {d + 2}-dimensional weight for {d + 2}-dimensional input "
                           f"{list(input.shape)}, but got {weight.ndim}-dimensional weight of size "
                           f"{list(weight.shape)}")
    stride, dilation = _tuple(stride, d, "stride"), _tuple(dilation, d, "dilation")
    kernel = tuple(weight.shape[2:])
    channels = input.shape[1]
    if transposed:
        if weight.shape[0] != channels:
            raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
                               f"{list(input.shape)} to have {weight.shape[0]} channels, but got {channels} "
                               f"channels instead")
        out_channels = weight.shape[1] * groups
        output_padding = _tuple(output_padding, d, "output_padding")
        if any(op >= s and op >= dl for op, s, dl in zip(output_padding, stride, dilation)):
            # torch runs 1-d as 2-d with a height of 1, and names both dims
            (oh, ow), (sh, sw), (dh, dw) = [((first,) * (2 - d) + v) for first, v in
                                            ((0, output_padding), (1, stride), (1, dilation))]
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                               f"output_padding_height: {oh} output_padding_width: {ow} stride_height: {sh} "
                               f"stride_width: {sw} dilation_height: {dh} dilation_width: {dw}")
    else:
        if channels != weight.shape[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                               f"{list(input.shape)} to have {weight.shape[1] * groups} channels, but got "
                               f"{channels} channels instead")
        out_channels = weight.shape[0]
        output_padding = (0,) * d
    if out_channels % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size {list(weight.shape)} instead")
    if bias is not None and bias.shape != (out_channels,):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} instead")
    if isinstance(padding, str):
        if transposed:
            raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "valid":
            padding = (0,) * d
        else:
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pairs = _same_padding(kernel, dilation)
            if any(before != after for before, after in pairs):
                warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a "
                              "zero-padded copy of the input be created")
                # the extra element goes after: pad it explicitly, the symmetric part in the conv
                extra = [after - before for before, after in pairs]
                input = _pad(input, [v for e in reversed(extra) for v in (0, e)])  # noqa: A001
            padding = tuple(before for before, _ in pairs)
    padding = _tuple(padding, d, "padding")
    padded = [n + 2 * p for n, p in zip(input.shape[2:], padding)]
    if not transposed and any(dl * (k - 1) + 1 > n for n, k, dl in zip(padded, kernel, dilation)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater than actual "
                           f"input size")
    if transposed:
        sizes = [(n - 1) * s - 2 * p + dl * (k - 1) + op + 1 for n, s, p, dl, k, op in
                 zip(input.shape[2:], stride, padding, dilation, kernel, output_padding)]
        if any(n < 1 for n in sizes):
            raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, input.shape[2:]))}). Calculated "
                               f"output size per channel: ({' x '.join(map(str, sizes))}). Output size is too small")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"Input type ({input.type()}) and weight type ({weight.type()}) should be the same")
    return Convolution.apply(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """1-D convolution of (N, C_in, L) [or (C_in, L)] with weight (C_out, C_in/groups, k) -> (N, C_out, L_out).
    ``padding``: int, 1-tuple, 'valid' or 'same'. Raises RuntimeError on mismatched shapes."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """2-D convolution of (N, C_in, H, W) [or (C_in, H, W)] with weight (C_out, C_in/groups, kh, kw)
    -> (N, C_out, H_out, W_out). ``padding``: int, pair, 'valid' or 'same'."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 2)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """The adjoint of conv1d: (N, C_in, L) with weight (C_in, C_out/groups, k) -> (N, C_out, L_out),
    L_out = (L-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 1, True, output_padding)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """The adjoint of conv2d: (N, C_in, H, W) with weight (C_in, C_out/groups, kh, kw) -> (N, C_out, H_out, W_out)."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 2, True, output_padding)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """im2col: (N, C, H, W) or (C, H, W) -> (N, C*kh*kw, L) or (C*kh*kw, L), L the number of windows."""
    if input.ndim not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    args = [_tuple(v, 2, name) for v, name in ((kernel_size, "kernel_size"), (dilation, "dilation"),
                                                (padding, "padding"), (stride, "stride"))]
    return Im2Col.apply(input, *args)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """col2im: (N, C*kh*kw, L) or (C*kh*kw, L) -> (N, C, *output_size) or (C, *output_size), overlapping
    values summed."""
    if input.ndim not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                                  f"(got {input.ndim}D)")
    size, kernel, dilation, padding, stride = [
        _tuple(v, 2, name) for v, name in ((output_size, "output_size"), (kernel_size, "kernel_size"),
                                            (dilation, "dilation"), (padding, "padding"), (stride, "stride"))]
    k = math.prod(kernel)
    blocks = window_positions(size, kernel, stride, padding, dilation)
    if input.shape[-2] % k:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={input.shape[-2]} and kernel_size=({kernel[0]}, {kernel[1]}).")
    if input.shape[-1] != math.prod(blocks):
        raise RuntimeError(f"Given output_size=({size[0]}, {size[1]}), kernel_size=({kernel[0]}, {kernel[1]}), "
                           f"dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, {padding[1]}), "
                           f"stride=({stride[0]}, {stride[1]}), expected size of input's dimension 2 to match the "
                           f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = {math.prod(blocks)}, "
                           f"but got input.size(2)={input.shape[-1]}.")
    return Col2Im.apply(input, size, kernel, dilation, padding, stride)
