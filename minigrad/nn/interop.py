"""Optional conversion of state dicts between minigrad and torch (torch is imported only here,
only when called), e.g. to load torch-trained weights into the same architecture in minigrad::

    model.load_state_dict(from_torch_state_dict(torch_model.state_dict()))

Both functions walk nested dicts, lists and tuples (so optimizer state dicts convert too) and
copy each tensor through NumPy, keeping dtype, shape and requires_grad; other values pass through.
"""
from collections import OrderedDict

from ..tensor import Tensor


def _convert(obj, is_source, make):
    if is_source(obj):
        return make(obj)
    if isinstance(obj, dict):
        items = [(k, _convert(v, is_source, make)) for k, v in obj.items()]
        return OrderedDict(items) if isinstance(obj, OrderedDict) else dict(items)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_convert(v, is_source, make) for v in obj)
    return obj


def to_torch_state_dict(state_dict):
    """minigrad tensors -> torch tensors (on the CPU)."""
    import torch

    def make(t):
        return torch.from_numpy(t.detach().cpu().numpy().copy()).requires_grad_(t.requires_grad)

    return _convert(state_dict, lambda x: isinstance(x, Tensor), make)


def from_torch_state_dict(state_dict):
    """torch tensors -> minigrad tensors (on the CPU)."""
    import torch

    def make(t):
        return Tensor._wrap(t.detach().cpu().numpy().copy()).requires_grad_(t.requires_grad)

    return _convert(state_dict, lambda x: isinstance(x, torch.Tensor), make)
