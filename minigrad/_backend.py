"""The one seam between devices: 'cpu' arrays are NumPy, 'cuda' arrays are CuPy.

Ops call NumPy functions and ufuncs on their inputs' arrays; CuPy arrays take those calls over
through NumPy's ``__array_ufunc__``/``__array_function__`` protocols, so one op body serves both
devices. Only array *creation* must name the module, through ``xp(device)``.
"""
import numpy as np

_cupy = None


def cupy_module():
    """CuPy, imported on first use; RuntimeError (like torch without CUDA) when unavailable."""
    global _cupy
    if _cupy is None:
        try:
            import cupy
            if cupy.cuda.runtime.getDeviceCount() < 1:
                raise RuntimeError("no CUDA device")
        except Exception as exc:  # ImportError, CUDA driver errors
            raise RuntimeError(
                "Found no NVIDIA driver on your system, or CuPy is not installed: minigrad runs "
                "CUDA through CuPy (pip install -e '.[cuda]'). Original error: " + str(exc)) from None
        _cupy = cupy
    return _cupy


def cuda_available():
    try:
        cupy_module()
        return True
    except RuntimeError:
        return False


class device:
    """A device, printed like torch's: ``device(type='cpu')``, ``device(type='cuda', index=0)``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - torch's parameter name
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int):
            type, index = "cuda", type
        elif ":" in type:
            type, _, idx = type.partition(":")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {type}")
        self.type, self.index = type, index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


def device_of(array):
    """The device an array lives on."""
    if isinstance(array, np.ndarray):
        return CPU
    return device("cuda", array.device.id)


def xp(dev):
    """The array module of a device: numpy for cpu, cupy for cuda."""
    return np if dev.type == "cpu" else cupy_module()


def to_device(array, dev):
    """Copy an array to ``dev`` (no copy when it is already there)."""
    if dev.type == "cpu":
        return array if isinstance(array, np.ndarray) else array.get()
    cp = cupy_module()
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(array)


def host(array):
    """A NumPy view/copy of any array (for printing, .numpy(), .tolist())."""
    return array if isinstance(array, np.ndarray) else array.get()
