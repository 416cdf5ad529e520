"""Per-channel ops for image-like input (N, C, *spatial): ``group_norm``, ``instance_norm``,
``dropout1d``, ``dropout2d``.

* group_norm splits the C channels into ``num_groups`` blocks and normalises each (sample, block)
  over its channels and positions; then a per-channel ``weight``/``bias``. Its gradient is the
  normalisation gradient of ``_layer_ops`` (the formula there) over each block.
* instance_norm normalises each (sample, channel) over its positions: torch runs batch_norm on the
  input viewed as (1, N*C, *spatial), with weight and running statistics repeated N times
  (aten/src/ATen/native/Normalization.cpp, ``instance_norm``), and so does this.
* dropout1d/2d zero whole channels: one Bernoulli draw per (sample, channel), torch's
  ``make_feature_noise`` (aten/src/ATen/native/Dropout.cpp): ``new_empty((N, C, 1, ...))
  .bernoulli_(1 - p).div_(1 - p)``, multiplied in.
"""
import math
import warnings

import numpy as np

from ..autograd.function import BuiltinFunction
from ..autograd.grad_mode import no_grad
from ..factories import zeros
from ._layer_ops import _norm_input_grad, _normalized, batch_norm


# --- group norm ----------------------------------------------------------------------------------
class NativeGroupNorm(BuiltinFunction):
    """y = xhat * w + b, xhat normalised over each (sample, group of channels); d/dx as layer_norm's"""

    _name = "NativeGroupNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, groups, eps):
        a = x._data
        n, c = a.shape[:2]
        blocks = a.reshape(n, groups, -1)
        mean = blocks.mean(axis=-1, keepdims=True, dtype=np.float64)
        var = np.square(blocks - mean).mean(axis=-1, keepdims=True)
        out = ((blocks - mean.astype(a.dtype)) * (1.0 / np.sqrt(var + eps)).astype(a.dtype)).reshape(a.shape)
        channel = (1, c) + (1,) * (a.ndim - 2)
        if weight is not None:
            out *= weight._data.reshape(channel)
        if bias is not None:
            out += bias._data.reshape(channel)
        ctx.save_for_backward(x, weight)
        ctx.groups, ctx.eps = groups, eps
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        n, c = x.shape[:2]
        channel, dims = (1, c) + (1,) * (x.ndim - 2), (0,) + tuple(range(2, x.ndim))
        xhat, invstd = _normalized(x.reshape(n, ctx.groups, -1), (-1,), ctx.eps)
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        grad_x = grad_w = grad_b = None
        if need_x:
            gxhat = grad if weight is None else grad * weight.reshape(channel)
            grad_x = _norm_input_grad(gxhat.reshape(n, ctx.groups, -1), xhat, invstd, (-1,)).reshape(x.shape)
        if need_w:
            grad_w = (grad * xhat.reshape(x.shape)).sum(dims)
        if need_b:
            grad_b = grad.sum(dims)
        return grad_x, grad_w, grad_b, None, None


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):  # noqa: A002
    """Normalise (N, C, *) over groups of C/num_groups channels (Wu & He, 2018), then scale and shift."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    c = input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    return NativeGroupNorm.apply(input, weight, bias, num_groups, eps)


# --- instance norm -------------------------------------------------------------------------------
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,  # noqa: A002
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    """Normalise each (sample, channel) of (N, C, *) over its positions: batch_norm of the input viewed
    as (1, N*C, *), as torch does; running statistics (if given) get the mean over the batch."""
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.size()}")
    n, c = input.shape[:2]
    repeat = lambda t: None if t is None else t.repeat(n)  # noqa: E731
    stats = repeat(running_mean), repeat(running_var)
    out = batch_norm(input.contiguous().view((1, n * c) + tuple(input.shape[2:])), *stats, repeat(weight),
                     repeat(bias), use_input_stats, momentum, eps)
    with no_grad():
        for running, repeated in zip((running_mean, running_var), stats):
            if running is not None:
                running.copy_(repeated.view(n, c).mean(0))
    return out.view(input.shape)


# --- channel dropout -----------------------------------------------------------------------------
def _feature_dropout(input, p, training, inplace, noise_shape):  # noqa: A002
    """torch's ``feature_dropout``: a mask drawn per channel, broadcast over the positions."""
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        mask = zeros((), dtype=input.dtype, device=input.device)
    else:
        mask = input.new_empty(noise_shape).bernoulli_(1 - p)
        mask.div_(1 - p)
    return input.mul_(mask) if inplace else input * mask


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of (N, C, L) or (C, L) with probability ``p``, scaling the rest by 1/(1-p)."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    noise = (input.shape[0], 1) if input.ndim == 2 else (input.shape[0], input.shape[1], 1)
    return _feature_dropout(input, p, training, inplace, noise)


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of (N, C, H, W) with probability ``p``, scaling the rest by 1/(1-p). As in
    torch, a 3-D input is taken as (N, C, L) (with a warning)."""
    _check_p(p)
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on "
                      "inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
    noise = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _feature_dropout(input, p, training, inplace, noise)
