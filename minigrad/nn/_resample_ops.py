"""Changing an image's resolution: ``F.interpolate`` (nearest, linear, bilinear, antialias) and
``F.pixel_shuffle`` / ``F.pixel_unshuffle``.

Linear and bilinear interpolation (with or without antialiasing), and adaptive average pooling,
are *separable linear maps*: each output row mixes input rows with fixed weights, and so do the
columns. With A_h (H_out, H) and A_w (W_out, W) holding those weights::

    out = A_h x A_w^T          d/dx = A_h^T g A_w                         (``Resample``)

Nearest reads each output from one source index per dim (a gather, whose gradient adds g back
there: ``_pad_ops.SourcePad``, the op reflect padding uses too).

The weights are torch's, from aten/src/ATen/native/UpSample.h (``area_pixel_compute_scale``,
``area_pixel_compute_source_index``, ``nearest_idx``, ``guard_index_and_lambda``) and
cpu/UpSampleKernel.cpp (``_compute_weights_aa``: a triangle filter widened by the scale when
downsampling), computed in the input's precision as there.
"""
import math

import numpy as np

from ..autograd.function import BuiltinFunction
from ..tensor import Tensor
from ._pad_ops import SourcePad


class Resample(BuiltinFunction):
    """out = A_h x A_w^T over the last two dims (A_h None: only the last dim); d/dx = A_h^T g A_w"""

    @staticmethod
    def forward(ctx, x, a_h, a_w, kind):
        ctx._name, ctx.matrices = kind, (a_h, a_w)
        out = np.matmul(x._data, a_w.T)
        return out if a_h is None else np.matmul(a_h, out)

    @staticmethod
    def backward(ctx, grad):
        a_h, a_w = ctx.matrices
        grad_x = grad.matmul(Tensor._wrap(a_w))
        if a_h is not None:
            grad_x = Tensor._wrap(np.ascontiguousarray(a_h.T, like=a_h)).matmul(grad_x)
        return grad_x, None, None, None


# --- weights -------------------------------------------------------------------------------------
def _scale(n_in, n_out, align_corners, scale_factor, dtype):
    """Input pixels per output pixel (``area_pixel_compute_scale``), in the input's precision."""
    if align_corners:
        return dtype.type((n_in - 1) / (n_out - 1)) if n_out > 1 else dtype.type(0)
    if scale_factor is not None and scale_factor > 0:
        return dtype.type(1.0 / scale_factor)
    return dtype.type(n_in) / dtype.type(n_out)


def nearest_index(n_in, n_out, scale_factor, like):
    """Source of each output: min(floor(o * scale), In - 1) with a float32 scale (``nearest_idx``)."""
    if n_out == n_in:
        return np.arange(n_out, like=like)
    if n_out == 2 * n_in:
        return np.arange(n_out, like=like) >> 1
    scale = _scale(n_in, n_out, False, scale_factor, np.dtype(np.float32))
    return np.minimum(np.floor(np.arange(n_out, like=like).astype(np.float32) * scale).astype(np.int64), n_in - 1)


