"""Utilities outside the tensor core: ``minigrad.utils.data`` (datasets, samplers, DataLoader) and
``minigrad.utils.graph`` (drawing an autograd graph)."""
from . import data

__all__ = ["data"]


def _typename(obj):
    """torch.typename: ``'torch.FloatTensor'`` for a tensor, else the dotted name of the object's type."""
    from ..tensor import Tensor
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module, qualname = type(obj).__module__, type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"
