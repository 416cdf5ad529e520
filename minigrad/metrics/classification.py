"""Accuracy, Precision, Recall, F-beta / F1 for binary, multiclass and multilabel tasks.

Each metric accumulates the counts ``tp, fp, tn, fn`` (one per class or label, or one of each for
binary) and turns them into a score in ``compute()``. ``Accuracy(task="multiclass", ...)`` returns a
``MulticlassAccuracy`` (and so on), like torchmetrics; note that the task wrappers default to
``average="micro"`` while the task classes default to ``"macro"``, as in torchmetrics.
"""
import numpy as np

from ..factories import zeros
from .. import dtypes as _dt
from ..tensor import Tensor
from ._scores import accuracy_score, fbeta_score, precision_recall_score
from ._stat_scores import as_array, binary_counts, multiclass_counts, multilabel_counts
from .metric import Metric, _state_add

_AVERAGES = ("micro", "macro", "weighted", "none", None)


def _check_common(multidim_average, ignore_index, zero_division):
    allowed = ("global", "samplewise")
    if multidim_average not in allowed:
        raise ValueError(f"Expected argument `multidim_average` to be one of {allowed}, but got {multidim_average}")
    if multidim_average == "samplewise":
        raise NotImplementedError("minigrad.metrics supports multidim_average='global' only")
    _check_ignore_index(ignore_index)
    if zero_division not in [0, 1]:
        raise ValueError(f"Expected argument `zero_division` to be 0 or 1, but got {zero_division}.")


def _check_threshold(threshold, multilabel=False):
    if not (isinstance(threshold, float) and 0 <= threshold <= 1):
        where = "" if multilabel else " in the [0,1] range"  # torchmetrics words the two differently
        raise ValueError(f"Expected argument `threshold` to be a float{where}, but got {threshold}.")


def _check_count(name, value):
    """``num_classes`` / ``num_labels``: an int of at least 2."""
    if not isinstance(value, int) or value < 2:
        raise ValueError(f"Expected argument `{name}` to be an integer larger than 1, but got {value}")


def _check_ignore_index(ignore_index):
    if ignore_index is not None and not isinstance(ignore_index, int):
        raise ValueError(f"Expected argument `ignore_index` to either be `None` or an integer, but got {ignore_index}")


def _check_average(average):
    if average not in _AVERAGES:
        raise ValueError(f"Expected argument `average` to be one of {_AVERAGES}, but got {average}")


class _StatScores(Metric):
    """Accumulates ``tp, fp, tn, fn``; subclasses say how to count (``_count``) and to score (``_score``)."""

    is_differentiable = False
    higher_is_better = True
    full_state_update = False

    def _add_count_states(self, size):
        for name in ("tp", "fp", "tn", "fn"):
            self.add_state(name, zeros(size, dtype=_dt.int64), dist_reduce_fx="sum")

    def update(self, preds, target):
        for name, count in zip(("tp", "fp", "tn", "fn"), self._count(as_array(preds), as_array(target))):
            _state_add(self, name, count)

    def compute(self):
        return Tensor._wrap(np.asarray(self._score(self.tp._data, self.fp._data, self.tn._data, self.fn._data)))


class _BinaryStatScores(_StatScores):
    def __init__(self, threshold=0.5, multidim_average="global", ignore_index=None, validate_args=True,
                 zero_division=0, **kwargs):
        super().__init__(**kwargs)
        if validate_args:
            _check_threshold(threshold)
            _check_common(multidim_average, ignore_index, zero_division)
        self.threshold, self.multidim_average, self.ignore_index = threshold, multidim_average, ignore_index
        self.validate_args, self.zero_division = validate_args, zero_division
        self._add_count_states(())

    def _count(self, preds, target):
        return binary_counts(preds, target, self.threshold, self.ignore_index, self.validate_args)


