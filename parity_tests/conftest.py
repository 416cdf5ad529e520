"""Shared fixtures: the ``device`` fixture (cpu always; cuda when CuPy and a GPU are there) and the
hypothesis profiles (``ci`` by default, ``full`` with MINIGRAD_TEST_PROFILE=full)."""
import os

import pytest
import torch
from hypothesis import HealthCheck, settings

import strict_device

# torch's small CPU ops spin up to nproc threads; on a busy 2-core CI box that makes the parity tests
# many times slower, and it does not change any number they compare.
torch.set_num_threads(1)

settings.register_profile("ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("full", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("MINIGRAD_TEST_PROFILE", "ci"))


def cuda_skip_reason():
    """Why CUDA parity tests cannot run here, or None when they can."""
    import minigrad
    try:
        import torch
    except ImportError:
        return "torch is not installed"
    if not torch.cuda.is_available():
        return "torch sees no CUDA GPU"
    if not minigrad.cuda.is_available():
        return "CuPy is not installed or sees no GPU (pip install -e '.[cuda]')"
    return None


@pytest.fixture(params=["cpu", "cuda", "strict"])
def device(request, monkeypatch):
    """Where minigrad's tensors live: ``cpu``; ``cuda`` (a GPU and CuPy); ``strict``, the stand-in
    device of strict_device.py (arrays that fail like CuPy's where NumPy-only code would), which
    torch reads as ``cpu``: it runs minigrad's device code paths on every machine."""
    if request.param == "cuda":
        reason = cuda_skip_reason()
        if reason:
            pytest.skip(f"CUDA parity skipped: {reason}")
    if request.param == "strict":
        strict_device.install(monkeypatch)
        return strict_device.DEVICE
    return request.param
