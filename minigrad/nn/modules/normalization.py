"""``LayerNorm``: normalise each sample over its last dims, then scale and shift (learned).
``RMSNorm``: divide each sample by its root mean square over its last dims, then scale (learned)."""
import numbers

from ...factories import empty
from .._layer_ops import layer_norm
from .._rms_norm import rms_norm
from ..parameter import Parameter
from ._affine import register_affine, reset_affine
from .module import Module


class LayerNorm(Module):
    """Normalises over the trailing dims ``normalized_shape`` (mean 0, variance 1 per sample) with
    optional elementwise ``weight`` (ones) and ``bias`` (zeros). Same in training and eval."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        register_affine(self, self.normalized_shape, elementwise_affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, input):  # noqa: A002 - torch's parameter name
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Module):
    """y = x / sqrt(mean(x**2) + eps) * weight over the trailing dims ``normalized_shape``, with an optional
    elementwise ``weight`` (ones). ``eps=None`` uses the input dtype's machine epsilon, as in torch."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        weight = Parameter(empty(self.normalized_shape, device=device, dtype=dtype)) if elementwise_affine else None
        self.register_parameter("weight", weight)  # (no bias: RMSNorm has none, not even a None one)
        self.reset_parameters()

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, x):
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
