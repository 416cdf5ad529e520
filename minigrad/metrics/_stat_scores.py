"""The counting core of the classification metrics, in NumPy: turn predictions into labels the way
torchmetrics does, then count true/false positives/negatives.

Input conventions (torchmetrics'):
  binary      preds (N, ...) probabilities, logits (any value outside [0, 1] -> sigmoid) or 0/1
              labels; target (N, ...) of 0/1. Probabilities become labels by ``> threshold``.
  multiclass  preds (N, C, ...) scores (argmax over C, or top-k) or (N, ...) labels;
              target (N, ...) of class indices.
  multilabel  preds (N, L, ...) like binary, per label; target (N, L, ...) of 0/1.
Elements whose target equals ``ignore_index`` are left out of every count.

Counts come back as int64 arrays ``tp, fp, tn, fn``: scalars for binary, one per class or label
otherwise. ``confusion`` gives the multiclass confusion matrix (rows: target, columns: prediction).
"""
import numpy as np

from ..ops.activation import sigmoid_array
from ..tensor import Size, Tensor


def as_array(x):
    """The NumPy array of a tensor (or of array-like data)."""
    return x.detach().cpu().numpy() if isinstance(x, Tensor) else np.asarray(x)


def _probabilities(preds):
    """Float predictions outside [0, 1] are logits: apply the sigmoid (torchmetrics' auto-detection)."""
    if not np.all((preds >= 0) & (preds <= 1)):
        preds = sigmoid_array(preds)
    return preds


def _check_binary_target(target, ignore_index, what="target"):
    values = np.unique(target)
    bad = (values != 0) & (values != 1)
    if ignore_index is not None:
        bad &= values != ignore_index
    if bad.any():
        raise RuntimeError(f"Detected the following values in `{what}`: {Tensor._wrap(values)} but expected only the "
                           f"following values {[0, 1] if ignore_index is None else [ignore_index]}.")


def _check_label_preds(preds, since=" since `preds` is a label tensor."):
    values = np.unique(preds)
    if np.any((values != 0) & (values != 1)):
        raise RuntimeError(f"Detected the following values in `preds`: {Tensor._wrap(values)} but expected only the "
                           f"following values [0,1]{since}")


def _check_same_shape(preds, target):
    if preds.shape != target.shape:
        raise RuntimeError(f"Predictions and targets are expected to have the same shape, but got "
                           f"{Size(preds.shape)} and {Size(target.shape)}.")


def _binary_labels(preds, threshold):
    if preds.dtype.kind == "f":
        preds = _probabilities(preds) > threshold
    return preds


def binary_counts(preds, target, threshold=0.5, ignore_index=None, validate_args=True):
    """``tp, fp, tn, fn`` over all elements."""
    if validate_args:
        _check_same_shape(preds, target)
        _check_binary_target(target, ignore_index)
        if preds.dtype.kind != "f":
            _check_label_preds(preds)
    preds = _binary_labels(preds, threshold)
    keep = target != ignore_index if ignore_index is not None else np.ones(target.shape, bool)
    t, p = target[keep] == 1, preds[keep] == 1
    return _counts(t, p, axis=None)


def multilabel_counts(preds, target, num_labels, threshold=0.5, ignore_index=None, validate_args=True):
    """``tp, fp, tn, fn`` per label (arrays of length ``num_labels``)."""
    if validate_args:
        _check_same_shape(preds, target)
        if preds.shape[1] != num_labels:
            raise ValueError("Expected both `target.shape[1]` and `preds.shape[1]` to be equal to the number of labels"
                             f" but got {preds.shape[1]} and expected {num_labels}")
        _check_binary_target(target, ignore_index)
        if preds.dtype.kind != "f":
            _check_label_preds(preds, since=" since preds is a label tensor.")
    preds = _binary_labels(preds, threshold)
    preds = np.moveaxis(preds, 1, -1).reshape(-1, num_labels)
    target = np.moveaxis(target, 1, -1).reshape(-1, num_labels)
    keep = target != ignore_index if ignore_index is not None else np.ones(target.shape, bool)
    t, p = (target == 1) & keep, (preds == 1) & keep
    tp, fp, _, fn = _counts(t, p, axis=0)
    tn = ((~t) & (~p) & keep).sum(0)
    return tp, fp, tn, fn


def _counts(t, p, axis):
    """``tp, fp, tn, fn`` of boolean target/prediction arrays, summed over ``axis``."""
    return ((t & p).sum(axis), (~t & p).sum(axis), (~t & ~p).sum(axis), (t & ~p).sum(axis))


