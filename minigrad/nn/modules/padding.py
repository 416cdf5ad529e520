"""Padding layers: each holds its ``padding`` amounts and calls ``F.pad`` with one mode.

``padding`` is an int (the same amount on every side) or a tuple listing amounts from the last dim
backwards: ``(left, right)`` for the 1d layers, ``(left, right, top, bottom)`` for 2d,
``(left, right, top, bottom, front, back)`` for 3d. Negative amounts crop.

* ``ConstantPad*`` fill with ``value`` (``ZeroPad*``: with 0);
* ``ReflectionPad*`` mirror the input without repeating the edge: ``[2, 1 | 0 1 2 3 | 2, 1]``;
* ``ReplicationPad*`` repeat the edge element: ``[0, 0 | 0 1 2 3 | 3, 3]``;
* ``CircularPad*`` wrap around: ``[2, 3 | 0 1 2 3 | 0, 1]``.

Source: torch/nn/modules/padding.py (same classes, reprs and input checks).
"""
from collections.abc import Iterable

from .. import functional as F
from .module import Module

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"]


def _amounts(padding, n):
    """torch's ``_ntuple(n)``: an iterable kept as a tuple, a single amount repeated ``n`` times."""
    if isinstance(padding, Iterable) and not isinstance(padding, str):
        return tuple(padding)
    return (padding,) * n


class _PadNd(Module):
    """``F.pad(input, self.padding, mode)``; subclasses set ``mode`` and the number of padded dims."""

    mode = None
    dims = None

    def __init__(self, padding):
        super().__init__()
        self.padding = _amounts(padding, 2 * self.dims)

    def forward(self, input):  # noqa: A002 - torch's parameter name
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input):  # noqa: A002
        if input.dim() not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"expected {self.dims + 1}D or {self.dims + 2}D input (got {input.dim()}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Wrap the last dim around: input (C, W) or (N, C, W)."""

    dims = 1


class CircularPad2d(_CircularPadNd):
    """Wrap the last two dims around: input (C, H, W) or (N, C, H, W)."""

    dims = 2


class CircularPad3d(_CircularPadNd):
    """Wrap the last three dims around: input (C, D, H, W) or (N, C, D, H, W)."""

    dims = 3


class _ReflectionPadNd(_PadNd):
    mode = "reflect"


class ReflectionPad1d(_ReflectionPadNd):
    """Mirror the last dim (without repeating its edge); each amount must be below that dim's size."""

    dims = 1


class ReflectionPad2d(_ReflectionPadNd):
    """Mirror the last two dims (without repeating their edges)."""

    dims = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Mirror the last three dims (without repeating their edges)."""

    dims = 3


class _ReplicationPadNd(_PadNd):
    mode = "replicate"


class ReplicationPad1d(_ReplicationPadNd):
    """Repeat the edge elements of the last dim."""

    dims = 1


class ReplicationPad2d(_ReplicationPadNd):
    """Repeat the edge elements of the last two dims."""

    dims = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Repeat the edge elements of the last three dims."""

    dims = 3


class _ConstantPadNd(_PadNd):
    mode = "constant"

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):  # noqa: A002
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Surround the last dim with ``value``."""

    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Surround the last two dims with ``value``."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Surround the last three dims with ``value``."""

    dims = 3


class ZeroPad1d(ConstantPad1d):
    """Surround the last dim with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Surround the last two dims with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Surround the last three dims with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"
