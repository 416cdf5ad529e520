"""Confusion matrices: ``[i, j]`` counts the elements of true class ``i`` predicted as class ``j``.

Binary: 2x2 ``[[tn, fp], [fn, tp]]``; multiclass: C x C; multilabel: one 2x2 per label (L, 2, 2).
``normalize='true'`` divides each row by its sum, ``'pred'`` each column, ``'all'`` the whole
matrix (float32 then; 0/0 becomes 0 with a warning, as in torchmetrics).
"""
import warnings

import numpy as np

from .. import dtypes as _dt
from ..factories import zeros
from ..tensor import Tensor
from ._stat_scores import as_array, binary_counts, confusion, multilabel_counts
from .classification import _check_count, _check_ignore_index, _check_threshold, _for_task
from .metric import Metric, _state_add

_NORMALIZE = ("true", "pred", "all", "none", None)


def _normalized(confmat, normalize):
    if normalize is None or normalize == "none":
        return confmat
    confmat = confmat.astype(np.float32)
    axis = {"true": -1, "pred": -2, "all": (-2, -1)}[normalize]
    with np.errstate(divide="ignore", invalid="ignore"):
        confmat = confmat / confmat.sum(axis=axis, keepdims=True)
    nans = np.isnan(confmat)
    if nans.any():
        confmat[nans] = 0
        warnings.warn(f"{int(nans.sum())} NaN values found in confusion matrix have been replaced with zeros.",
                      UserWarning, stacklevel=3)
    return confmat


class _ConfusionMatrix(Metric):
    is_differentiable = False
    higher_is_better = None
    full_state_update = False

    def __init__(self, shape, ignore_index, normalize, validate_args, **kwargs):
        super().__init__(**kwargs)
        if validate_args:
            _check_ignore_index(ignore_index)
            if normalize not in _NORMALIZE:
                raise ValueError(f"Expected argument `normalize` to be one of {_NORMALIZE}, but got {normalize}.")
        self.ignore_index, self.normalize, self.validate_args = ignore_index, normalize, validate_args
        self.add_state("confmat", zeros(shape, dtype=_dt.int64), dist_reduce_fx="sum")

    def update(self, preds, target):
        _state_add(self, "confmat", self._confmat(as_array(preds), as_array(target)))

    def compute(self):
        return Tensor._wrap(_normalized(self.confmat._data, self.normalize))


class BinaryConfusionMatrix(_ConfusionMatrix):
    def __init__(self, threshold=0.5, ignore_index=None, normalize=None, validate_args=True, **kwargs):
        if validate_args:
            _check_threshold(threshold)
        super().__init__((2, 2), ignore_index, normalize, validate_args, **kwargs)
        self.threshold = threshold

    def _confmat(self, preds, target):
        tp, fp, tn, fn = binary_counts(preds, target, self.threshold, self.ignore_index, self.validate_args)
        return np.array([[tn, fp], [fn, tp]])


class MulticlassConfusionMatrix(_ConfusionMatrix):
    def __init__(self, num_classes, ignore_index=None, normalize=None, validate_args=True, **kwargs):
        if validate_args:
            _check_count("num_classes", num_classes)
        super().__init__((num_classes, num_classes), ignore_index, normalize, validate_args, **kwargs)
        self.num_classes = num_classes

    def _confmat(self, preds, target):
        return confusion(preds, target, self.num_classes, 1, self.ignore_index, self.validate_args)


class MultilabelConfusionMatrix(_ConfusionMatrix):
    def __init__(self, num_labels, threshold=0.5, ignore_index=None, normalize=None, validate_args=True, **kwargs):
        if validate_args:
            _check_count("num_labels", num_labels)
            _check_threshold(threshold, multilabel=True)
        super().__init__((num_labels, 2, 2), ignore_index, normalize, validate_args, **kwargs)
        self.num_labels, self.threshold = num_labels, threshold

    def _confmat(self, preds, target):
        tp, fp, tn, fn = multilabel_counts(preds, target, self.num_labels, self.threshold, self.ignore_index,
                                           self.validate_args)
        return np.stack([np.stack([tn, fp], -1), np.stack([fn, tp], -1)], -2)


class ConfusionMatrix:
    """``ConfusionMatrix(task, threshold=0.5, num_classes=None, num_labels=None, normalize=None,
    ignore_index=None)``: a Binary-, Multiclass- or MultilabelConfusionMatrix."""

    def __new__(cls, task, threshold=0.5, num_classes=None, num_labels=None, normalize=None, ignore_index=None,
                validate_args=True, **kwargs):
        kwargs.update(normalize=normalize, ignore_index=ignore_index, validate_args=validate_args)
        return _for_task(task, num_classes, num_labels, 1,
                         lambda: BinaryConfusionMatrix(threshold, **kwargs),
                         lambda: MulticlassConfusionMatrix(num_classes, **kwargs),
                         lambda: MultilabelConfusionMatrix(num_labels, threshold, **kwargs))
