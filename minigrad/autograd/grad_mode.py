"""Grad mode: whether ops record the graph. Thread-local, like torch.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` work both as context
managers and as decorators.
"""
import functools

from .._modes import grad_state as _state

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


def is_grad_enabled():
    """True when new ops record the autograd graph in this thread."""
    return _state.enabled


def is_inference_mode_enabled():
    return _state.inference


class _GradModeContext:
    """Base of the grad-mode switches: a context manager that also decorates functions."""

    _enabled = True
    _inference = False

    def __enter__(self):
        self._prev = (_state.enabled, _state.inference)
        _state.enabled = self._enabled
        _state.inference = self._inference if not self._enabled else _state.inference
        return None

    def __exit__(self, *exc):
        _state.enabled, _state.inference = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_GradModeContext):
    """Disable graph recording: results have ``requires_grad=False``."""

    _enabled = False


class enable_grad(_GradModeContext):
    """Re-enable graph recording inside a ``no_grad`` block."""

    _enabled = True


class set_grad_enabled(_GradModeContext):
    """Set grad mode to ``mode``; takes effect immediately, like torch, and reverts on exit."""

    def __init__(self, mode):
        self._enabled = bool(mode)
        self._prev = (_state.enabled, _state.inference)
        _state.enabled = self._enabled

    def __enter__(self):
        return None

    def clone(self):
        return self.__class__(self._enabled)


class inference_mode(_GradModeContext):
    """Like ``no_grad``, and the tensors made inside are *inference tensors* (``is_inference()``):
    outside, autograd refuses to save them, to let them require grad or to change them in place,
    as torch does. ``mode=False`` is a no-op."""

    def __init__(self, mode=True):
        self._mode = bool(mode)
        self._enabled = not self._mode
        self._inference = self._mode

    def __enter__(self):
        self._prev = (_state.enabled, _state.inference)
        if self._mode:
            _state.enabled, _state.inference = False, True
        return None

    def clone(self):
        return self.__class__(self._mode)
