"""Functional forms of the metrics: one call on one batch, no accumulated state.

The classification functions build the task's metric object and compute it once; the regression
ones compute in the inputs' dtype (like torchmetrics' functional API, unlike its float32 classes).
"""
import numpy as np

from ..tensor import Tensor
from ._stat_scores import as_array
from .classification import Accuracy, F1Score, FBetaScore, Precision, Recall
from .confusion_matrix import ConfusionMatrix
from .regression import absolute_error_sum, r2_from_sums, r2_sums, squared_error_sum

__all__ = ["accuracy", "precision", "recall", "fbeta_score", "f1_score", "confusion_matrix", "mean_squared_error",
           "mean_absolute_error", "r2_score"]


def _once(metric, preds, target):
    metric.update(preds, target)
    return metric.compute()


def accuracy(preds, target, task, threshold=0.5, num_classes=None, num_labels=None, average="micro",
             multidim_average="global", top_k=1, ignore_index=None, validate_args=True):
    return _once(Accuracy(task, threshold, num_classes, num_labels, average, multidim_average, top_k, ignore_index,
                          validate_args), preds, target)


def precision(preds, target, task, threshold=0.5, num_classes=None, num_labels=None, average="micro",
              multidim_average="global", top_k=1, ignore_index=None, validate_args=True, zero_division=0):
    return _once(Precision(task, threshold, num_classes, num_labels, average, multidim_average, top_k, ignore_index,
                           validate_args, zero_division=zero_division), preds, target)


def recall(preds, target, task, threshold=0.5, num_classes=None, num_labels=None, average="micro",
           multidim_average="global", top_k=1, ignore_index=None, validate_args=True, zero_division=0):
    return _once(Recall(task, threshold, num_classes, num_labels, average, multidim_average, top_k, ignore_index,
                        validate_args, zero_division=zero_division), preds, target)


def fbeta_score(preds, target, task, beta=1.0, threshold=0.5, num_classes=None, num_labels=None, average="micro",
                multidim_average="global", top_k=1, ignore_index=None, validate_args=True, zero_division=0):
    return _once(FBetaScore(task, beta, threshold, num_classes, num_labels, average, multidim_average, top_k,
                            ignore_index, validate_args, zero_division), preds, target)


def f1_score(preds, target, task, threshold=0.5, num_classes=None, num_labels=None, average="micro",
             multidim_average="global", top_k=1, ignore_index=None, validate_args=True, zero_division=0):
    return _once(F1Score(task, threshold, num_classes, num_labels, average, multidim_average, top_k, ignore_index,
                         validate_args, zero_division), preds, target)


def confusion_matrix(preds, target, task, threshold=0.5, num_classes=None, num_labels=None, normalize=None,
                     ignore_index=None, validate_args=True):
    return _once(ConfusionMatrix(task, threshold, num_classes, num_labels, normalize, ignore_index, validate_args),
                 preds, target)


def mean_squared_error(preds, target, squared=True, num_outputs=1):
    sse, n = squared_error_sum(as_array(preds), as_array(target), num_outputs)
    mse = sse / n
    return Tensor._wrap(np.asarray(mse if squared else np.sqrt(mse)))


def mean_absolute_error(preds, target, num_outputs=1):
    sae, n = absolute_error_sum(as_array(preds), as_array(target), num_outputs)
    return Tensor._wrap(np.asarray(sae / n))


def r2_score(preds, target, adjusted=0, multioutput="uniform_average"):
    return Tensor._wrap(np.asarray(r2_from_sums(*r2_sums(as_array(preds), as_array(target)), adjusted, multioutput)))
