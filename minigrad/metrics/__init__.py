"""``minigrad.metrics``: torchmetrics-shaped metrics (``from torchmetrics import Accuracy`` ports by
changing the import). Classes accumulate over batches; ``minigrad.metrics.functional`` has one-shot
functions. Computed with NumPy; results are minigrad tensors."""
from . import functional
from .classification import (Accuracy, BinaryAccuracy, BinaryF1Score, BinaryFBetaScore, BinaryPrecision,
                             BinaryRecall, F1Score, FBetaScore, MulticlassAccuracy, MulticlassF1Score,
                             MulticlassFBetaScore, MulticlassPrecision, MulticlassRecall, MultilabelAccuracy,
                             MultilabelF1Score, MultilabelFBetaScore, MultilabelPrecision, MultilabelRecall, Precision,
                             Recall)
from .confusion_matrix import (BinaryConfusionMatrix, ConfusionMatrix, MulticlassConfusionMatrix,
                               MultilabelConfusionMatrix)
from .metric import Metric
from .regression import MeanAbsoluteError, MeanSquaredError, R2Score

__all__ = ["Metric", "Accuracy", "Precision", "Recall", "FBetaScore", "F1Score", "ConfusionMatrix",
           "MeanSquaredError", "MeanAbsoluteError", "R2Score", "BinaryAccuracy", "MulticlassAccuracy",
           "MultilabelAccuracy", "BinaryPrecision", "MulticlassPrecision", "MultilabelPrecision", "BinaryRecall",
           "MulticlassRecall", "MultilabelRecall", "BinaryFBetaScore", "MulticlassFBetaScore", "MultilabelFBetaScore",
           "BinaryF1Score", "MulticlassF1Score", "MultilabelF1Score", "BinaryConfusionMatrix",
           "MulticlassConfusionMatrix", "MultilabelConfusionMatrix", "functional"]
