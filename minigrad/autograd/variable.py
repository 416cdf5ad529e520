"""``torch.autograd.Variable``: the pre-0.4 wrapper, kept by torch for old scripts. Since torch 0.4
every Tensor is a Variable: ``Variable(t, requires_grad=True)`` returns a new tensor sharing ``t``'s
data (detached from ``t``'s graph) with ``requires_grad`` set, and ``isinstance(x, Variable)`` is
``isinstance(x, Tensor)`` (torch/autograd/variable.py, torch/csrc/autograd/python_legacy_variable.cpp)."""
import warnings

from ..factories import empty
from ..tensor import Tensor


class VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, Tensor)


class Variable(metaclass=VariableMeta):
    """``Variable(data=None, requires_grad=False, volatile=False)`` -> a Tensor (see the module docstring).

    Raises TypeError when ``data`` is not a Tensor, RuntimeError for ``requires_grad`` on an integer tensor."""

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            if not data.dtype.is_floating_point:
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            out._requires_grad = True
        return out
