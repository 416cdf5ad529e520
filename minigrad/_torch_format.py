"""torch's checkpoint format, read and written without torch and without running code.

``torch.save`` (since torch 1.6) writes a zip archive whose entries share one folder name::

    archive/data.pkl               the object, pickled with protocol 2
    archive/data/0, data/1, ...    one storage each: its elements' raw bytes
    archive/byteorder              "little" or "big": the storages' byte order
    archive/version, .format_version, .storage_alignment, ...   small text records

In ``data.pkl`` a tensor is ``torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
stride, requires_grad, backward_hooks)`` and a storage is a *persistent id*
``("storage", torch.FloatStorage, "0", "cpu", numel)``: the storage class gives the dtype, the key
names the ``data/<key>`` entry. A Parameter wraps its tensor in ``_rebuild_parameter(data,
requires_grad, backward_hooks)``; a state dict is a ``collections.OrderedDict``.

**Reading.** A pickle is a program for a small stack machine, and its ``GLOBAL`` and ``REDUCE``
opcodes import and call whatever the file names. So ``data.pkl`` is never given to ``pickle``:
``Unpickler`` below runs only the opcodes ``torch.save`` emits, and its ``GLOBAL`` looks the name
up in ``_GLOBALS`` -- the tensor rebuild functions, storage classes and ``OrderedDict``, a subset
of what ``torch.load(weights_only=True)`` allows (torch/_weights_only_unpickler.py) -- each mapped
to minigrad code written here. Any other global or opcode is refused before anything is done with
it: nothing named in a file is ever imported or called.

**Writing.** ``write`` emits the same opcodes by hand (tensors, Parameters, OrderedDicts, dicts,
lists, tuples, strings, numbers, booleans and None), so ``torch.load(f, weights_only=True)`` reads
the file.
"""
import pickle
import pickletools
import struct
import sys
import zipfile
from collections import OrderedDict
from pickle import (APPEND, APPENDS, BINFLOAT, BINGET, BININT, BININT1, BININT2, BINPERSID, BINPUT,
                    BINUNICODE, BUILD, EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE, GLOBAL, LONG1, LONG_BINGET,
                    LONG_BINPUT, MARK, NEWFALSE, NEWTRUE, NONE, PROTO, REDUCE, SETITEM, SETITEMS, STOP,
                    TUPLE, TUPLE1, TUPLE2, TUPLE3, decode_long, encode_long)

import numpy as np

from . import _archive, _storages, dtypes as _dt
from ._backend import to_device
from .tensor import Tensor, _wrap

# A file made with torch.save(..., _use_new_zipfile_serialization=False) starts with this pickled number.
LEGACY_MAGIC = b"\x80\x02\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little")


class UnpicklingError(pickle.UnpicklingError, RuntimeError):
    """A checkpoint asks for something that is not data: ``pickle.UnpicklingError`` as in
    ``torch.load(weights_only=True)``, and a RuntimeError like minigrad's other refusals."""


def data_pkl_folder(names):
    """The folder of a torch.save archive (``"archive"``), or None when ``names`` are not one. As
    torch reads it, the folder is the first entry's."""
    folder = names[0].partition("/")[0] if names and "/" in names[0] else None
    return folder if folder is not None and f"{folder}/data.pkl" in names else None


# --- reading ---------------------------------------------------------------------------------
def read(archive, folder, device_for):
    """The object in a torch.save archive. ``device_for(location)`` maps a storage's saved location
    (``"cpu"``, ``"cuda:0"``) to the device to load it on."""
    if f"{folder}/constants.pkl" in archive.names:
        raise RuntimeError(f"{archive.name} is a TorchScript archive (torch.jit.save), not a checkpoint of "
                           "tensors: minigrad cannot run TorchScript")
    byteorder = archive.read(f"{folder}/byteorder") if f"{folder}/byteorder" in archive.names else b"little"
    if byteorder not in (b"little", b"big"):
        archive.fail(f"its byteorder record is {byteorder[:20]!r}, not 'little' or 'big'")
    unpickler = Unpickler(archive, folder, byteorder.decode(), device_for)
    obj = unpickler.load()
    _archive.walk(obj, lambda x: None, lambda problem: archive.fail(f"data.pkl: {problem}"))
    return obj


class _Storage:
    __slots__ = ("dtype", "array")

    def __init__(self, dtype, array):
        self.dtype, self.array = dtype, array


class _StorageType:
    """What ``GLOBAL torch FloatStorage`` pushes: only a dtype."""
    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = dtype


