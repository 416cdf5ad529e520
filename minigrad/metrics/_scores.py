"""Counts -> scores, as torchmetrics reduces them (float32 NumPy arrays).

``average``: ``'binary'`` (one positive class), ``'micro'`` (sum the counts over classes, then
score), ``'macro'`` / ``'weighted'`` / ``'none'`` (score each class, then combine; see
``_stat_scores.average_scores``).
"""
import numpy as np

from ._stat_scores import average_scores, safe_divide


def accuracy_score(tp, fp, tn, fn, average, multilabel=False, top_k=1):
    """Fraction correct: ``tp / (tp + fn)`` per class (multilabel and binary: ``(tp + tn) / all``)."""
    if average == "binary":
        return safe_divide(tp + tn, tp + tn + fp + fn)
    if average == "micro":
        tp, fp, tn, fn = (np.sum(c) for c in (tp, fp, tn, fn))
        return safe_divide(tp + tn, tp + tn + fp + fn) if multilabel else safe_divide(tp, tp + fn)
    score = safe_divide(tp + tn, tp + tn + fp + fn) if multilabel else safe_divide(tp, tp + fn)
    return average_scores(score, average, multilabel, tp, fp, fn, top_k)


def precision_recall_score(stat, tp, fp, tn, fn, average, multilabel=False, top_k=1, zero_division=0):
    """``tp / (tp + fp)`` (precision) or ``tp / (tp + fn)`` (recall)."""
    if average == "micro":
        tp, fp, fn = np.sum(tp), np.sum(fp), np.sum(fn)
    other = fp if stat == "precision" else fn
    score = safe_divide(tp, tp + other, zero_division)
    if average in ("binary", "micro"):
        return score
    return average_scores(score, average, multilabel, tp, fp, fn, top_k)


def fbeta_score(beta, tp, fp, tn, fn, average, multilabel=False, zero_division=0):
    """``(1 + beta^2) tp / ((1 + beta^2) tp + beta^2 fn + fp)``; F1 is ``beta = 1``."""
    if average == "micro":
        tp, fp, fn = np.sum(tp), np.sum(fp), np.sum(fn)
    beta2 = beta ** 2
    tp, fp, fn = (np.asarray(c, np.float32) for c in (tp, fp, fn))
    score = safe_divide((1 + beta2) * tp, (1 + beta2) * tp + beta2 * fn + fp, zero_division)
    if average in ("binary", "micro"):
        return score
    return average_scores(score, average, multilabel, tp, fp, fn)
