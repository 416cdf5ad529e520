"""The op registry: one ``OpInfo`` per differentiable op, like torch's OpInfo database.

Note [the registry]
-------------------
Each entry names an op and gives one function ``fn(lib, *inputs, **kwargs)`` written against the
torch API, so the same code runs with ``lib = torch`` and ``lib = minigrad`` (tinygrad's
``helper_test_op`` idea). ``samples(dtype)`` yields ``Sample`` objects: NumPy inputs (the same
arrays are handed to both libraries), which of them are differentiable, and keyword arguments.

The generic tests in ``test_ops.py`` run every sample of every entry and check:
  * forward: values, shape and dtype equal torch's (float32 within ``atol/rtol``, float64 tight);
  * backward: the gradient of ``sum(out * w)`` for a random ``w`` equals torch's;
  * double backward (when ``supports_gradgrad``): gradients of those gradients equal torch's;
  * gradcheck / gradgradcheck in float64 against central finite differences.
``test_registry_is_complete`` records which ``Function`` classes the samples actually ran and
fails when minigrad defines a differentiable op that no entry exercises.

Each registry file (``core.py``, ``nn_functional.py``, ``nn_layers.py``, ...) defines ``OPS``.
"""
import dataclasses
import importlib
import pkgutil
from typing import Callable, Iterator, Optional, Sequence

import numpy as np

FLOAT_DTYPES = ("float32", "float64")


@dataclasses.dataclass
class Sample:
    """One call: ``inputs`` (NumPy arrays or Python values), ``grad`` marks differentiable ones."""

    inputs: Sequence
    kwargs: dict = dataclasses.field(default_factory=dict)
    grad: Optional[Sequence[bool]] = None  # default: every floating-point array input

    def differentiable(self):
        if self.grad is not None:
            return list(self.grad)
        return [isinstance(x, np.ndarray) and x.dtype.kind == "f" for x in self.inputs]


@dataclasses.dataclass
class OpInfo:
    name: str
    fn: Callable  # fn(lib, *inputs, **kwargs) -> tensor (or a tuple whose first item is compared)
    samples: Callable[[str], Iterator[Sample]]
    supports_grad: bool = True
    supports_gradgrad: bool = True
    supports_gradcheck: bool = True
    atol: float = 1e-5  # float32 tolerances; float64 uses 1e-10 scaled by the same ratio
    rtol: float = 1e-4
    dtypes: Sequence[str] = FLOAT_DTYPES
    skip_cuda: bool = False


class Rng:
    """Deterministic sample data (tests may use NumPy's RNG; the library never does)."""

    def __init__(self, seed):
        self.r = np.random.default_rng(seed)

    def normal(self, shape, dtype, scale=1.0):
        return np.asarray(self.r.standard_normal(shape) * scale, dtype=dtype)

    def uniform(self, shape, dtype, low, high):
        return np.asarray(self.r.uniform(low, high, shape), dtype=dtype)

    def positive(self, shape, dtype, low=0.5, high=2.0):
        return self.uniform(shape, dtype, low, high)

    def away_from_zero(self, shape, dtype, low=0.3, high=2.0):
        x = self.uniform(shape, dtype, low, high)
        return np.asarray(x * np.where(self.r.random(shape) < 0.5, -1, 1), dtype=dtype)

    def integers(self, low, high, shape):
        return np.asarray(self.r.integers(low, high, shape), dtype=np.int64)


def all_ops():
    """Every registry entry from every module in this package."""
    ops = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        ops.extend(getattr(module, "OPS", []))
    names = [op.name for op in ops]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates, f"duplicate registry names: {sorted(duplicates)}"
    return ops
