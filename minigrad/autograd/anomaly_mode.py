"""``detect_anomaly``: record where each op was created and fail on NaN gradients."""
import functools

_enabled = [False]


class detect_anomaly:
    """Context manager / decorator: backward raises naming the op whose backward made NaN."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = _enabled[0]
        _enabled[0] = self.check_nan

    def __exit__(self, *exc):
        _enabled[0] = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


def set_detect_anomaly(mode):
    _enabled[0] = bool(mode)


def is_anomaly_enabled():
    return _enabled[0]
