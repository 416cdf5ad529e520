"""``Tensor.exponential_``: the inverse CDF of one float64 uniform per element, with glibc's
``log1p``."""

import numpy as np

from ._arguments import TORCH_NAME, fmt, numel
from ._engine import to_uniform53
from ._libm import glibc_log1p
from ._parallel import map_chunks, quiet


@quiet
def exponential(engine, shape, dtype, lambd):
    """``Tensor.exponential_(lambd)``: ``x = -1 / lambd * log1p(-u)`` in float64 (glibc's
    ``log1p``), one float64 uniform per element, then rounded to the dtype."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise RuntimeError("Exponential distribution is a continuous probability "
                           "distribution. dtype must be a floating point but you specified "
                           f"{TORCH_NAME.get(dtype.name, dtype.name)}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={fmt(lambd)}")

    def transform(chunk):
        return ((-1.0 / lambd) * glibc_log1p(-to_uniform53(chunk))).astype(dtype)

    n = numel(shape)
    return map_chunks(transform, engine.random64(n), np.empty(n, dtype)).reshape(shape)
