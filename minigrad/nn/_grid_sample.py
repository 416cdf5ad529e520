"""``F.affine_grid`` and ``F.grid_sample``: the two halves of a spatial transformer (Jaderberg et al. 2015,
"Spatial Transformer Networks").

``affine_grid(theta, size)`` maps every output pixel's normalised position (x, y, 1), x and y in [-1, 1],
through the affine matrix theta (N, 2, 3): grid = base @ theta^T, shape (N, H, W, 2). d/dtheta =
g^T @ base. One op (``AffineGridGeneratorBackward0``); its backward is Tensor ops.

``grid_sample(input, grid)`` reads ``input`` (N, C, H, W) at the positions in ``grid`` (N, Ho, Wo, 2):

* a position x in [-1, 1] becomes the pixel coordinate ix = (x + 1)/2 * (W - 1) (``align_corners``) or
  ((x + 1) * W - 1)/2, then ``padding_mode`` 'border' clips it to [0, W - 1], 'reflection' folds it back
  into the image, 'zeros' leaves it (pixels outside read as 0);
* 'bilinear' mixes the 4 neighbouring pixels with weights (1 - fx, fx) x (1 - fy, fy); 'nearest'
  reads the nearest pixel (ties to even); 'bicubic' mixes 4 x 4 pixels with cubic-convolution weights
  (A = -0.75, Keys 1981), applying the padding to each of those pixel coordinates instead.

One op (``GridSampler2DBackward0``). Its gradient scatters g * weight back to the 4 pixels (input) and,
for the grid, differentiates the weights: d out/d ix = sum_c g * ((v10 - v00)(1 - fy) + (v11 - v01) fy),
times d ix/d x (the unnormalising scale, and 0 or +-1 from clipping/reflection). Formulas and edge
rules follow aten/src/ATen/native/GridSampler.h. torch has no double backward for this node.
"""
import warnings

import numpy as np

from .._backend import device_of, xp
from ..autograd.function import BuiltinFunction
from ..ops.indexing import IndexAddInto
from ..ops.shape import stack
from ..tensor import Tensor

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                  "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                  "grid_sample for details.")


# --- affine_grid -------------------------------------------------------------------------------------------
def _linspace_from_neg_one(steps, align_corners, like):
    """Normalised pixel centres along one dim (torch's ``linspace_from_neg_one``)."""
    if steps <= 1:
        return np.zeros(1, dtype=like.dtype, like=like)
    values = xp(device_of(like)).linspace(-1, 1, steps, dtype=like.dtype)  # np.linspace has no like=
    return values if align_corners else values * (steps - 1) / steps


def _base_grid(spatial, align_corners, like):
    """(prod(spatial), len(spatial) + 1) rows (x, y[, z], 1) in row-major order of the output pixels."""
    axes = [_linspace_from_neg_one(n, align_corners, like) for n in spatial]
    mesh = np.meshgrid(*axes, indexing="ij")  # dims in (D,) H, W order
    columns = [m.reshape(-1) for m in reversed(mesh)]  # x first
    return np.stack(columns + [np.ones_like(columns[0])], axis=1)


class AffineGridGenerator(BuiltinFunction):
    """grid = base @ theta^T per batch element; d/dtheta = g^T @ base"""

    @staticmethod
    def forward(ctx, theta, spatial, align_corners):
        t = theta._data
        base = _base_grid(spatial, align_corners, t)
        ctx.base, ctx.spatial = base, spatial
        return np.matmul(base[None], np.swapaxes(t, 1, 2)).reshape(t.shape[0], *spatial, t.shape[1])

    @staticmethod
    def backward(ctx, grad):
        n, dims = grad.shape[0], grad.shape[-1]
        return grad.reshape(n, -1, dims).transpose(1, 2) @ Tensor._wrap(ctx.base), None, None


