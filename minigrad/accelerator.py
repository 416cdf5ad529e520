"""``torch.accelerator``: the device-agnostic questions a script asks before choosing a device
(``device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else "cpu"``).
minigrad's one accelerator is CUDA through CuPy (``minigrad.cuda``)."""
from . import cuda as _cuda
from ._backend import device as _device


def is_available():
    """True when an accelerator (a CuPy GPU) can be used."""
    return _cuda.is_available()


def current_accelerator(check_available=False):
    """``device('cuda')`` when CUDA is there, else None (as torch on a machine without one)."""
    return _device("cuda") if _cuda.is_available() else None


def device_count():
    """How many accelerator devices there are (0 without one)."""
    return _cuda.device_count()
