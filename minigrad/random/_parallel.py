"""How the samplers run their whole-array kernels: with numpy's floating-point warnings off
(as in torch's C loops) and in cache-sized chunks spread over all cores."""

import functools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

_CHUNK = 1 << 15                        # elements per kernel call: temporaries stay in cache
_POOLS = {}                             # process id -> thread pool (a forked child needs its own)


def quiet(function):
    """Run ``function`` with numpy's floating-point warnings off: as in torch's C kernels,
    an overflow gives inf and an invalid operation NaN, silently."""
    @functools.wraps(function)
    def quiet_function(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return function(*args, **kwargs)
    return quiet_function


def map_chunks(function, draws, out):
    """``out[i:j] = function(draws[i:j])`` over cache-sized chunks, on all cores (numpy
    releases the GIL inside its loops, so chunks really run in parallel). Chunks are a
    multiple of 16 long, so Box-Muller blocks never straddle two chunks. Callers are ``quiet``;
    a single chunk runs right here, under their errstate."""
    if draws.size <= _CHUNK:
        out[...] = function(draws)
        return out

    @quiet                                      # errstate does not follow into threads
    def kernel(start):
        out[start:start + _CHUNK] = function(draws[start:start + _CHUNK])

    starts = range(0, draws.size, _CHUNK)
    if len(starts) <= 1:
        for start in starts:
            kernel(start)
        return out
    pid = os.getpid()
    if pid not in _POOLS:
        _POOLS.clear()
        _POOLS[pid] = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    for _ in _POOLS[pid].map(kernel, starts):
        pass
    return out
