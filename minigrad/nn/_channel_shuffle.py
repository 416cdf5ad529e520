"""``F.channel_shuffle`` (Zhang et al. 2018, "ShuffleNet"): split the C channels (dim 1) into ``groups``
groups and interleave them, so the next grouped convolution mixes information across groups:

    (N, C, *) -> view (N, groups, C/groups, *) -> swap dims 1 and 2 -> (N, C, *)

It permutes the channels, so its gradient permutes them back: the inverse shuffle is the same op with
C/groups groups. ``native_channel_shuffle`` is the same forward without a derivative in torch: its node
is ``torch::autograd::NotImplemented`` and backward raises, here as there.
"""
import numpy as np

from ..autograd.function import BuiltinFunction


class ChannelShuffle(BuiltinFunction):
    """out[:, i*g + j] = a[:, j*(C/g) + i]; d/da = channel_shuffle(g, C/g groups)"""

    @staticmethod
    def forward(ctx, a, groups):
        x = a._data
        n, c = x.shape[:2]
        ctx.groups, ctx.channels = groups, c
        swapped = np.swapaxes(x.reshape(n, groups, c // groups, *x.shape[2:]), 1, 2)
        return np.ascontiguousarray(swapped, like=x).reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        return ChannelShuffle.apply(grad, ctx.channels // ctx.groups), None


class NativeChannelShuffle(ChannelShuffle):
    """The same forward; torch defines no derivative for it, so backward raises its error"""

    _name = "torch::autograd::NotImplemented"

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::native_channel_shuffle is not implemented")


def _check(input, groups):  # noqa: A002
    """torch's checks: at least 3 dims, groups > 0, channels divisible by groups (RuntimeError)."""
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {input.shape[1]} channels and "
                           f"{groups} groups.")


def channel_shuffle(input, groups):  # noqa: A002 - torch's parameter name
    """input (N, C, *) with at least 3 dims -> same shape, channels interleaved across ``groups`` groups.
    Raises RuntimeError for fewer dims, groups <= 0, or C not divisible by groups (torch's messages)."""
    _check(input, groups)
    return ChannelShuffle.apply(input, groups)


def native_channel_shuffle(input, groups):  # noqa: A002
    """``channel_shuffle`` without a derivative (backward raises RuntimeError, as in torch)."""
    _check(input, groups)
    return NativeChannelShuffle.apply(input, groups)
