"""``Metric``: a value accumulated over batches, shaped like ``torchmetrics.Metric``.

A metric keeps *states* (tensors or lists declared with ``add_state``), changes them in
``update(preds, target)`` and turns them into the value in ``compute()``. ``reset()`` restores the
declared defaults. Calling the metric (``metric(preds, target)``) returns the value on that batch
alone *and* adds the batch to the accumulated states, as torchmetrics' ``forward`` does.
"""
import functools
import warnings

import numpy as np

from ..ops.shape import cat, stack
from ..tensor import Tensor

__all__ = ["Metric"]


def _merge(reduce_fx, accumulated, batch, update_count):
    """The state after adding ``batch``'s state to the ``accumulated`` one."""
    if reduce_fx == "sum":
        return accumulated + batch
    if reduce_fx == "mean":
        return ((update_count - 1) * accumulated + batch).float() / update_count
    if reduce_fx == "max":
        return accumulated.maximum(batch)
    if reduce_fx == "min":
        return accumulated.minimum(batch)
    if reduce_fx == "cat":
        return cat([accumulated, batch]) if isinstance(accumulated, Tensor) else accumulated + batch
    if reduce_fx is None:
        return stack([accumulated, batch]) if isinstance(accumulated, Tensor) else accumulated + batch
    raise TypeError(f"Unsupported reduce_fn: {reduce_fx}")


class Metric:
    """Base class: subclasses call ``add_state`` in ``__init__`` and define ``update`` and ``compute``."""

    is_differentiable = None
    higher_is_better = None
    full_state_update = None

    def __init__(self, **kwargs):
        self._defaults = {}
        self._reductions = {}
        self._update_count = 0
        self._computed = None
        self.update = self._wrap_update(self.update)
        self.compute = self._wrap_compute(self.compute)

    def add_state(self, name, default, dist_reduce_fx=None, persistent=False):
        """Declare a state: a tensor or an empty list, restored by ``reset()``; ``dist_reduce_fx``
        ('sum', 'mean', 'max', 'min', 'cat' or None) says how batch states combine."""
        if not isinstance(default, Tensor) and not (isinstance(default, list) and len(default) == 0):
            raise ValueError("state variable must be a tensor or any empty list (where you can append tensors)")
        if dist_reduce_fx not in ("sum", "mean", "max", "min", "cat", None):
            raise ValueError("`dist_reduce_fx` must be callable or one of ['mean', 'sum', 'cat', 'min', 'max', None]")
        self._defaults[name] = default.detach().clone() if isinstance(default, Tensor) else []
        self._reductions[name] = dist_reduce_fx
        setattr(self, name, self._defaults[name].clone() if isinstance(default, Tensor) else [])

    def update(self, *args, **kwargs):
        raise NotImplementedError

    def compute(self):
        raise NotImplementedError

    def _wrap_update(self, update):
        @functools.wraps(update)
        def wrapped(*args, **kwargs):
            self._computed = None
            self._update_count += 1
            return update(*args, **kwargs)
        return wrapped

    def _wrap_compute(self, compute):
        @functools.wraps(compute)
        def wrapped(*args, **kwargs):
            if self._update_count == 0:
                warnings.warn(f"The ``compute`` method of metric {self.__class__.__name__} was called before the "
                              "``update`` method which may lead to errors, as metric states have not yet been "
                              "updated.", UserWarning, stacklevel=2)
            if self._computed is None:
                value = compute(*args, **kwargs)
                if isinstance(value, Tensor) and value.numel() == 1:
                    value = value.reshape(())
                self._computed = value
            return self._computed
        return wrapped

    def reset(self):
        """Back to the declared defaults, as if no batch had been seen."""
        self._update_count = 0
        self._computed = None
        for name, default in self._defaults.items():
            setattr(self, name, default.clone() if isinstance(default, Tensor) else [])

    def forward(self, *args, **kwargs):
        """The metric on this batch alone; the batch is also added to the accumulated states."""
        accumulated = {name: getattr(self, name) for name in self._defaults}
        update_count = self._update_count
        self.reset()
        self.update(*args, **kwargs)
        batch_value = self.compute()
        self._update_count = update_count + 1
        for name, reduce_fx in self._reductions.items():
            setattr(self, name, _merge(reduce_fx, accumulated[name], getattr(self, name), self._update_count))
        self._computed = None
        return batch_value

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


def _state_add(metric, name, array):
    """Add a NumPy array to a tensor state, keeping the state's dtype (torchmetrics' ``+=``)."""
    state = getattr(metric, name)
    setattr(metric, name, Tensor._wrap((state._data + np.asarray(array)).astype(state.dtype.np)))