class _MulticlassStatScores(_StatScores):
    def __init__(self, num_classes, top_k=1, average="macro", multidim_average="global", ignore_index=None,
                 validate_args=True, zero_division=0, **kwargs):
        super().__init__(**kwargs)
        if validate_args:
            _check_count("num_classes", num_classes)
            if not isinstance(top_k, int) or top_k < 1:
                raise ValueError("Expected argument `top_k` to be an integer larger than or equal to 1, but got "
                                 f"{top_k}")
            if top_k > num_classes:
                raise ValueError(f"Expected argument `top_k` to be smaller or equal to `num_classes` but got {top_k} "
                                 f"and {num_classes}")
            _check_average(average)
            _check_common(multidim_average, ignore_index, zero_division)
        self.num_classes, self.top_k, self.average = num_classes, top_k, average
        self.multidim_average, self.ignore_index = multidim_average, ignore_index
        self.validate_args, self.zero_division = validate_args, zero_division
        self._add_count_states(num_classes)

    def _count(self, preds, target):
        return multiclass_counts(preds, target, self.num_classes, self.top_k, self.ignore_index, self.validate_args)


class _MultilabelStatScores(_StatScores):
    def __init__(self, num_labels, threshold=0.5, average="macro", multidim_average="global", ignore_index=None,
                 validate_args=True, zero_division=0, **kwargs):
        super().__init__(**kwargs)
        if validate_args:
            _check_count("num_labels", num_labels)
            _check_threshold(threshold, multilabel=True)
            _check_average(average)
            _check_common(multidim_average, ignore_index, zero_division)
        self.num_labels, self.threshold, self.average = num_labels, threshold, average
        self.multidim_average, self.ignore_index = multidim_average, ignore_index
        self.validate_args, self.zero_division = validate_args, zero_division
        self._add_count_states(num_labels)

    def _count(self, preds, target):
        return multilabel_counts(preds, target, self.num_labels, self.threshold, self.ignore_index,
                                 self.validate_args)


# --- accuracy ------------------------------------------------------------------------------------
class BinaryAccuracy(_BinaryStatScores):
    def _score(self, tp, fp, tn, fn):
        return accuracy_score(tp, fp, tn, fn, "binary")


class MulticlassAccuracy(_MulticlassStatScores):
    def _score(self, tp, fp, tn, fn):
        return accuracy_score(tp, fp, tn, fn, self.average, top_k=self.top_k)


class MultilabelAccuracy(_MultilabelStatScores):
    def _score(self, tp, fp, tn, fn):
        return accuracy_score(tp, fp, tn, fn, self.average, multilabel=True)


# --- precision and recall ------------------------------------------------------------------------
class BinaryPrecision(_BinaryStatScores):
    def _score(self, tp, fp, tn, fn):
        return precision_recall_score("precision", tp, fp, tn, fn, "binary", zero_division=self.zero_division)


class MulticlassPrecision(_MulticlassStatScores):
    def _score(self, tp, fp, tn, fn):
        return precision_recall_score("precision", tp, fp, tn, fn, self.average, top_k=self.top_k,
                                      zero_division=self.zero_division)


class MultilabelPrecision(_MultilabelStatScores):
    def _score(self, tp, fp, tn, fn):
        return precision_recall_score("precision", tp, fp, tn, fn, self.average, multilabel=True,
                                      zero_division=self.zero_division)


class BinaryRecall(_BinaryStatScores):
    def _score(self, tp, fp, tn, fn):
        return precision_recall_score("recall", tp, fp, tn, fn, "binary", zero_division=self.zero_division)


class MulticlassRecall(_MulticlassStatScores):
    def _score(self, tp, fp, tn, fn):
        return precision_recall_score("recall", tp, fp, tn, fn, self.average, top_k=self.top_k,
                                      zero_division=self.zero_division)


class MultilabelRecall(_MultilabelStatScores):
    def _score(self, tp, fp, tn, fn):
        return precision_recall_score("recall", tp, fp, tn, fn, self.average, multilabel=True,
                                      zero_division=self.zero_division)


# --- F-beta and F1 -------------------------------------------------------------------------------
def _check_beta(beta):
    if not (isinstance(beta, float) and beta > 0):
        raise ValueError(f"Expected argument `beta` to be a float larger than 0, but got {beta}.")


