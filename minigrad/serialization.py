"""``save`` / ``load``: write tensors and the containers that hold them (state dicts of models and
optimizers) to a file, and read them back.

The file is a NumPy ``.npz`` archive: one array per tensor (``t0``, ``t1``, ...) plus one entry,
``__structure__``, holding JSON that describes the object around them, e.g.

    {"format": "minigrad", "version": 1,
     "object": {"odict": [["0.weight", {"tensor": "t0", "dtype": "float32", ...}], ...]}}

Unlike a pickle (what ``torch.save`` writes), loading this never runs code from the file: arrays
are read with ``allow_pickle=False`` and the JSON can only describe tensors, numbers, strings,
None, lists, tuples and dicts. Dtypes and shapes round-trip exactly; a tensor stored twice in the
object (the same Python object) comes back as one shared tensor.
"""
import io
import json
import math
import os
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from . import dtypes as _dt
from ._backend import device as _device, host, to_device
from .tensor import Tensor, _wrap

_FORMAT, _VERSION, _STRUCTURE = "minigrad", 1, "__structure__"


# --- save ----------------------------------------------------------------------------------------
def save(obj, f):
    """Write ``obj`` (tensors and nested dicts/lists/tuples of tensors, numbers, strings, None)
    to ``f``, a path or a binary file object."""
    arrays, memo = {}, {}
    structure = {"format": _FORMAT, "version": _VERSION, "object": _encode(obj, arrays, memo)}
    arrays[_STRUCTURE] = np.frombuffer(json.dumps(structure).encode("utf-8"), dtype=np.uint8)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:  # a file object, so NumPy does not append ".npz" to the name
            np.savez(fh, **arrays)
    else:
        np.savez(f, **arrays)


def _encode(obj, arrays, memo):
    """The JSON description of ``obj``; tensors' arrays go into ``arrays``."""
    if obj is None or isinstance(obj, (bool, str, int)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"float": repr(obj)}
    if isinstance(obj, Tensor):
        if id(obj) not in memo:
            from .nn.parameter import Parameter
            key = f"t{len(arrays)}"
            arrays[key] = host(obj._data)
            memo[id(obj)] = {"tensor": key, "dtype": obj.dtype.name, "device": str(obj.device),
                             "requires_grad": obj.requires_grad, "parameter": isinstance(obj, Parameter)}
        return memo[id(obj)]
    if isinstance(obj, (list, tuple)):
        return {"list" if isinstance(obj, list) else "tuple": [_encode(x, arrays, memo) for x in obj]}
    if isinstance(obj, dict):
        items = [[_encode(k, arrays, memo), _encode(v, arrays, memo)] for k, v in obj.items()]
        return {"odict" if isinstance(obj, OrderedDict) else "dict": items}
    raise TypeError(f"minigrad.save cannot store an object of type {type(obj).__name__}: it stores tensors, "
                    "numbers, strings, None and lists, tuples and dicts of them")


# --- load ----------------------------------------------------------------------------------------
def load(f, map_location=None, weights_only=True, **kwargs):
    """Read back what ``save`` wrote. ``map_location`` (a device, or a dict such as
    ``{'cuda:0': 'cpu'}``) moves the tensors; ``weights_only`` is accepted for torch
    compatibility: loading is always weights-only here."""
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else "the given file"
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return _load(io.BytesIO(fh.read()), name, map_location)
    return _load(f, name, map_location)


