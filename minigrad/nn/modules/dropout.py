"""``Dropout``: randomly zeroes activations while training (a regulariser); identity in eval."""
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
