"""``torch.rand`` / ``Tensor.uniform_``: one uniform per element, scaled into [low, high) with
a fused multiply-add in torch's precision."""

import numpy as np

from ._arguments import CPP_NAME, TORCH_NAME, float_dtype, fmt, numel
from ._engine import to_uniform24, to_uniform53
from ._fma import fma32, fma64
from ._parallel import map_chunks, quiet


@quiet
def uniform(engine, shape, dtype, low, high):
    """``torch.rand`` / ``Tensor.uniform_(low, high)``.

    ``x = u * (high - low) + low`` as one fused multiply-add, in float32 for float16 and
    float32 (then rounded to the dtype) and in float64 for float64; a value that rounds to
    ``high`` is replaced by ``low`` so the range stays [low, high)."""
    dtype = float_dtype(dtype, "check_uniform_bounds")
    info = np.finfo(dtype)
    lowest, highest = float(info.min), float(info.max)
    for value, name in ((low, "from"), (high, "to")):
        if not lowest <= value <= highest:
            raise RuntimeError(f"{name} is out of bounds for {CPP_NAME[dtype.name]}")
    if not low <= high:
        raise RuntimeError("uniform_ expects to return a [from, to) range, but found "
                           f"from={fmt(low)} > to={fmt(high)}")
    if not high - low <= highest:
        raise RuntimeError(
            f"uniform_ expects to-from <= std::numeric_limits<{TORCH_NAME[dtype.name]}>"
            f"::max(), but found to={fmt(high)} and from={fmt(low)} which result in "
            "to-from to exceed the limit")
    n = numel(shape)
    if dtype == np.float64:
        draws = engine.random64(n)

        def scale(chunk):
            return fma64(to_uniform53(chunk), high - low, low)
    else:
        draws = engine.random(n)
        lo32, hi32 = np.float32(low), np.float32(high)

        def scale(chunk):
            return fma32(to_uniform24(chunk), hi32 - lo32, lo32).astype(dtype)
    values = map_chunks(scale, draws, np.empty(n, dtype))
    values[values == dtype.type(high)] = dtype.type(low)
    return values.reshape(shape)
