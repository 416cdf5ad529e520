"""``F.rms_norm``: scale each sample by the reciprocal root mean square of its last dims
(Zhang & Sennrich 2019, "Root Mean Square Layer Normalization"):

    y = x * rsqrt(mean(x**2 over the normalised dims) + eps) * weight

As in torch (aten/src/ATen/native/layer_norm.cpp, ``rms_norm_symint``) it is a composition of Tensor
ops, so double backward comes free and the last node is ``MulBackward0``. ``eps=None`` means the
machine epsilon of the input's dtype (``torch.finfo(dtype).eps``).
"""
import numpy as np


def check_normalized_shape(name, input, normalized_shape, weight):  # noqa: A002 - torch's parameter name
    """torch's layer_norm/rms_norm checks on ``normalized_shape`` and ``weight``; returns the shape as a list."""
    if not isinstance(normalized_shape, (tuple, list)):
        raise TypeError(f"{name}(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
                        f"{type(normalized_shape).__name__}")
    shape = list(normalized_shape)
    if weight is not None and list(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {shape}")
    if input.ndim < len(shape) or list(input.shape[input.ndim - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={shape}, expected input with shape [*"
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    return shape


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    """input (*, *normalized_shape) -> same shape; weight has shape ``normalized_shape``.
    Raises TypeError for a non-sequence shape, RuntimeError for mismatched shapes (torch's messages)."""
    shape = check_normalized_shape("rms_norm", input, normalized_shape, weight)
    if eps is None:
        eps = float(np.finfo(input.dtype.np).eps)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    result = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    return result if weight is None else result * weight
