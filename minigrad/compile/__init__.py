"""``minigrad.compile``: torch.compile's API; capture a region once, replay its NumPy calls after.

    step = minigrad.compile(step)            # or @minigrad.compile, or @minigrad.compile(mode=...)
    model = minigrad.compile(model)          # an OptimizedModule: model._orig_mod is the module

The first call with a new input signature runs eagerly while ``capture.Recorder`` writes down
every NumPy call (forward, backward, gradient accumulation; an optimizer step as one node);
``program.build`` turns that into one straight-line function; the second call checks it against
eager bit for bit; later calls replay it: no Tensor, graph or engine bookkeeping. See
``docs/compile.md`` for how it works and how it relates to torch.compile, CUDA graphs and
tinygrad's TinyJit.

Files: ``traced.py`` (the recording ndarray), ``capture.py`` (the recorder), ``steps.py`` (what
it records), ``program.py`` (the straight-line program), ``guards.py`` (signatures),
``region.py`` (capture, check, replay), ``check.py`` (the bit-for-bit comparison), ``module.py``
(``OptimizedModule``).
"""
from ..nn.modules.module import Module
from .module import OptimizedModule
from .region import RECOMPILE_LIMIT, CompiledFunction

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = ("inductor", "cudagraphs", "eager", "aot_eager", "openxla", "tvm")


class InvalidBackend(RuntimeError):
    """torch._dynamo.exc.InvalidBackend (a RuntimeError)."""


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,  # noqa: A001
            options=None, name=None, disable=False, recompile_limit=None, isolate_recompiles=False,
            shapes_spec=None):
    """``torch.compile``: a compiled version of ``model`` (a function, or a Module: then an
    ``OptimizedModule``); without ``model``, a decorator.

    Every argument torch takes is accepted and checked as torch checks it (``mode`` one of torch's
    modes, ``backend`` a known name or a callable, not both ``mode`` and ``options``). Only
    ``disable`` (return ``model`` unchanged) and ``recompile_limit`` (signatures per region,
    default 8) change anything here: ``fullgraph``, ``dynamic``, ``backend``, ``mode``, ``options``,
    ``name``, ``isolate_recompiles`` and ``shapes_spec`` choose among torch's compilers, which
    minigrad does not have -- it has one way to compile (capture and replay)."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise InvalidBackend(f"Invalid backend: '{backend}', see `torch._dynamo.list_backends()` for available "
                             "backends.")
    if dynamic is not None and not isinstance(dynamic, bool):
        raise AssertionError(f"Expected enable to be a bool, got {type(dynamic)}")
    limit = RECOMPILE_LIMIT if recompile_limit is None else recompile_limit

    def wrap(fn):
        if not callable(fn):
            raise AssertionError(f"A callable function is expected, but {type(fn)} is provided.")
        if disable:
            return fn
        if isinstance(fn, Module):
            return OptimizedModule(fn, limit)
        return CompiledFunction(fn, limit)

    return wrap if model is None else wrap(model)


__all__ = ["CompiledFunction", "InvalidBackend", "OptimizedModule", "compile"]