class BinaryFBetaScore(_BinaryStatScores):
    def __init__(self, beta, threshold=0.5, multidim_average="global", ignore_index=None, validate_args=True,
                 zero_division=0, **kwargs):
        super().__init__(threshold, multidim_average, ignore_index, validate_args, zero_division, **kwargs)
        if validate_args:
            _check_beta(beta)
        self.beta = beta

    def _score(self, tp, fp, tn, fn):
        return fbeta_score(self.beta, tp, fp, tn, fn, "binary", zero_division=self.zero_division)


class MulticlassFBetaScore(_MulticlassStatScores):
    def __init__(self, beta, num_classes, top_k=1, average="macro", multidim_average="global", ignore_index=None,
                 validate_args=True, zero_division=0, **kwargs):
        super().__init__(num_classes, top_k, average, multidim_average, ignore_index, validate_args, zero_division,
                         **kwargs)
        if validate_args:
            _check_beta(beta)
        self.beta = beta

    def _score(self, tp, fp, tn, fn):
        return fbeta_score(self.beta, tp, fp, tn, fn, self.average, zero_division=self.zero_division)


class MultilabelFBetaScore(_MultilabelStatScores):
    def __init__(self, beta, num_labels, threshold=0.5, average="macro", multidim_average="global",
                 ignore_index=None, validate_args=True, zero_division=0, **kwargs):
        super().__init__(num_labels, threshold, average, multidim_average, ignore_index, validate_args,
                         zero_division, **kwargs)
        if validate_args:
            _check_beta(beta)
        self.beta = beta

    def _score(self, tp, fp, tn, fn):
        return fbeta_score(self.beta, tp, fp, tn, fn, self.average, multilabel=True, zero_division=self.zero_division)


class BinaryF1Score(BinaryFBetaScore):
    def __init__(self, threshold=0.5, multidim_average="global", ignore_index=None, validate_args=True,
                 zero_division=0, **kwargs):
        super().__init__(1.0, threshold, multidim_average, ignore_index, validate_args, zero_division, **kwargs)


class MulticlassF1Score(MulticlassFBetaScore):
    def __init__(self, num_classes, top_k=1, average="macro", multidim_average="global", ignore_index=None,
                 validate_args=True, zero_division=0, **kwargs):
        super().__init__(1.0, num_classes, top_k, average, multidim_average, ignore_index, validate_args,
                         zero_division, **kwargs)


class MultilabelF1Score(MultilabelFBetaScore):
    def __init__(self, num_labels, threshold=0.5, average="macro", multidim_average="global", ignore_index=None,
                 validate_args=True, zero_division=0, **kwargs):
        super().__init__(1.0, num_labels, threshold, average, multidim_average, ignore_index, validate_args,
                         zero_division, **kwargs)


# --- task wrappers: Accuracy(task=...) builds the task's class -----------------------------------------
_TASKS = ("binary", "multiclass", "multilabel")


def _for_task(task, num_classes, num_labels, top_k, make_binary, make_multiclass, make_multilabel,
              accuracy_wording=False):
    """Build the metric of ``task``, with torchmetrics' errors for a missing ``num_classes``/``num_labels``
    (``Accuracy`` words them differently from the other wrappers)."""
    def not_int(name, value):
        if accuracy_wording:
            return ValueError(f"Optional arg `{name}` must be type `int` when task is "
                              f"ClassificationTask.{task.upper()}. Got {type(value)}")
        return ValueError(f"`{name}` is expected to be `int` but `{type(value)} was passed.`")

    if task not in _TASKS:
        raise ValueError(f"Invalid Classification: expected one of {[t.upper() for t in _TASKS]}, but got {task}.")
    if task == "binary":
        return make_binary()
    if task == "multiclass":
        if not isinstance(num_classes, int):
            raise not_int("num_classes", num_classes)
        if not isinstance(top_k, int):
            raise not_int("top_k", top_k)
        return make_multiclass()
    if not isinstance(num_labels, int):
        raise not_int("num_labels", num_labels)
    return make_multilabel()


