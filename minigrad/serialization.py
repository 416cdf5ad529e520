"""``save`` / ``load``: write tensors and the containers that hold them (state dicts of models and
optimizers) to a file, and read them back -- minigrad's own files and torch's.

Two formats, both zip archives in which each *storage* (the memory under a tensor) is written once
and each tensor as ``(storage, offset, shape, stride)``, so a tensor and its views still share
memory after loading, as with torch (``_storages.py``):

- ``format="minigrad"`` (the default): a NumPy ``.npz`` archive, one 1-D array per storage (``s0``,
  ``s1``, ...) plus ``__structure__``, JSON describing the object around them, e.g.

      {"format": "minigrad", "version": 2,
       "object": {"odict": [["0.weight", {"tensor": "s0", "id": 0, "dtype": "float32",
                                          "offset": 0, "shape": [8, 2], "stride": [2, 1], ...}], ...]}}

- ``format="torch"``: torch's own format, which ``torch.load(f, weights_only=True)`` reads
  (``_torch_format.py``).

``load`` reads both (and version-1 minigrad files), and never runs code from the file: arrays are
parsed without pickle, the JSON can only describe tensors, numbers, strings, None, lists, tuples
and dicts, and torch's pickle is run by a restricted machine that allows only those.
"""
import json
import math
import os
from collections import OrderedDict

import numpy as np

from . import _archive, _storages, _torch_format, cuda as _cuda, dtypes as _dt
from ._backend import device as _device, to_device
from .tensor import Tensor, _wrap

_FORMAT, _VERSION, _STRUCTURE = "minigrad", 2, "__structure__"


# --- save ----------------------------------------------------------------------------------------
def save(obj, f, *, format="minigrad"):  # noqa: A002 - the natural name
    """Write ``obj`` -- tensors (Parameters stay Parameters) and dicts, OrderedDicts, lists and
    tuples of them, numbers, strings, booleans and None, e.g. a model's or an optimizer's
    ``state_dict()`` -- to ``f``, a path or a binary file object.

    ``format="minigrad"`` writes a NumPy ``.npz`` archive; ``format="torch"`` writes torch's zip
    format, for ``torch.load(f, weights_only=True)``. Tensors that share memory (a tensor and its
    views) are written on one storage and share it again after loading, as with torch.

    Raises TypeError for an object of another type, RuntimeError when containers nest more than
    100 deep (or one contains itself), when tensors of different dtypes view the same memory (as
    torch), or when the directory of the path ``f`` does not exist (as torch). Nothing is written
    unless the whole object can be.
    """
    if format not in ("minigrad", "torch"):
        raise ValueError(f"format must be 'minigrad' or 'torch', got {format!r}")
    tensors = {}

    def visit(x):
        if isinstance(x, Tensor):
            tensors.setdefault(id(x), x)
        elif not (x is None or isinstance(x, (bool, int, float, str))):
            raise TypeError(f"minigrad.save cannot store an object of type {type(x).__name__}: it stores "
                            "tensors, numbers, strings, None and lists, tuples and dicts of them")

    def too_deep(problem):
        raise RuntimeError(f"minigrad.save cannot store this object: {problem} (the limit is "
                           f"{_archive.MAX_DEPTH} nested containers)")
    _archive.walk(obj, visit, too_deep)
    storages, places = _storages.plan_storages(list(tensors.values()))
    if isinstance(f, (str, os.PathLike)):
        parent = os.path.dirname(os.fspath(f))
        if parent and not os.path.isdir(parent):
            raise RuntimeError(f"Parent directory {parent} does not exist.")
        with open(f, "wb") as fh:  # a file object, so NumPy does not append ".npz" to the name
            _write(obj, fh, format, storages, places)
    else:
        _write(obj, f, format, storages, places)


def _write(obj, fh, format, storages, places):  # noqa: A002
    if format == "torch":
        _torch_format.write(obj, fh, storages, places)
        return
    ids = {}
    structure = {"format": _FORMAT, "version": _VERSION, "object": _encode(obj, places, ids)}
    arrays = {f"s{i}": storage for i, storage in enumerate(storages)}
    arrays[_STRUCTURE] = np.frombuffer(json.dumps(structure).encode("utf-8"), dtype=np.uint8)
    np.savez(fh, **arrays)


