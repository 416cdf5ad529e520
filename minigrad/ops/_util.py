"""Helpers shared by the op families: operand promotion and torch's shape error messages."""
import numpy as np

from ..dtypes import float16, result_type, get_default_dtype, from_numpy_dtype, wrap_int
from ..tensor import Tensor


def operands(a, b, dtype=None):
    """Arrays of ``a`` and ``b`` in torch's promoted dtype (Python scalars stay scalars).

    A NumPy array operand is NumPy's business, as in torch (whose operators hand it to NumPy): the
    tensor becomes an array through ``numpy()`` (so one that requires grad raises torch's error) and
    NumPy's promotion gives the dtype (``float32_t * np.array(2.)`` is float64)."""
    if a.__class__ is np.ndarray or b.__class__ is np.ndarray:
        a, b = (x.numpy() if isinstance(x, Tensor) else x for x in (a, b))
        promoted = np.result_type(a, b)
        if dtype is not None and dtype.is_floating_point and promoted.kind != "f":
            promoted = np.dtype(np.float64)  # NumPy's true division of integers
        dtype = from_numpy_dtype(promoted)
    dt = dtype or result_type(a, b)
    return as_array(a, dt), as_array(b, dt), dt


def as_array(x, dt):
    """``x`` (a Tensor, an array or a number) ready to meet arrays of dtype ``dt``."""
    if isinstance(x, Tensor):
        return x._data if x.dtype is dt else x._data.astype(dt.np)
    if isinstance(x, np.ndarray):
        return x.astype(dt.np, copy=False)
    if isinstance(x, np.generic):  # a NumPy scalar acts as the Python number it holds
        x = x.item()
    if dt.is_floating_point or isinstance(x, bool):
        return x
    if isinstance(x, float):  # a float meeting an integer result: only via explicit dtype
        return dt.np.type(x)  # a NumPy scalar: it meets arrays of any device
    return wrap_int(x, dt)


def half_by_scalar_operands(a, b):
    """``(x, y)`` in float32 when torch's CPU kernel computes ``a op b`` in float32 with ``b`` read
    unrounded: ``a`` a float16 tensor, ``b`` a number or a 0-d tensor that leaves the result float16.
    torch's mul and its true, floor and truncated division do so (their opmath scalar path:
    ``half([0.]) * 2**31`` is 0, ``half([1.5]) // 0.1`` is 14), then round the result to float16
    once; add, sub, remainder, fmod and atan2 round ``b`` to float16 first. None otherwise."""
    if getattr(a, "dtype", None) is not float16 or (isinstance(b, (Tensor, np.ndarray)) and b.ndim) \
            or result_type(a, b) is not float16:
        return None
    with np.errstate(over="ignore"):  # (a number past float32's range is inf there too)
        y = b._data.astype(np.float32) if isinstance(b, Tensor) else np.float32(b)
    return a._data.astype(np.float32), y


def float_result_type(a, b):
    """Result dtype of ops that always give floats (true division)."""
    dt = result_type(a, b)
    return dt if dt.is_floating_point else get_default_dtype()


def broadcast_error(shape_a, shape_b):
    """torch's message for shapes that do not broadcast, naming the first clash from the right."""
    ndim = max(len(shape_a), len(shape_b))
    a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    for i in range(ndim - 1, -1, -1):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            return RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) "
                                f"at non-singleton dimension {i}")
    return RuntimeError(f"shapes {list(shape_a)} and {list(shape_b)} cannot be broadcast")


def expand_error(shape, target):
    """torch's message when ``shape`` cannot be expanded to ``target``."""
    shape, target = tuple(shape), tuple(target)
    if len(shape) > len(target):
        return RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(target)}): the number of sizes "
                            f"provided ({len(target)}) must be greater or equal to the number of dimensions in the "
                            f"tensor ({len(shape)})")
    lead = len(target) - len(shape)
    for i in range(len(target) - 1, lead - 1, -1):
        own = shape[i - lead]
        if own != 1 and own != target[i]:
            return RuntimeError(f"The expanded size of the tensor ({target[i]}) must match the existing size ({own}) "
                                f"at non-singleton dimension {i}.  Target sizes: {list(target)}.  Tensor sizes: "
                                f"{list(shape)}")
    return RuntimeError(f"cannot expand {list(shape)} to {list(target)}")


def device_error(first, second):
    """torch's message for tensors on two devices."""
    return RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                        f"{first} and {second}!")


def shape_of(x):
    return x._data.shape if isinstance(x, Tensor) else ()


def normalize_dim(dim, ndim):
    """A dim in ``[-ndim, ndim)`` as a non-negative index, with torch's IndexError otherwise."""
    if 0 <= dim < ndim:
        return dim
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def normalize_dims(dim, ndim):
    """``dim`` (None, int, or a tuple) as a sorted tuple of non-negative axes (None: all)."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int):
        dim = (dim,)
    axes = tuple(normalize_dim(d, ndim) for d in dim)  # a 0-d tensor accepts dims 0 and -1, like torch
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[0]} appears multiple times in the list of dims")
    return tuple(sorted(axes)) if ndim else ()