class _Rebuild:
    """What ``GLOBAL torch._utils _rebuild_tensor_v2`` (and the other allowed callables) push:
    minigrad's own function for it, which REDUCE calls with the unpickled arguments."""
    __slots__ = ("name", "function")

    def __init__(self, name, function):
        self.name, self.function = name, function


class Unpickler:
    """The pickle machine of ``torch.load(weights_only=True)`` restricted to state dicts: a stack, a
    mark stack and a memo, and one method per allowed opcode (``_OPS``)."""

    def __init__(self, archive, folder, byteorder, device_for):
        self.archive, self.folder, self.byteorder, self.device_for = archive, folder, byteorder, device_for
        self.data, self.pos = archive.read(f"{folder}/data.pkl"), 0
        self.stack, self.metastack, self.memo, self.storages, self.tuple_depth = [], [], {}, {}, {}

    def load(self):
        try:
            while True:
                if self.pos >= len(self.data):
                    self.fail("data.pkl ends before its STOP opcode")
                code = self.data[self.pos]
                self.pos += 1
                if code == STOP[0]:
                    return self.stack.pop()
                op = _OPS.get(code)
                if op is None:
                    info = pickletools.code2op.get(chr(code))
                    self.refuse(f"the pickle opcode {info.name if info else hex(code)}")
                op(self)
        except (IndexError, KeyError, TypeError, ValueError, struct.error, OverflowError) as exc:
            self.fail(f"data.pkl is malformed at byte {self.pos} ({type(exc).__name__}: {exc})")

    def fail(self, problem):
        self.archive.fail(problem)

    def refuse(self, what):
        raise UnpicklingError(
            f"Weights only load failed: {self.archive.name} is a torch checkpoint whose data.pkl uses {what}, "
            "which minigrad.load does not allow. minigrad reads what torch.load(weights_only=True) reads "
            "for state dicts -- tensors, Parameters, OrderedDicts, dicts, lists, tuples, strings, numbers, "
            "booleans and None -- and never imports or calls anything a file names.")

    def take(self, n):
        if self.pos + n > len(self.data):
            self.fail("data.pkl is truncated")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def line(self):
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            self.fail("data.pkl is truncated in a GLOBAL opcode")
        text = self.data[self.pos:end].decode("utf-8")
        self.pos = end + 1
        return text

    def pop_mark(self):
        items, self.stack = self.stack, self.metastack.pop()
        return items

    # --- the opcodes torch.save emits, as torch/_weights_only_unpickler.py runs them
    def proto(self):
        self.take(1)

    def global_(self):
        name = f"{self.line()}.{self.line()}"
        if name not in _GLOBALS:
            module_class = name.startswith("torch.nn.modules.") or name.startswith("__main__.")
            self.refuse(f"the global {name}" + (" (torch.save was given a whole model: save and load "
                                                "model.state_dict() instead)" if module_class else ""))
        self.stack.append(_GLOBALS[name])

    def reduce(self):
        args, func = self.stack.pop(), self.stack[-1]
        if type(func) is not _Rebuild:
            self.refuse(f"REDUCE (a call) of {type(func).__name__}")
        if type(args) is not tuple:
            self.fail(f"{func.name} is called with {type(args).__name__}, not a tuple of arguments")
        self.stack[-1] = func.function(self, *args)

    def build(self):
        state, inst = self.stack.pop(), self.stack[-1]
        if type(inst) is not OrderedDict or type(state) is not dict or \
                not all(type(k) is str and not k.startswith("__") for k in state):
            self.refuse(f"BUILD (setting attributes) of {type(inst).__name__}")
        inst.__dict__.update(state)  # a state dict's _metadata: its modules' versions

    def binpersid(self):
        pid = self.stack.pop()
        if type(pid) is not tuple or len(pid) != 5 or pid[0] != "storage":
            self.refuse(f"the persistent id {type(pid).__name__} (only storages are allowed)")
        self.stack.append(self.storage(*pid[1:]))

    def mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def tuple_(self):
        made = self._tuple(self.pop_mark())
        self.stack.append(made)

    def tuple1(self):
        self._tuple_of_last(1)

    def tuple2(self):
        self._tuple_of_last(2)

    def tuple3(self):
        self._tuple_of_last(3)

    def _tuple_of_last(self, n):
        if len(self.stack) < n:
            raise IndexError("the stack is empty")
        self.stack[-n:] = [self._tuple(self.stack[-n:])]

    def _tuple(self, items):
        """A tuple, refused when tuples nest past MAX_DEPTH: a dict key that deep would overflow C's
        stack in hash() (lists and dicts cannot be keys; ``read`` checks their depth afterwards)."""
        depth = 1 + max((self.tuple_depth[id(x)][1] for x in items if id(x) in self.tuple_depth), default=0)
        if depth > _archive.MAX_DEPTH:
            self.fail(f"data.pkl nests tuples more than {_archive.MAX_DEPTH} deep")
        made = tuple(items)
        self.tuple_depth[id(made)] = (made, depth)  # the tuple is kept, so its id stays its own
        return made

    def empty_tuple(self):
        self.stack.append(())

    def empty_list(self):
        self.stack.append([])

    def empty_dict(self):
        self.stack.append({})

    def append(self):
        item = self.stack.pop()
        self._list().append(item)

    def appends(self):
        items = self.pop_mark()
        self._list().extend(items)

    def setitem(self):
        value, key = self.stack.pop(), self.stack.pop()
        self._dict()[key] = value

    def setitems(self):
        items = self.pop_mark()
        if len(items) % 2:
            self.fail("data.pkl has a SETITEMS with a key and no value")
        target = self._dict()
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    def _list(self):
        if type(self.stack[-1]) is not list:
            self.refuse(f"APPEND to {type(self.stack[-1]).__name__}")
        return self.stack[-1]

    def _dict(self):
        if type(self.stack[-1]) not in (dict, OrderedDict):
            self.refuse(f"SETITEM on {type(self.stack[-1]).__name__}")
        return self.stack[-1]

    def none(self):
        self.stack.append(None)

    def newtrue(self):
        self.stack.append(True)

    def newfalse(self):
        self.stack.append(False)

    def binint(self):
        self.stack.append(struct.unpack("<i", self.take(4))[0])

    def binint1(self):
        self.stack.append(self.take(1)[0])

    def binint2(self):
        self.stack.append(struct.unpack("<H", self.take(2))[0])

    def long1(self):
        self.stack.append(decode_long(self.take(self.take(1)[0])))

    def binfloat(self):
        self.stack.append(struct.unpack(">d", self.take(8))[0])

    def binunicode(self):
        self.stack.append(str(self.take(struct.unpack("<I", self.take(4))[0]), "utf-8", "surrogatepass"))

    def binget(self):
        self.stack.append(self.memo[self.take(1)[0]])

    def long_binget(self):
        self.stack.append(self.memo[struct.unpack("<I", self.take(4))[0]])

    def binput(self):
        self.memo[self.take(1)[0]] = self.stack[-1]

    def long_binput(self):
        self.memo[struct.unpack("<I", self.take(4))[0]] = self.stack[-1]

    # --- storages and tensors
    def storage(self, storage_type, key, location, numel):
        """The storage ``data/<key>``, read once: tensors on one storage share its memory."""
        if type(storage_type) is not _StorageType or type(key) is not str or type(location) is not str \
                or not _storages._is_int(numel) or numel < 0:
            self.fail(f"data.pkl has a malformed storage id {(storage_type, key, location, numel)!r}"[:300])
        dtype = storage_type.dtype
        if key in self.storages:
            if self.storages[key].dtype is not dtype:
                self.fail(f"storage {key!r} is used as {self.storages[key].dtype} and as {dtype}")
            return self.storages[key]
        raw = self.archive.read(f"{self.folder}/data/{key}")
        if len(raw) != numel * dtype.itemsize:
            self.fail(f"storage {key!r} declares {numel} elements of {dtype} ({numel * dtype.itemsize} bytes) "
                      f"but its entry holds {len(raw)} bytes")
        order = "<" if self.byteorder == "little" else ">"
        array = np.frombuffer(bytearray(raw), dtype.np.newbyteorder(order))
        if not array.dtype.isnative:
            array = array.astype(dtype.np)
        self.storages[key] = _Storage(dtype, to_device(array, self.device_for(location)))
        return self.storages[key]

    def tensor(self, storage, offset, size, stride):
        if type(storage) is not _Storage:
            self.fail(f"a tensor is rebuilt from {type(storage).__name__}, not a storage")
        try:
            return _wrap(_storages.view(storage.array, offset, size, stride), storage.dtype)
        except ValueError as exc:
            self.fail(f"data.pkl has a tensor outside its storage: {exc}")


