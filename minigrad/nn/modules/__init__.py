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
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell
from .padding import *  # noqa: F401,F403 - the padding layers (their __all__)
from .padding import __all__ as _padding_all

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict", "Identity", "Linear", "Flatten", "Unflatten",
           "Embedding", "Dropout", "BatchNorm1d", "LayerNorm", "ParameterList", "ParameterDict", "RMSNorm",
           "Bilinear", "MultiheadAttention", "PairwiseDistance", "CosineSimilarity",
           "ChannelShuffle", "LocalResponseNorm", "AlphaDropout", "FeatureAlphaDropout", "EmbeddingBag",
           "AdaptiveLogSoftmaxWithLoss", "Container", "LazyLinear",
           "Transformer", "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer",
           "TransformerDecoderLayer",
           "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell",
           *_padding_all]

# convolutional networks (one file per family, as in torch)
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d  # noqa: E402
from .pooling import (  # noqa: E402
    MaxPool1d, MaxPool2d, MaxUnpool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d,
    AdaptiveMaxPool2d)
from .batchnorm import BatchNorm2d  # noqa: E402
from .groupnorm import GroupNorm  # noqa: E402
from .instancenorm import InstanceNorm1d, InstanceNorm2d  # noqa: E402
from .dropout import Dropout1d, Dropout2d  # noqa: E402
from .upsampling import Upsample, UpsamplingNearest2d, UpsamplingBilinear2d  # noqa: E402
from .fold import Fold, Unfold  # noqa: E402
from .pixelshuffle import PixelShuffle, PixelUnshuffle  # noqa: E402

__all__ += ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "MaxUnpool2d",
            "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool1d",
            "AdaptiveMaxPool2d", "BatchNorm2d", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "Dropout1d",
            "Dropout2d", "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "Fold", "Unfold", "PixelShuffle",
            "PixelUnshuffle"]
