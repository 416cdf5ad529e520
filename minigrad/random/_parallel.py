"""How the samplers run their whole-array kernels: with numpy's floating-point warnings off
(as in torch's C loops) and in cache-sized chunks spread over the intra-op threads."""

import functools

import numpy as np

from .._parallel import parallel_for

_CHUNK = 1 << 15                        # elements per kernel call: temporaries stay in cache


def quiet(function):
    """Run ``function`` with numpy's floating-point warnings off: as in torch's C kernels,
    an overflow gives inf and an invalid operation NaN, silently."""
    @functools.wraps(function)
    def quiet_function(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return function(*args, **kwargs)
    return quiet_function


def map_chunks(function, draws, out):
    """``out[i:j] = function(draws[i:j])`` over cache-sized chunks, the chunks shared out over the
    intra-op threads (``minigrad/_parallel.py``: numpy releases the GIL inside its loops, so chunks
    really run in parallel; ``set_num_threads`` sizes the pool). Chunks are a multiple of 16 long,
    so Box-Muller blocks never straddle two chunks; each chunk's values depend on its draws only."""
    @quiet                                      # (NumPy 1.x's error state does not follow into threads)
    def kernel(first, last):                    # chunks first .. last - 1
        for start in range(first * _CHUNK, min(last * _CHUNK, draws.size), _CHUNK):
            out[start:start + _CHUNK] = function(draws[start:start + _CHUNK])

    parallel_for(0, -(-draws.size // _CHUNK), 1, kernel)
    return out