class Accuracy:
    """``Accuracy(task, threshold=0.5, num_classes=None, num_labels=None, average="micro", top_k=1,
    ignore_index=None)``: a BinaryAccuracy, MulticlassAccuracy or MultilabelAccuracy."""

    def __new__(cls, task, threshold=0.5, num_classes=None, num_labels=None, average="micro",
                multidim_average="global", top_k=1, ignore_index=None, validate_args=True, **kwargs):
        kwargs.update(multidim_average=multidim_average, ignore_index=ignore_index, validate_args=validate_args)
        return _for_task(task, num_classes, num_labels, top_k,
                         lambda: BinaryAccuracy(threshold, **kwargs),
                         lambda: MulticlassAccuracy(num_classes, top_k, average, **kwargs),
                         lambda: MultilabelAccuracy(num_labels, threshold, average, **kwargs),
                         accuracy_wording=True)


class Precision:
    """``Precision(task, ...)``: a BinaryPrecision, MulticlassPrecision or MultilabelPrecision."""

    def __new__(cls, task, threshold=0.5, num_classes=None, num_labels=None, average="micro",
                multidim_average="global", top_k=1, ignore_index=None, validate_args=True, **kwargs):
        kwargs.update(multidim_average=multidim_average, ignore_index=ignore_index, validate_args=validate_args)
        return _for_task(task, num_classes, num_labels, top_k,
                         lambda: BinaryPrecision(threshold, **kwargs),
                         lambda: MulticlassPrecision(num_classes, top_k, average, **kwargs),
                         lambda: MultilabelPrecision(num_labels, threshold, average, **kwargs))


class Recall:
    """``Recall(task, ...)``: a BinaryRecall, MulticlassRecall or MultilabelRecall."""

    def __new__(cls, task, threshold=0.5, num_classes=None, num_labels=None, average="micro",
                multidim_average="global", top_k=1, ignore_index=None, validate_args=True, **kwargs):
        kwargs.update(multidim_average=multidim_average, ignore_index=ignore_index, validate_args=validate_args)
        return _for_task(task, num_classes, num_labels, top_k,
                         lambda: BinaryRecall(threshold, **kwargs),
                         lambda: MulticlassRecall(num_classes, top_k, average, **kwargs),
                         lambda: MultilabelRecall(num_labels, threshold, average, **kwargs))


class FBetaScore:
    """``FBetaScore(task, beta=1.0, ...)``: a BinaryFBetaScore, MulticlassFBetaScore or MultilabelFBetaScore."""

    def __new__(cls, task, beta=1.0, threshold=0.5, num_classes=None, num_labels=None, average="micro",
                multidim_average="global", top_k=1, ignore_index=None, validate_args=True, zero_division=0,
                **kwargs):
        kwargs.update(multidim_average=multidim_average, ignore_index=ignore_index, validate_args=validate_args,
                      zero_division=zero_division)
        return _for_task(task, num_classes, num_labels, top_k,
                         lambda: BinaryFBetaScore(beta, threshold, **kwargs),
                         lambda: MulticlassFBetaScore(beta, num_classes, top_k, average, **kwargs),
                         lambda: MultilabelFBetaScore(beta, num_labels, threshold, average, **kwargs))


class F1Score:
    """``F1Score(task, ...)``: a BinaryF1Score, MulticlassF1Score or MultilabelF1Score."""

    def __new__(cls, task, threshold=0.5, num_classes=None, num_labels=None, average="micro",
                multidim_average="global", top_k=1, ignore_index=None, validate_args=True, zero_division=0,
                **kwargs):
        kwargs.update(multidim_average=multidim_average, ignore_index=ignore_index, validate_args=validate_args,
                      zero_division=zero_division)
        return _for_task(task, num_classes, num_labels, top_k,
                         lambda: BinaryF1Score(threshold, **kwargs),
                         lambda: MulticlassF1Score(num_classes, top_k, average, **kwargs),
                         lambda: MultilabelF1Score(num_labels, threshold, average, **kwargs))
