"""``TracedArray``: the NumPy array a compiled region computes with while it is being captured.

During capture every Tensor the region reads (its arguments, the parameters, buffers and gradients
of the modules and optimizers it names) holds a ``TracedArray`` view of its memory instead of its
plain array. A ``TracedArray`` is a real ``ndarray`` (so every op runs unchanged), whose NumPy
protocols report each call to the active recorder (``capture.Recorder.call``) before computing it:

* ``__array_ufunc__``: every ufunc (``np.add``, ``a @ b``, ``a += b``, ``a.sum()``, ``a.max()``,
  ``a.clip()``: NumPy's methods call ufuncs) and its methods (``reduce``, ``accumulate``, ``at``);
* ``__array_function__``: every other NumPy function (``np.zeros_like``, ``np.where``,
  ``np.zeros(shape, like=a)``, ``np.concatenate``);
* the ``ndarray`` methods implemented in C that make arrays without calling either (``reshape``,
  ``transpose``, ``T``, indexing, ``astype``, ``copy``, ...) are overridden below.

Reading values into Python (``item``, ``tolist``, ``float(a)``, ``bool(a)``, ``int(a)``, printing)
is *data-dependent control flow*: replay cannot repeat a Python decision, so the recorder
(``Recorder.data_read``) turns the read into a *guard* (replay computes the value again and runs
the call eagerly if it differs), refuses it (the region runs eagerly), or lets it pass when the
value is *static*: computed only from Python constants (``int(np.asarray(batch_sizes).sum())``),
the same at every call with this signature. An array made by a C method not listed here has no
slot (``_slot is None``); using it later also makes the region eager. Nothing is guessed.

Outside capture (a ``TracedArray`` kept alive by a graph after capture ended), every call just
computes on plain arrays.
"""
import numpy as np

from .._modes import capture as _capture

_plain = np.ndarray.view


def _recorder():
    """The recorder when one is recording now (capture on, not suspended), else None."""
    rec = _capture.recorder
    return rec if rec is not None and rec.recording else None


def _method(name):
    """An override of ``ndarray.<name>`` that records the call."""
    unbound = getattr(np.ndarray, name)

    def method(self, *args, **kwargs):
        rec = _recorder()
        if rec is None:
            return unbound(_plain(self, np.ndarray), *args, **kwargs)
        return rec.call(unbound, (self,) + args, kwargs)
    method.__name__ = name
    method.__doc__ = f"``ndarray.{name}``, recorded while capturing."
    return method


def _read(name, convert, guardable=True):
    """An override of a method that reads values into Python: a data-dependent read, which the
    recorder turns into a guard (``guardable``: the value can be compared at replay) or refuses."""
    def method(self, *args):
        value = convert(_plain(self, np.ndarray), *args)
        rec = _capture.recorder
        if rec is not None:
            rec.data_read(name, self._slot, (convert, args, value) if guardable else None)
        return value
    method.__name__ = name
    return method