def _load(fh, name, map_location):
    try:
        archive = np.load(fh, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise RuntimeError(f"{name} is not a minigrad checkpoint (minigrad.save writes a NumPy .npz "
                           f"archive): {exc}") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise RuntimeError(f"{name} is not a minigrad checkpoint: it holds a single NumPy array, not a saved "
                           "object")
    with archive:
        if _STRUCTURE not in archive.files:
            hint = " It looks like a torch.save file: load it with torch.load and convert it with " \
                   "minigrad.nn.interop.from_torch_state_dict." if any(n.endswith("data.pkl") for n in
                                                                       archive.files) else ""
            raise RuntimeError(f"{name} is not a minigrad checkpoint: it has no '{_STRUCTURE}' entry.{hint}")
        try:
            structure = json.loads(_read_entry(archive, _STRUCTURE, name).tobytes().decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise RuntimeError(f"{name} is a corrupt minigrad checkpoint: its structure is not valid JSON "
                               f"({exc})") from None
        if not isinstance(structure, dict) or structure.get("format") != _FORMAT or "object" not in structure:
            raise RuntimeError(f"{name} is not a minigrad checkpoint: unknown format")
        if structure.get("version") != _VERSION:
            raise RuntimeError(f"{name} is a minigrad checkpoint of unsupported version "
                               f"{structure.get('version')!r} (this minigrad reads version {_VERSION})")
        try:
            return _Decoder(archive, name, map_location).decode(structure["object"])
        except (TypeError, KeyError, AttributeError) as exc:  # e.g. an unhashable key
            raise RuntimeError(f"{name} is a corrupt minigrad checkpoint: {exc!r}") from None


def _read_entry(archive, key, name):
    """One array of the archive, or RuntimeError when the entry is damaged or is not a plain .npy array
    (e.g. an object array, which would need pickle)."""
    try:
        array = archive[key]
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise RuntimeError(f"{name} is a corrupt minigrad checkpoint: entry {key!r} cannot be read safely "
                           f"({exc})") from None
    if not isinstance(array, np.ndarray):  # NumPy hands back the raw bytes of an entry that is not .npy
        raise RuntimeError(f"{name} is a corrupt minigrad checkpoint: entry {key!r} is not a NumPy array")
    return array


class _Decoder:
    """Rebuilds the object from its JSON description, checking every node."""

    def __init__(self, archive, name, map_location):
        self.archive, self.name, self.map_location = archive, name, map_location
        self.tensors = {}  # array key -> Tensor, so a shared tensor comes back shared

    def fail(self, what):
        raise RuntimeError(f"{self.name} is a corrupt minigrad checkpoint: {what}")

    def decode(self, node):
        if node is None or isinstance(node, (bool, str, int, float)):
            return node
        if isinstance(node, dict) and len(node) == 1:
            (kind, body), = node.items()
            if kind in ("list", "tuple") and isinstance(body, list):
                items = [self.decode(x) for x in body]
                return items if kind == "list" else tuple(items)
            if kind in ("dict", "odict") and isinstance(body, list):
                if not all(isinstance(kv, list) and len(kv) == 2 for kv in body):
                    self.fail("a dict entry is not a [key, value] pair")
                items = [(self._key(k), self.decode(v)) for k, v in body]
                return OrderedDict(items) if kind == "odict" else dict(items)
            if kind == "float" and body in ("inf", "-inf", "nan"):
                return float(body)
        if isinstance(node, dict) and "tensor" in node:
            return self._tensor(node)
        self.fail(f"unexpected entry {json.dumps(node)[:80]}")

    def _key(self, node):
        key = self.decode(node)
        if isinstance(key, (list, dict, OrderedDict, Tensor)):
            self.fail("a dict key is not hashable")
        return key

    def _tensor(self, node):
        key = node["tensor"]
        if key in self.tensors:
            return self.tensors[key]
        if not isinstance(key, str) or key not in self.archive.files or key == _STRUCTURE:
            self.fail(f"tensor data {key!r} is missing")
        array = _read_entry(self.archive, key, self.name)
        dtype = _dt._BY_NAME.get(node.get("dtype"))
        if dtype is None or array.dtype != dtype.np:
            self.fail(f"tensor {key!r} has dtype {array.dtype}, expected {node.get('dtype')}")
        t = _wrap(to_device(array, self._device(node.get("device", "cpu"))), dtype)
        if node.get("parameter"):
            from .nn.parameter import Parameter
            t = Parameter(t, requires_grad=bool(node.get("requires_grad")))
        elif node.get("requires_grad"):
            t.requires_grad_(True)
        self.tensors[key] = t
        return t

    def _device(self, saved):
        where = self.map_location
        if isinstance(where, dict):
            where = where.get(saved, saved)
        return _device(where if where is not None else saved)
