"""``minigrad.metrics`` against torchmetrics on random predictions: every task, average, top_k and
ignore_index, class (accumulated over batches, with forward's per-batch values) and functional forms,
confusion matrices, regression metrics, reprs and errors."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st
import torch
import torchmetrics
import torchmetrics.functional as tmf

import minigrad
import minigrad.metrics as mm
import minigrad.metrics.functional as mmf
from _compare import assert_within, outcome, tensor_bound


C, L = 4, 3  # classes, labels
RNG = np.random.default_rng(0)


def batches(task, kind, n_batches=3, n=25, extra_dim=False):
    """Random (preds, target) NumPy batches: ``kind`` is probs, logits or labels."""
    out = []
    for _ in range(n_batches):
        tail = (2,) if extra_dim else ()
        if task == "binary":
            target = RNG.integers(0, 2, (n,) + tail)
            preds = {"probs": RNG.random((n,) + tail), "logits": RNG.normal(0, 2, (n,) + tail),
                     "labels": RNG.integers(0, 2, (n,) + tail)}[kind]
        elif task == "multiclass":
            target = RNG.integers(0, C, (n,) + tail)
            scores = RNG.random((n, C) + tail)
            preds = {"probs": scores / scores.sum(1, keepdims=True), "logits": RNG.normal(0, 2, (n, C) + tail),
                     "labels": RNG.integers(0, C, (n,) + tail)}[kind]
        else:
            target = RNG.integers(0, 2, (n, L) + tail)
            preds = {"probs": RNG.random((n, L) + tail), "logits": RNG.normal(0, 2, (n, L) + tail),
                     "labels": RNG.integers(0, 2, (n, L) + tail)}[kind]
        if preds.dtype.kind == "f":
            preds = preds.astype(np.float32)
        out.append((preds, target))
    return out


def with_ignored(data, ignore_index):
    """Set some targets to ``ignore_index``."""
    out = []
    for preds, target in data:
        target = target.copy()
        target[RNG.random(target.shape) < 0.2] = ignore_index
        out.append((preds, target))
    return out


def run_metric(lib_metrics, lib, name, kwargs, data):
    metric = getattr(lib_metrics, name)(**kwargs)
    per_batch = [metric(lib.tensor(p), lib.tensor(t)) for p, t in data]
    return metric, per_batch, metric.compute()


# float32 bound (``_compare``'s policy): a classification metric divides exact counts and averages at
# most 5 classes, a few roundings (F-beta: 2 products, a sum and a quotient; "weighted": one more
# product); a regression metric sums 3 batches of 40 squared or absolute errors (120 terms) and R2
# subtracts sums of squares, in ulps of those terms (tensor_bound with the result's magnitude, 2 at
# most here). float64: tight fixed bounds.
METRIC_TERMS, METRIC_OPS = 3 * 40, 2
FLOAT64_RTOL = 1e-10


def assert_tensors_match(mine, theirs):
    assert isinstance(mine, minigrad.Tensor)
    assert repr(mine.dtype) == repr(theirs.dtype), (mine, theirs)
    assert tuple(mine.shape) == tuple(theirs.shape), (mine, theirs)
    if theirs.dtype == torch.float64:
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=FLOAT64_RTOL, atol=FLOAT64_RTOL)
    else:
        assert_within(mine, theirs, tensor_bound(theirs, METRIC_TERMS, METRIC_OPS, scale=max(
            2.0, float(theirs.abs().max()) if theirs.numel() else 0.0)), "metric")


def assert_metric_matches(name, kwargs, data, functional=None):
    metric_m, batches_m, total_m = run_metric(mm, minigrad, name, kwargs, data)
    metric_t, batches_t, total_t = run_metric(torchmetrics, torch, name, kwargs, data)
    assert repr(metric_m) == repr(metric_t) and type(metric_m).__name__ == type(metric_t).__name__
    for a, b in zip(batches_m + [total_m], batches_t + [total_t]):
        assert_tensors_match(a, b)
    if functional:
        p, t = data[0]
        assert_tensors_match(getattr(mmf, functional)(minigrad.tensor(p), minigrad.tensor(t), **kwargs),
                             getattr(tmf, functional)(torch.tensor(p), torch.tensor(t), **kwargs))


CLASSIFICATION = [("Accuracy", "accuracy"), ("Precision", "precision"), ("Recall", "recall"),
                  ("F1Score", "f1_score")]
AVERAGES = ["micro", "macro", "weighted", "none"]


@pytest.mark.parametrize("name,functional", CLASSIFICATION)
@pytest.mark.parametrize("kind", ["probs", "logits", "labels"])
@pytest.mark.parametrize("threshold", [0.5, 0.3])
@pytest.mark.parametrize("ignore_index", [None, -1, 0])
def test_binary(name, functional, kind, threshold, ignore_index):
    data = batches("binary", kind, extra_dim=kind == "logits")
    if ignore_index is not None:
        data = with_ignored(data, ignore_index)
    assert_metric_matches(name, {"task": "binary", "threshold": threshold, "ignore_index": ignore_index}, data,
                          functional)


@pytest.mark.parametrize("name,functional", CLASSIFICATION)
@pytest.mark.parametrize("kind,top_k", [("probs", 1), ("probs", 2), ("logits", 1), ("logits", 3), ("labels", 1)])
@pytest.mark.parametrize("average", AVERAGES)
def test_multiclass(name, functional, kind, average, top_k):
    data = batches("multiclass", kind, extra_dim=kind == "logits")
    assert_metric_matches(name, {"task": "multiclass", "num_classes": C, "average": average, "top_k": top_k}, data,
                          functional)


@pytest.mark.parametrize("name,functional", CLASSIFICATION)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("ignore_index", [-100, 1])
@pytest.mark.parametrize("top_k", [1, 3])
def test_multiclass_ignore_index(name, functional, average, ignore_index, top_k):
    data = with_ignored(batches("multiclass", "probs"), ignore_index)
    assert_metric_matches(name, {"task": "multiclass", "num_classes": C, "average": average, "top_k": top_k,
                                 "ignore_index": ignore_index}, data, functional)


@pytest.mark.parametrize("name,functional", CLASSIFICATION)
@pytest.mark.parametrize("kind", ["probs", "logits", "labels"])
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("ignore_index", [None, -1])
def test_multilabel(name, functional, kind, average, ignore_index):
    data = batches("multilabel", kind, extra_dim=kind == "logits")
    if ignore_index is not None:
        data = with_ignored(data, ignore_index)
    assert_metric_matches(name, {"task": "multilabel", "num_labels": L, "average": average, "threshold": 0.4,
                                 "ignore_index": ignore_index}, data, functional)


def test_absent_classes_and_zero_division():
    """Classes that never occur: macro leaves them out; zero_division=1 fills empty precision/recall."""
    data = [(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))]
    for name in ("Accuracy", "Precision", "Recall", "F1Score"):
        for average in AVERAGES:
            assert_metric_matches(name, {"task": "multiclass", "num_classes": 5, "average": average}, data)
    for name in ("Precision", "Recall", "F1Score"):
        assert_metric_matches(name, {"task": "multiclass", "num_classes": 5, "average": "none", "zero_division": 1},
                              data)


@pytest.mark.parametrize("beta", [0.5, 2.0])
@pytest.mark.parametrize("task,extra", [("binary", {}), ("multiclass", {"num_classes": C, "average": "macro"}),
                                        ("multilabel", {"num_labels": L, "average": "weighted"})])
def test_fbeta(beta, task, extra):
    assert_metric_matches("FBetaScore", {"task": task, "beta": beta, **extra}, batches(task, "probs"), "fbeta_score")


@pytest.mark.parametrize("task,extra", [("binary", {}), ("multiclass", {"num_classes": C}),
                                        ("multilabel", {"num_labels": L})])
@pytest.mark.parametrize("normalize", [None, "true", "pred", "all", "none"])
@pytest.mark.parametrize("kind", ["probs", "logits", "labels"])
def test_confusion_matrix(task, extra, normalize, kind):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 0/0 rows -> "NaN values ... replaced with zeros"
        assert_metric_matches("ConfusionMatrix", {"task": task, "normalize": normalize, **extra},
                              batches(task, kind, extra_dim=kind == "logits"), "confusion_matrix")


def test_confusion_matrix_ignore_index():
    for task, extra in (("binary", {}), ("multiclass", {"num_classes": C}), ("multilabel", {"num_labels": L})):
        data = with_ignored(batches(task, "probs"), -1)
        assert_metric_matches("ConfusionMatrix", {"task": task, "ignore_index": -1, **extra}, data, "confusion_matrix")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs,functional", [
    ("MeanSquaredError", {}, "mean_squared_error"), ("MeanSquaredError", {"squared": False}, "mean_squared_error"),
    ("MeanAbsoluteError", {}, "mean_absolute_error"), ("R2Score", {}, "r2_score"),
])
def test_regression(name, kwargs, functional, dtype):
    data = [(RNG.normal(size=40).astype(dtype), RNG.normal(size=40).astype(dtype)) for _ in range(3)]
    assert_metric_matches(name, kwargs, data, functional)


@pytest.mark.parametrize("kwargs", [{"multioutput": "raw_values"}, {"multioutput": "variance_weighted"},
                                    {"adjusted": 2}, {}])
def test_r2_multioutput_and_adjusted(kwargs):
    data = [(RNG.normal(size=(30, 3)), RNG.normal(size=(30, 3)) * [1, 2, 3]) for _ in range(2)]
    assert_metric_matches("R2Score", kwargs, data, "r2_score")


def test_mse_num_outputs():
    data = [(RNG.normal(size=(10, 2)).astype(np.float32), RNG.normal(size=(10, 2)).astype(np.float32))]
    assert_metric_matches("MeanSquaredError", {"num_outputs": 2}, data, "mean_squared_error")


# --- the Metric protocol ----------------------------------------------------------------------------
def test_task_wrappers_return_task_classes_and_reprs():
    for name, kwargs in [("Accuracy", {"task": "binary"}), ("Accuracy", {"task": "multiclass", "num_classes": 3}),
                         ("Precision", {"task": "multilabel", "num_labels": 3}), ("Recall", {"task": "binary"}),
                         ("F1Score", {"task": "multiclass", "num_classes": 3}),
                         ("ConfusionMatrix", {"task": "multilabel", "num_labels": 2})]:
        mine, theirs = getattr(mm, name)(**kwargs), getattr(torchmetrics, name)(**kwargs)
        assert type(mine).__name__ == type(theirs).__name__ and repr(mine) == repr(theirs)
        assert isinstance(mine, mm.Metric)
    assert mm.Accuracy(task="multiclass", num_classes=3).average == "micro"
    assert mm.MulticlassAccuracy(num_classes=3).average == "macro"
    assert repr(mm.MeanSquaredError()) == "MeanSquaredError()"


def test_update_compute_reset():
    metric = mm.Accuracy(task="multiclass", num_classes=3)
    metric.update(minigrad.tensor([0, 1, 2]), minigrad.tensor([0, 1, 1]))
    metric.update(minigrad.tensor([2, 2]), minigrad.tensor([2, 2]))
    assert metric.compute().item() == np.float32(4 / 5)  # 4 of 5 right: one correctly rounded division
    assert metric.compute() is metric.compute()  # cached until the next update
    metric.reset()
    assert metric.tp.tolist() == [0, 0, 0]
    with pytest.warns(UserWarning, match="was called before the ``update`` method"):
        assert metric.compute().item() == 0.0


def test_custom_metric_subclass():
    """A torchmetrics-style user metric (add_state + update + compute) runs on minigrad tensors."""
    def build(lib, lib_metrics):
        class MeanAbove(lib_metrics.Metric):
            def __init__(self):
                super().__init__()
                self.add_state("count", default=lib.tensor(0), dist_reduce_fx="sum")
                self.add_state("total", default=lib.tensor(0), dist_reduce_fx="sum")

            def update(self, x):
                self.count += (x > 0.5).sum()
                self.total += x.numel()

            def compute(self):
                return self.count.float() / self.total
        return MeanAbove()
    results = []
    for lib, lib_metrics in ((minigrad, mm), (torch, torchmetrics)):
        metric = build(lib, lib_metrics)
        values = [metric(lib.tensor(RNG_FIXED[i])).item() for i in range(3)]
        results.append(values + [metric.compute().item()])
    assert results[0] == results[1]  # count / total: one correctly rounded division of exact integers


RNG_FIXED = np.random.default_rng(9).random((3, 10))


ERROR_CASES = [
    ("task", lambda m: m.Accuracy(task="regression")),
    ("num_classes_missing", lambda m: m.Accuracy(task="multiclass")),
    ("num_labels_missing", lambda m: m.F1Score(task="multilabel")),
    ("num_labels_missing_accuracy", lambda m: m.Accuracy(task="multilabel")),
    ("num_classes_missing_cm", lambda m: m.ConfusionMatrix(task="multiclass")),
    ("threshold", lambda m: m.Accuracy(task="binary", threshold=2.0)),
    ("threshold_int", lambda m: m.Precision(task="binary", threshold=1)),
    ("threshold_multilabel", lambda m: m.Recall(task="multilabel", num_labels=2, threshold=1.5)),
    ("threshold_multilabel_cm", lambda m: m.ConfusionMatrix(task="multilabel", num_labels=2, threshold=-0.5)),
    ("num_labels_small", lambda m: m.ConfusionMatrix(task="multilabel", num_labels=1)),
    ("average", lambda m: m.Recall(task="multiclass", num_classes=3, average="mean")),
    ("num_classes_small", lambda m: m.Accuracy(task="multiclass", num_classes=1)),
    ("top_k", lambda m: m.Accuracy(task="multiclass", num_classes=3, top_k=4)),
    ("ignore_index", lambda m: m.Accuracy(task="binary", ignore_index=0.5)),
    ("normalize", lambda m: m.ConfusionMatrix(task="binary", normalize="rows")),
    ("mse_squared", lambda m: m.MeanSquaredError(squared=1)),
    ("r2_adjusted", lambda m: m.R2Score(adjusted=-1)),
]


@pytest.mark.parametrize("make", [c[1] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_constructor_errors_match_torchmetrics(make):
    theirs = outcome(make, torchmetrics)
    assert theirs[0] is not None, "torchmetrics accepts this input; the case is wrong"
    assert outcome(make, mm) == theirs


UPDATE_ERRORS = [
    ("binary_target_values", "Accuracy", {"task": "binary"}, [0.2, 0.8], [0, 2]),
    ("binary_label_preds", "Accuracy", {"task": "binary"}, [0, 3], [0, 1]),
    ("binary_shapes", "Accuracy", {"task": "binary"}, [0.2, 0.8, 0.1], [0, 1]),
    ("multiclass_dims", "Accuracy", {"task": "multiclass", "num_classes": 3}, [[0.2, 0.8, 0.0]], [[0, 1]]),
    ("multiclass_classes", "Accuracy", {"task": "multiclass", "num_classes": 3}, [[0.5, 0.5]], [0]),
    ("multiclass_targets", "Accuracy", {"task": "multiclass", "num_classes": 2}, [0, 1, 1, 0], [0, 1, 2, 3]),
    ("multilabel_labels", "Accuracy", {"task": "multilabel", "num_labels": 3}, [[0.2, 0.8]], [[0, 1]]),
    ("r2_samples", "R2Score", {}, [0.5], [0.7]),
    ("mse_shapes", "MeanSquaredError", {}, [0.5, 1.0], [0.7]),
]


@pytest.mark.parametrize("name,kwargs,preds,target", [c[1:] for c in UPDATE_ERRORS], ids=[c[0] for c in UPDATE_ERRORS])
def test_update_errors_match_torchmetrics(name, kwargs, preds, target):
    def run(lib, lib_metrics):
        metric = getattr(lib_metrics, name)(**kwargs)
        metric.update(lib.tensor(preds), lib.tensor(target))
        metric.compute()
    with pytest.raises(Exception) as expected:
        run(torch, torchmetrics)
    with pytest.raises(type(expected.value)) as got:
        run(minigrad, mm)
    assert str(got.value) == str(expected.value)


# --- properties (hypothesis): any number of classes, samples, average and top_k ----------------------
@given(num_classes=st.integers(2, 6), n=st.integers(1, 40), average=st.sampled_from(AVERAGES),
       top_k=st.integers(1, 6), seed=st.integers(0, 2**31), name=st.sampled_from([c[0] for c in CLASSIFICATION]))
def test_any_multiclass_matches_torchmetrics(num_classes, n, average, top_k, seed, name):
    rng = np.random.default_rng(seed)
    top_k = min(top_k, num_classes)
    data = [(rng.normal(size=(n, num_classes)).astype(np.float32), rng.integers(0, num_classes, n))]
    assert_metric_matches(name, {"task": "multiclass", "num_classes": num_classes, "average": average,
                                 "top_k": top_k}, data)
