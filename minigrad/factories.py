"""Making tensors: from data (``tensor``, ``as_tensor``, ``from_numpy``), filled (``zeros``,
``ones``, ``full``, ``arange``, ``linspace``, ``eye``, ...) and random (``rand``, ``randn``, ...;
drawn from ``minigrad.random`` so seeds give torch's numbers)."""
import math
import warnings

import numpy as np

from . import dtypes as _dt
from ._backend import cupy_module, device as _device, to_device
from .tensor import Size, Tensor, _wrap
from . import random as _random


def _finish(array, dtype, device, requires_grad):
    """Wrap a new CPU array: cast, move to ``device``, set ``requires_grad`` (floats only)."""
    dtype = _dt.to_dtype(dtype) if dtype is not None else _dt.from_numpy_dtype(array.dtype)
    if array.dtype != dtype.np:
        array = array.astype(dtype.np)
    device = _default_device if device is None else device
    if device is not None:
        dev = _device(device)
        if dev.type != "cpu":
            array = to_device(array, dev if dev.index is not None else _device("cuda", 0))
    t = _wrap(array, dtype)
    if requires_grad:
        if not dtype.is_floating_point:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


def _infer_array(data, dtype=None):
    """NumPy array of ``data`` with torch's dtype inference and checks.

    Arrays and tensors are copied as they are. Python data is walked as torch's ``tensor()`` walks
    it: the shape comes from the first element at each depth (a ragged list is torch's ValueError);
    each scalar has a type (bool; int: int64; float: the default dtype; a NumPy scalar or a
    one-element tensor: its own dtype) and the result is their promotion (``[np.float64(2.), 1.]``
    is float64, ``[2**100, 1.5]`` float). Integers must fit 64 bits ("Overflow when unpacking long
    long") and every value must fit an integer ``dtype`` (torch's RuntimeError, instead of wrapping).
    """
    if isinstance(data, Tensor):
        return data._data.copy() if isinstance(data._data, np.ndarray) else data._data.get()
    if isinstance(data, np.ndarray):
        return data.copy()
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    shape = _shape_of(data)
    leaves, types = [], set()
    try:
        _leaves(data, shape, 0, leaves, types)
    except _Uninferable as exc:  # with a dtype, torch converts each element to its Python type
        kind = exc.args[0]
        if dtype is None:
            raise RuntimeError(f"Could not infer dtype of {kind}") from None
        if _dt.to_dtype(dtype).is_floating_point:
            raise TypeError(f"must be real number, not {kind}") from None
        raise TypeError(f"'{kind}' object cannot be interpreted as an integer") from None
    inferred = _scalar_types_promoted(types)
    target = _dt.to_dtype(dtype) if dtype is not None else inferred
    if target is _dt.bool:  # each value's truth, whatever its size
        values = np.array([bool(v) for v in leaves], dtype=np.bool_)
    elif inferred.is_floating_point or target.is_floating_point:
        values = np.array(leaves, dtype=np.float64)
    elif inferred is _dt.bool:
        values = np.array(leaves, dtype=np.bool_)
    else:
        if leaves and not -2 ** 63 <= min(leaves) <= max(leaves) < 2 ** 63:
            raise ValueError("Overflow when unpacking long long")
        values = np.array(leaves, dtype=np.int64)
    if target._category == 1 and int in types and any(v.__class__ is int and not -2 ** 63 <= v < 2 ** 63
                                                      for v in leaves):
        raise ValueError("Overflow when unpacking long long")
    if values.size and target._category == 1 and values.dtype != target.np:  # (category 1: integers)
        # an int may wrap into an unsigned dtype (-1 is 255), a float may not
        mixed = int in types and float in types
        for v in leaves if mixed else (values.min().item(), values.max().item()):
            _dt.check_fits(v, target, target.name, wrap_unsigned=True)
    return values.astype(target.np, copy=False).reshape(shape)


