"""The switches every op reads, on the ground floor so that ``tensor.py`` and the ops can import
them without importing the autograd package (which builds on ``Tensor``).

``grad_state``: grad mode, thread-local like torch's (``enabled``: whether ops record the graph;
``inference``: inside ``inference_mode``). Its switches are in ``autograd/grad_mode.py``.
``anomaly``: anomaly detection (``enabled``: record each node's creation stack; ``check_nan``:
stop backward at a NaN gradient). Its switches are in ``autograd/anomaly_mode.py``.
"""
import threading


class _GradState(threading.local):
    enabled = True
    inference = False


class _AnomalyState:
    enabled = False
    check_nan = True


grad_state = _GradState()
anomaly = _AnomalyState()
