"""Shared fixtures: the ``device`` fixture (cpu always; cuda when CuPy and a GPU are there) and the
hypothesis profiles (``ci`` by default, ``full`` with MINIGRAD_TEST_PROFILE=full)."""
import os

import pytest
from hypothesis import HealthCheck, settings

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


@pytest.fixture(params=["cpu", "cuda"])
def device(request):
    if request.param == "cuda":
        reason = cuda_skip_reason()
        if reason:
            pytest.skip(f"CUDA parity skipped: {reason}")
    return request.param
