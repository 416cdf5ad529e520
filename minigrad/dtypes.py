"""Dtype objects (``minigrad.float32`` ...) and torch's type-promotion rules.

A dtype wraps a NumPy dtype and knows its *category*: bool < integer < floating.
Promotion follows torch: the result category is the highest among the operands;
within that category, dimensioned tensors win over zero-dim tensors, which win
over Python scalars (so ``float32_tensor * 2.5`` stays float32).
"""
import builtins as _builtins
import math

import numpy as np

__all__ = ["dtype", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
           "uint8", "bool", "get_default_dtype", "set_default_dtype", "result_type"]

_BOOL, _INT, _FLOAT = 0, 1, 2


class dtype:
    """A tensor element type; prints like torch (``torch.float32``)."""

    __slots__ = ("name", "legacy_name", "cpp_name", "np", "itemsize", "is_floating_point", "is_signed", "_category")

    def __init__(self, name, legacy_name, np_dtype, category, cpp_name):
        self.name = name
        self.legacy_name = legacy_name  # torch's old type names: FloatTensor, LongTensor, ...
        self.cpp_name = cpp_name  # the C++ type's name, as messages that print a TypeMeta give it
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.is_floating_point = category == _FLOAT
        self.is_signed = name not in ("bool", "uint8")
        self._category = category

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = dtype("float16", "Half", np.float16, _FLOAT, "c10::Half")
float32 = dtype("float32", "Float", np.float32, _FLOAT, "float")
float64 = dtype("float64", "Double", np.float64, _FLOAT, "double")
int8 = dtype("int8", "Char", np.int8, _INT, "signed char")
int16 = dtype("int16", "Short", np.int16, _INT, "short int")
int32 = dtype("int32", "Int", np.int32, _INT, "int")
int64 = dtype("int64", "Long", np.int64, _INT, "long int")
uint8 = dtype("uint8", "Byte", np.uint8, _INT, "unsigned char")
bool = dtype("bool", "Bool", np.bool_, _BOOL, "bool")  # noqa: A001 - torch.bool

half, float, double = float16, float32, float64  # noqa: A001 - torch's aliases
short, int, long = int16, int32, int64  # noqa: A001

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool)
_FROM_NUMPY = {d.np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}
builtins_float, builtins_int, builtins_bool = _builtins.float, _builtins.int, _builtins.bool


