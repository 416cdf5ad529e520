"""Image functions behind the transforms (torchvision/transforms/functional.py), for PIL images and
(…, C, H, W) tensors. On PIL images they call the Pillow operations torchvision calls
(_functional_pil.py); on tensors they use minigrad's ops as torchvision uses torch's
(_functional_tensor.py), e.g. ``resize`` is ``F.interpolate`` with antialiasing.
"""
import enum
import numbers

import numpy as np

from ... import float32, from_numpy, get_default_dtype, tensor as as_tensor, uint8
from ...nn._resample_ops import interpolate
from ...nn._pad_ops import pad as tensor_pad
from ...tensor import Tensor

try:
    from PIL import Image, ImageEnhance, ImageOps
except ImportError:  # Pillow is the optional ``vision`` extra; tensors work without it
    Image = ImageEnhance = ImageOps = None


class InterpolationMode(enum.Enum):
    """Interpolation modes, torchvision's names and values."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


# Pillow's resampling filters for each mode (PIL.Image.Resampling values)
PIL_MODES = {InterpolationMode.NEAREST: 0, InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
             InterpolationMode.NEAREST_EXACT: 0, InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
             InterpolationMode.LANCZOS: 1}


def _is_pil(img):
    return Image is not None and isinstance(img, Image.Image)


def _check_image(img):
    if not (_is_pil(img) or isinstance(img, Tensor)):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def get_dimensions(img):
    """[channels, height, width] of a PIL image or a (…, C, H, W) tensor."""
    _check_image(img)
    if isinstance(img, Tensor):
        channels = 1 if img.ndim == 2 else img.shape[-3]
        return [channels, img.shape[-2], img.shape[-1]]
    width, height = img.size
    return [len(img.getbands()), height, width]


# --- conversions ---------------------------------------------------------------------------------
def to_tensor(pic):
    """PIL image or (H, W, C) ndarray -> (C, H, W) tensor; 8-bit values scaled to [0, 1] in the default
    float dtype, others kept."""
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic[:, :, None]
        img = from_numpy(np.ascontiguousarray(pic.transpose((2, 0, 1))))
        return img.to(dtype=get_default_dtype()).div(255) if img.dtype == uint8 else img
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    nptype = {"I": np.int32, "I;16": np.int16, "F": np.float32}.get(pic.mode, np.uint8)
    img = from_numpy(np.array(pic, nptype, copy=True))
    if pic.mode == "1":
        img = 255 * img
    img = img.view(pic.size[1], pic.size[0], len(pic.getbands())).permute((2, 0, 1)).contiguous()
    return img.to(dtype=get_default_dtype()).div(255) if img.dtype == uint8 else img


def pil_to_tensor(pic):
    """PIL image -> (C, H, W) tensor of its own dtype (no scaling)."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    img = as_tensor(np.array(pic, copy=True))
    return img.view(pic.size[1], pic.size[0], len(pic.getbands())).permute((2, 0, 1))


def to_pil_image(pic, mode=None):
    """(C, H, W) tensor or (H, W, C) ndarray -> PIL image; floats (not mode 'F') become bytes by *255."""
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic.unsqueeze(0)
        if pic.shape[-3] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-3]} channels.")
        if pic.is_floating_point() and mode != "F":
            pic = pic.mul(255).byte()
        npimg = np.transpose(pic.cpu().numpy(), (1, 2, 0))
    elif isinstance(pic, np.ndarray):
        npimg = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if npimg.shape[2] == 1:
        npimg = npimg[:, :, 0]
        if npimg.dtype == np.float32 and mode is None:
            mode = "F"
    image = Image.fromarray(npimg)
    return image if mode is None or image.mode == mode else image.convert(mode)


def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel of a float (…, C, H, W) tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tensor.size()}")
    if not inplace:
        tensor = tensor.clone()
    mean = as_tensor(mean, dtype=tensor.dtype, device=tensor.device)
    std = as_tensor(std, dtype=tensor.dtype, device=tensor.device)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


