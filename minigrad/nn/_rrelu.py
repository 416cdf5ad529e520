"""``F.rrelu``: the randomized leaky ReLU (Xu et al. 2015, "Empirical Evaluation of Rectified Activations
in Convolutional Network"):

    training:  y = x if x > 0 else r * x,  r ~ U(lower, upper) drawn per element
    eval:      y = x if x > 0 else x * (lower + upper) / 2

One op (torch's node is ``RreluWithNoiseBackward0``, ``...Backward1`` in place); d/dx = g * r, with
r = 1 where x > 0 (the "noise" it keeps). Draws follow torch's CPU kernel
(aten/src/ATen/native/Activation.cpp, ``_rrelu_with_noise_train``): elements are visited in order and
each x <= 0 takes one float64 uniform (``random64()``, 53 bits) scaled to [lower, upper) (bounds first
rounded to the input's precision), then rounded to that precision, so a seeded run equals torch's.
"""
import numpy as np

from .._backend import to_device
from ..autograd.function import BuiltinFunction
from ..ops import inplace as _inplace
from ..random import default_generator
from ..tensor import Tensor


class RreluWithNoise(BuiltinFunction):
    """y = x * noise with noise = 1 for x > 0, r for x <= 0 (see the module docstring); d/dx = g * noise"""

    @staticmethod
    def forward(ctx, a, lower, upper, training):
        x = a._data
        if not a.dtype.is_floating_point:
            raise NotImplementedError(f"\"rrelu_with_noise_out_cpu\" not implemented for '{a.dtype.legacy_name}'")
        negative = x <= 0
        if training:
            noise = np.ones_like(x)
            lo, hi = float(x.dtype.type(lower)), float(x.dtype.type(upper))  # the kernel's bounds: input precision
            r = default_generator._engine.uniform53(int(negative.sum())) * (hi - lo) + lo
            noise[negative] = to_device(r.astype(x.dtype), a.device)  # minigrad.random draws on the host
        else:  # leaky_relu with the mean slope (x = 0 gives 0 either way)
            noise = np.where(x > 0, 1, x.dtype.type((lower + upper) / 2)).astype(x.dtype)
        ctx.noise = noise
        return x * noise

    @staticmethod
    def backward(ctx, grad):
        return grad * Tensor._wrap(ctx.noise), None, None, None


class RreluWithNoiseInPlace(RreluWithNoise):
    """The same op run in place (torch names that node ``RreluWithNoiseBackward1``)"""

    _name = "RreluWithNoiseBackward1"


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):  # noqa: A002
    """Randomized leaky ReLU; same shape as ``input``. RuntimeError when lower > upper."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if inplace:
        return _inplace.apply(input, RreluWithNoiseInPlace.apply, lower, upper, training)
    return RreluWithNoise.apply(input, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):  # noqa: A002
    return rrelu(input, lower, upper, training, inplace=True)
