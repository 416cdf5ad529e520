"""``detect_anomaly``: remember where each op was created, and stop backward at a NaN gradient.

Under ``detect_anomaly()`` every recorded node keeps the Python stack of the forward call that
created it (minigrad's own frames at its end left out). When a node's backward returns a gradient
containing NaN, backward stops as torch's does: a ``UserWarning`` shows that stack ("Error detected
in SqrtBackward0. Traceback of forward call that caused the error: ...") and a ``RuntimeError``
names the node ("Function 'SqrtBackward0' returned nan values in its 0th output."). An infinite
gradient is not an anomaly: torch does not check for it either.
"""
import functools
import os
import traceback
import warnings

import numpy as np

from .._backend import host
from .._modes import anomaly as _anomaly

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # .../minigrad/


class detect_anomaly:
    """Context manager (or decorator) that turns anomaly detection on; see the module docstring."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self._prev = (_anomaly.enabled, _anomaly.check_nan)
        _anomaly.enabled, _anomaly.check_nan = True, self.check_nan

    def __exit__(self, *exc):
        _anomaly.enabled, _anomaly.check_nan = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off now; as a context manager, restore the previous state on exit."""

    def __init__(self, mode, check_nan=True):
        self._prev = (_anomaly.enabled, _anomaly.check_nan)
        _anomaly.enabled, _anomaly.check_nan = bool(mode), bool(check_nan)

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        _anomaly.enabled, _anomaly.check_nan = self._prev
        return False


def is_anomaly_enabled():
    return _anomaly.enabled


def is_anomaly_check_nan_enabled():
    return _anomaly.check_nan


def creation_stack():
    """The current stack as torch prints it, up to the user's call into minigrad."""
    frames = traceback.extract_stack()
    while frames and frames[-1].filename.startswith(_PACKAGE):
        frames.pop()
    return "".join(traceback.format_list(frames))


def check_gradients(node, grads):
    """Called by the engine on each node's gradients: torch's warning and error at the first NaN."""
    if not _anomaly.check_nan:
        return
    for i, g in enumerate(grads):
        if g is not None and g.dtype.is_floating_point and bool(np.isnan(host(g._data)).any()):
            if node._trace is None:
                where = ("No forward pass information available. Enable detect anomaly during forward pass for more "
                         "information.")
            else:
                where = f"Traceback of forward call that caused the error:\n{node._trace}"
            warnings.warn(f"Error detected in {node.name()}. {where}", stacklevel=2)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
