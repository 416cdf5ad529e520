"""``F.linear_cross_entropy``: cross_entropy(linear(input, W, b), target) in one call, the shape of an
LLM's output head plus its loss (torch/nn/functional.py). ``linear_weight`` (C, *out_features, in) gives
C classes per position of ``out_features`` (a K-dimensional loss); without ``options`` torch computes
it as the plain composition, and so does minigrad (its last node is cross_entropy's).

torch's ``options=LinearCrossEntropyOptions(...)`` selects a memory-saving chunked kernel; minigrad does
not have it and raises NotImplementedError when ``options`` is given.
"""
import math

from ..ops.linalg import linear
from ._nll_ops import cross_entropy


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",  # noqa: A002
                         ignore_index=None, label_smoothing=0.0, options=None):
    """input (N, in) or (in,); linear_weight (C, *out_features, in); target class indices or
    probabilities as for cross_entropy on the (N, C, *out_features) logits. RuntimeError (torch's
    messages) for inconsistent shapes."""
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    num_batches, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(f"expected equal input and linear_weight last dimensions (in_features), got "
                           f"{input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got {tuple(linear_bias.shape)}")
    if out_features and not num_batches:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires "
                           f"batched input, (N, {in_features}), got unbatched input with shape {tuple(input.shape)}")
    logits_shape = (*num_batches, num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    if options is not None:
        raise NotImplementedError("linear_cross_entropy: minigrad has no chunked path, so `options` "
                                  "(LinearCrossEntropyOptions) is not supported; leave it None")
    if out_features:
        linear_weight = linear_weight.reshape((math.prod(out_features, start=num_classes), in_features))
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(math.prod(out_features, start=num_classes))
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index, label_smoothing=label_smoothing)