# --- geometry ------------------------------------------------------------------------------------
def _resized_output_size(height, width, size, max_size=None):
    """torchvision's ``_compute_resized_output_size``: an int (or 1-list) matches the shorter edge."""
    if len(size) == 1:
        short, long = (width, height) if width <= height else (height, width)
        new_short, new_long = size[0], int(size[0] * long / short)
        if max_size is not None:
            if max_size <= size[0]:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                                 f"smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return [new_long, new_short] if width <= height else [new_short, new_long]
    return [size[0], size[1]]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or the shorter edge for an int). PIL: ``Image.resize`` with the mode's
    filter (always antialiased); tensors: ``F.interpolate`` in float, rounded back for integer images."""
    if isinstance(size, int):
        size = [size]
    _, height, width = get_dimensions(img)
    output = _resized_output_size(height, width, list(size), max_size)
    if [height, width] == output:
        return img
    if _is_pil(img):
        return img.resize(tuple(output[::-1]), PIL_MODES[interpolation])
    mode = interpolation.value
    antialias = bool(antialias) and mode in ("bilinear", "bicubic")
    squeeze = img.ndim < 4
    x = img.unsqueeze(0) if squeeze else img
    out_dtype = x.dtype
    if not x.is_floating_point():
        x = x.to(float32)
    x = interpolate(x, size=output, mode=mode, align_corners=False if mode == "bilinear" else None,
                    antialias=antialias)
    if squeeze:
        x = x.squeeze(0)
    if out_dtype != x.dtype:
        x = x.round().to(out_dtype)
    return x


def crop(img, top, left, height, width):
    """The (height, width) box at (top, left); outside the image is zero padding."""
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        inside = img[..., max(top, 0):min(bottom, h), max(left, 0):min(right, w)]
        return tensor_pad(inside, [max(-left, 0), max(right - w, 0), max(-top, 0), max(bottom - h, 0)])
    return img[..., top:bottom, left:right]


def center_crop(img, output_size):
    """The central crop of ``output_size``, zero-padded first when the image is smaller."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding = [(crop_width - image_width) // 2 if crop_width > image_width else 0,
                   (crop_height - image_height) // 2 if crop_height > image_height else 0,
                   (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
                   (crop_height - image_height + 1) // 2 if crop_height > image_height else 0]
        img = pad(img, padding, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    top = int(round((image_height - crop_height) / 2.0))
    left = int(round((image_width - crop_width) / 2.0))
    return crop(img, top, left, crop_height, crop_width)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """``crop`` then ``resize``."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def _ltrb(padding):
    """torchvision's padding forms (int, [all], [lr, tb], [l, t, r, b]) as (left, top, right, bottom)."""
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad each border: 'constant' (``fill``), 'edge', 'reflect' or 'symmetric'. PIL: ``ImageOps.expand``
    for constant, NumPy's pad for the others (as torchvision's _functional_pil.py)."""
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _ltrb(padding)
    if _is_pil(img):
        if padding_mode == "constant":
            return ImageOps.expand(img, border=(left, top, right, bottom), **_parse_fill(fill, img, "fill"))
        array = np.asarray(img)
        widths = [(top, bottom), (left, right)] + [(0, 0)] * (array.ndim - 2)
        return Image.fromarray(np.pad(array, widths, padding_mode))
    if padding_mode == "symmetric":
        raise NotImplementedError("symmetric padding of tensors is not implemented in minigrad.vision")
    mode = {"edge": "replicate"}.get(padding_mode, padding_mode)
    return tensor_pad(img, [left, right, top, bottom], mode=mode, value=float(fill) if mode == "constant" else None)


def hflip(img):
    """Mirror left to right."""
    _check_image(img)
    return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if _is_pil(img) else img.flip(-1)


def vflip(img):
    """Mirror top to bottom."""
    _check_image(img)
    return img.transpose(Image.Transpose.FLIP_TOP_BOTTOM) if _is_pil(img) else img.flip(-2)


def _parse_fill(fill, img, name="fillcolor"):
    """torchvision's ``_parse_fill``: a fill value per band, ints unless the image is mode 'F'."""
    bands = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and bands > 1:
        fill = tuple([fill] * bands)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * bands
        elif len(fill) != bands:
            raise ValueError(f"The number of elements in 'fill' does not match the number of bands of the image "
                             f"({len(fill)} != {bands})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, (list, tuple)) else int(fill)
    return {name: fill}


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate a PIL image by ``angle`` degrees counter-clockwise: ``Image.rotate`` (tensors: not in minigrad)."""
    if not _is_pil(img):
        raise NotImplementedError("rotate of tensor images is not implemented in minigrad.vision: rotate the PIL "
                                  "image before ToTensor")
    return img.rotate(angle, PIL_MODES[interpolation], expand, center, **_parse_fill(fill, img))


# --- colour --------------------------------------------------------------------------------------
def _pil_only(img, name):
    if not _is_pil(img):
        raise NotImplementedError(f"{name} of tensor images is not implemented in minigrad.vision")


def _blend(img1, img2, ratio):
    """ratio * img1 + (1 - ratio) * img2, clamped to the dtype's range (torchvision's ``_blend``)."""
    bound = 1.0 if img1.is_floating_point() else 255.0
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def adjust_brightness(img, brightness_factor):
    """Blend with black: PIL ``ImageEnhance.Brightness``; tensors ``_blend(img, 0, factor)``."""
    if _is_pil(img):
        return ImageEnhance.Brightness(img).enhance(brightness_factor)
    return _blend(img, img.new_zeros(img.shape), float(brightness_factor))


def adjust_contrast(img, contrast_factor):
    """Blend with the mean grey: PIL ``ImageEnhance.Contrast``; tensors the mean of the greyscale image."""
    if _is_pil(img):
        return ImageEnhance.Contrast(img).enhance(contrast_factor)
    dtype = img.dtype if img.is_floating_point() else float32
    grey = rgb_to_grayscale(img) if get_dimensions(img)[0] == 3 else img
    return _blend(img, grey.to(dtype).mean(dim=(-3, -2, -1), keepdim=True), float(contrast_factor))


def adjust_saturation(img, saturation_factor):
    """Blend with the greyscale image: PIL ``ImageEnhance.Color``; tensors likewise (one channel: unchanged)."""
    if _is_pil(img):
        return ImageEnhance.Color(img).enhance(saturation_factor)
    if get_dimensions(img)[0] == 1:
        return img
    return _blend(img, rgb_to_grayscale(img), float(saturation_factor))


def adjust_hue(img, hue_factor):
    """Shift the hue channel (in HSV) by ``hue_factor`` turns, wrapping around (uint8 overflow, as torchvision)."""
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _pil_only(img, "adjust_hue")
    if img.mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    np_h = np.array(h, dtype=np.uint8)
    with np.errstate(over="ignore"):
        np_h += np.array(hue_factor * 255).astype(np.uint8)
    return Image.merge("HSV", (Image.fromarray(np_h), s, v)).convert(img.mode)


def autocontrast(img):
    """Stretch each channel to the full range: ``ImageOps.autocontrast``; tensors: (x - min) / (max - min)
    per channel, scaled to the dtype's maximum (1.0 for floats)."""
    if _is_pil(img):
        return ImageOps.autocontrast(img)
    bound = 1.0 if img.is_floating_point() else 255.0
    dtype = img.dtype if img.is_floating_point() else float32
    minimum = img.amin(dim=(-2, -1), keepdim=True).to(dtype)
    maximum = img.amax(dim=(-2, -1), keepdim=True).to(dtype)
    scale = bound / (maximum - minimum)
    flat = scale.isfinite().logical_not()
    minimum = minimum.masked_fill(flat, 0)
    scale = scale.masked_fill(flat, 1)
    return ((img - minimum) * scale).clamp(0, bound).to(img.dtype)


def rgb_to_grayscale(img, num_output_channels=1):
    """PIL: ``convert('L')`` (ITU-R 601-2 luma), repeated to 3 channels if asked; tensors:
    0.2989 R + 0.587 G + 0.114 B."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if _is_pil(img):
        img = img.convert("L")
        if num_output_channels == 3:
            gray = np.array(img, dtype=np.uint8)
            img = Image.fromarray(np.dstack([gray, gray, gray]))
        return img
    r, g, b = img.unbind(dim=-3)
    gray = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(dim=-3)
    return gray.expand(img.shape) if num_output_channels == 3 else gray