def affine_grid(theta, size, align_corners=None):
    """theta (N, 2, 3) and size (N, C, H, W) -> grid (N, H, W, 2) (3-d: theta (N, 3, 4), size (N, C, D, H, W)).
    Raises ValueError/NotImplementedError with torch's messages for other shapes and dtypes."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.dtype.is_floating_point:
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = tuple(size[-2:])
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = tuple(size[-3:])
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    return AffineGridGenerator.apply(theta, spatial, align_corners)


# --- grid_sample -------------------------------------------------------------------------------------------
def _unnormalize(coord, size, align_corners):
    """Pixel coordinates for normalised ones, and d(pixel)/d(normalised)."""
    if align_corners:
        return (coord + 1) / 2 * (size - 1), np.full_like(coord, (size - 1) / 2)
    return ((coord + 1) * size - 1) / 2, np.full_like(coord, size / 2)


def _pad_coordinates(ix, mult, size, padding_mode, align_corners):
    """'border' clips to [0, size - 1]; 'reflection' folds into the image then clips; the derivative factor
    becomes 0 where clipped and changes sign where reflected (GridSampler.h)."""
    if padding_mode == "reflection":
        low, high = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        if low == high:
            return np.zeros_like(ix), np.zeros_like(mult)
        lowest, span = low / 2, (high - low) / 2
        shifted = ix - lowest
        sign = np.where(shifted < 0, -1, 1)
        shifted = np.abs(shifted)
        extra = np.fmod(shifted, span)
        even = np.floor(shifted / span) % 2 == 0
        ix = np.where(even, extra + lowest, span - extra + lowest)
        mult = mult * np.where(even, sign, -sign)
    if padding_mode in ("border", "reflection"):
        inside = (ix > 0) & (ix < size - 1)
        ix, mult = np.clip(ix, 0, size - 1), np.where(inside, mult, 0)
    return ix, mult


def _cubic_weights(t):
    """The 4 cubic-convolution weights (A = -0.75) at offsets -1, 0, 1, 2 and their derivatives in t
    (torch's get_cubic_upsample_coefficients)."""
    a = -0.75

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1, (3 * (a + 2) * x - 2 * (a + 3)) * x

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, (3 * a * x - 10 * a) * x + 8 * a
    (w0, d0), (w1, d1), (w2, d2), (w3, d3) = far(t + 1), near(t), near(1 - t), far(2 - t)
    return [w0, w1, w2, w3], [d0, d1, -d2, -d3]


def _taps(ix, iy, mode, padding_mode, align_corners, height, width):
    """(x, y, weight, d weight/d ix, d weight/d iy) for each pixel read, as arrays over the output."""
    if mode == "nearest":
        one, zero = np.ones_like(ix), np.zeros_like(ix)
        return [(np.rint(ix), np.rint(iy), one, zero, zero)]
    x0, y0 = np.floor(ix), np.floor(iy)
    fx, fy = ix - x0, iy - y0
    if mode == "bilinear":
        return [(x0, y0, (1 - fx) * (1 - fy), -(1 - fy), -(1 - fx)), (x0 + 1, y0, fx * (1 - fy), 1 - fy, -fx),
                (x0, y0 + 1, (1 - fx) * fy, -fy, 1 - fx), (x0 + 1, y0 + 1, fx * fy, fy, fx)]
    (wx, dwx), (wy, dwy) = _cubic_weights(fx), _cubic_weights(fy)
    taps = []
    for j in range(4):  # bicubic pads each of the 16 pixel coordinates, not the sampling point
        y, _ = _pad_coordinates(y0 + j - 1, np.zeros_like(iy), height, padding_mode, align_corners)
        for i in range(4):
            x, _ = _pad_coordinates(x0 + i - 1, np.zeros_like(ix), width, padding_mode, align_corners)
            taps.append((x, y, wx[i] * wy[j], dwx[i] * wy[j], wx[i] * dwy[j]))
    return taps


def _read_index(x, y, height, width):
    """Clamped integer indices of a tap and whether it lies inside the image."""
    inside = (x >= 0) & (x < width) & (y >= 0) & (y < height)
    xi = np.clip(x, 0, width - 1).astype(np.int64)
    yi = np.clip(y, 0, height - 1).astype(np.int64)
    return xi, yi, inside


class GridSampler2D(BuiltinFunction):
    """out[n, c, i, j] = sum over taps of weight * input[n, c, y, x] (see the module docstring)"""

    @staticmethod
    def forward(ctx, input, grid, mode, padding_mode, align_corners):  # noqa: A002 - torch's name
        a, g = input._data, grid._data
        n, _, height, width = a.shape
        ix, mult_x = _unnormalize(g[..., 0], width, align_corners)
        iy, mult_y = _unnormalize(g[..., 1], height, align_corners)
        if mode != "bicubic":
            ix, mult_x = _pad_coordinates(ix, mult_x, width, padding_mode, align_corners)
            iy, mult_y = _pad_coordinates(iy, mult_y, height, padding_mode, align_corners)
        batch = np.arange(n, like=a).reshape(n, 1, 1)
        out = 0
        taps = []
        for x, y, weight, dx, dy in _taps(ix, iy, mode, padding_mode, align_corners, height, width):
            xi, yi, inside = _read_index(x, y, height, width)
            weight = np.where(inside, weight, 0)
            taps.append(((batch, slice(None), yi, xi), weight, np.where(inside, dx, 0), np.where(inside, dy, 0)))
            out = out + np.moveaxis(a[batch, :, yi, xi], -1, 1) * weight[:, None]  # (N, C, Ho, Wo)
        ctx.save_for_backward(input)
        ctx.taps, ctx.mult, ctx.mode = taps, (mult_x, mult_y), mode
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        input, = ctx.saved_tensors
        dtype = input.dtype.np
        grad_last = grad.permute(0, 2, 3, 1)  # (N, Ho, Wo, C): the layout of input[index] below
        grad_input = grad_x = grad_y = 0
        for index, weight, dx, dy in ctx.taps:
            if ctx.needs_input_grad[0]:
                share = grad_last * Tensor._wrap(weight[..., None].astype(dtype))
                grad_input = grad_input + IndexAddInto.apply(share, input.shape, index)
            if ctx.needs_input_grad[1] and ctx.mode != "nearest":
                value = (input[index] * grad_last).sum(-1)  # (N, Ho, Wo): sum_c g * v
                grad_x = grad_x + value * Tensor._wrap(dx.astype(dtype))
                grad_y = grad_y + value * Tensor._wrap(dy.astype(dtype))
        grad_grid = None
        if ctx.needs_input_grad[1]:
            mult_x, mult_y = (Tensor._wrap(m.astype(dtype)) for m in ctx.mult)
            if ctx.mode == "nearest":  # piecewise constant in the grid
                grad_grid = stack([mult_x * 0, mult_y * 0], -1)
            else:
                grad_grid = stack([grad_x * mult_x, grad_y * mult_y], -1)
        return (grad_input if ctx.needs_input_grad[0] else None), grad_grid, None, None, None


def _check_grid_sampler(input, grid):  # noqa: A002
    """torch's checks, in its order (check_grid_sampler_common, then the 2-d/3-d kernel's own)."""
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[-1] != input.dim() - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.dim() - 2} in last dimension, but got "
                           f"grid with sizes {list(grid.shape)}")
    for i in range(2, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {list(input.shape)} with dimension {i} being empty")
    dims = 4 if input.dim() == 4 else 5
    if input.dim() != dims or grid.dim() != dims:
        raise RuntimeError(f"grid_sampler(): expected {dims}D input and grid with same number of dimensions, but got "
                           f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if input.dtype != grid.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.legacy_name} but found {grid.dtype.legacy_name}")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):  # noqa: A002
    """input (N, C, H, W), grid (N, Ho, Wo, 2) of (x, y) in [-1, 1] -> (N, C, Ho, Wo). Modes 'bilinear',
    'nearest' and 'bicubic'; padding 'zeros', 'border' or 'reflection'. Raises torch's ValueError/RuntimeError
    for bad arguments (NotImplementedError for 5-d volumes, which minigrad leaves out)."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    _check_grid_sampler(input, grid)
    if input.dim() == 5:
        raise NotImplementedError("grid_sample: minigrad samples 2-d inputs only (volumetric 5-d input is one of "
                                  "the 3-D variants it leaves out)")
    return GridSampler2D.apply(input, grid, mode, padding_mode, align_corners)
