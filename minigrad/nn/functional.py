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
from ._conv_ops import conv1d, conv2d, conv_transpose1d, conv_transpose2d, unfold, fold  # noqa: F401
from ._pool_ops import (  # noqa: F401
    max_pool1d, max_pool2d, max_unpool2d, avg_pool1d, avg_pool2d, adaptive_avg_pool1d, adaptive_avg_pool2d,
    adaptive_max_pool1d, adaptive_max_pool2d)
from ._resample_ops import interpolate, pixel_shuffle, pixel_unshuffle  # noqa: F401
from ._channel_ops import group_norm, instance_norm, dropout1d, dropout2d  # noqa: F401
from ._glu import glu  # noqa: F401
from ._bilinear import bilinear  # noqa: F401
from ._rms_norm import rms_norm  # noqa: F401
from ._sdpa import scaled_dot_product_attention  # noqa: F401
from ._multi_head_attention import multi_head_attention_forward  # noqa: F401
from ._margin_losses import (  # noqa: F401
    margin_ranking_loss, hinge_embedding_loss, soft_margin_loss, multilabel_soft_margin_loss, multi_margin_loss,
    multilabel_margin_loss, triplet_margin_loss, triplet_margin_with_distance_loss)
from ._likelihood_losses import poisson_nll_loss, gaussian_nll_loss  # noqa: F401
from ._channel_shuffle import channel_shuffle, native_channel_shuffle  # noqa: F401
from ._pdist import pdist  # noqa: F401
from ._local_response_norm import local_response_norm  # noqa: F401
from ._rrelu import rrelu, rrelu_  # noqa: F401
from ._alpha_dropout import alpha_dropout, feature_alpha_dropout  # noqa: F401
from ._gumbel_softmax import gumbel_softmax  # noqa: F401
from ._embedding_bag import embedding_bag  # noqa: F401
from ._ctc_loss import ctc_loss  # noqa: F401
from ._linear_cross_entropy import linear_cross_entropy  # noqa: F401
from ._grid_sample import affine_grid, grid_sample  # noqa: F401
from .._missing_names import missing_names as _missing_names

__getattr__ = _missing_names(__name__, "nn.functional")
