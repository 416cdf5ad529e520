"""``Bilinear``: y = x1^T W x2 + b, one learned matrix W[o] per output feature."""
import math

from ...factories import empty
from .. import init
from .._bilinear import bilinear
from ..parameter import Parameter
from .module import Module


class Bilinear(Module):
    """y[..., o] = x1 @ weight[o] @ x2 + bias[o]; weight (out, in1, in2), bias (out,).

    Initialised like torch (torch/nn/modules/linear.py): weight then bias ~ U(-1/sqrt(in1), 1/sqrt(in1)),
    drawn in that order. Raises ValueError for in1_features <= 0."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in1_features, in2_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.in1_features <= 0:
            raise ValueError(f"in1_features must be > 0, but got (in1_features={self.in1_features})")
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
