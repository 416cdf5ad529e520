"""``minigrad.nn.functional`` (``F``): the stateless functions behind the layers, with torch's
signatures. This file is an index: each function lives, forward beside backward, in the file
named on its import line.
"""
from ..ops.linalg import linear  # noqa: F401 - re-exported
from ._activation_ops import (  # noqa: F401
    relu, relu_, relu6, leaky_relu, leaky_relu_, prelu, elu, elu_, selu, selu_, celu, celu_, gelu, silu, mish,
    sigmoid, tanh, hardtanh, hardtanh_, hardsigmoid, hardswish, softplus, softsign, softmax, softmin,
    log_softmax, threshold, threshold_, logsigmoid, tanhshrink, softshrink, hardshrink)
from ._loss_ops import (  # noqa: F401
    mse_loss, l1_loss, smooth_l1_loss, huber_loss, binary_cross_entropy, binary_cross_entropy_with_logits, kl_div,
    cosine_embedding_loss)
from ._nll_ops import nll_loss, cross_entropy  # noqa: F401
from ._layer_ops import dropout, batch_norm, layer_norm, embedding  # noqa: F401
from ._pad_ops import pad  # noqa: F401
from ._one_hot import one_hot  # noqa: F401
from ._distance_ops import normalize, cosine_similarity, pairwise_distance  # noqa: F401
from .._missing_names import missing_names as _missing_names

__getattr__ = _missing_names(__name__, "nn.functional")
