"""The libraries under test and the rule for what may be skipped.

Workloads are written once against torch's API and called with ``lib`` = the ``torch`` or the
``minigrad`` module. A module that is *missing* (not installed, not written yet) makes the suite
that needs it skip, with the reason; a module that exists but fails to import, like any exception
raised by a workload, is a real error (see ``require``).
"""
import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Callable

from .timing import no_sync


class Skip(Exception):
    """A workload or suite cannot run here; the message says why."""


def require(name):
    """Import module ``name``; raise Skip if it (or a package above it) does not exist.

    Only a missing module is a skip: an ImportError raised from *inside* an existing module (a
    broken import in minigrad, say) propagates, so that it is reported as the failure it is.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise Skip(f"{name} is not installed ({exc})") from None
        raise


@dataclass
class Library:
    """A library under test: its name, its torch-shaped module, and its synchronize."""

    name: str
    module: ModuleType
    sync: Callable[[], None] = no_sync


def cuda_missing():
    """Why CUDA benchmarks cannot run here (None when both libraries see a GPU)."""
    reasons = []
    import torch
    if not torch.cuda.is_available():
        reasons.append("torch.cuda.is_available() is False")
    import minigrad.cuda
    if not minigrad.cuda.is_available():
        reasons.append("minigrad.cuda.is_available() is False (no GPU, or CuPy not installed)")
    return "; ".join(reasons) or None


def load(device):
    """torch then minigrad, as Library objects whose sync waits for ``device``'s queued work."""
    import torch
    import minigrad
    if device == "cuda":
        import minigrad.cuda
        return [Library("torch", torch, torch.cuda.synchronize),
                Library("minigrad", minigrad, minigrad.cuda.synchronize)]
    return [Library("torch", torch), Library("minigrad", minigrad)]


def set_threads(count):
    """Give torch's and minigrad's intra-op pools and numpy's BLAS pools ``count`` threads; a note on
    what was done."""
    import minigrad
    import torch
    torch.set_num_threads(count)
    minigrad.set_num_threads(count)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return (f"torch and minigrad set to {count} threads; numpy's BLAS left alone "
                "(pip install threadpoolctl to limit it)")
    threadpool_limits(count)
    return f"torch, minigrad and numpy's BLAS set to {count} threads"
