"""``ChannelShuffle``: interleave the channels of ``groups`` groups (``F.channel_shuffle``)."""
from .. import functional as F
from .module import Module

__all__ = ["ChannelShuffle"]


class ChannelShuffle(Module):
    """(N, C, *) -> (N, C, *), C split into ``groups`` groups whose channels are interleaved."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):  # noqa: A002 - torch's parameter name
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