def _by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The minigrad dtype of a NumPy dtype; TypeError for ones torch lacks."""
    try:
        return _FROM_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only supported "
            "types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_dtype(d, fn=None):
    """Accept a minigrad dtype, a NumPy dtype/type, or a Python type (``float``, ``int``, ``bool``);
    anything else (a name such as ``"float32"``, a number) is torch's TypeError, worded as its
    argument parser words it for the function named ``fn`` (``zeros(): argument 'dtype' ...``)."""
    if d.__class__ is dtype:
        return d
    if isinstance(d, (str, _builtins.int, _builtins.float)):
        prefix = f"{fn}(): " if fn else ""
        raise TypeError(f"{prefix}argument 'dtype' must be torch.dtype, not {type(d).__name__}")
    if d is builtins_float:
        return float64
    if d is builtins_int:
        return int64
    if d is builtins_bool:
        return bool
    return from_numpy_dtype(d)


def check_fits(value, d, type_name, wrap_unsigned=False):
    """Raise torch's error when the Python number ``value`` does not fit the integer dtype ``d``
    (a NaN or an infinity never does; the value is compared, not its truncation). Past 64 bits, torch's
    OverflowError. ``wrap_unsigned``: ``full``/``fill_`` let an unsigned dtype take negative values
    down to ``-max`` (they wrap, as C++ casts do); ``tensor()`` does not. ``type_name`` is torch's
    spelling in the message (``int64`` from ``tensor()``, ``int64_t`` from ``full``)."""
    if d._category != _INT or isinstance(value, _builtins.bool):
        return
    if isinstance(value, _builtins.int):
        check_unpacks_64(value)
    info = np.iinfo(d.np)
    low = -info.max if wrap_unsigned and not d.is_signed and isinstance(value, _builtins.int) else info.min
    if value != value or not low <= value <= info.max:  # (a NaN fails every comparison)
        raise RuntimeError(f"value cannot be converted to type {type_name} without overflow")


def check_scalar_cast(value, d, wrap_unsigned=False):
    """torch's checked cast of a Python number to the dtype ``d`` of the tensor it is written into
    or meets (c10's ``Scalar::to<T>``: ``full``/``fill_`` values, pow's exponent, clamp's bounds): an
    integer dtype by ``check_fits``; float16 and float32 hold finite values up to their largest
    (65504, about 3.4e38); inf and nan pass. The message names the C++ type as c10 does (``int``
    for int32, ``c10::Half``). torch's one-element fill of a float16 skips the check (``full((1,),
    7e4, dtype=float16)`` is inf): callers decide."""
    if d._category == _INT:
        check_fits(value, d, _SCALAR_TYPE_NAMES[d], wrap_unsigned)
    elif d is float16 or d is float32:
        if not isinstance(value, _builtins.bool) and value == value and abs(value) != math.inf and \
                abs(value) > _LARGEST[d]:
            raise RuntimeError(f"value cannot be converted to type {_SCALAR_TYPE_NAMES[d]} without overflow")


def cast_scalar(value, d, numel):
    """The Python number ``value`` as a NumPy scalar of ``d``, as torch's fill does it (``full``,
    ``fill_``, setitem of a number) into ``numel`` elements: checked by ``check_scalar_cast`` (but
    torch's one-element float16 fill is not: 7e4 gives inf), then cast: an int wraps into an unsigned
    dtype (-1 fills a uint8 with 255), a bool dtype takes the number's truth (2**63 is True)."""
    if d is bool:
        return np.bool_(value != 0)
    if not (d is float16 and numel == 1):
        check_scalar_cast(value, d, wrap_unsigned=True)
    if d._category == _INT and isinstance(value, _builtins.int):
        return wrap_int(value, d)
    with np.errstate(over="ignore"):  # (only the unchecked one-element float16 can overflow here)
        return d.np.type(value)


def cast_setitem_number(value, d):
    """A Python number written by ``t[index] = value``: torch reads an int as an int64 first
    (ValueError past it, whatever ``d``), then casts it as a one-element fill (``cast_scalar``)."""
    if isinstance(value, _builtins.int) and not isinstance(value, _builtins.bool) and not -2 ** 63 <= value < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    return cast_scalar(value, d, 1)


def check_bounds_cast(*bounds, d):
    """clamp's number bounds cast into its result dtype ``d``, each checked (``check_scalar_cast``;
    as in a fill, -1 to -255 wrap into uint8: ``uint8_t.clamp(max=-1)`` clamps to 255)."""
    for b in bounds:
        if isinstance(b, (_builtins.int, _builtins.float)):
            check_scalar_cast(b, d, wrap_unsigned=True)


def check_unpacks_64(x):
    """torch's OverflowError for a Python int its argument parser cannot unpack into 64 bits (signed
    or unsigned: -2**63 <= x < 2**64)."""
    if not -2 ** 63 <= x < 2 ** 64:
        raise OverflowError("int too big to convert")


def wrap_int(x, dt):
    """A Python int as a NumPy scalar of the integer dtype ``dt``, wrapped around as torch's
    scalar cast does (``int8_t + 200`` adds -56; ``int64_t + 2**63`` adds -2**63). Past 64 bits,
    torch's OverflowError."""
    check_unpacks_64(x)
    bits = 8 * dt.itemsize
    x %= 2 ** bits
    if dt.is_signed and x >= 2 ** (bits - 1):
        x -= 2 ** bits
    return dt.np.type(x)


# c10's names of the C++ types a Scalar converts to (its checked_convert messages)
_SCALAR_TYPE_NAMES = {uint8: "uint8_t", int8: "int8_t", int16: "int16_t", int32: "int", int64: "int64_t",
                      float16: "c10::Half", float32: "float"}
_LARGEST = {float16: 65504.0, float32: _builtins.float(np.finfo(np.float32).max)}  # (Python floats: no NumPy cast)

_default = [float32]


def get_default_dtype():
    """The dtype of float tensors created from Python floats (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d):
    """Set the default floating dtype; only float dtypes are accepted, as in torch."""
    if d not in (float16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


# Ordered promotion within a category. uint8 with a signed int gives the next signed type
# wide enough, as numpy and torch agree for these pairs.
def _promote_pair(a, b):
    if a is b:
        return a
    return _FROM_NUMPY[np.promote_types(a.np, b.np)]


_RANK_TENSOR, _RANK_ZERODIM, _RANK_SCALAR = 2, 1, 0


def result_type(*operands):
    """torch.result_type over tensors and Python scalars.

    Each operand contributes (category, priority, dtype). The highest category wins; among operands
    of that category only those of the highest priority (tensor > 0-dim tensor > scalar) take part.
    A Python float meeting only integer/bool tensors gives the default dtype. A NumPy scalar
    counts as the Python number it holds (as in torch: ``float32_t - np.float64(m)`` stays float32);
    a NumPy array as a tensor of its dtype.

    A Python int from 2**63 to 2**64 - 1 is torch's UInt64 scalar: it leaves integer and float tensors
    their dtype, but bool ones (the 0-d tensors if there are any, else the others) cannot be promoted
    with it: torch's RuntimeError.
    """
    best_cat, best_rank, best = -1, -1, None
    unsigned_64 = False
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(x, np.generic):
            x, d = x.item(), None
        if d is not None and d.__class__ is dtype:
            rank = _RANK_TENSOR if x.ndim else _RANK_ZERODIM
        elif isinstance(x, np.ndarray):
            d, rank = from_numpy_dtype(x.dtype), _RANK_TENSOR
        else:
            rank = _RANK_SCALAR
            if isinstance(x, _builtins.bool):
                d = bool
            elif isinstance(x, _builtins.int):
                check_unpacks_64(x)
                d, unsigned_64 = int64, unsigned_64 or x >= 2 ** 63
            elif isinstance(x, _builtins.float):
                d = get_default_dtype()
            else:
                raise TypeError(f"unsupported operand type: {type(x).__name__}")
        cat = d._category
        if cat > best_cat or (cat == best_cat and rank > best_rank):
            best_cat, best_rank, best = cat, rank, d
        elif cat == best_cat and rank == best_rank:
            best = _promote_pair(best, d)
    if unsigned_64:
        _check_unsigned_64_promotion(operands)
    return best


def _check_unsigned_64_promotion(operands):
    """torch's error when a UInt64-sized int meets bool tensors: those of the 0-d ones if any, else
    of the others (the group its promotion combines with first)."""
    tensors = [x for x in operands if isinstance(x, np.ndarray) or getattr(x, "dtype", None).__class__ is dtype]
    zero_dim = [x for x in tensors if x.ndim == 0]
    lead = zero_dim or tensors
    if lead and all(_by_dtype_of(x) is bool for x in lead):
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
                           "Bool and UInt64")


def _by_dtype_of(x):
    return from_numpy_dtype(x.dtype) if isinstance(x, np.ndarray) else x.dtype
