"""``AlphaDropout`` and ``FeatureAlphaDropout``: dropout for self-normalizing (SELU) networks that keeps
the activations' mean and variance (``F.alpha_dropout``); the identity in eval."""
from .. import functional as F
from .module import Module

__all__ = ["AlphaDropout", "FeatureAlphaDropout"]


class _AlphaDropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class AlphaDropout(_AlphaDropoutNd):
    """In training, set each element to SELU's saturation value with probability ``p``, then rescale."""

    def forward(self, input):  # noqa: A002 - torch's parameter name
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_AlphaDropoutNd):
    """In training, alpha-drop whole channels (dim 1) with probability ``p``; input (N, C, *)."""

    def forward(self, input):  # noqa: A002
        return F.feature_alpha_dropout(input, self.p, self.training)