def _encode(obj, places, ids):
    """The JSON description of ``obj`` (already checked by ``save``)."""
    if obj is None or isinstance(obj, (bool, str, int)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"float": repr(obj)}
    if isinstance(obj, Tensor):
        from .nn.parameter import Parameter
        place = places[id(obj)]
        return {"tensor": f"s{place.storage}", "id": ids.setdefault(id(obj), len(ids)), "dtype": obj.dtype.name,
                "offset": place.offset, "shape": list(place.shape), "stride": list(place.stride),
                "device": str(obj.device), "requires_grad": obj.requires_grad,
                "parameter": isinstance(obj, Parameter)}
    if isinstance(obj, (list, tuple)):
        return {"list" if isinstance(obj, list) else "tuple": [_encode(x, places, ids) for x in obj]}
    items = [[_encode(k, places, ids), _encode(v, places, ids)] for k, v in obj.items()]
    return {"odict" if isinstance(obj, OrderedDict) else "dict": items}


# --- load ----------------------------------------------------------------------------------------
def load(f, map_location=None, weights_only=True, **kwargs):
    """Read back what ``save`` wrote, or a checkpoint that ``torch.save`` wrote (torch's zip
    format: a model's or an optimizer's state dict, or dicts, lists and tuples of tensors, numbers,
    strings and None), from ``f``, a path or a binary file object.

    ``map_location`` (a device, or a dict such as ``{'cuda:0': 'cpu'}``) moves the tensors;
    ``weights_only`` is accepted for torch compatibility: loading is always weights-only here. It
    never runs code from the file: in a torch checkpoint only tensors, Parameters, OrderedDict and
    plain containers are allowed (a subset of ``torch.load(weights_only=True)``), and anything else
    raises ``pickle.UnpicklingError`` (also a RuntimeError) before it is imported or called.

    Limits, checked before anything is allocated: every archive entry must be stored uncompressed
    (as both ``save`` and ``torch.save`` write them), so no entry inflates beyond the file's own
    size; an array's or a storage's declared size (shape x itemsize, or numel x itemsize) must
    equal the bytes its entry holds; every tensor must lie inside its storage; containers may nest
    at most 100 deep, and none may contain itself. A file that breaks a limit, or is not a
    checkpoint, raises RuntimeError naming the file and the problem. Torch's legacy format
    (``_use_new_zipfile_serialization=False``) and TorchScript archives are refused.
    """
    if isinstance(f, (str, os.PathLike)):
        name = os.fspath(f)
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        name, data = "the given file", f.read()

    def device_for(saved):
        where = map_location.get(saved, saved) if isinstance(map_location, dict) else map_location
        return _existing(_device(where if where is not None else saved))

    if data.startswith(_torch_format.LEGACY_MAGIC):
        raise RuntimeError(f"{name} is a torch checkpoint in the legacy format (torch.save with "
                           "_use_new_zipfile_serialization=False, or torch before 1.6), which minigrad does not "
                           "read: load it with torch and save it again with torch.save's default format")
    archive = _archive.Archive(data, name, "minigrad checkpoint")
    if f"{_STRUCTURE}.npy" in archive.names:
        return _Decoder(archive, device_for).load()
    folder = _torch_format.data_pkl_folder(archive.names)
    if folder is not None:
        archive.what = "torch checkpoint"
        return _torch_format.read(archive, folder, device_for)
    raise RuntimeError(f"{name} is not a minigrad checkpoint: it has no '{_STRUCTURE}' entry (minigrad.save) "
                       "and no 'data.pkl' entry (torch.save)")


def _existing(device):
    """``device``, or torch's RuntimeError when it is a GPU this machine lacks."""
    if device.type == "cuda":
        if not _cuda.is_available():
            raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                               "False. If you are running on a CPU-only machine, please use torch.load with "
                               "map_location=torch.device('cpu') to map your storages to the CPU.")
        if (device.index or 0) >= _cuda.device_count():
            raise RuntimeError(f"Attempting to deserialize object on CUDA device {device.index or 0} but "
                               f"torch.cuda.device_count() is {_cuda.device_count()}. Please use torch.load with "
                               "map_location to map your storages to an existing device.")
    return device


