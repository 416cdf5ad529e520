"""Random numbers that match torch's CPU generator bit for bit.

torch's CPU ``Generator`` is a 32-bit Mersenne Twister (mt19937) seeded with the classic
``init_genrand`` recurrence. Every sampling function turns the raw 32-bit words into numbers
with a fixed recipe; if we draw the same words in the same order and apply the same float
operations in the same precision, we get torch's numbers exactly. This package does that with
numpy: ``numpy.random.MT19937`` produces the words (``_engine``) and each recipe is torch's
kernel rewritten as whole-array numpy code (one module per sampler: ``_uniform``, ``_normal``,
``_trunc_normal``, ``_exponential``, ``_integers``, ``_randperm``, ``_bernoulli``,
``_multinomial``), reached through ``Generator`` (``generator``).

Where torch calls a C math function we call the same function (Python's ``math``, numpy's
float64 ``sin``/``cos``: both call the C library) or a replica that rounds exactly like it:
torch's AVX2 float32 ``log``/``sincos`` (``_avx2_math``) and glibc's float64 ``log``/``log1p``
(``_libm``), built on exact fused multiply-adds (``_fma``). ``parity_tests/test_random.py``
keeps checking all of it against torch. The recipes are torch 2.13's on x86-64 with AVX2 (or
AVX-512) and glibc; a CPU without AVX2 makes torch use a different float32 normal kernel.

This module holds torch's module-level API (``torch.manual_seed`` and friends), which acts on
``default_generator``.
"""

# The underscore names are internals that parity_tests/test_random.py checks against torch:
from ._engine import STATE_LAYOUT as _STATE  # noqa: F401
from ._libm import glibc_log as _glibc_log  # noqa: F401
from ._libm import glibc_log1p as _glibc_log1p  # noqa: F401
from ._normal import box_muller_avx2 as _box_muller_avx2  # noqa: F401
from ._randperm import inside_out as _inside_out  # noqa: F401
from .generator import Generator

__all__ = ["Generator", "default_generator", "get_rng_state", "initial_seed", "manual_seed",
           "seed", "set_rng_state"]

# torch seeds its default generator from the OS in every process (``torch.initial_seed()`` differs
# per run); a ``Generator()`` made by the user starts from the fixed default seed.
default_generator = Generator()
default_generator.seed()


def _resolve(generator):
    """The given generator, or the default one."""
    return default_generator if generator is None else generator


def manual_seed(seed):
    """``torch.manual_seed``: seed the default generator (``int(seed)`` first) and return it."""
    return default_generator.manual_seed(int(seed))


def seed():
    """``torch.seed``: seed the default generator non-deterministically; return the seed."""
    return default_generator.seed()


def initial_seed():
    """``torch.initial_seed``: the default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """``torch.get_rng_state``: the default generator's state (uint8 tensor)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """``torch.set_rng_state``: restore the default generator's state."""
    default_generator.set_state(new_state)
