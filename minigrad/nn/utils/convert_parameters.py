"""Flatten parameters into one vector and back (used e.g. by second-order methods)."""
from ...ops.shape import cat
from ...tensor import Tensor
from ...factories import typename as _typename


def parameters_to_vector(parameters):
    """All ``parameters`` flattened and concatenated into one 1-D tensor (differentiable)."""
    device = None
    vec = []
    for param in parameters:
        device = _check_same_device(param, device)
        vec.append(param.view(-1))
    return cat(vec)


def vector_to_parameters(vec, parameters):
    """Make each parameter's data the matching slice of ``vec`` (sharing ``vec``'s memory, like torch)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    device = None
    pointer = 0
    for param in parameters:
        device = _check_same_device(param, device)
        n = param.numel()
        param.data = vec[pointer:pointer + n].view_as(param).data
        pointer += n


def _check_same_device(param, first_device):
    if first_device is not None and param.device != first_device:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return param.device
