"""``GroupNorm`` (Wu & He, 2018; torch/nn/modules/normalization.py): normalise each sample over
groups of channels, then a learned per-channel scale and shift. Same in training and eval."""
from .._channel_ops import group_norm
from ._affine import register_affine, reset_affine
from .module import Module


class GroupNorm(Module):
    """(N, C, *) normalised over each of ``num_groups`` groups of C/num_groups channels; weight (ones)
    and bias (zeros) of size C. ValueError when ``num_channels`` is not divisible by ``num_groups``."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        register_affine(self, num_channels, affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, input):  # noqa: A002 - torch's parameter name
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
