"""The state behind a ``Generator``, kept as torch's ``CPUGeneratorImpl`` keeps it (mt19937, the
seed, the cached normal value; torch's 5056-byte state layout), its raw 32- and 64-bit draws,
and the float uniforms torch makes from those draws.

numpy's ``MT19937`` produces the words (vectorised; its state is the single source of truth).
Two words are combined into a 64-bit draw as ``random64 = (first << 32) | second``. Uniform
floats use the low mantissa-width bits of one draw:

* float32 (and float16, which is computed in float32): ``(random() & (2**24 - 1)) * 2**-24``
* float64: ``(random64() & (2**53 - 1)) * 2**-53``
"""

import numpy as np

from ._arguments import UINT64

_MT_N = 624                              # words in the mt19937 state

# torch.get_rng_state()'s 5056-byte layout (CPUGeneratorImplState, a C struct).
STATE_LAYOUT = np.dtype({
    "names": ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y",
              "normal_rho", "normal_is_valid", "float_normal", "float_normal_is_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", _MT_N), "<f8", "<f8", "<f8", "<i4",
                "<f4", "u1"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
    "itemsize": 5056,
})


class Engine:
    """torch's ``CPUGeneratorImpl``: a 32-bit Mersenne Twister seeded with the classic
    ``init_genrand`` recurrence, the seed it was given and the cached Box-Muller values."""

    def __init__(self, seed):
        self._bits = np.random.MT19937()
        self._numpy = np.random.Generator(self._bits)     # fast whole-word draws, see random
        self.manual_seed(seed)

    def manual_seed(self, seed):
        """Seed like torch: the seed is kept as uint64 (``seed mod 2**64``), mt19937 gets
        ``init_genrand(seed & 0xFFFFFFFF)`` and the cached Box-Muller value is dropped."""
        self.initial_seed = seed & UINT64
        key = np.random.RandomState(seed & 0xFFFFFFFF).get_state()[1]   # init_genrand
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _MT_N}}
        self._fresh = True                  # seeded, no word drawn yet (torch: next == 0)
        self.normal_cache = None            # second Box-Muller value (double)
        self.float_normal_cache = None      # torch keeps a float one too; no CPU kernel uses it

    # ------------------------------------------------------------------ raw draws
    def random(self, n):
        """``n`` draws of torch's ``random()``: the next ``n`` mt19937 words (uint32).

        numpy's full-range ``integers`` returns the bit generator's words unchanged (like
        ``random_raw``, but as uint32 and faster); the parity tests check the streams."""
        if n:
            self._fresh = False
        return self._numpy.integers(0, 1 << 32, size=n, dtype=np.uint32)

    def random64(self, n):
        """``n`` draws of torch's ``random64()``: ``(first << 32) | second`` from two words
        (numpy's full-range uint64 ``integers`` combines them the same way)."""
        if n:
            self._fresh = False
        return self._numpy.integers(0, 1 << 64, size=n, dtype=np.uint64)

    def uniform24(self, n):
        """``n`` float32 uniforms from ``random()``; see ``to_uniform24``."""
        return to_uniform24(self.random(n))

    def uniform53(self, n):
        """``n`` float64 uniforms from ``random64()``; see ``to_uniform53``."""
        return to_uniform53(self.random64(n))

    # ------------------------------------------------------------------ state layout
    def state_array(self):
        """numpy uint8[5056] in torch's CPUGeneratorImplState layout.

        mt19937 bookkeeping: torch counts ``left`` (draws until the next twist, plus one) and
        ``next`` (index of the next word); numpy keeps ``pos``. After a twist
        ``left + next == 625`` and ``next == pos``; a freshly seeded engine has
        ``left == 1, next == 0`` (numpy: ``pos == 624``)."""
        numpy_state = self._bits.state["state"]
        pos = int(numpy_state["pos"])
        record = np.zeros((), STATE_LAYOUT)
        record["seed"] = self.initial_seed
        record["left"] = 1 if pos == _MT_N else _MT_N + 1 - pos
        record["seeded"] = 1
        record["next"] = 0 if (pos == _MT_N and self._fresh) else pos
        record["state"] = numpy_state["key"]
        if self.normal_cache is not None:
            record["normal_y"] = self.normal_cache
            record["normal_is_valid"] = 1
        if self.float_normal_cache is not None:
            record["float_normal"] = self.float_normal_cache
            record["float_normal_is_valid"] = 1
        return record.reshape(1).view(np.uint8).copy()

    def load_state_array(self, array):
        """Inverse of ``state_array`` with torch's checks."""
        array = np.ascontiguousarray(array).reshape(-1)
        if array.size != STATE_LAYOUT.itemsize:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_LAYOUT.itemsize} "
                               f"but found the input RNG state size to be {array.size}")
        record = array.view(STATE_LAYOUT)[0]
        left, nxt = int(record["left"]), int(record["next"])
        if record["seeded"] == 0 or not 0 < left <= _MT_N or not 0 <= nxt <= _MT_N:
            raise RuntimeError("Invalid mt19937 state")
        key = (record["state"] & 0xFFFFFFFF).astype(np.uint32)
        pos = _MT_N if left == 1 else nxt
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self.initial_seed = int(record["seed"])
        self._fresh = left == 1 and nxt == 0
        self.normal_cache = float(record["normal_y"]) if record["normal_is_valid"] else None
        self.float_normal_cache = (float(record["float_normal"])
                                   if record["float_normal_is_valid"] else None)


def to_uniform24(words):
    """float32 uniforms in [0, 1) from 32-bit draws: ``(w & (2**24 - 1)) * 2**-24``."""
    return (words & np.uint32(0xFFFFFF)).view(np.int32).astype(np.float32) * np.float32(2**-24)


def to_uniform53(words64):
    """float64 uniforms in [0, 1) from 64-bit draws: ``(w & (2**53 - 1)) * 2**-53``."""
    return (words64 & np.uint64((1 << 53) - 1)).astype(np.float64) * 2.0**-53
