"""The layers and containers of ``minigrad.nn`` (one file per family, as in torch)."""
from .module import Module
from .container import Container, Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict
from .linear import Identity, Linear
from .flatten import Flatten, Unflatten
from .sparse import Embedding
from .dropout import Dropout
from .batchnorm import BatchNorm1d
from .normalization import LayerNorm, RMSNorm
from .bilinear import Bilinear
from .attention import MultiheadAttention
from .distance import PairwiseDistance, CosineSimilarity
from .channelshuffle import ChannelShuffle
from .alpha_dropout import AlphaDropout, FeatureAlphaDropout
from .embedding_bag import EmbeddingBag
from .adaptive import AdaptiveLogSoftmaxWithLoss
from .lazy import LazyLinear
from .local_response_norm import LocalResponseNorm
from .transformer import (Transformer, TransformerEncoder, TransformerDecoder, TransformerEncoderLayer,
                          TransformerDecoderLayer)
from .padding import *  # noqa: F401,F403 - the padding layers (their __all__)
from .padding import __all__ as _padding_all

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict", "Identity", "Linear", "Flatten", "Unflatten",
           "Embedding", "Dropout", "BatchNorm1d", "LayerNorm", "ParameterList", "ParameterDict", "RMSNorm",
           "Bilinear", "MultiheadAttention", "PairwiseDistance", "CosineSimilarity",
           "ChannelShuffle", "LocalResponseNorm", "AlphaDropout", "FeatureAlphaDropout", "EmbeddingBag",
           "AdaptiveLogSoftmaxWithLoss", "Container", "LazyLinear",
           "Transformer", "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer",
           "TransformerDecoderLayer",
           *_padding_all]
