"""``minigrad.nn``: layers, containers, losses and activations as Modules, plus ``functional``,
``init`` and ``utils``, shaped like ``torch.nn``."""
from .parameter import Parameter
from .modules import (Module, Sequential, ModuleList, ModuleDict, Identity, Linear, Flatten, Unflatten,
                      Embedding, Dropout, BatchNorm1d, LayerNorm)
from .modules.activation import *  # noqa: F401,F403 - the activation modules (their __all__)
from .modules.loss import *  # noqa: F401,F403 - the loss modules (their __all__)
from . import functional, init, utils  # noqa: F401
from .._missing_names import missing_names as _missing_names

__getattr__ = _missing_names(__name__, "nn")
