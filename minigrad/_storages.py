"""Storages in files: the memory tensors view, saved once, so views stay views after loading.

``torch.save`` writes each *storage* (the memory under a tensor) once and each tensor as
``(storage, offset, shape, stride)``, counted in elements; after ``torch.load`` a tensor and its
view still share memory, and a transposed tensor keeps its strides. minigrad keeps a tensor's
data in a NumPy (or CuPy) array; a view (slice, transpose, reshape, ...) is an array whose
``.base`` chain ends at the object that owns the memory. ``plan_storages`` groups the tensors
being saved by that owner and cuts from it the one span of bytes they use; ``view`` rebuilds a
tensor's array on a loaded storage, after checking that it stays inside it.
"""
from collections import namedtuple

import numpy as np

from ._backend import host, xp, device_of

Placement = namedtuple("Placement", "storage offset shape stride")  # offset and stride in elements


def plan_storages(tensors):
    """Storages (1-D host arrays) for ``tensors`` and each tensor's ``Placement`` in them, keyed by
    ``id(tensor)``. Tensors on one owner's memory share one storage, as in torch, which also raises
    the same RuntimeError when they have different dtypes."""
    storages, places, groups = [], {}, {}
    for t in tensors:
        found = _locate(t._data)
        if found is None:
            places[id(t)] = _own_storage(t, storages)
        else:
            owner, owner_bytes, start = found
            groups.setdefault(id(owner), (owner_bytes, []))[1].append((t, start))
    for owner_bytes, members in groups.values():
        dtypes = {t.dtype for t, _ in members}
        if len(dtypes) > 1:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same data as different types")
        itemsize = members[0][0].dtype.itemsize
        low = min(start for _, start in members)
        high = max(start + _extent(t._data) for t, start in members)
        if (high - low) % itemsize or any((start - low) % itemsize or any(s % itemsize for s in t._data.strides)
                                          for t, start in members):
            for t, _ in members:  # a byte-reinterpreting view that elements cannot describe: copies
                places[id(t)] = _own_storage(t, storages)
            continue
        storages.append(host(owner_bytes[low:high]).view(members[0][0].dtype.np))
        for t, start in members:
            places[id(t)] = Placement(len(storages) - 1, (start - low) // itemsize, tuple(t.shape),
                                      tuple(s // itemsize for s in t._data.strides))
    return storages, places


def _own_storage(t, storages):
    """A contiguous copy of ``t`` as a storage of its own."""
    storages.append(np.ascontiguousarray(host(t._data)).reshape(-1))
    return Placement(len(storages) - 1, 0, tuple(t.shape), _contiguous_stride(t.shape))


def _contiguous_stride(shape):
    stride, step = [], 1
    for n in reversed(shape):
        stride.append(step)
        step *= max(n, 1)
    return tuple(reversed(stride))


def _extent(array):
    """Bytes from an array's first element to the end of its last (strides are non-negative here)."""
    return sum((n - 1) * s for n, s in zip(array.shape, array.strides)) + array.itemsize


def _locate(array):
    """``(owner, owner_bytes, start)``: the object owning ``array``'s memory, that memory as a flat
    uint8 array, and the byte where ``array`` starts in it. None for an empty array, for negative
    strides (which torch's storages cannot describe: torch's ``flip`` copies) and for an owner that
    exposes no flat bytes: such a tensor is saved as a copy on a storage of its own."""
    if array.size == 0 or any(s < 0 for s in array.strides):
        return None
    owner = array
    while getattr(owner, "base", None) is not None:
        owner = owner.base
    owner_bytes = _flat_bytes(owner)
    if owner_bytes is None:
        return None
    start = _address(array) - _address(owner_bytes)
    if start < 0 or start + _extent(array) > owner_bytes.size:
        return None
    return owner, owner_bytes, start


def _flat_bytes(owner):
    if hasattr(owner, "flags") and hasattr(owner, "ravel"):  # a NumPy or CuPy array owning its memory
        if not (owner.flags.c_contiguous or owner.flags.f_contiguous):
            return None
        return owner.ravel(order="K").view(xp(device_of(owner)).uint8)
    try:  # bytes, bytearray, mmap, ... (the owners of np.frombuffer's arrays)
        return np.frombuffer(owner, np.uint8)
    except (TypeError, ValueError, BufferError):
        return None


def _address(array):
    return array.__array_interface__["data"][0] if isinstance(array, np.ndarray) else array.data.ptr


def view(storage, offset, shape, stride):
    """The array ``storage[offset]`` viewed with ``shape`` and ``stride`` (in elements), sharing its
    memory; ValueError, saying what is wrong, unless every element lies inside the storage."""
    if not (_is_int(offset) and offset >= 0):
        raise ValueError(f"storage offset {offset!r} is not a non-negative integer")
    if not (isinstance(shape, tuple) and isinstance(stride, tuple) and len(shape) == len(stride)
            and all(_is_int(n) and n >= 0 for n in shape) and all(_is_int(s) and s >= 0 for s in stride)):
        raise ValueError(f"size {shape!r} and stride {stride!r} are not two equally long tuples of "
                         "non-negative integers")
    if 0 in shape:
        return storage[:0].reshape(shape)
    last = offset + sum((n - 1) * s for n, s in zip(shape, stride))
    if last >= storage.size:
        raise ValueError(f"a tensor of size {list(shape)}, stride {list(stride)} and offset {offset} reaches "
                         f"element {last} of a storage of {storage.size} elements")
    itemsize = storage.itemsize
    try:
        return xp(device_of(storage)).lib.stride_tricks.as_strided(
            storage[offset:], shape, tuple(s * itemsize for s in stride))
    except (ValueError, OverflowError) as exc:  # e.g. 2**62 x 2**62 elements on stride 0
        raise ValueError(f"a tensor of size {list(shape)} cannot be made: {exc}") from None


def _is_int(n):
    return isinstance(n, int) and not isinstance(n, bool)
