"""``LocalResponseNorm``: divide by a power of the mean square over neighbouring channels
(``F.local_response_norm``)."""
from .. import functional as F
from .module import Module

__all__ = ["LocalResponseNorm"]


class LocalResponseNorm(Module):
    """b[c] = a[c] / (k + alpha * mean of a**2 over ``size`` channels around c)**beta; input (N, C, *)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):  # noqa: A002 - torch's parameter name
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)
