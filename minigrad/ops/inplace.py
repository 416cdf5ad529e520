"""In-place ops (``add_``, ``fill_``, ``copy_``, ``x[i] = v``, ``uniform_``, ...): writing into a
tensor's own memory, and rebasing its history when it is part of a graph.

Without a graph to record, an in-place op writes the array directly. With one (grad mode on, and
the tensor or the value requires grad), the op runs *out of place* on a copy of the old value, the
result is written into the tensor's memory, and the tensor takes the new node as its ``grad_fn``:
torch's history rebase. Either way the tensor's version counter goes up, so a node that saved
the old value refuses to run backward (``Function.saved_tensors``).

A leaf that requires grad may not be changed in place while grad mode is on (torch's error).
"""
import numpy as np

from .._backend import to_device
from .._modes import grad_state as _grad_state
from ..random import _resolve
from ..tensor import Tensor, _wrap
from ..dtypes import check_fits
from ._util import as_array, broadcast_error


def check(t):
    """torch's errors for an in-place change of a leaf that requires grad (outside no_grad) and of
    an inference tensor (outside inference_mode)."""
    if t._requires_grad and t.grad_fn is None and _grad_state.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if t.is_inference() and not _grad_state.inference:
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
                           "clone to get a normal tensor before doing inplace update.See "
                           "https://github.com/pytorch/rfcs/pull/17 for more details.")


def modify(t, out_of_place, write_, needs_grad=False):
    """Run an in-place op on ``t``: ``write_()`` changes the array directly; with a graph to record,
    ``out_of_place(old)`` computes the new value from a copy of the old one and ``t`` is rebased."""
    check(t)
    if _grad_state.enabled and (t._requires_grad or needs_grad):
        old = _wrap(t._data.copy(), t.dtype)
        old._requires_grad, old.grad_fn = t._requires_grad, t.grad_fn
        result = out_of_place(old)
        write(t, result._data)
        t.grad_fn, t._requires_grad = result.grad_fn, result._requires_grad
    else:
        write_()
    t._bump_version()
    return t


def write(t, array):
    """``t[...] = array`` with torch's errors (an array that would need ``t`` to grow is refused)."""
    try:
        if np.ndim(array) > t._data.ndim:  # NumPy would drop leading 1s; torch refuses
            raise ValueError
        t._data[...] = array
    except ValueError:
        try:
            shape = np.broadcast_shapes(t._data.shape, np.shape(array))
        except ValueError:
            raise broadcast_error(t._data.shape, np.shape(array)) from None
        raise RuntimeError(f"output with shape {list(t.shape)} doesn't match the broadcast shape "
                           f"{list(shape)}") from None


def apply(t, op, *args):
    """``t.op_(*args)``: ``op(t, *args)`` written back into ``t``; torch's error if ``t``'s dtype
    cannot hold the result (``int_tensor.mul_(0.5)``)."""
    def write_():
        result = op(t, *args)
        if result.dtype is not t.dtype and (result.dtype._category > t.dtype._category):
            raise RuntimeError(f"result type {result.dtype.legacy_name} can't be cast to the desired output "
                               f"type {t.dtype.legacy_name}")
        write(t, result._data)
    needs = any(isinstance(a, Tensor) and a._requires_grad for a in args)
    return modify(t, lambda old: op(old, *args).to(t.dtype), write_, needs)


def fill_(t, value):
    """Set every element to ``value`` (a number or a 0-dim tensor)."""
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} "
                           "dimensions.")
    if isinstance(value, Tensor):
        v = value._data
    else:  # a number: torch's check that it fits, then its scalar cast (-1 fills a uint8 with 255)
        check_fits(value, t.dtype, f"{t.dtype.name}_t", wrap_unsigned=True)
        v = as_array(value, t.dtype)

    def write_():
        t._data[...] = v
    return modify(t, lambda old: old * 0 + value, write_, isinstance(value, Tensor) and value._requires_grad)


def copy_(t, src):
    """Copy ``src`` into ``t``'s memory (broadcasting, casting and moving devices as needed)."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")

    def write_():
        write(t, to_device(src._data, t.device).astype(t.dtype.np, copy=False))
    return modify(t, lambda old: (old * 0 + src.to(t.device)).to(t.dtype), write_, src._requires_grad)


def fill_random(t, draw, generator):
    """``uniform_``, ``normal_``, ...: overwrite ``t`` with ``draw(generator)``, an array of values
    from ``minigrad.random`` (never recorded: torch's random fills are not differentiable)."""
    check(t)
    values = draw(_resolve(generator))
    t._data[...] = to_device(values, t.device)
    t._bump_version()
    return t
