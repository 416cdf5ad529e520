"""``Parameter``: a Tensor that a Module registers as one of its learnable weights.

Assigning a Parameter as a Module attribute (``self.weight = Parameter(...)``) adds it to
``module.parameters()``; assigning a plain Tensor does not. Otherwise it is an ordinary leaf
tensor that requires grad, sharing memory with the data it was made from.
"""
from ..factories import empty
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that Modules collect in ``parameters()`` (``requires_grad=True`` by default)."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise AttributeError(f"'{type(data).__name__}' object has no attribute 'detach'")
        if requires_grad and not data.dtype.is_floating_point:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        param = cls._make_subclass(data, requires_grad)
        param._share_version(data)  # same memory, so in-place changes show in both versions
        return param

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        """A new Parameter on a copy of the data; like torch, the ``.grad`` is not copied."""
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.detach().clone(), self._requires_grad)
        memo[id(self)] = result
        return result