def _check_multiclass(preds, target, num_classes, top_k, ignore_index):
    if preds.ndim == target.ndim + 1:
        if preds.dtype.kind != "f":
            raise ValueError("If `preds` have one dimension more than `target`, `preds` should be a float tensor.")
        if preds.shape[1] != num_classes:
            raise ValueError("If `preds` have one dimension more than `target`, `preds.shape[1]` should be equal to "
                             "number of classes.")
        if preds.shape[2:] != target.shape[1:]:
            raise ValueError("If `preds` have one dimension more than `target`, the shape of `preds` should be "
                             "(N, C, ...), and the shape of `target` should be (N, ...).")
    elif preds.ndim == target.ndim:
        if preds.shape != target.shape:
            raise ValueError("The `preds` and `target` should have the same shape, got `preds` with shape="
                             f"{Size(preds.shape)} and `target` with shape={Size(target.shape)}.")
    else:
        raise ValueError("Either `preds` and `target` both should have the (same) shape (N, ...), or `target` should "
                         "be (N, ...) and `preds` should be (N, C, ...).")
    check_value = num_classes if ignore_index is None else num_classes + 1
    for t, name in [(target, "target")] + ([(preds, "preds")] if preds.dtype.kind != "f" else []):
        values = np.unique(t)
        if len(values) > check_value:
            raise RuntimeError(f"Detected more unique values in `{name}` than expected. Expected only {check_value} "
                               f"but found {len(values)} in `{name}`. Found values: {Tensor._wrap(values)}.")


def multiclass_labels(preds, target, top_k=1):
    """Predicted class per element, flattened like ``target``. With ``top_k > 1`` an element counts as
    predicting its target class when the target is among the ``top_k`` scores, else its top-1 class."""
    if preds.ndim == target.ndim + 1:
        scores = np.moveaxis(preds, 1, -1).reshape(-1, preds.shape[1])
        if top_k == 1:
            return scores.argmax(-1), target.reshape(-1)
        target = target.reshape(-1)
        top = np.argsort(-scores, axis=-1, kind="stable")[:, :top_k]
        hit = (top == target[:, None]).any(-1)
        return np.where(hit, target, top[:, 0]), target
    return preds.reshape(-1), target.reshape(-1)


def confusion(preds, target, num_classes, top_k=1, ignore_index=None, validate_args=True):
    """The (num_classes, num_classes) count matrix: ``[i, j]`` = elements of class i predicted as j."""
    if validate_args:
        _check_multiclass(preds, target, num_classes, top_k, ignore_index)
    labels, target = multiclass_labels(preds, target, top_k)
    if ignore_index is not None:
        keep = target != ignore_index
        labels, target = labels[keep], target[keep]
    bins = np.bincount(target.astype(np.int64) * num_classes + labels.astype(np.int64), minlength=num_classes ** 2)
    return bins.reshape(num_classes, num_classes)


def multiclass_counts(preds, target, num_classes, top_k=1, ignore_index=None, validate_args=True):
    """``tp, fp, tn, fn`` per class (arrays of length ``num_classes``), from the confusion matrix."""
    confmat = confusion(preds, target, num_classes, top_k, ignore_index, validate_args)
    tp = np.diag(confmat)
    fp = confmat.sum(0) - tp
    fn = confmat.sum(1) - tp
    tn = confmat.sum() - (fp + fn + tp)
    return tp, fp, tn, fn


# --- reductions: counts -> scores (float32, as torchmetrics computes them) ------------------------------
def safe_divide(num, denom, zero_division=0.0):
    """``num / denom`` in float32, ``zero_division`` where ``denom`` is 0."""
    num, denom = np.asarray(num, np.float32), np.asarray(denom, np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denom != 0, num / denom, np.float32(zero_division)).astype(np.float32)


def average_scores(score, average, multilabel, tp, fp, fn, top_k=1):
    """Combine per-class scores: ``'macro'`` (classes absent from targets and predictions are left
    out, except for multilabel), ``'weighted'`` (by support), ``'none'``/``None`` (no reduction)."""
    if average is None or average == "none":
        return score
    if average == "weighted":
        weights = (tp + fn).astype(np.float32)
    else:
        weights = np.ones_like(score)
        if not multilabel:
            weights[(tp + fp + fn == 0) if top_k == 1 else (tp + fn == 0)] = 0.0
    return safe_divide(weights * score, weights.sum(-1, keepdims=True)).sum(-1, dtype=np.float32)