_SEQUENCES = (list, tuple, np.ndarray)


def _shape_of(data):
    """The shape torch infers: the lengths along the first elements (a string there is a sequence
    too, hence torch's "too many dimensions 'str'"); a one-element tensor is a scalar."""
    shape = []
    while isinstance(data, _SEQUENCES) or isinstance(data, str) and shape:
        if isinstance(data, str):
            raise ValueError("too many dimensions 'str'")
        shape.append(len(data))
        if not len(data):
            break
        data = data[0]
    return shape


def _leaves(data, shape, dim, out, types):
    """Append the scalars of ``data`` to ``out`` and their types to ``types``, checking its lengths
    against ``shape`` with torch's messages."""
    if dim == len(shape):  # a scalar
        out.append(_scalar(data, types))
        return
    if not isinstance(data, _SEQUENCES):
        raise TypeError("not a sequence")
    if len(data) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(data)})")
    if dim == len(shape) - 1:
        for x in data:
            kind = x.__class__
            if kind is float or kind is int or kind is bool:
                types.add(kind)
                out.append(x)
            else:
                out.append(_scalar(x, types))
    else:
        for x in data:
            _leaves(x, shape, dim + 1, out, types)


def _scalar(x, types):
    """One scalar of ``tensor()``'s data: its Python value; its type added to ``types``."""
    if isinstance(x, np.generic) and x.dtype.kind in "biuf":  # (before the Python types: np.float64 is a float)
        types.add(_dt.from_numpy_dtype(x.dtype))
        return x.item()
    if isinstance(x, (bool, int, float)):
        types.add(bool if isinstance(x, bool) else int if isinstance(x, int) else float)
        return x
    if isinstance(x, Tensor):
        if x._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        types.add(x.dtype)
        return x.item()
    if isinstance(x, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    if isinstance(x, _SEQUENCES):  # deeper than the first elements said
        raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
    raise _Uninferable(type(x).__name__)


class _Uninferable(Exception):
    """An element ``tensor()`` cannot read as a number (its type's name in ``args[0]``)."""


def _scalar_types_promoted(types):
    """torch's promotion of the scalar types in ``tensor()``'s data: the highest category, and
    within it the wider type (no data: the default float dtype)."""
    if not types:
        return _dt.get_default_dtype()
    python = {bool: _dt.bool, int: _dt.int64, float: _dt.get_default_dtype()}
    best = None
    for t in types:
        d = python.get(t, t)
        if best is None or d._category > best._category:
            best = d
        elif d._category == best._category:
            best = _dt._promote_pair(best, d)
    return best


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (list, number, NumPy array or Tensor)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() "
                      "or sourceTensor.clone().detach().requires_grad_(True), rather than "
                      "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
        if device is None:
            device = data.device
    dtype = None if dtype is None else _dt.to_dtype(dtype, "tensor")
    return _finish(_infer_array(data, dtype), dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but without a copy when ``data`` is already a matching Tensor or array."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype)
    dtype = None if dtype is None else _dt.to_dtype(dtype, "as_tensor")
    if isinstance(data, np.ndarray) and (dtype is None or dtype.np == data.dtype) and \
            (device is None or _device(device).type == "cpu"):
        return _wrap(data, _dt.from_numpy_dtype(data.dtype))
    return _finish(_infer_array(data, dtype), dtype, device, False)


def from_numpy(array):
    """A tensor sharing memory with a NumPy array."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return _wrap(array, _dt.from_numpy_dtype(array.dtype))


def from_dlpack(ext):
    """A tensor sharing memory with any DLPack-capable array/tensor (NumPy, CuPy, torch, ...)."""
    if hasattr(ext, "__dlpack_device__") and ext.__dlpack_device__()[0] != 1:  # not kDLCPU
        return _wrap(cupy_module().from_dlpack(ext))
    return from_numpy(np.from_dlpack(ext))


def scalar_tensor(value, dtype=None, device=None, requires_grad=False):
    return _finish(np.array(value), dtype or _dt.get_default_dtype(), device, requires_grad)


def _size(size, name="empty"):
    """``f(2, 3)`` and ``f((2, 3))`` both mean shape (2, 3); torch's errors for a size that is not
    an int, for negative sizes and for a storage too large to count in bytes."""
    shape = int_sizes(size, name)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"{name}: Dimension size must be non-negative.")
    if math.prod(shape) * 8 >= 2 ** 63:  # (8: the widest element; torch counts bytes in int64)
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(shape)}")
    return shape


def int_sizes(size, name, arg="size"):
    """The ints of ``f(2, 3)`` or ``f((2, 3))`` (``size`` is the tuple of positional arguments); a
    NumPy integer or a one-element integer tensor will do, anything else (``zeros(2.0, 3)``) is a
    TypeError worded as torch's argument parser words it."""
    packed = len(size) == 1 and isinstance(size[0], (tuple, list))
    if packed:
        size = size[0]
    for i, s in enumerate(size):
        if not _is_int(s):
            kind = type(s).__name__
            if i and (packed or len(size) > 1):
                raise TypeError(f"{name}(): argument '{arg}' failed to unpack the object at pos {i + 1} with error "
                                f"\"type must be tuple of ints,but got {kind}\"")
            if packed:
                raise TypeError(f"{name}(): argument '{arg}' (position 1) must be tuple of ints, but found element "
                                f"of type {kind} at pos 0")
            if len(size) > 1:
                raise TypeError(f"{name}() takes 1 positional argument but {len(size)} were given")
            raise TypeError(f"{name}(): argument '{arg}' (position 1) must be tuple of ints, not {kind}")
    return tuple(int(s) for s in size)


def _is_int(s):
    return isinstance(s, (int, np.integer)) and not isinstance(s, bool) or \
        isinstance(s, Tensor) and s._data.size == 1 and s.dtype._category == 1


def _float_dtype(dtype, fn=None):
    return _dt.to_dtype(dtype, fn) if dtype is not None else _dt.get_default_dtype()


def zeros(*size, dtype=None, device=None, requires_grad=False):
    dtype = _float_dtype(dtype, "zeros")
    return _finish(np.zeros(_size(size, "zeros"), dtype.np), dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    dtype = _float_dtype(dtype, "ones")
    return _finish(np.ones(_size(size, "ones"), dtype.np), dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None):
    dtype = _float_dtype(dtype, "empty")
    return _finish(np.zeros(_size(size, "empty"), dtype.np), dtype, device, requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of ``size`` filled with ``fill_value`` (dtype: the value's, as torch infers it);
    a value that does not fit the dtype is torch's RuntimeError."""
    dtype = _dt.result_type(fill_value) if dtype is None else _dt.to_dtype(dtype, "full")
    shape = _size((size,), "full")
    value = fill_value._data if isinstance(fill_value, Tensor) else _dt.cast_scalar(fill_value, dtype, math.prod(shape))
    return _finish(np.full(shape, value, dtype.np), dtype, device, requires_grad)


def _like(t, dtype, device, fn):
    """Shape, dtype and device of a ``fn`` (``zeros_like`` ...) of ``t``."""
    return t._data.shape, t.dtype if dtype is None else _dt.to_dtype(dtype, fn), device or t.device


def zeros_like(t, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype, device = _like(t, dtype, device, "zeros_like")
    return zeros(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(t, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype, device = _like(t, dtype, device, "ones_like")
    return ones(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(t, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype, device = _like(t, dtype, device, "empty_like")
    return zeros(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(t, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype, device = _like(t, dtype, device, "full_like")
    return full(shape, fill_value, dtype=dtype, device=device, requires_grad=requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values ``start, start+step, ...`` below ``end``; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    start, end, step = (x.item() if isinstance(x, Tensor) else x for x in (start, end, step))
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    if step == 0 or step != step:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        is_float = any(isinstance(x, float) for x in (start, end, step))
        dtype = _dt.get_default_dtype() if is_float else _dt.int64
    dtype = _dt.to_dtype(dtype)
    n = math.ceil((end - start) / step)
    values = start + np.arange(n, dtype=np.float64 if dtype.is_floating_point else np.int64) * step
    return _finish(values, dtype, device, requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values, computed as torch's CPU kernel does: ``start + step*i`` for
    the first half and ``end - step*(steps-1-i)`` for the second, with ``step`` rounded to the
    output dtype and each value rounded once (the kernel's fused multiply-add)."""
    dtype = _float_dtype(dtype)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    i = np.arange(steps)
    if steps == 1:
        values = np.full(1, start, dtype=np.float64)
    else:
        kind = dtype.np.type if dtype.is_floating_point else np.float64
        first, last = kind(start), kind(end)
        step = np.float64((last - first) / kind(steps - 1))
        values = np.where(i < steps // 2, np.float64(first) + step * i, np.float64(last) - step * (steps - 1 - i))
    return _finish(values, dtype, device, requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    values = linspace(start, end, steps, dtype=_dt.float64)._data
    return _finish(np.power(base, values), _float_dtype(dtype), device, requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    return _finish(np.eye(n, m if m is not None else n), _float_dtype(dtype), device, requires_grad)


# --- random ------------------------------------------------------------------------------------
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform on [0, 1)."""
    dtype = _float_dtype(dtype)
    array = _random._resolve(generator).uniform(_size(size, "rand"), dtype.np)
    return _finish(array, dtype, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal."""
    dtype = _float_dtype(dtype)
    array = _random._resolve(generator).normal(_size(size, "randn"), dtype.np)
    return _finish(array, dtype, device, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers uniform on [low, high); ``randint(high, size)`` means low = 0."""
    if size is None:
        low, high, size = 0, low, high
    dtype = _dt.to_dtype(dtype) if dtype is not None else _dt.int64
    array = _random._resolve(generator).randint(low, high, _size((size,)), dtype.np)
    return _finish(array, dtype, device, requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0..n-1."""
    dtype = _dt.to_dtype(dtype) if dtype is not None else _dt.int64
    return _finish(_random._resolve(generator).randperm(n, dtype.np), dtype, device, requires_grad)


def rand_like(t, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype, device = _like(t, dtype, device, None)  # (overloaded in torch: its message lists them)
    return rand(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randn_like(t, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype, device = _like(t, dtype, device, None)
    return randn(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randint_like(t, low=0, high=None, *, dtype=None, device=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    shape, dtype, device = _like(t, dtype, device, None)
    return randint(low, high, shape, dtype=dtype, device=device, requires_grad=requires_grad)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal samples: float mean/std with ``size``, or elementwise from tensor mean and/or std."""
    gen = _random._resolve(generator)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        array = gen.normal_arrays(mean._data if isinstance(mean, Tensor) else mean,
                                  std._data if isinstance(std, Tensor) else std, ref.dtype.np)
        return _finish(array, ref.dtype, device or ref.device, requires_grad)
    dtype = _float_dtype(dtype)
    return _finish(gen.normal(_size((size,)), dtype.np, mean, std), dtype, device, requires_grad)


def bernoulli(input, p=None, *, generator=None):  # noqa: A002 - torch's parameter name
    """0/1 samples with probabilities ``input`` (or a float ``p``), same shape and dtype."""
    probs = p if p is not None else input._data
    array = _random._resolve(generator).bernoulli(probs, input._data.shape, input.dtype.np)
    return _finish(array, input.dtype, input.device, False)


def multinomial(input, num_samples, replacement=False, *, generator=None):  # noqa: A002
    """Indices sampled from the rows of ``input`` (unnormalised probabilities)."""
    array = _random._resolve(generator).multinomial(input._data, num_samples, replacement)
    return _finish(np.asarray(array, np.int64), _dt.int64, input.device, False)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def typename(obj):
    """torch.typename: ``'torch.FloatTensor'`` for a tensor, else the dotted name of the object's type."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module, qualname = type(obj).__module__, type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def numel(t):
    return t.numel()


def is_floating_point(t):
    return t.dtype.is_floating_point


# --- compatibility names from torch's older API -------------------------------------------------
# torch's C++ names of dtypes, as its TensorOptions and "Expected out tensor to have dtype ..." errors spell them
C_TYPE_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int8": "signed char",
                "int16": "short int", "int32": "int", "int64": "long int", "uint8": "unsigned char", "bool": "bool"}


def _options(dtype):
    return (f"TensorOptions(dtype={C_TYPE_NAMES[dtype.name]}, device=cpu, layout=Strided, requires_grad=false "
            "(default), pinned_memory=false (default), memory_format=(nullopt))")


class tensortype(type):  # noqa: N801 - torch's name (type(torch.FloatTensor) is torch.tensortype)
    """The metaclass of the legacy typed constructors (``torch.FloatTensor``, ``torch.LongTensor``, ...),
    as torch's ``torch/csrc/tensor/python_tensor.cpp``: ``FloatTensor(2, 3)`` (sizes, uninitialised;
    zeros here), ``FloatTensor([1, 2])`` (data), ``FloatTensor()`` (empty), ``FloatTensor(t)`` (``t``
    itself when it has the dtype, else TypeError); ``isinstance(t, FloatTensor)`` asks for a cpu float32
    tensor."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"

    def __call__(cls, *args, device=None):
        dtype = cls.dtype
        if not args:
            return empty(0, dtype=dtype, device=device)
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args) or (
                len(args) == 1 and isinstance(args[0], Size)):
            size = args[0] if isinstance(args[0], Size) else args
            if min(size, default=0) < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
            return zeros(*size, dtype=dtype, device=device)
        if len(args) > 1:
            raise TypeError(f"new() received an invalid combination of arguments - got {len(args)} arguments")
        data = args[0]
        if isinstance(data, Tensor):
            if data.dtype is not dtype:
                raise TypeError(f"expected {_options(dtype)} (got {_options(data.dtype)})")
            alias = _wrap(data._data, dtype)
            alias._share_version(data)
            return alias
        if isinstance(data, (int, float, bool)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        return tensor(data, dtype=dtype, device=device)



def _legacy_constructor(name, dtype):
    return tensortype(name, (), {"dtype": dtype, "__module__": "torch", "__doc__": f"torch.{name}: {dtype} "
                                 "tensors from sizes or data (the legacy constructor)"})


FloatTensor = _legacy_constructor("FloatTensor", _dt.float32)
DoubleTensor = _legacy_constructor("DoubleTensor", _dt.float64)
HalfTensor = _legacy_constructor("HalfTensor", _dt.float16)
ByteTensor = _legacy_constructor("ByteTensor", _dt.uint8)
CharTensor = _legacy_constructor("CharTensor", _dt.int8)
ShortTensor = _legacy_constructor("ShortTensor", _dt.int16)
IntTensor = _legacy_constructor("IntTensor", _dt.int32)
LongTensor = _legacy_constructor("LongTensor", _dt.int64)
BoolTensor = _legacy_constructor("BoolTensor", _dt.bool)

# torch.set_default_device: the device factories make tensors on when they are not given one
_default_device = None


def set_default_device(device):
    """``torch.set_default_device``: ``None`` (or ``"cpu"``) makes factories return cpu tensors again."""
    global _default_device
    _default_device = None if device is None else _device(device)


def get_default_device():
    """``torch.get_default_device``: the device factories use when not given one."""
    return _default_device or _device("cpu")
