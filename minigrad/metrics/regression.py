"""Regression metrics: mean squared error (or its root), mean absolute error, R^2."""
import warnings

import numpy as np

from ..factories import tensor, zeros
from ..tensor import Size, Tensor
from ._stat_scores import as_array
from .metric import Metric, _state_add


def _check_same_shape(preds, target):
    if preds.shape != target.shape:
        raise RuntimeError(f"Predictions and targets are expected to have the same shape, but got {Size(preds.shape)}"
                           f" and {Size(target.shape)}.")


def _flat_if_one_output(preds, target, num_outputs):
    _check_same_shape(preds, target)
    return (preds.reshape(-1), target.reshape(-1)) if num_outputs == 1 else (preds, target)


def squared_error_sum(preds, target, num_outputs=1):
    """(sum of squared differences per output, number of observations)."""
    preds, target = _flat_if_one_output(preds, target, num_outputs)
    diff = preds - target
    return np.sum(diff * diff, axis=0), target.shape[0]


def absolute_error_sum(preds, target, num_outputs=1):
    """(sum of absolute differences per output, number of observations)."""
    preds, target = _flat_if_one_output(preds, target, num_outputs)
    return np.sum(np.abs(preds - target), axis=0), target.shape[0]


def r2_sums(preds, target):
    """Per output: sum of squared targets, sum of targets, residual sum of squares; and the count."""
    _check_same_shape(preds, target)
    if preds.ndim > 2:
        raise ValueError("Expected both prediction and target to be 1D or 2D tensors, but received tensors with "
                         f"dimension {Size(preds.shape)}")
    residual = target - preds
    return np.sum(target * target, axis=0), np.sum(target, axis=0), np.sum(residual * residual, axis=0), \
        target.shape[0]


def r2_from_sums(sum_squared_obs, sum_obs, rss, num_obs, adjusted=0, multioutput="uniform_average"):
    """R^2 = 1 - rss / tss per output (1 when both are ~0, 0 when only tss is ~0), then combined."""
    if num_obs < 2:
        raise ValueError("Needs at least two samples to calculate r2 score.")
    mean_obs = sum_obs / num_obs
    tss = sum_squared_obs - sum_obs * mean_obs
    cond_rss = ~np.isclose(rss, 0, rtol=1e-5, atol=1e-4)
    cond_tss = ~np.isclose(tss, 0, rtol=1e-5, atol=1e-4)
    cond = cond_rss & cond_tss
    raw = np.ones_like(rss)
    raw[cond] = 1 - rss[cond] / tss[cond]
    raw[cond_rss & ~cond_tss] = 0.0
    if multioutput == "raw_values":
        r2 = raw
    elif multioutput == "uniform_average":
        r2 = np.mean(raw)
    elif multioutput == "variance_weighted":
        r2 = np.sum(tss / np.sum(tss) * raw)
    else:
        raise ValueError("Argument `multioutput` must be either `raw_values`, `uniform_average` or "
                         f"`variance_weighted`. Received {multioutput}.")
    if adjusted < 0 or not isinstance(adjusted, int):
        raise ValueError("`adjusted` parameter should be an integer larger or equal to 0.")
    if adjusted != 0:
        if adjusted > num_obs - 1:
            warnings.warn("More independent regressions than data points in adjusted r2 score. Falls back to "
                          "standard r2 score.", UserWarning, stacklevel=3)
        elif adjusted == num_obs - 1:
            warnings.warn("Division by zero in adjusted r2 score. Falls back to standard r2 score.", UserWarning,
                          stacklevel=3)
        else:
            return 1 - (1 - r2) * (num_obs - 1) / (num_obs - adjusted - 1)
    return r2


class MeanSquaredError(Metric):
    """Mean squared error; ``squared=False`` gives its root (RMSE)."""

    is_differentiable = True
    higher_is_better = False
    full_state_update = False

    def __init__(self, squared=True, num_outputs=1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(squared, bool):
            raise ValueError(f"Expected argument `squared` to be a boolean but got {squared}")
        if not (isinstance(num_outputs, int) and num_outputs > 0):
            raise ValueError(f"Expected num_outputs to be a positive integer but got {num_outputs}")
        self.squared, self.num_outputs = squared, num_outputs
        self.add_state("sum_squared_error", zeros(num_outputs), dist_reduce_fx="sum")
        self.add_state("total", tensor(0), dist_reduce_fx="sum")

    def update(self, preds, target):
        sse, n = squared_error_sum(as_array(preds), as_array(target), self.num_outputs)
        _state_add(self, "sum_squared_error", sse)
        _state_add(self, "total", n)

    def compute(self):
        mse = self.sum_squared_error / self.total
        return mse if self.squared else mse.sqrt()


class MeanAbsoluteError(Metric):
    """Mean absolute error."""

    is_differentiable = True
    higher_is_better = False
    full_state_update = False

    def __init__(self, num_outputs=1, **kwargs):
        super().__init__(**kwargs)
        if not (isinstance(num_outputs, int) and num_outputs > 0):
            raise ValueError(f"Expected num_outputs to be a positive integer but got {num_outputs}")
        self.num_outputs = num_outputs
        self.add_state("sum_abs_error", zeros(num_outputs), dist_reduce_fx="sum")
        self.add_state("total", tensor(0), dist_reduce_fx="sum")

    def update(self, preds, target):
        sae, n = absolute_error_sum(as_array(preds), as_array(target), self.num_outputs)
        _state_add(self, "sum_abs_error", sae)
        _state_add(self, "total", n)

    def compute(self):
        return self.sum_abs_error / self.total


class R2Score(Metric):
    """Coefficient of determination R^2 (``multioutput``: 'uniform_average', 'raw_values',
    'variance_weighted'; ``adjusted``: number of regressors for the adjusted R^2)."""

    is_differentiable = True
    higher_is_better = True
    full_state_update = False

    def __init__(self, adjusted=0, multioutput="uniform_average", **kwargs):
        super().__init__(**kwargs)
        if adjusted < 0 or not isinstance(adjusted, int):
            raise ValueError("`adjusted` parameter should be an integer larger or equal to 0.")
        allowed = ("raw_values", "uniform_average", "variance_weighted")
        if multioutput not in allowed:
            raise ValueError(f"Invalid input to argument `multioutput`. Choose one of the following: {allowed}")
        self.adjusted, self.multioutput = adjusted, multioutput
        for name in ("sum_squared_error", "sum_error", "residual"):
            self.add_state(name, tensor(0.0), dist_reduce_fx="sum")
        self.add_state("total", tensor(0), dist_reduce_fx="sum")

    def update(self, preds, target):
        """Unlike MSE's, these states take the inputs' dtype (torchmetrics adds out of place)."""
        sum_sq, sum_obs, rss, n = r2_sums(as_array(preds), as_array(target))
        for name, value in (("sum_squared_error", sum_sq), ("sum_error", sum_obs), ("residual", rss)):
            setattr(self, name, getattr(self, name) + Tensor._wrap(np.asarray(value)))
        _state_add(self, "total", n)

    def compute(self):
        r2 = r2_from_sums(self.sum_squared_error._data, self.sum_error._data, self.residual._data,
                          self.total.item(), self.adjusted, self.multioutput)
        return Tensor._wrap(np.asarray(r2))
