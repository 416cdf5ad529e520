"""``minigrad.cuda``: the CUDA device, through CuPy (an optional extra)."""
from ._backend import cuda_available, cupy_module


def is_available():
    """True when CuPy is installed and sees a GPU."""
    return cuda_available()


def device_count():
    return cupy_module().cuda.runtime.getDeviceCount() if cuda_available() else 0


def synchronize(device=None):
    """Wait for all queued GPU work to finish (call before reading a clock)."""
    cupy_module().cuda.runtime.deviceSynchronize()


def current_device():
    return cupy_module().cuda.runtime.getDevice()


def manual_seed(seed):
    """Accepted for torch scripts; has no effect: minigrad draws the random numbers of CUDA tensors
    from the CPU generator (so ``minigrad.manual_seed`` seeds them, and they equal torch's CPU
    numbers), rather than from a Philox generator of their own as torch does."""


manual_seed_all = manual_seed
