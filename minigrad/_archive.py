"""Reading a checkpoint's zip archive and its ``.npy`` entries without trusting them.

Both formats ``minigrad.load`` reads are zip archives whose entries are stored uncompressed
(``np.savez`` and ``torch.save`` both write them so). A hostile file can lie about sizes: a
deflated entry of zeros inflates a thousandfold, and an ``.npy`` header can declare an array of
terabytes. So before anything is allocated:

- an entry must be stored uncompressed, so that the bytes it holds are bytes of the file itself
  (a compressed entry is refused, however small it claims to be);
- an ``.npy`` entry's declared shape x itemsize must equal the bytes the entry holds;
- objects may nest at most ``MAX_DEPTH`` containers deep (saving and loading both check it).

Every refusal is a RuntimeError naming the file and the entry.
"""
import io
import math
import zipfile
import zlib

import numpy as np

from . import dtypes as _dt

MAX_DEPTH = 100  # containers inside containers; a model's or optimizer's state dict needs 4

_NPY_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError, RuntimeError)


class Archive:
    """The entries of a zip archive held in memory, read one at a time with the checks above.

    ``what`` names the kind of checkpoint in error messages ("minigrad checkpoint", ...)."""

    def __init__(self, data, name, what):
        self.name, self.what, self.file_size = name, what, len(data)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except _ZIP_ERRORS as exc:
            raise RuntimeError(f"{name} is not a {what}: it is not a zip archive ({exc})") from None
        self.names = self.zip.namelist()

    def fail(self, problem):
        raise RuntimeError(f"{self.name} is a corrupt {self.what}: {problem}")

    def read(self, entry):
        """The bytes of one entry (RuntimeError when it is missing, compressed, or damaged)."""
        try:
            info = self.zip.getinfo(entry)
        except KeyError:
            self.fail(f"it has no entry {entry!r}")
        if info.compress_type != zipfile.ZIP_STORED:
            self.fail(f"entry {entry!r} is compressed; minigrad reads only entries stored uncompressed (as "
                      "minigrad.save and torch.save write them), so that no entry can inflate beyond the "
                      "size of the file")
        if info.file_size != info.compress_size or info.file_size > self.file_size:
            self.fail(f"entry {entry!r} declares {info.file_size} bytes in a file of {self.file_size} bytes")
        try:
            return self.zip.read(info)
        except _ZIP_ERRORS as exc:
            self.fail(f"entry {entry!r} cannot be read ({exc})")

    def read_npy(self, entry):
        """One ``.npy`` entry as a writable NumPy array of a minigrad dtype, in native byte order."""
        raw = self.read(entry)
        fp = io.BytesIO(raw)
        try:
            version = np.lib.format.read_magic(fp)
            if version not in _NPY_HEADERS:
                raise ValueError(f"unsupported .npy version {version}")
            shape, fortran_order, dtype = _NPY_HEADERS[version](fp)
        except (ValueError, TypeError, SyntaxError, EOFError) as exc:
            self.fail(f"entry {entry!r} is not a NumPy array ({exc})")
        if dtype.hasobject or _dt._FROM_NUMPY.get(dtype.newbyteorder("=")) is None:
            self.fail(f"entry {entry!r} holds dtype {dtype}, which is not a tensor dtype (an object array "
                      "would need pickle)")
        if not all(isinstance(n, int) and n >= 0 for n in shape):
            self.fail(f"entry {entry!r} declares the invalid shape {shape}")
        declared, held = math.prod(shape) * dtype.itemsize, len(raw) - fp.tell()
        if declared != held:
            self.fail(f"entry {entry!r} declares an array of shape {shape} ({declared} bytes) but holds {held} "
                      "bytes")
        array = np.frombuffer(bytearray(memoryview(raw)[fp.tell():]), dtype=dtype)
        array = array.reshape(shape, order="F" if fortran_order else "C")
        return array if dtype.isnative else array.astype(dtype.newbyteorder("="))


def walk(obj, visit, fail):
    """Call ``visit(x)`` on every non-container in ``obj`` (containers: lists, tuples, dicts with
    their keys), each shared container walked once; ``fail(problem)`` as soon as containers nest
    deeper than ``MAX_DEPTH`` or one contains itself. Iterative, so no depth overflows Python's stack.

    A depth-first walk: ``path`` holds the containers around the current one, and ``height`` how
    many levels of containers a finished one holds, for when it is met again by another path."""
    height, path = {}, set()
    stack = [(obj, False)]
    while stack:
        x, finished = stack.pop()
        if not isinstance(x, (list, tuple, dict)):
            visit(x)
            continue
        parts = [p for kv in x.items() for p in kv] if isinstance(x, dict) else x
        if finished:
            path.discard(id(x))
            height[id(x)] = 1 + max((height.get(id(p), 0) for p in parts), default=0)
        elif id(x) in path:
            fail("a container contains itself")
        elif len(path) + height.get(id(x), 1) > MAX_DEPTH:
            fail(f"it nests containers more than {MAX_DEPTH} deep")
        elif id(x) not in height:
            path.add(id(x))
            stack.append((x, True))
            stack.extend((p, False) for p in reversed(parts))
