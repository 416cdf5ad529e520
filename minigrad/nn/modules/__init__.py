"""The layers and containers of ``minigrad.nn`` (one file per family, as in torch)."""
from .module import Module
from .container import Sequential, ModuleList, ModuleDict
from .linear import Identity, Linear
from .flatten import Flatten, Unflatten
from .sparse import Embedding
from .dropout import Dropout
from .batchnorm import BatchNorm1d
from .normalization import LayerNorm
from .rnn import RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell

__all__ = ["Module", "Sequential", "ModuleList", "ModuleDict", "Identity", "Linear", "Flatten", "Unflatten",
           "Embedding", "Dropout", "BatchNorm1d", "LayerNorm", "RNNBase", "RNN", "LSTM", "GRU",
           "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]
