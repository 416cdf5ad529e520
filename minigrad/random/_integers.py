"""``Tensor.random_`` / ``torch.randint``: integers as ``from + draw % (to - from)`` from one
32- or 64-bit draw per element, with torch's bounds checks and casts."""

import warnings

import numpy as np

from ._arguments import CPP_NAME, UINT64, numel

_RANDOM64_RANGE = 1 << 28               # random_(from, to) draws 64 bits from this range on


def random_(engine, shape, dtype, low, high):
    """``Tensor.random_()``, ``random_(to)``, ``random_(from, to)``, ``random_(from, None)``
    and ``torch.randint(low, high, shape)``.

    Without bounds: ``random() % (max + 1)`` for integer dtypes (``random64() % 2**63``
    for int64, ``random() & 1`` for bool) and ``random() % (2**digits + 1)`` for floats
    (``random64()`` for float64). With bounds: ``from + draw % (to - from)`` in uint64
    arithmetic, cast to the dtype, where the draw is ``random()``, or ``random64()`` when
    the range is at least 2**28; ``from`` alone means ``[from, max]`` and
    ``from == -2**63`` means every int64 (``random64()`` reinterpreted)."""
    dtype = np.dtype(dtype)
    n = numel(shape)
    if low is None and high is None:
        return _random_unbounded(engine, n, dtype).reshape(shape)
    if low is None:
        low = 0
    if high is None and low == -(1 << 63):
        return _int64_to(engine.random64(n).view(np.int64), dtype).reshape(shape)
    low, high, span = _random_range(int(low), None if high is None else int(high), dtype)
    if n == 0:
        return np.empty(shape, dtype)
    draws = engine.random64(n) if span >= _RANDOM64_RANGE else engine.random(n)
    values = (draws % np.uint64(span)) + np.uint64(low & UINT64)    # wraps like uint64
    return _int64_to(values.view(np.int64), dtype).reshape(shape)


def _random_unbounded(engine, n, dtype):
    """``Tensor.random_()`` without bounds; see ``random_``."""
    if dtype == np.bool_:
        return (engine.random(n) & np.uint64(1)).astype(np.bool_)
    if dtype.kind == "f":
        digits = np.finfo(dtype).nmant + 1
        draws = engine.random64(n) if dtype == np.float64 else engine.random(n)
        return (draws % np.uint64((1 << digits) + 1)).astype(dtype)
    if dtype == np.int64:
        return (engine.random64(n) % np.uint64(1 << 63)).astype(np.int64)
    modulus = int(np.iinfo(dtype).max) + 1
    return (engine.random(n) % np.uint64(modulus)).astype(dtype)


def random_seed_int64(engine):
    """``torch.empty((), dtype=torch.int64).random_()``: ``random64() % 2**63``."""
    return int(engine.random64(1)[0] % np.uint64(1 << 63))


def _random_range(low, high, dtype):
    """torch's ``random_from_to`` checks; returns ``(from, to, to - from)``.

    ``high=None`` means up to the dtype's largest value (``2**digits`` for floats).
    For float dtypes the bounds first move inwards to values the dtype represents."""
    if high is not None and not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype.kind == "f":
        digits = np.finfo(dtype).nmant + 1
        low = _float_bound(low, dtype, digits, +1)
        if high is None:
            high = (1 << digits) + 1
            if not low < high - 1:
                raise RuntimeError("random_ expects 'from' casted to dtype to be less than or "
                                   f"equal to 'to_inc' casted to dtype, but got from={low} > "
                                   f"to_inc={high - 1}")
        else:
            high = _float_bound(high, dtype, digits, -1)
            if not low < high:
                raise RuntimeError("random_ expects 'from' casted to dtype to be less than 'to' "
                                   f"casted to dtype, but got from={low} >= to={high}")
        lowest, highest = float(np.finfo(dtype).min), float(np.finfo(dtype).max)
        for value, name in ((low, "from"), (high - 1, "to - 1")):
            if not lowest <= value <= highest:
                raise RuntimeError(f"{name} is out of bounds for {CPP_NAME[dtype.name]}")
            if not -(1 << digits) <= value <= (1 << digits):
                warnings.warn(
                    f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                    f"limitations {CPP_NAME[dtype.name]} can support discrete uniform "
                    "distribution only within this range. This warning will become an error in "
                    "version 1.7 release, please fix the code in advance", UserWarning,
                    stacklevel=4)           # the caller of Generator.random_ / randint
    else:
        lowest, highest = (0, 1) if dtype == np.bool_ else (int(np.iinfo(dtype).min),
                                                            int(np.iinfo(dtype).max))
        if high is None:
            high = highest + 1
        for value, name in ((low, "from"), (high - 1, "to - 1")):
            if not lowest <= value <= highest:
                raise RuntimeError(f"{name} is out of bounds for {CPP_NAME[dtype.name]}")
    return low, high, (high - low) & UINT64


def _float_bound(bound, dtype, digits, direction):
    """torch's ``update_from`` (direction +1) / ``update_to`` (-1): move an integer bound
    inwards until ``bound + direction`` survives a round trip through the float dtype."""
    neighbour = bound + direction
    via = np.float64 if dtype == np.float64 else np.float32     # C++ int64 -> T (Half via float)
    with np.errstate(over="ignore"):
        as_float = np.array(neighbour, np.int64).astype(via).astype(dtype)
    if not np.isfinite(as_float):       # the C++ cast back is undefined; x86 gives INT64_MIN
        return bound
    rounded = int(as_float)
    if (direction > 0 and rounded < bound) or (direction < 0 and rounded >= bound):
        return rounded + direction * (1 << (abs(neighbour).bit_length() - digits))
    return bound


def _int64_to(values, dtype):
    """C++ ``static_cast<T>(int64)``: wraps for small ints, rounds for floats
    (float16 via float32, as ``c10::Half`` does)."""
    if dtype == np.float16:
        return values.astype(np.float32).astype(np.float16)
    return values.astype(dtype)
