"""``Generator``, torch's CPU ``torch.Generator``: seeding and state, and one method per
sampling recipe (each recipe lives in its own module and draws from the generator's engine)."""

import functools
import os
import threading

import numpy as np

from . import (
    _bernoulli,
    _exponential,
    _integers,
    _multinomial,
    _normal,
    _randperm,
    _trunc_normal,
    _uniform,
)
from ..tensor import _wrap
from ._arguments import UINT64
from ._engine import Engine

_DEFAULT_SEED = 67280421310721          # torch.Generator()'s seed


def _locked(method):
    """Run ``method`` holding the generator's lock, as torch holds its generator's mutex for a whole
    op: threads drawing at the same time get disjoint parts of one stream, never the same numbers."""
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)
    return locked


class Generator:
    """A torch-compatible CPU random generator (mt19937 + torch's sampling recipes); safe to share
    between threads (each draw, seeding and state change holds ``_lock``)."""

    def __init__(self, device="cpu"):
        self._device = str(device)
        self._engine = Engine(_DEFAULT_SEED)
        self._lock = threading.RLock()

    @property
    def device(self):
        """The device string ('cpu')."""
        return self._device

    # ------------------------------------------------------------------ seeding and state
    @_locked
    def manual_seed(self, seed):
        """Seed like torch (see ``Engine.manual_seed``), after torch's checks on ``seed``."""
        if isinstance(seed, np.integer):
            raise TypeError("an integer is required")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")  # noqa: TRY004
        if not -(1 << 63) <= seed <= UINT64:
            raise ValueError("Overflow when unpacking long long")
        self._engine.manual_seed(seed)
        return self

    def seed(self):
        """Seed from the OS entropy source and return the seed: 64 bits read from ``/dev/urandom``,
        as torch's ``c10::detail::getNonDeterministicRandom`` (c10/core/GeneratorImpl.cpp) does."""
        value = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(value)
        return value

    @_locked
    def initial_seed(self):
        """The seed last given to ``manual_seed``/``seed`` (as an unsigned 64-bit int)."""
        return self._engine.initial_seed

    def get_state(self):
        """The full state as a uint8 tensor in torch's 5056-byte layout."""
        return _wrap(self._get_state_array())

    @_locked
    def set_state(self, new_state):
        """Restore a state from ``get_state`` (a uint8 tensor or numpy array, torch's layout)."""
        if isinstance(new_state, np.ndarray):
            array = new_state
        elif hasattr(new_state, "numpy"):
            array = np.asarray(new_state.numpy())
        else:
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if array.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        self._engine.load_state_array(array)
        return self

    @_locked
    def _get_state_array(self):
        """The full state as numpy uint8[5056] (torch's CPUGeneratorImplState layout)."""
        return self._engine.state_array()

    # ------------------------------------------------------------------ sampling
    @_locked
    def uniform(self, shape, dtype, low=0.0, high=1.0):
        """``torch.rand`` / ``Tensor.uniform_(low, high)``; see ``_uniform.uniform``."""
        return _uniform.uniform(self._engine, shape, dtype, low, high)

    @_locked
    def normal(self, shape, dtype, mean=0.0, std=1.0):
        """``torch.randn`` / ``Tensor.normal_(mean, std)``; see ``_normal.normal``."""
        return _normal.normal(self._engine, shape, dtype, mean, std)

    @_locked
    def normal_arrays(self, mean, std, dtype):
        """``torch.normal(mean, std)`` with a tensor mean and/or std; see
        ``_normal.normal_arrays``."""
        return _normal.normal_arrays(self._engine, mean, std, dtype)

    @_locked
    def trunc_normal(self, shape, dtype, mean=0.0, std=1.0, a=-2.0, b=2.0):
        """``torch.nn.init.trunc_normal_``; see ``_trunc_normal.trunc_normal``."""
        return _trunc_normal.trunc_normal(self._engine, shape, dtype, mean, std, a, b)

    @_locked
    def exponential(self, shape, dtype, lambd=1.0):
        """``Tensor.exponential_(lambd)``; see ``_exponential.exponential``."""
        return _exponential.exponential(self._engine, shape, dtype, lambd)

    @_locked
    def randint(self, low, high, shape, dtype=np.int64):
        """``torch.randint(low, high, shape)``; see ``_integers.random_``."""
        return _integers.random_(self._engine, shape, dtype, low, high)

    @_locked
    def random_(self, shape, dtype, low=None, high=None):
        """``Tensor.random_()``, ``random_(to)``, ``random_(from, to)``, ``random_(from, None)``;
        see ``_integers.random_``."""
        return _integers.random_(self._engine, shape, dtype, low, high)

    @_locked
    def random_seed_int64(self):
        """``torch.empty((), dtype=torch.int64).random_()``: ``random64() % 2**63``."""
        return _integers.random_seed_int64(self._engine)

    @_locked
    def randperm(self, n, dtype=np.int64):
        """``torch.randperm(n)``; see ``_randperm.randperm``."""
        return _randperm.randperm(self._engine, n, dtype)

    @_locked
    def bernoulli(self, p, shape=None, dtype=np.float32):
        """``Tensor.bernoulli_(p)`` (float p) or ``torch.bernoulli(p_tensor)`` (array p); see
        ``_bernoulli.bernoulli``."""
        return _bernoulli.bernoulli(self._engine, p, shape, dtype)

    @_locked
    def multinomial(self, probs, num_samples, replacement=False):
        """``torch.multinomial(probs, num_samples, replacement)``; see
        ``_multinomial.multinomial``."""
        return _multinomial.multinomial(self._engine, probs, num_samples, replacement)
