"""A strict stand-in for a GPU, so that the device-parametrised parity tests check the device seam
on every CI run, GPU or not.

``StrictArray`` is a CPU array that behaves like a CuPy array where code written for NumPy breaks:

- it refuses implicit conversion to NumPy (``np.asarray(x)``, ``np.array(x)``: ``TypeError``, as
  CuPy's ``__array__`` does); the way back to the host is ``x.get()``;
- a NumPy array meeting it in a ufunc or a NumPy function is a ``TypeError`` (CuPy does not mix
  host and device arrays), so arrays made on the host (``np.arange(n)`` without ``like=``) are caught;
- setitem takes a non-scalar host array only for ``a[:] = host`` (CuPy's one exception);
- reductions and full indexing give 0-d arrays, never NumPy scalars;
- creation with ``like=x`` makes a ``StrictArray`` (NumPy dispatches it to ``__array_function__``).

``install(monkeypatch)`` puts a fake ``cupy`` module (``asarray``, ``ndarray``, ``cuda.Device``, ...)
in ``minigrad._backend``, so minigrad's own CUDA path runs on ``StrictArray``s, and makes minigrad
read the test device name ``DEVICE`` as ``cuda:0``. ``DEVICE`` is a ``str`` equal to ``"cpu"``,
which is what torch reads: torch computes the reference on its CPU.
"""
import contextlib
import types

import numpy as np
import pytest
from numpy.lib.mixins import NDArrayOperatorsMixin

from minigrad import _backend


class DeviceName(str):
    """``"cpu"`` to torch; ``cuda:0`` (the stand-in) to minigrad once ``install`` has run."""


DEVICE = DeviceName("cpu")
_HOST_ERROR = "Unsupported type <class 'numpy.ndarray'>: a host array met a device array"


def _unwrap(x, strict=True):
    """StrictArrays (also inside lists, tuples, dicts) as their NumPy arrays; a NumPy array is a
    TypeError when ``strict`` (as CuPy refuses host arrays)."""
    if isinstance(x, StrictArray):
        return x._a
    if strict and isinstance(x, np.ndarray):
        raise TypeError(_HOST_ERROR)
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(i, strict) for i in x)
    if isinstance(x, dict):
        return {k: _unwrap(v, strict) for k, v in x.items()}
    return x


def _wrap(x):
    """NumPy results as StrictArrays (scalars as 0-d arrays, like CuPy's reductions)."""
    if isinstance(x, np.ndarray):
        return StrictArray(x)
    if isinstance(x, np.generic):
        return StrictArray(np.asarray(x))
    if isinstance(x, tuple):
        return tuple(_wrap(i) for i in x)
    if isinstance(x, list):
        return [_wrap(i) for i in x]
    return x


class _Device:
    id = 0


class StrictArray(NDArrayOperatorsMixin):
    """A NumPy array on the stand-in device (see the module docstring)."""

    __slots__ = ("_a",)
    device = _Device()

    def __init__(self, array):
        self._a = array

    # --- the ways out: explicit only ---------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a "
                        "NumPy array explicitly.")

    def get(self):
        return self._a

    # --- NumPy's protocols: compute on the wrapped arrays, refuse host arrays -------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        result = getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs))
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    # --- the ndarray interface minigrad uses ----------------------------------------------------
    @property
    def data(self):  # CuPy's MemoryPointer: ``.ptr`` is the address of the first element
        return types.SimpleNamespace(ptr=self._a.__array_interface__["data"][0])

    @property
    def shape(self):
        return self._a.shape

    @shape.setter
    def shape(self, shape):  # reshape without a copy, or AttributeError (as CuPy and NumPy do)
        self._a.shape = shape

    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    nbytes = property(lambda self: self._a.nbytes)
    itemsize = property(lambda self: self._a.itemsize)
    base = property(lambda self: self._a.base)
    T = property(lambda self: StrictArray(self._a.T))

    def __getattr__(self, name):  # methods (sum, reshape, astype, ...): wrapped like the protocols
        if name.startswith("__"):  # no __array_interface__ & co.: NumPy must not read the memory
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)
        return lambda *args, **kwargs: _wrap(attr(*_unwrap(args), **_unwrap(kwargs)))

    def __getitem__(self, index):
        return _wrap(self._a[_unwrap(index, strict=False)])  # CuPy copies a host index array over

    def __setitem__(self, index, value):
        if isinstance(value, np.ndarray) and value.shape != () and not (isinstance(index, slice) and index == slice(None)):
            # CuPy copies a host array over only for ``a[:] = host`` (cupy#2079); else its fill refuses
            raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        self._a[_unwrap(index, strict=False)] = _unwrap(value, strict=False)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(row) for row in self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return self._a.__index__()

    def __repr__(self):
        return f"StrictArray({self._a!r})"

    __hash__ = None


def _asarray(x, dtype=None):
    """cupy.asarray: a host array (or anything array-like) copied to the stand-in device."""
    if isinstance(x, StrictArray):
        return x if dtype is None else x.astype(dtype, copy=False)
    return StrictArray(np.array(x, dtype=dtype))


class _FakeCupy(types.ModuleType):
    """The parts of the ``cupy`` module minigrad calls, on ``StrictArray``; any other NumPy function
    (``xp(device).zeros``) is NumPy's, with its result on the stand-in device."""

    ndarray = StrictArray

    def __init__(self):
        super().__init__("cupy")
        self.asarray = _asarray
        self.cuda = types.SimpleNamespace(
            Device=lambda index=0: contextlib.nullcontext(),
            runtime=types.SimpleNamespace(getDeviceCount=lambda: 1, getDevice=lambda: 0,
                                          deviceSynchronize=lambda: None))

    def from_dlpack(self, ext):
        return StrictArray(np.from_dlpack(ext))

    def __getattr__(self, name):
        fn = getattr(np, name)
        return lambda *args, **kwargs: _wrap(fn(*_unwrap(args), **_unwrap(kwargs)))


def install(monkeypatch):
    """Make minigrad's ``cuda`` the stand-in, and ``DEVICE`` read as ``cuda:0``, for one test."""
    monkeypatch.setattr(_backend, "_cupy", _FakeCupy())
    parse = _backend.device.__init__

    def device_init(self, type, index=None):  # noqa: A002 - torch's parameter name
        if isinstance(type, DeviceName):
            type, index = "cuda", 0
        parse(self, type, index)
    monkeypatch.setattr(_backend.device, "__init__", device_init)


def skip_if_stand_in(device):
    """For the few tests that compare *which* device a result is on with torch's: on the stand-in,
    minigrad's is cuda:0 and torch's is cpu by design."""
    if isinstance(device, DeviceName):
        pytest.skip("the stand-in device is cuda:0 to minigrad and cpu to torch: device names differ by design")


__all__ = ["DEVICE", "StrictArray", "install", "skip_if_stand_in"]
