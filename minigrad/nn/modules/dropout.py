"""``Dropout``, ``Dropout1d``, ``Dropout2d``: randomly zero activations (whole channels for the 1d/2d
forms) while training (a regulariser); identity in eval."""
from .._channel_ops import dropout1d, dropout2d
from .._layer_ops import dropout
from .module import Module


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the rest by 1/(1-p)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):  # noqa: A002 - torch's parameter name
        return dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """In training, zero each channel of (N, C, L) or (C, L) with probability ``p``, scaling the rest by 1/(1-p)."""

    def forward(self, input):  # noqa: A002
        return dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(Dropout):
    """In training, zero each channel of (N, C, H, W) with probability ``p``, scaling the rest by 1/(1-p)."""

    def forward(self, input):  # noqa: A002
        return dropout2d(input, self.p, self.training, self.inplace)
