"""``minigrad.nn``: layers, containers, losses and activations as Modules, plus ``functional``,
``init`` and ``utils``, shaped like ``torch.nn``."""
from .parameter import Parameter
from .modules import (Module, Sequential, ModuleList, ModuleDict, Identity, Linear, Flatten, Unflatten,
                      Embedding, Dropout, BatchNorm1d, LayerNorm, RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell,
                      LSTMCell, GRUCell, ParameterList, ParameterDict, RMSNorm, Bilinear,
                      MultiheadAttention, PairwiseDistance, CosineSimilarity, Transformer, TransformerEncoder,
                      TransformerDecoder, TransformerEncoderLayer, TransformerDecoderLayer, ChannelShuffle,
                      LocalResponseNorm, AlphaDropout, FeatureAlphaDropout, EmbeddingBag,
                      AdaptiveLogSoftmaxWithLoss, Container, LazyLinear)
from ._uninitialized import UninitializedParameter  # noqa: F401
from ._factory_kwargs import factory_kwargs  # noqa: F401
from .modules.padding import *  # noqa: F401,F403 - the padding layers (their __all__)
from .modules.activation import *  # noqa: F401,F403 - the activation modules (their __all__)
from .modules.loss import *  # noqa: F401,F403 - the loss modules (their __all__)
from .modules import *  # noqa: F401,F403 - the layers (modules/__init__.py's __all__: conv, pooling, ...)
from . import functional, init, utils  # noqa: F401
from .._missing_names import missing_names as _missing_names

__getattr__ = _missing_names(__name__, "nn")