def linear_matrix(n_in, n_out, align_corners, scale_factor, like):
    """(Out, In) weights of linear interpolation: two neighbours i0, i0+1 weighted 1-λ, λ. A dim that
    keeps its size is copied (torch's kernels skip it, whatever the scale factor)."""
    dtype = like.dtype
    if n_in == n_out:
        return np.eye(n_in, dtype=dtype, like=like)
    scale = _scale(n_in, n_out, align_corners, scale_factor, dtype)
    dst = np.arange(n_out, like=like).astype(dtype)
    if align_corners:
        src = scale * dst
    else:
        src = np.maximum(scale * (dst + dtype.type(0.5)) - dtype.type(0.5), dtype.type(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    lam = np.clip(src - i0.astype(dtype), 0, 1).astype(dtype)
    i1 = i0 + (i0 < n_in - 1)
    a = np.zeros_like(like, shape=(n_out, n_in))
    rows = np.arange(n_out, like=like)
    np.add.at(a, (rows, i0), 1 - lam)
    np.add.at(a, (rows, i1), lam)
    return a


def antialias_matrix(n_in, n_out, align_corners, scale_factor, like):
    """(Out, In) weights of antialiased linear interpolation (``_compute_weights_aa``): a triangle
    filter of support ``scale`` when downsampling (1 when upsampling) around each output's centre,
    normalised to sum 1. A dim that keeps its size is copied, as in ``linear_matrix``."""
    dtype = like.dtype
    if n_in == n_out:
        return np.eye(n_in, dtype=dtype, like=like)
    scale = float(_scale(n_in, n_out, align_corners, scale_factor, dtype))
    support = scale if scale >= 1.0 else 1.0
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    a = np.zeros_like(like, shape=(n_out, n_in))
    for i in range(n_out):
        center = float(dtype.type(scale * (i + 0.5)))
        start = max(int(center - support + 0.5), 0)
        stop = min(int(center + support + 0.5), n_in)
        taps = np.arange(start, stop, dtype=np.float64, like=like)
        w = np.maximum(0.0, 1.0 - np.abs((taps - center + 0.5) * invscale)).astype(dtype)
        total = w.sum(dtype=dtype)
        a[i, start:stop] = w / total if total != 0 else w
    return a


# --- F.interpolate -------------------------------------------------------------------------------
_NAMES = {("nearest", 1): "UpsampleNearest1DBackward0", ("nearest", 2): "UpsampleNearest2DBackward0",
          ("linear", 1): "UpsampleLinear1DBackward0", ("bilinear", 2): "UpsampleBilinear2DBackward0"}


def _sizes_and_scales(input, size, scale_factor, recompute_scale_factor, d):  # noqa: A002
    """Output sizes, and the scale factors torch hands its kernels (None when sizes were given)."""
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = list(size) if isinstance(size, (tuple, list)) else [size] * d
        if len(sizes) != d:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                             f"Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                             f"(o1, o2, ...,oK) format.")
        return [int(s) for s in sizes], [None] * d
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * d
    if len(scales) != d:
        raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                         f"with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                         f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                         f"scale_factor in (s1, s2, ...,sK) format.")
    sizes = [math.floor(float(n) * s) for n, s in zip(input.shape[2:], scales)]
    return sizes, [None] * d if recompute_scale_factor else [float(s) for s in scales]


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """Resize (N, C, L) or (N, C, H, W) to ``size`` or by ``scale_factor``. Modes: 'nearest' (1-D, 2-D),
    'linear' (1-D), 'bilinear' (2-D, optionally ``antialias``). Raises ValueError / NotImplementedError
    with torch's messages for mismatched options."""
    if mode == "nearest" and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if mode not in ("nearest", "linear", "bilinear"):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                                  f"for the modes: nearest | linear | bilinear (mode {mode} is not in minigrad)")
    d = input.ndim - 2
    if antialias and not (mode == "bilinear" and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a "
                         "4-D tensor as input")
    if (mode, d) not in _NAMES:
        if mode == "nearest" or d not in (1, 2):
            raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                                      f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                      f"nearest-exact (got {mode})")
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {3 if mode == 'linear' else 4}D "
                                  f"input")
    sizes, scales = _sizes_and_scales(input, size, scale_factor, recompute_scale_factor, d)
    spatial = input.shape[2:]
    if any(n <= 0 for n in tuple(spatial) + tuple(sizes)):
        names = "HW"[-d:]
        given = ", ".join(f"{k}: {n}" for k, n in zip(names, spatial))
        wanted = ", ".join(f"{k}: {n}" for k, n in zip(names, sizes))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({given})"
                           f"{' and' if d == 1 else ''} output ({wanted})")
    a = input._data
    if mode == "nearest":
        sources = [(input.ndim - d + i, nearest_index(n, o, s, a)) for i, (n, o, s) in enumerate(zip(spatial, sizes, scales))]
        return SourcePad.apply(input, sources, _NAMES[mode, d])
    align_corners = bool(align_corners)
    make = antialias_matrix if antialias else linear_matrix
    mats = [make(n, o, align_corners, s, a) for n, o, s in zip(spatial, sizes, scales)]
    kind = "UpsampleBilinear2DAaBackward0" if antialias else _NAMES[mode, d]
    return Resample.apply(input, mats[0] if d == 2 else None, mats[-1], kind)


# --- pixel shuffle -------------------------------------------------------------------------------
def _shuffled(a, r):
    """(..., C*r*r, H, W) -> (..., C, H*r, W*r): channel (c, i, j) moves to pixel (h*r + i, w*r + j)."""
    *lead, c, h, w = a.shape
    a = a.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    n = len(lead)
    a = a.transpose(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return np.ascontiguousarray(a, like=a).reshape(tuple(lead) + (c // (r * r), h * r, w * r))


def _unshuffled(a, r):
    """The inverse of ``_shuffled``: (..., C, H*r, W*r) -> (..., C*r*r, H, W)."""
    *lead, c, h, w = a.shape
    a = a.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    n = len(lead)
    a = a.transpose(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return np.ascontiguousarray(a, like=a).reshape(tuple(lead) + (c * r * r, h // r, w // r))


class PixelShuffle(BuiltinFunction):
    """out[c, h*r + i, w*r + j] = x[c*r*r + i*r + j, h, w]; d/dx = pixel_unshuffle(g)"""

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return _shuffled(x._data, r)

    @staticmethod
    def backward(ctx, grad):
        return PixelUnshuffle.apply(grad, ctx.r), None


class PixelUnshuffle(BuiltinFunction):
    """out[c*r*r + i*r + j, h, w] = x[c, h*r + i, w*r + j]; d/dx = pixel_shuffle(g)"""

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return _unshuffled(x._data, r)

    @staticmethod
    def backward(ctx, grad):
        return PixelShuffle.apply(grad, ctx.r), None


def pixel_shuffle(input, upscale_factor):  # noqa: A002
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r), r = ``upscale_factor`` (sub-pixel convolution, Shi et al. 2016)."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    if input.shape[-3] % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={input.shape[-3]} is not divisible by {r * r}")
    return PixelShuffle.apply(input, r)


def pixel_unshuffle(input, downscale_factor):  # noqa: A002
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W), the inverse of ``pixel_shuffle``."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    for name, n in (("height", input.shape[-2]), ("width", input.shape[-1])):
        if n % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                               f"input.size({-2 if name == 'height' else -1})={n} is not divisible by {r}")
    return PixelUnshuffle.apply(input, r)