class TracedArray(np.ndarray):
    """An ``ndarray`` whose NumPy calls are recorded; ``_slot`` is its value's number in the program
    being recorded (None: made by a call the recorder did not see)."""

    _slot = None

    def __array_finalize__(self, obj):
        self._slot = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        fn = ufunc if method == "__call__" else getattr(ufunc, method)
        rec = _recorder()
        if rec is None:
            return _unwrapped(fn, inputs, kwargs)
        return rec.call(fn, inputs, kwargs, pure=method != "at" and "out" not in kwargs)

    def __array_function__(self, func, types, args, kwargs):
        rec = _recorder()
        if rec is None:
            return _unwrapped(func, args, kwargs)
        return rec.call(func, args, kwargs, pure="out" not in kwargs and func not in _WRITES)

    # --- C methods that make arrays: recorded ------------------------------------------------
    reshape = _method("reshape")
    transpose = _method("transpose")
    swapaxes = _method("swapaxes")
    astype = _method("astype")
    copy = _method("copy")
    ravel = _method("ravel")
    flatten = _method("flatten")
    squeeze = _method("squeeze")
    argmax = _method("argmax")
    argmin = _method("argmin")
    argsort = _method("argsort")
    take = _method("take")
    repeat = _method("repeat")
    dot = _method("dot")
    __getitem__ = _method("__getitem__")

    @property
    def T(self):  # noqa: N802 - ndarray's name
        return self.transpose()

    @property
    def mT(self):  # noqa: N802 - ndarray's name
        return self.swapaxes(-2, -1)

    def view(self, *args, **kwargs):
        rec = _recorder()
        if rec is None:
            return _plain(self, np.ndarray).view(*args, **kwargs)
        return rec.call(np.ndarray.view, (self,) + args, kwargs)

    @property
    def base(self):
        """The base of the array this one stands for (a recorded value is a TracedArray view of a
        plain array: code such as the engine's ``array.base is not None`` must see what it would
        see eagerly)."""
        own = np.ndarray.base.__get__(self)
        return own.base if own is not None and own.__class__ is np.ndarray and self._slot is not None else own

    # --- attributes that change an array in place: recorded as writes --------------------------
    @property
    def shape(self):
        return np.ndarray.shape.__get__(self)

    @shape.setter
    def shape(self, value):  # ``a.shape = s`` (a view's reshape in place, as ops/shape.py's view)
        rec = _recorder()
        if rec is not None:  # (the recorded call sets the shape of a plain view of this array)
            rec.call(set_shape, (self, value), {}, pure=False)
        np.ndarray.shape.__set__(self, value)

    # --- C methods that write: recorded as writes ------------------------------------------
    def __setitem__(self, index, value):
        rec = _recorder()
        if rec is None:
            return _unwrapped(np.ndarray.__setitem__, (self, index, value), {})
        return rec.call(np.ndarray.__setitem__, (self, index, value), {}, pure=False)

    def fill(self, value):
        rec = _recorder()
        if rec is None:
            return _plain(self, np.ndarray).fill(value)
        return rec.call(np.ndarray.fill, (self, value), {}, pure=False)

    # --- reads of values into Python: data-dependent -------------------------------------------
    item = _read("item", np.ndarray.item)
    tolist = _read("tolist", np.ndarray.tolist)
    tobytes = _read("tobytes", np.ndarray.tobytes)
    __float__ = _read("float()", float)
    __int__ = _read("int()", int)
    __index__ = _read("index", np.ndarray.__index__)
    __bool__ = _read("bool()", bool)
    __complex__ = _read("complex()", complex)
    __contains__ = _read("in", np.ndarray.__contains__)
    # printing and iterating are not decisions replay could check: always refused
    __repr__ = _read("repr()", repr, guardable=False)
    __str__ = _read("str()", str, guardable=False)
    __format__ = _read("format()", format, guardable=False)
    __iter__ = _read("iteration", iter, guardable=False)
    nonzero = _read("nonzero()", np.ndarray.nonzero, guardable=False)

    def __reduce__(self):
        return _plain(self, np.ndarray).__reduce__()

    def __deepcopy__(self, memo):
        return self.copy()


# NumPy functions that write into an argument (never removed as dead code).
_WRITES = frozenset({np.copyto, np.put, np.place, np.putmask, np.fill_diagonal, np.put_along_axis})


def set_shape(array, shape):
    """``array.shape = shape``, as a call (how replay repeats it)."""
    array.shape = shape


def plain(x):
    """``x`` as a plain ndarray (a TracedArray's view of the same memory; anything else as is)."""
    return _plain(x, np.ndarray) if isinstance(x, TracedArray) else x


def unwrap(obj):
    """``obj`` with every TracedArray inside (tuples, lists, dicts) replaced by its plain view."""
    if isinstance(obj, TracedArray):
        return _plain(obj, np.ndarray)
    if isinstance(obj, (tuple, list)):
        return type(obj)(unwrap(o) for o in obj) if type(obj) in (tuple, list) else obj
    if isinstance(obj, dict):
        return {k: unwrap(v) for k, v in obj.items()}
    return obj


def _unwrapped(fn, args, kwargs):
    """``fn`` on plain arrays (no recorder): what a TracedArray does outside capture."""
    return fn(*unwrap(args), **unwrap(kwargs))