def _rebuild_tensor(m, storage, storage_offset, size, stride):
    return m.tensor(storage, storage_offset, size, stride)


def _rebuild_tensor_v2(m, storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    if type(requires_grad) is not bool:
        m.fail(f"a tensor's requires_grad is {requires_grad!r}"[:200])
    if type(backward_hooks) not in (dict, OrderedDict) or backward_hooks:
        m.refuse("a tensor with backward hooks")
    if metadata:
        m.refuse(f"a tensor with metadata {metadata!r}"[:200])
    t = m.tensor(storage, storage_offset, size, stride)
    return t.requires_grad_(True) if requires_grad else t


def _rebuild_parameter(m, data, requires_grad, backward_hooks):
    from .nn.parameter import Parameter
    if type(data) is not Tensor or type(requires_grad) is not bool:
        m.fail(f"a Parameter is rebuilt from {type(data).__name__} and {requires_grad!r}"[:200])
    if type(backward_hooks) not in (dict, OrderedDict) or backward_hooks:
        m.refuse("a Parameter with backward hooks")
    return Parameter(data, requires_grad)


def _ordered_dict(m, *args):
    if args:
        m.fail("collections.OrderedDict is called with arguments")
    return OrderedDict()


_GLOBALS = {
    "torch._utils._rebuild_tensor": _Rebuild("torch._utils._rebuild_tensor", _rebuild_tensor),
    "torch._utils._rebuild_tensor_v2": _Rebuild("torch._utils._rebuild_tensor_v2", _rebuild_tensor_v2),
    "torch._utils._rebuild_parameter": _Rebuild("torch._utils._rebuild_parameter", _rebuild_parameter),
    "collections.OrderedDict": _Rebuild("collections.OrderedDict", _ordered_dict),
    **{f"torch.{d.legacy_name}Storage": _StorageType(d) for d in _dt._ALL},
}

_OPS = {op[0]: method for op, method in [
    (PROTO, Unpickler.proto), (GLOBAL, Unpickler.global_), (REDUCE, Unpickler.reduce),
    (BUILD, Unpickler.build), (BINPERSID, Unpickler.binpersid), (MARK, Unpickler.mark),
    (TUPLE, Unpickler.tuple_), (TUPLE1, Unpickler.tuple1), (TUPLE2, Unpickler.tuple2), (TUPLE3, Unpickler.tuple3),
    (EMPTY_TUPLE, Unpickler.empty_tuple), (EMPTY_LIST, Unpickler.empty_list), (EMPTY_DICT, Unpickler.empty_dict),
    (APPEND, Unpickler.append), (APPENDS, Unpickler.appends), (SETITEM, Unpickler.setitem),
    (SETITEMS, Unpickler.setitems), (NONE, Unpickler.none), (NEWTRUE, Unpickler.newtrue),
    (NEWFALSE, Unpickler.newfalse), (BININT, Unpickler.binint), (BININT1, Unpickler.binint1),
    (BININT2, Unpickler.binint2), (LONG1, Unpickler.long1), (BINFLOAT, Unpickler.binfloat),
    (BINUNICODE, Unpickler.binunicode), (BINGET, Unpickler.binget), (LONG_BINGET, Unpickler.long_binget),
    (BINPUT, Unpickler.binput), (LONG_BINPUT, Unpickler.long_binput)]}


# --- writing ---------------------------------------------------------------------------------
_ALIGNMENT = 64  # torch starts each entry's data on a multiple of 64 bytes (so it can mmap storages)


def write(obj, fh, storages, places):
    """Write ``obj`` to the binary file ``fh`` as ``torch.save`` does. ``storages`` and ``places``
    come from ``_storages.plan_storages`` (storage ``i`` is entry ``data/i``)."""
    records = [("data.pkl", _Pickler(storages, places).dump(obj)), (".format_version", b"1"),
               (".storage_alignment", str(_ALIGNMENT).encode()), ("byteorder", sys.byteorder.encode())]
    records += [(f"data/{i}", storage) for i, storage in enumerate(storages)]
    records.append(("version", b"3\n"))
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as z:
        for name, data in records:
            data = memoryview(data).cast("B")
            info = zipfile.ZipInfo(f"archive/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.file_size = data.nbytes
            zip64 = info.file_size * 1.05 > zipfile.ZIP64_LIMIT  # zipfile then adds a 20-byte extra field
            start = z.fp.tell() + 30 + len(info.filename.encode()) + 4 + 20 * zip64
            info.extra = b"FB" + struct.pack("<H", -start % _ALIGNMENT) + bytes(-start % _ALIGNMENT)  # padding
            with z.open(info, "w") as entry:
                entry.write(data)


class _Pickler:
    """Pickle protocol 2, written opcode by opcode for what ``minigrad.save`` stores, as
    ``torch.save``'s pickler writes it (repeated tensors, lists and dicts by memo reference)."""

    def __init__(self, storages, places):
        self.storages, self.places = storages, places
        self.out, self.memo = bytearray(), {}

    def dump(self, obj):
        self.out += PROTO + b"\x02"
        self.save(obj)
        self.out += STOP
        return self.out

    def save(self, obj):
        out = self.out
        if obj is None:
            out += NONE
        elif obj is True or obj is False:
            out += NEWTRUE if obj else NEWFALSE
        elif isinstance(obj, int):
            self.int(obj)
        elif isinstance(obj, float):
            out += BINFLOAT + struct.pack(">d", obj)
        elif isinstance(obj, str):
            text = obj.encode("utf-8", "surrogatepass")
            out += BINUNICODE + struct.pack("<I", len(text)) + text
        elif id(obj) in self.memo:
            self.get(id(obj))
        elif isinstance(obj, Tensor):
            self.tensor(obj)
        elif isinstance(obj, tuple):
            self.tuple(obj)
        elif isinstance(obj, list):
            out += EMPTY_LIST
            self.put(id(obj))
            self.items(obj, APPENDS)
        else:  # a dict: save() checked every object before
            if isinstance(obj, OrderedDict):
                self.global_("collections", "OrderedDict")
                out += EMPTY_TUPLE + REDUCE
            else:
                out += EMPTY_DICT
            self.put(id(obj))
            self.items([x for kv in obj.items() for x in kv], SETITEMS)

    def int(self, n):
        if 0 <= n < 1 << 8:
            self.out += BININT1 + bytes([n])
        elif 0 <= n < 1 << 16:
            self.out += BININT2 + struct.pack("<H", n)
        elif -(1 << 31) <= n < 1 << 31:
            self.out += BININT + struct.pack("<i", n)
        else:
            data = encode_long(n)
            if len(data) > 255:
                raise ValueError(f"an integer of {n.bit_length()} bits is too large for torch's format")
            self.out += LONG1 + bytes([len(data)]) + data

    def tuple(self, items):
        if not items:
            self.out += EMPTY_TUPLE
        elif len(items) <= 3:
            for x in items:
                self.save(x)
            self.out += (TUPLE1, TUPLE2, TUPLE3)[len(items) - 1]
        else:
            self.items(items, TUPLE)

    def items(self, items, opcode):
        """``MARK item ... opcode`` (nothing for no items)."""
        if items:
            self.out += MARK
            for x in items:
                self.save(x)
            self.out += opcode

    def tensor(self, t):
        """``_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())``,
        inside ``_rebuild_parameter(tensor, requires_grad, OrderedDict())`` for a Parameter."""
        from .nn.parameter import Parameter
        parameter = isinstance(t, Parameter)
        if parameter:
            self.global_("torch._utils", "_rebuild_parameter")
            self.out += MARK
        place = self.places[id(t)]
        self.global_("torch._utils", "_rebuild_tensor_v2")
        self.out += MARK + MARK
        self.save("storage")
        self.global_("torch", f"{t.dtype.legacy_name}Storage")
        for x in (str(place.storage), str(t.device), self.storages[place.storage].size):
            self.save(x)
        self.out += TUPLE + BINPERSID
        for x in (place.offset, place.shape, place.stride, t.requires_grad and not parameter):
            self.save(x)
        self.empty_ordered_dict()  # backward hooks: never saved
        self.out += TUPLE + REDUCE
        if parameter:
            self.save(t.requires_grad)
            self.empty_ordered_dict()
            self.out += TUPLE + REDUCE
        self.put(id(t))

    def empty_ordered_dict(self):
        self.global_("collections", "OrderedDict")
        self.out += EMPTY_TUPLE + REDUCE

    def global_(self, module, name):
        key = ("global", module, name)
        if key in self.memo:
            self.get(key)
        else:
            self.out += GLOBAL + f"{module}\n{name}\n".encode()
            self.put(key)

    def put(self, key):
        index = self.memo[key] = len(self.memo)
        self.out += BINPUT + bytes([index]) if index < 256 else LONG_BINPUT + struct.pack("<I", index)

    def get(self, key):
        index = self.memo[key]
        self.out += BINGET + bytes([index]) if index < 256 else LONG_BINGET + struct.pack("<I", index)
