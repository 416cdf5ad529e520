"""The switches every op reads, on the ground floor so that ``tensor.py`` and the ops can import
them without importing the autograd package (which builds on ``Tensor``).

``grad_state``: grad mode, thread-local like torch's (``enabled``: whether ops record the graph;
``inference``: inside ``inference_mode``). Its switches are in ``autograd/grad_mode.py``.
``anomaly``: anomaly detection (``enabled``: record each node's creation stack; ``check_nan``:
stop backward at a NaN gradient). Its switches are in ``autograd/anomaly_mode.py``.
``capture``: ``recorder`` is the ``minigrad.compile`` recorder while a compiled region is being
captured, else None (read by ``Optimizer.step`` and the engine's leaf accumulation: one attribute
check each when not capturing; never by the ops).
``quiet_fp()`` / ``restore_fp(token)``: NumPy's floating-point warnings (overflow, invalid value,
divide by zero) are off while an op runs, since torch computes the same inf and nan silently.
"""
import functools
import threading

import numpy as np


class _GradState(threading.local):
    enabled = True
    inference = False


class _AnomalyState:
    enabled = False
    check_nan = True


class _CaptureState:
    recorder = None


grad_state = _GradState()
anomaly = _AnomalyState()
capture = _CaptureState()


try:  # NumPy >= 2 keeps its floating-point error state in a context variable: setting it directly
    # costs a tenth of entering ``np.errstate`` (which every op would pay)
    from numpy._core._ufunc_config import _extobj_contextvar as _fp_state
    from numpy._core.umath import _make_extobj

    _QUIET = _make_extobj(all="ignore")

    quiet_fp = functools.partial(_fp_state.set, _QUIET)  # C callables: no Python frame per op
    restore_fp = _fp_state.reset
except ImportError:  # another NumPy: the public way
    def quiet_fp():
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def restore_fp(state):
        state.__exit__(None, None, None)
