"""``UninitializedParameter``: the placeholder of a lazy module's parameter (``LazyLinear``) whose shape
is not known until the first input arrives (torch/nn/parameter.py).

It holds an empty tensor of the right dtype and device; ``materialize(shape)`` gives it storage of that
shape and turns it into a ``Parameter``. Until then its shape cannot be read (RuntimeError) and it
prints as ``<UninitializedParameter>``. (torch's ``UninitializedBuffer`` needs ``nn.Buffer``-style
registration in ``Module.__setattr__``, which minigrad does not have yet.)
(torch also refuses every other tensor operation on them through ``__torch_function__``; minigrad has
no such dispatch, so that guard is not reproduced.)
"""
from ..factories import empty
from .parameter import Parameter


class _UninitializedTensorMixin:
    __slots__ = ()  # the same layout as the class it becomes, so ``__class__`` can be swapped
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor storage of ``shape`` (uninitialised values) and make it a ``cls_to_become``."""
        device = self.device if device is None else device
        dtype = self.dtype if dtype is None else dtype
        self.data = empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return self.__class__, (self.requires_grad,)


class UninitializedParameter(_UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is decided later (``materialize``); requires grad by default."""

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return cls._make_subclass(empty(0, device=device, dtype=dtype), requires_grad)

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, self.device, self.dtype)
        return memo[id(self)]


def is_lazy(tensor):
    """Whether ``tensor`` is still an uninitialized placeholder."""
    return isinstance(tensor, _UninitializedTensorMixin)