class _Decoder:
    """Rebuilds the object from its JSON description, checking every node."""

    def __init__(self, archive, device_for):
        self.archive, self.device_for = archive, device_for
        self.tensors = {}  # tensor id -> Tensor, so a tensor stored twice comes back as one
        self.storages = {}  # (entry, device) -> array, so tensors on one storage share it again

    def fail(self, problem):
        self.archive.fail(problem)

    def load(self):
        raw = self.archive.read_npy(f"{_STRUCTURE}.npy")
        try:
            structure = json.loads(raw.tobytes().decode("utf-8"))
        except RecursionError:
            self.fail(f"its structure nests more than {_archive.MAX_DEPTH} containers deep")
        except (ValueError, UnicodeDecodeError) as exc:
            self.fail(f"its structure is not valid JSON ({exc})")
        if not isinstance(structure, dict) or structure.get("format") != _FORMAT or "object" not in structure:
            raise RuntimeError(f"{self.archive.name} is not a minigrad checkpoint: unknown format")
        if structure.get("version") not in (1, _VERSION):
            raise RuntimeError(f"{self.archive.name} is a minigrad checkpoint of unsupported version "
                               f"{structure.get('version')!r} (this minigrad reads versions 1 and {_VERSION})")
        try:
            return self.decode(structure["object"], 0)
        except (TypeError, KeyError, AttributeError) as exc:  # e.g. an unhashable key
            self.fail(repr(exc))

    def decode(self, node, depth):
        if node is None or isinstance(node, (bool, str, int, float)):
            return node
        if isinstance(node, dict) and len(node) == 1:
            (kind, body), = node.items()
            if kind in ("list", "tuple", "dict", "odict") and depth >= _archive.MAX_DEPTH:
                self.fail(f"it nests containers more than {_archive.MAX_DEPTH} deep")
            if kind in ("list", "tuple") and isinstance(body, list):
                items = [self.decode(x, depth + 1) for x in body]
                return items if kind == "list" else tuple(items)
            if kind in ("dict", "odict") and isinstance(body, list):
                if not all(isinstance(kv, list) and len(kv) == 2 for kv in body):
                    self.fail("a dict entry is not a [key, value] pair")
                items = [(self.key(k, depth + 1), self.decode(v, depth + 1)) for k, v in body]
                return OrderedDict(items) if kind == "odict" else dict(items)
            if kind == "float" and body in ("inf", "-inf", "nan"):
                return float(body)
        if isinstance(node, dict) and "tensor" in node:
            return self.tensor(node)
        self.fail(f"unexpected entry {json.dumps(node)[:80]}")

    def key(self, node, depth):
        key = self.decode(node, depth)
        if isinstance(key, (list, dict)):
            self.fail("a dict key is not hashable")
        return key

    def tensor(self, node):
        memo_key = node.get("id", node["tensor"])  # version 1 files name one array per tensor
        if not isinstance(memo_key, (int, str)):
            self.fail(f"tensor id {memo_key!r} is not a number")
        if memo_key not in self.tensors:
            dtype = _dt._BY_NAME.get(node.get("dtype"))
            if dtype is None:
                self.fail(f"tensor {node['tensor']!r} has the unknown dtype {node.get('dtype')!r}")
            storage = self.storage(node["tensor"], dtype, self.device_for(node.get("device", "cpu")))
            if "shape" in node:
                try:
                    array = _storages.view(storage, node.get("offset"), _tuple_of(node["shape"]),
                                           _tuple_of(node.get("stride")))
                except ValueError as exc:
                    self.fail(f"tensor {memo_key!r} lies outside its storage: {exc}")
            else:
                array = storage
            t = _wrap(array, dtype)
            if node.get("parameter"):
                from .nn.parameter import Parameter
                t = Parameter(t, requires_grad=bool(node.get("requires_grad")))
            elif node.get("requires_grad"):
                t.requires_grad_(True)
            self.tensors[memo_key] = t
        return self.tensors[memo_key]

    def storage(self, entry, dtype, device):
        if (entry, device) not in self.storages:
            if not isinstance(entry, str) or entry == _STRUCTURE:
                self.fail(f"tensor data {entry!r} is missing")
            array = self.archive.read_npy(f"{entry}.npy")
            if array.dtype != dtype.np:
                self.fail(f"tensor data {entry!r} has dtype {array.dtype}, expected {dtype.name}")
            self.storages[entry, device] = to_device(array, device)
        return self.storages[entry, device]


def _tuple_of(values):
    return tuple(values) if isinstance(values, list) else values
