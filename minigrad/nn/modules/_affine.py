"""The learned affine part of the normalisation layers (BatchNorm, LayerNorm, GroupNorm, RMSNorm):
a per-element scale ``weight`` (initialised to ones) and shift ``bias`` (zeros), or ``None``."""
from ...factories import empty
from .. import init
from ..parameter import Parameter


def register_affine(module, shape, affine, bias=True, device=None, dtype=None):
    """Register ``weight`` and ``bias`` of ``shape`` on ``module`` (``None`` without ``affine``;
    ``bias`` None without ``bias``), uninitialised: ``reset_affine`` fills them."""
    make = (lambda: Parameter(empty(shape, device=device, dtype=dtype)))
    module.register_parameter("weight", make() if affine else None)
    module.register_parameter("bias", make() if affine and bias else None)


def reset_affine(module):
    """weight = 1, bias = 0 (those the module has; RMSNorm has no bias)."""
    if module.weight is not None:
        init.ones_(module.weight)
    if getattr(module, "bias", None) is not None:
        init.zeros_(module.bias)
