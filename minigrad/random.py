"""Random numbers that match torch's CPU generator bit for bit.

torch's CPU ``Generator`` is a 32-bit Mersenne Twister (mt19937) seeded with the classic
``init_genrand`` recurrence. Every sampling function turns the raw 32-bit words into numbers
with a fixed recipe; if we draw the same words in the same order and apply the same float
operations in the same precision, we get torch's numbers exactly. This module does that with
numpy: ``numpy.random.MT19937`` produces the words (vectorised; its state is the single source
of truth) and each recipe below is torch's kernel rewritten as whole-array numpy code.

Two words are combined into a 64-bit draw as ``random64 = (first << 32) | second``.
Uniform floats use the low mantissa-width bits of one draw:

* float32 (and float16, which is computed in float32): ``(random() & (2**24 - 1)) * 2**-24``
* float64: ``(random64() & (2**53 - 1)) * 2**-53``

Where torch calls a C math function we call the same function (Python's ``math``, numpy's
float64 ``sin``/``cos``: both call the C library) or a replica that rounds exactly like it:

* torch's vectorised float32 normal kernel uses its own AVX2 ``log``/``sincos`` (Cephes
  polynomials, with the compiler's fused multiply-adds): ``_log256`` / ``_sincos256``;
* the float64 kernels call glibc's ``log`` and ``log1p``, which numpy's SIMD versions do not
  match to the last bit: ``_glibc_log`` / ``_glibc_log1p``.

The replicas were checked against the real functions on every input the float32 sampler can
produce (2**24 values) and on millions of float64 samples; ``parity_tests/test_random.py``
keeps checking them against torch. The recipes are torch 2.13's on x86-64 with AVX2 (or
AVX-512) and glibc; a CPU without AVX2 makes torch use a different float32 normal kernel.
"""

import functools
import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import numpy as np

__all__ = ["Generator", "default_generator", "get_rng_state", "initial_seed", "manual_seed",
           "seed", "set_rng_state"]

_DEFAULT_SEED = 67280421310721          # torch.Generator()'s seed
_MT_N = 624                             # words in the mt19937 state
_UINT64 = (1 << 64) - 1
_RANDPERM_SMALL_N = 0xFFFFFFFF // 20    # torch switches randperm algorithms here
_RANDOM64_RANGE = 1 << 28               # random_(from, to) draws 64 bits from this range on

# torch.get_rng_state()'s 5056-byte layout (CPUGeneratorImplState, a C struct).
_STATE = np.dtype({
    "names": ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y",
              "normal_rho", "normal_is_valid", "float_normal", "float_normal_is_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", _MT_N), "<f8", "<f8", "<f8", "<i4",
                "<f4", "u1"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
    "itemsize": 5056,
})

# How torch names dtypes in messages: C++ type names and ScalarType names.
_CPP_NAME = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char",
             "int16": "short int", "int32": "int", "int64": "long int",
             "float16": "c10::Half", "float32": "float", "float64": "double"}
_TORCH_NAME = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
               "int32": "Int", "int64": "Long", "float16": "Half", "float32": "Float",
               "float64": "Double"}


def _quiet(function):
    """Run ``function`` with numpy's floating-point warnings off: as in torch's C kernels,
    an overflow gives inf and an invalid operation NaN, silently."""
    @functools.wraps(function)
    def quiet(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return function(*args, **kwargs)
    return quiet


class Generator:
    """A torch-compatible CPU random generator (mt19937 + torch's sampling recipes)."""

    def __init__(self, device="cpu"):
        self._device = str(device)
        self._bits = np.random.MT19937()
        self._numpy = np.random.Generator(self._bits)     # fast whole-word draws, see _random
        self.manual_seed(_DEFAULT_SEED)

    @property
    def device(self):
        """The device string ('cpu')."""
        return self._device

    # ------------------------------------------------------------------ seeding and state
    def manual_seed(self, seed):
        """Seed like torch: the seed is kept as uint64 (``seed mod 2**64``), mt19937 gets
        ``init_genrand(seed & 0xFFFFFFFF)`` and the cached Box-Muller value is dropped."""
        if isinstance(seed, np.integer):
            raise TypeError("an integer is required")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")  # noqa: TRY004
        if not -(1 << 63) <= seed <= _UINT64:
            raise ValueError("Overflow when unpacking long long")
        self._initial_seed = seed & _UINT64
        key = np.random.RandomState(seed & 0xFFFFFFFF).get_state()[1]   # init_genrand
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _MT_N}}
        self._fresh = True                  # seeded, no word drawn yet (torch: next == 0)
        self._normal_cache = None           # second Box-Muller value (double)
        self._float_normal_cache = None     # torch keeps a float one too; no CPU kernel uses it
        return self

    def seed(self):
        """Seed from the OS entropy source (53 bits, like torch) and return the seed."""
        value = int.from_bytes(os.urandom(8), "little") & ((1 << 53) - 1)
        self.manual_seed(value)
        return value

    def initial_seed(self):
        """The seed last given to ``manual_seed``/``seed`` (as an unsigned 64-bit int)."""
        return self._initial_seed

    def get_state(self):
        """The full state as a uint8 tensor in torch's 5056-byte layout."""
        from minigrad import from_numpy
        return from_numpy(self._get_state_array())

    def set_state(self, new_state):
        """Restore a state from ``get_state`` (a uint8 tensor or numpy array, torch's layout)."""
        if isinstance(new_state, np.ndarray):
            array = new_state
        elif hasattr(new_state, "numpy"):
            array = np.asarray(new_state.numpy())
        else:
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if array.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        self._set_state_array(array)
        return self

    def _get_state_array(self):
        """numpy uint8[5056] in torch's CPUGeneratorImplState layout.

        mt19937 bookkeeping: torch counts ``left`` (draws until the next twist, plus one) and
        ``next`` (index of the next word); numpy keeps ``pos``. After a twist
        ``left + next == 625`` and ``next == pos``; a freshly seeded engine has
        ``left == 1, next == 0`` (numpy: ``pos == 624``)."""
        numpy_state = self._bits.state["state"]
        pos = int(numpy_state["pos"])
        record = np.zeros((), _STATE)
        record["seed"] = self._initial_seed
        record["left"] = 1 if pos == _MT_N else _MT_N + 1 - pos
        record["seeded"] = 1
        record["next"] = 0 if (pos == _MT_N and self._fresh) else pos
        record["state"] = numpy_state["key"]
        if self._normal_cache is not None:
            record["normal_y"] = self._normal_cache
            record["normal_is_valid"] = 1
        if self._float_normal_cache is not None:
            record["float_normal"] = self._float_normal_cache
            record["float_normal_is_valid"] = 1
        return record.reshape(1).view(np.uint8).copy()

    def _set_state_array(self, array):
        """Inverse of ``_get_state_array`` with torch's checks."""
        array = np.ascontiguousarray(array).reshape(-1)
        if array.size != _STATE.itemsize:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE.itemsize} "
                               f"but found the input RNG state size to be {array.size}")
        record = array.view(_STATE)[0]
        left, nxt = int(record["left"]), int(record["next"])
        if record["seeded"] == 0 or not 0 < left <= _MT_N or not 0 <= nxt <= _MT_N:
            raise RuntimeError("Invalid mt19937 state")
        key = (record["state"] & 0xFFFFFFFF).astype(np.uint32)
        pos = _MT_N if left == 1 else nxt
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self._initial_seed = int(record["seed"])
        self._fresh = left == 1 and nxt == 0
        self._normal_cache = float(record["normal_y"]) if record["normal_is_valid"] else None
        self._float_normal_cache = (float(record["float_normal"])
                                    if record["float_normal_is_valid"] else None)

    # ------------------------------------------------------------------ raw draws
    def _random(self, n):
        """``n`` draws of torch's ``random()``: the next ``n`` mt19937 words (uint32).

        numpy's full-range ``integers`` returns the bit generator's words unchanged (like
        ``random_raw``, but as uint32 and faster); the parity tests check the streams."""
        if n:
            self._fresh = False
        return self._numpy.integers(0, 1 << 32, size=n, dtype=np.uint32)

    def _random64(self, n):
        """``n`` draws of torch's ``random64()``: ``(first << 32) | second`` from two words
        (numpy's full-range uint64 ``integers`` combines them the same way)."""
        if n:
            self._fresh = False
        return self._numpy.integers(0, 1 << 64, size=n, dtype=np.uint64)

    def _uniform24(self, n):
        """``n`` float32 uniforms from ``random()``; see ``_to_uniform24``."""
        return _to_uniform24(self._random(n))

    def _uniform53(self, n):
        """``n`` float64 uniforms from ``random64()``; see ``_to_uniform53``."""
        return _to_uniform53(self._random64(n))

    # ------------------------------------------------------------------ uniform
    @_quiet
    def uniform(self, shape, dtype, low=0.0, high=1.0):
        """``torch.rand`` / ``Tensor.uniform_(low, high)``.

        ``x = u * (high - low) + low`` as one fused multiply-add, in float32 for float16 and
        float32 (then rounded to the dtype) and in float64 for float64; a value that rounds to
        ``high`` is replaced by ``low`` so the range stays [low, high)."""
        dtype = _float_dtype(dtype, "check_uniform_bounds")
        info = np.finfo(dtype)
        lowest, highest = float(info.min), float(info.max)
        for value, name in ((low, "from"), (high, "to")):
            if not lowest <= value <= highest:
                raise RuntimeError(f"{name} is out of bounds for {_CPP_NAME[dtype.name]}")
        if not low <= high:
            raise RuntimeError("uniform_ expects to return a [from, to) range, but found "
                               f"from={_fmt(low)} > to={_fmt(high)}")
        if not high - low <= highest:
            raise RuntimeError(
                f"uniform_ expects to-from <= std::numeric_limits<{_TORCH_NAME[dtype.name]}>"
                f"::max(), but found to={_fmt(high)} and from={_fmt(low)} which result in "
                "to-from to exceed the limit")
        n = _numel(shape)
        if dtype == np.float64:
            draws = self._random64(n)

            def scale(chunk):
                return _fma64(_to_uniform53(chunk), high - low, low)
        else:
            draws = self._random(n)
            lo32, hi32 = np.float32(low), np.float32(high)

            def scale(chunk):
                return _fma32(_to_uniform24(chunk), hi32 - lo32, lo32).astype(dtype)
        values = _map_chunks(scale, draws, np.empty(n, dtype))
        values[values == dtype.type(high)] = dtype.type(low)
        return values.reshape(shape)

    # ------------------------------------------------------------------ normal
    @_quiet
    def normal(self, shape, dtype, mean=0.0, std=1.0):
        """``torch.randn`` / ``Tensor.normal_(mean, std)``: Box-Muller, two torch code paths.

        * fewer than 16 elements: per element, from two float64 uniforms ``u1, u2``:
          ``r = sqrt(-2 log1p(-u2))``, ``z = r cos(2 pi u1)`` and ``r sin(2 pi u1)`` is
          cached in the generator for the next element (of any later call);
          ``x = fma(z, std, mean)``.
        * 16 or more: fill with uniforms, then per block of 16 (``j < 8``)
          ``r = sqrt(-2 log(1 - u[j]))``, ``t = 2 pi u[j + 8]``,
          ``x[j] = fma(r cos t, std, mean)``, ``x[j + 8] = fma(r sin t, std, mean)``;
          a size that is not a multiple of 16 redoes the last 16 from 16 fresh uniforms.
          float32 uses torch's AVX2 kernel, float64 the C library."""
        dtype = _float_dtype(dtype, "normal_kernel_cpu")
        _check_std(std)
        n = _numel(shape)
        if n < 16:
            return self._normal_few(n, dtype, mean, std).reshape(shape)
        if dtype == np.float32:
            return self._normal_fill(n, dtype, self._random, _box_muller_avx2, mean, std).reshape(shape)
        if dtype == np.float64:
            return self._normal_fill(n, dtype, self._random64, _box_muller_libm, mean, std).reshape(shape)
        raise NotImplementedError(f"normal: {dtype.name} tensors of 16 or more elements are "
                                  "not supported (torch uses a separate half-precision kernel)")

    def _normal_few(self, n, dtype, mean, std):
        """The per-element path (with the cached second value); see ``normal``."""
        z = np.empty(n)
        for i in range(n):
            if self._normal_cache is not None:
                z[i], self._normal_cache = self._normal_cache, None
                continue
            u1, u2 = self._uniform53(2)
            radius = math.sqrt(-2.0 * math.log1p(-u2))
            theta = 2.0 * math.pi * u1
            z[i] = radius * math.cos(theta)
            self._normal_cache = radius * math.sin(theta)
        return _fma64(z, std, mean).astype(dtype)

    def _normal_fill(self, n, dtype, draw, box_muller, mean, std):
        """torch's ``normal_fill``: ``n`` uniforms, Box-Muller per 16, and if ``n % 16`` the
        last 16 outputs again from 16 fresh uniforms. ``box_muller`` maps raw draws of
        ``draw`` (a multiple of 16) to normals."""
        draws = draw(n)
        tail = draw(16) if n % 16 else None
        full = n - n % 16
        out = np.empty(n, dtype)
        _map_chunks(lambda chunk: box_muller(chunk, mean, std), draws[:full], out[:full])
        if tail is not None:
            out[n - 16:] = box_muller(tail, mean, std)
        return out

    @_quiet
    def normal_arrays(self, mean, std, dtype):
        """``torch.normal(mean, std)`` with a tensor mean and/or std (broadcast together).

        torch draws standard normals for the broadcast shape and then applies two separate
        roundings: ``normal(0, 1) * std + mean``; with a float ``std`` it draws
        ``normal(0, std)`` and then adds ``mean``."""
        dtype = np.dtype(dtype)
        if np.ndim(std) == 0 and not isinstance(std, np.ndarray):
            _check_std(std)
            shape = np.shape(mean)
            return (self.normal(shape, dtype, 0.0, std) + _as_operand(mean, dtype)).astype(dtype)
        std = np.asarray(std)
        if std.size and not std.min() >= 0:
            raise RuntimeError("normal expects all elements of std >= 0.0")
        shape = np.broadcast_shapes(np.shape(mean), std.shape)
        out = (self.normal(shape, dtype) * _as_operand(std, dtype)).astype(dtype)
        return (out + _as_operand(mean, dtype)).astype(dtype)

    @_quiet
    def trunc_normal(self, shape, dtype, mean=0.0, std=1.0, a=-2.0, b=2.0):
        """``torch.nn.init.trunc_normal_`` (torch 2.13: rejection sampling, no erfinv).

        If more than 30% of the normal's mass lies in [a, b]: draw ``normal(mean, std)`` and
        redraw a whole new tensor of normals for as long as any value lies outside [a, b],
        keeping new values only where needed. Otherwise propose uniforms on [a, b] and accept
        where ``log(u) <= -((x - mean) / std)**2 / 2 - log_peak`` (``u`` uniform on [0, 1))."""
        dtype = _float_dtype(dtype, "normal_kernel_cpu")
        if mean < a - 2 * std or mean > b + 2 * std:
            warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                          "The distribution of values may be incorrect.", stacklevel=2)
        mass = _normal_cdf((b - mean) / std) - _normal_cdf((a - mean) / std)
        if mass > 0.3:
            low, high = dtype.type(a), dtype.type(b)
            result = self.normal(shape, dtype, mean, std)
            while True:
                outside = (result < low) | (result > high)
                if not outside.any():
                    return result
                result = np.where(outside, self.normal(shape, dtype, mean, std), result)
        return self._trunc_normal_by_uniforms(shape, dtype, mean, std, a, b)

    def _trunc_normal_by_uniforms(self, shape, dtype, mean, std, a, b):
        """The uniform-proposal branch of ``trunc_normal``; each step rounds in ``dtype``.

        Not bit-exact in one respect: torch takes ``log(u)`` with its own vectorised log,
        we with numpy's; they can differ in the last bit, which changes an accept/reject
        decision only if both sides of the comparison are within that bit."""
        mode = max(a, min(mean, b))
        log_peak = dtype.type(-0.5 * ((mode - mean) / std) ** 2)
        mean, std, half = dtype.type(mean), dtype.type(std), dtype.type(-0.5)

        def log_density(x):
            z = (x - mean) / std
            return (z * z) * half - log_peak

        def rejected(x):
            return np.log(self.uniform(shape, dtype)) > log_density(x)

        result = self.uniform(shape, dtype, a, b)
        pending = rejected(result)
        while pending.any():
            candidates = self.uniform(shape, dtype, a, b)
            result = np.where(pending, candidates, result)
            pending = pending & rejected(candidates)
        return result

    # ------------------------------------------------------------------ integers
    def randint(self, low, high, shape, dtype=np.int64):
        """``torch.randint(low, high, shape)``: ``low + random() % (high - low)``, with
        ``random64()`` instead of ``random()`` when the range is at least 2**28."""
        return self.random_(shape, dtype, low, high)

    def random_(self, shape, dtype, low=None, high=None):
        """``Tensor.random_()``, ``random_(to)``, ``random_(from, to)``, ``random_(from, None)``.

        Without bounds: ``random() % (max + 1)`` for integer dtypes (``random64() % 2**63``
        for int64, ``random() & 1`` for bool) and ``random() % (2**digits + 1)`` for floats
        (``random64()`` for float64). With bounds: ``from + draw % (to - from)`` in uint64
        arithmetic, cast to the dtype; ``from`` alone means ``[from, max]`` and
        ``from == -2**63`` means every int64 (``random64()`` reinterpreted)."""
        dtype = np.dtype(dtype)
        n = _numel(shape)
        if low is None and high is None:
            return self._random_unbounded(n, dtype).reshape(shape)
        if low is None:
            low = 0
        if high is None and low == -(1 << 63):
            return _int64_to(self._random64(n).view(np.int64), dtype).reshape(shape)
        low, high, span = _random_range(int(low), None if high is None else int(high), dtype)
        if n == 0:
            return np.empty(shape, dtype)
        draws = self._random64(n) if span >= _RANDOM64_RANGE else self._random(n)
        values = (draws % np.uint64(span)) + np.uint64(low & _UINT64)   # wraps like uint64
        return _int64_to(values.view(np.int64), dtype).reshape(shape)

    def _random_unbounded(self, n, dtype):
        """``Tensor.random_()`` without bounds; see ``random_``."""
        if dtype == np.bool_:
            return (self._random(n) & np.uint64(1)).astype(np.bool_)
        if dtype.kind == "f":
            digits = np.finfo(dtype).nmant + 1
            draws = self._random64(n) if dtype == np.float64 else self._random(n)
            return (draws % np.uint64((1 << digits) + 1)).astype(dtype)
        if dtype == np.int64:
            return (self._random64(n) % np.uint64(1 << 63)).astype(np.int64)
        modulus = int(np.iinfo(dtype).max) + 1
        return (self._random(n) % np.uint64(modulus)).astype(dtype)

    def random_seed_int64(self):
        """``torch.empty((), dtype=torch.int64).random_()``: ``random64() % 2**63``."""
        return int(self._random64(1)[0] % np.uint64(1 << 63))

    def randperm(self, n, dtype=np.int64):
        """``torch.randperm(n)``.

        n < 2**32 // 20: Fisher-Yates from the front, ``z = random() % (n - i)``, swap
        ``a[i], a[i + z]`` for ``i = 0 .. n-2``. Larger n: the "inside-out" shuffle,
        ``z = random64() % (i + 1)``, ``a[i] = a[z]; a[z] = i`` for ``i = 0 .. n-1``.
        Both are replayed without a Python loop (``_fisher_yates``, ``_inside_out``)."""
        dtype = np.dtype(dtype)
        _check_randperm(n, dtype)
        if n < _RANDPERM_SMALL_N:
            steps = np.arange(max(n - 1, 0), dtype=np.uint64)
            targets = steps + self._random(steps.size) % (np.uint64(n) - steps)
            return _fisher_yates(n, targets.astype(np.int64)).astype(dtype)
        steps = np.arange(n, dtype=np.uint64)
        partners = self._random64(n) % (steps + np.uint64(1))
        return _inside_out(partners.astype(np.int64)).astype(dtype)

    # ------------------------------------------------------------------ others
    def bernoulli(self, p, shape=None, dtype=np.float32):
        """``Tensor.bernoulli_(p)`` (float p) or ``torch.bernoulli(p_tensor)`` (array p).

        Float p: one float64 uniform per element, ``x = u < p``. Array p (broadcast to
        ``shape``): float64 p uses float64 uniforms, float32/float16 p uses float32 uniforms
        (``random()``, 24 bits) compared in float32."""
        dtype = np.dtype(dtype)
        if np.ndim(p) == 0 and not isinstance(p, np.ndarray):
            if not 0 <= p <= 1:
                raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
            return (self._uniform53(_numel(shape)) < p).astype(dtype).reshape(shape)
        p = np.asarray(p)
        if p.dtype.kind != "f":
            raise NotImplementedError('"bernoulli_tensor_cpu_p_" not implemented for '
                                      f"'{_TORCH_NAME.get(p.dtype.name, p.dtype.name)}'")
        p = np.broadcast_to(p, p.shape if shape is None else shape).reshape(-1)
        uniforms = self._uniform53 if p.dtype == np.float64 else self._uniform24
        bad = np.flatnonzero(~((p >= 0) & (p <= 1)))
        if bad.size:
            uniforms(int(bad[0]))          # torch fails mid-kernel, after the earlier draws
            raise RuntimeError(
                "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                "message be improved?  If so, please report an enhancement request to PyTorch.)")
        compare_type = np.float64 if p.dtype == np.float64 else np.float32
        out = uniforms(p.size) < p.astype(compare_type)
        return out.astype(dtype).reshape(p.shape if shape is None else shape)

    @_quiet
    def exponential(self, shape, dtype, lambd=1.0):
        """``Tensor.exponential_(lambd)``: ``x = -1 / lambd * log1p(-u)`` in float64 (glibc's
        ``log1p``), one float64 uniform per element, then rounded to the dtype."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise RuntimeError("Exponential distribution is a continuous probability "
                               "distribution. dtype must be a floating point but you specified "
                               f"{_TORCH_NAME.get(dtype.name, dtype.name)}")
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
        def transform(chunk):
            return ((-1.0 / lambd) * _glibc_log1p(-_to_uniform53(chunk))).astype(dtype)

        n = _numel(shape)
        return _map_chunks(transform, self._random64(n), np.empty(n, dtype)).reshape(shape)

    def multinomial(self, probs, num_samples, replacement=False):
        """``torch.multinomial(probs, num_samples, replacement)`` for 1-D or 2-D ``probs``.

        Without replacement (or one sample): ``q = probs / Exponential(1)`` and the indices
        of the ``num_samples`` largest ``q`` (argmax for one). With replacement: per row, the
        normalised cumulative sum ``c`` (last entry set to 1) and, per sample, the first
        index with ``c >= u`` for a float64 uniform ``u``."""
        probs = np.asarray(probs)
        _check_multinomial(probs, num_samples, replacement)
        rows = probs.reshape(-1, probs.shape[-1])
        if rows.shape[0] == 0:
            return np.empty(probs.shape[:-1] + (num_samples,), np.int64)
        if replacement and num_samples > 1:
            samples = self._multinomial_replacement(rows, num_samples)
        else:
            samples = self._multinomial_exponential(rows, num_samples)
        return samples.reshape(probs.shape[:-1] + (num_samples,))

    def _multinomial_exponential(self, rows, num_samples):
        """The no-replacement path: top ``num_samples`` of ``probs / Exponential(1)``."""
        if not (np.all(rows < np.inf) and np.all(rows >= 0)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if np.any(rows.sum(axis=1) == 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        q = (rows / self.exponential(rows.shape, rows.dtype)).astype(rows.dtype)
        if num_samples == 1:
            return np.argmax(q, axis=1)[:, None]
        return np.argsort(-q, axis=1, kind="stable")[:, :num_samples]

    def _multinomial_replacement(self, rows, num_samples):
        """The with-replacement path: inverse CDF by binary search, row after row (in float32
        for float16 probabilities, as torch accumulates them)."""
        acc = np.float32 if rows.dtype == np.float16 else rows.dtype
        values = rows.astype(acc)
        cumulative = np.cumsum(values, axis=1, dtype=acc)       # sequential sums, like torch
        invalid = (~(values >= 0) | ~np.isfinite(values)).any(axis=1) | ~(cumulative[:, -1] > 0)
        if invalid.any():
            first = int(np.argmax(invalid))
            self._uniform53(first * num_samples)        # torch fails after earlier rows drew
            _raise_multinomial_row(values[first])
        cumulative = (cumulative / cumulative[:, -1:]).astype(acc)
        cumulative[:, -1] = 1
        u = self._uniform53(rows.shape[0] * num_samples).reshape(rows.shape[0], num_samples)
        return np.stack([np.searchsorted(c.astype(np.float64), s, side="left")
                         for c, s in zip(cumulative, u, strict=True)])


# ====================================================================== module-level API
default_generator = Generator()


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


# ====================================================================== argument checks
def _numel(shape):
    """Number of elements of a shape tuple."""
    return math.prod(shape)


def _fmt(value):
    """A number as C++'s ``ostream << double`` prints it (as torch's messages do)."""
    return f"{value:g}"


def _float_dtype(dtype, kernel):
    """``dtype`` as a numpy float dtype, or torch's NotImplementedError for ``kernel``."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{_TORCH_NAME.get(dtype.name, dtype.name)}'")
    return dtype


def _normal_cdf(x):
    """Standard normal CDF, as torch.nn.init computes it (``math.erf``)."""
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def _check_std(std):
    """torch's check on a scalar standard deviation."""
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")


def _as_operand(value, dtype):
    """A Python float or a 0-d array enters torch arithmetic in the result's dtype (it does
    not promote); an array with dimensions keeps its own dtype."""
    if np.ndim(value) == 0:
        return dtype.type(value)
    return value


def _random_range(low, high, dtype):
    """torch's ``random_from_to`` checks; returns ``(from, to, to - from)``.

    ``high=None`` means up to the dtype's largest value (``2**digits`` for floats).
    For float dtypes the bounds first move inwards to values the dtype represents."""
    if high is not None and not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype.kind == "f":
        digits = np.finfo(dtype).nmant + 1
        low = _float_bound(low, dtype, digits, +1)
        if high is None:
            high = (1 << digits) + 1
            if not low < high - 1:
                raise RuntimeError("random_ expects 'from' casted to dtype to be less than or "
                                   f"equal to 'to_inc' casted to dtype, but got from={low} > "
                                   f"to_inc={high - 1}")
        else:
            high = _float_bound(high, dtype, digits, -1)
            if not low < high:
                raise RuntimeError("random_ expects 'from' casted to dtype to be less than 'to' "
                                   f"casted to dtype, but got from={low} >= to={high}")
        lowest, highest = float(np.finfo(dtype).min), float(np.finfo(dtype).max)
        for value, name in ((low, "from"), (high - 1, "to - 1")):
            if not lowest <= value <= highest:
                raise RuntimeError(f"{name} is out of bounds for {_CPP_NAME[dtype.name]}")
            if not -(1 << digits) <= value <= (1 << digits):
                warnings.warn(
                    f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                    f"limitations {_CPP_NAME[dtype.name]} can support discrete uniform "
                    "distribution only within this range. This warning will become an error in "
                    "version 1.7 release, please fix the code in advance", UserWarning, stacklevel=3)
    else:
        lowest, highest = (0, 1) if dtype == np.bool_ else (int(np.iinfo(dtype).min),
                                                            int(np.iinfo(dtype).max))
        if high is None:
            high = highest + 1
        for value, name in ((low, "from"), (high - 1, "to - 1")):
            if not lowest <= value <= highest:
                raise RuntimeError(f"{name} is out of bounds for {_CPP_NAME[dtype.name]}")
    return low, high, (high - low) & _UINT64


def _float_bound(bound, dtype, digits, direction):
    """torch's ``update_from`` (direction +1) / ``update_to`` (-1): move an integer bound
    inwards until ``bound + direction`` survives a round trip through the float dtype."""
    neighbour = bound + direction
    via = np.float64 if dtype == np.float64 else np.float32     # C++ int64 -> T (Half via float)
    with np.errstate(over="ignore"):
        as_float = np.array(neighbour, np.int64).astype(via).astype(dtype)
    if not np.isfinite(as_float):       # the C++ cast back is undefined; x86 gives INT64_MIN
        return bound
    rounded = int(as_float)
    if (direction > 0 and rounded < bound) or (direction < 0 and rounded >= bound):
        return rounded + direction * (1 << (abs(neighbour).bit_length() - digits))
    return bound


def _int64_to(values, dtype):
    """C++ ``static_cast<T>(int64)``: wraps for small ints, rounds for floats
    (float16 via float32, as ``c10::Half`` does)."""
    if dtype == np.float16:
        return values.astype(np.float32).astype(np.float16)
    return values.astype(dtype)


def _check_randperm(n, dtype):
    """torch's randperm argument checks."""
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dtype == np.float16 and n > 2049:
        raise RuntimeError("n cannot be greater than 2049 for Half type.")
    if dtype == np.float32 and n > (1 << 24) + 1:
        raise RuntimeError("n cannot be greater than 2^24+1 for Float type.")
    if dtype.kind in "iu" and n - 1 > np.iinfo(dtype).max:
        c_type = "int" if dtype == np.int32 else f"{dtype.name}_t"
        raise RuntimeError(f"value cannot be converted to type {c_type} without overflow")


def _check_multinomial(probs, num_samples, replacement):
    """torch's multinomial argument checks (in torch's order)."""
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype.kind != "f":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{_TORCH_NAME.get(probs.dtype.name, probs.dtype.name)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if probs.shape[-1] > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")


def _raise_multinomial_row(row):
    """The error torch's with-replacement kernel raises for an invalid row: it checks each
    entry in order (``>= 0``, then finite), then the sum."""
    bad = np.flatnonzero(~(row >= 0) | ~np.isfinite(row))
    if bad.size and not row[bad[0]] >= 0:
        raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
    if bad.size:
        raise RuntimeError("invalid multinomial distribution (encountering probability entry = "
                           "infinity or NaN)")
    raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


# ====================================================================== permutations
# A shuffle is a sequence of swaps; replaying it element by element is a Python loop.
# Instead, note which earlier step last wrote each position: the value a step moves is
# then found by following "last written by" links back to an untouched original index,
# which pointer jumping does for all elements at once in O(log n) whole-array rounds.

def _fisher_yates(n, targets):
    """``a = list(range(n))`` after ``a[i], a[targets[i]] = a[targets[i]], a[i]`` for
    ``i = 0 .. n-2`` (``targets[i] >= i``).

    ``before[k]``: what position k held just before step k. It is ``before[j]`` for the last
    step ``j < k`` that swapped with k (the swap moved position j's value there), or ``k``.
    Step i puts into position i what its target held: ``before[j]`` for the last earlier step
    j with the same target, or the target itself; the last position keeps ``before[n-1]``."""
    if n < 2:
        return np.arange(n, dtype=np.int64)
    previous, last = _same_key_links(targets, n)
    steps = np.arange(n - 1)
    last_before = last.copy()                       # last step j < k with targets[j] == k
    self_swap = last_before[:n - 1] == steps
    last_before[:n - 1][self_swap] = previous[self_swap]
    before = _follow(np.where(last_before >= 0, last_before, np.arange(n)))
    result = np.empty(n, dtype=np.int64)
    result[:n - 1] = np.where(previous >= 0, before[np.maximum(previous, 0)], targets)
    result[n - 1] = before[n - 1]
    return result


def _inside_out(partners):
    """torch's large-n shuffle: ``a[i] = a[partners[i]]; a[partners[i]] = i`` for
    ``i = 0 .. n-1`` (``partners[i] <= i``).

    ``written[p]``: what step p wrote into position p: ``p`` for a self-swap, else what
    ``partners[p]`` held then: the last earlier step with the same partner (if it came after
    that position's own step), or what that position's own step wrote. Finally position p
    holds the last step that chose it as partner (if after step p), else ``written[p]``."""
    n = partners.size
    previous, last = _same_key_links(partners, n)
    steps = np.arange(n)
    own = partners == steps
    moved_later = previous > partners
    pointer = np.where(own | moved_later, steps, partners)
    value = np.where(own, steps, previous)
    written = value[_follow(pointer)]
    return np.where(last > steps, last, written)


def _same_key_links(keys, size):
    """For steps ``i`` with ``keys[i]`` in ``[0, size)``: ``previous[i]``, the last step
    ``j < i`` with the same key (or -1), and ``last[k]``, the last step with key ``k`` (or -1)."""
    m = keys.size
    order = np.argsort(keys * m + np.arange(m))         # by key, then by step
    sorted_keys = keys[order]
    same = sorted_keys[1:] == sorted_keys[:-1]
    previous = np.full(m, -1, dtype=np.int64)
    previous[order[1:][same]] = order[:-1][same]
    is_last = np.append(~same, True)
    last = np.full(size, -1, dtype=np.int64)
    last[sorted_keys[is_last]] = order[is_last]
    return previous, last


def _follow(pointer):
    """Roots of a forest given as parent pointers (a root points to itself), by pointer
    jumping: each round doubles the distance every pointer skips."""
    while True:
        jumped = pointer[pointer]
        if np.array_equal(jumped, pointer):
            return pointer
        pointer = jumped


# ====================================================================== exact float arithmetic
def _two_prod(a, b):
    """``a * b == p + e`` exactly (Dekker's product with Veltkamp's 27-bit split)."""
    p = a * b
    a_split = a * 134217729.0
    a_hi = a_split - (a_split - a)
    a_lo = a - a_hi
    b_split = b * 134217729.0
    b_hi = b_split - (b_split - b)
    b_lo = b - b_hi
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _two_sum(a, b):
    """``a + b == s + t`` exactly (Knuth's TwoSum)."""
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def _round_odd(s, error):
    """Round-to-odd of ``s + error`` where ``s`` is the nearest float: an inexact result
    with an even last bit moves one ulp towards ``error`` (its odd neighbour). Rounding a
    round-to-odd value to a narrower format is then correct (Boldo and Melquiond).
    On the bit pattern, one ulp towards ``error`` is +1 when ``error`` has the sign of ``s``
    (away from zero) and -1 otherwise. Infinite ``s`` (NaN error) is left alone."""
    bits = s.view(np.int64)
    towards = np.where((error > 0) == (s > 0), 1, -1)
    inexact = (error != 0) & (np.abs(error) < np.inf)
    step = np.where(inexact & ((bits & 1) == 0), towards, 0)
    return (bits + step).view(np.float64)


def _fma64(a, b, c):
    """float64 ``a * b + c`` with one rounding (the C compiler's fused multiply-add), for any
    inputs: ``_fma64_in_range``; elements with an infinite or NaN input follow IEEE
    arithmetic, and the rare ones whose product is subnormal or huge (where Dekker's split
    is inexact) are redone in exact rational arithmetic."""
    if np.ndim(b) == 0 and b == 1:
        return np.asarray(a, np.float64) + c
    a, b, c = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64),
                                  np.asarray(c, np.float64))
    with np.errstate(over="ignore", invalid="ignore"):      # those elements are redone
        out = np.array(_fma64_in_range(a, b, c))
        product = np.abs(a * b)
        finite = np.isfinite(a) & np.isfinite(b) & np.isfinite(c)
        out[~finite] = (a * b + c)[~finite]
    extreme = finite & (a != 0) & (b != 0) & ((product < 2.0**-969) | (product > 2.0**995) |
                                              (np.abs(a) > 2.0**995) | (np.abs(b) > 2.0**995))
    for index in zip(*np.nonzero(extreme), strict=True):
        exact = Fraction(float(a[index])) * Fraction(float(b[index])) + Fraction(float(c[index]))
        try:
            out[index] = float(exact)       # correctly rounded, subnormals included
        except OverflowError:
            out[index] = math.inf if exact > 0 else -math.inf
    return out


def _fma64_in_range(a, b, c):
    """float64 ``a * b + c`` with one rounding: ``p + e = a * b`` and ``s + t = p + c``
    exactly, then ``s + round_to_odd(t + e)`` (Boldo and Melquiond). Exact unless the
    product is subnormal or beyond 2**995 (never the case in the libm replicas)."""
    a, b, c = np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64)
    p, e = _two_prod(a, b)
    s, t = _two_sum(p, c)
    correction = _round_odd(*_two_sum(t, e))
    return np.where(correction == 0, s, s + correction)     # keeps the sign of a zero s


def _fma32(a, b, c):
    """float32 ``a * b + c`` with one rounding: the product of two floats is exact in
    float64; round the float64 sum to odd, then to float32."""
    if np.all(b == 1):
        return a + np.float32(c)
    s = _round_odd(*_two_sum(a.astype(np.float64) * np.float64(b), np.float64(c)))
    return s.astype(np.float32)


# ====================================================================== normal kernels
def _to_uniform24(words):
    """float32 uniforms in [0, 1) from 32-bit draws: ``(w & (2**24 - 1)) * 2**-24``."""
    return (words & np.uint32(0xFFFFFF)).view(np.int32).astype(np.float32) * np.float32(2**-24)


def _to_uniform53(words64):
    """float64 uniforms in [0, 1) from 64-bit draws: ``(w & (2**53 - 1)) * 2**-53``."""
    return (words64 & np.uint64((1 << 53) - 1)).astype(np.float64) * 2.0**-53


_CHUNK = 1 << 15                        # elements per kernel call: temporaries stay in cache
_POOLS = {}                             # process id -> thread pool (a forked child needs its own)


def _map_chunks(function, draws, out):
    """``out[i:j] = function(draws[i:j])`` over cache-sized chunks, on all cores (numpy
    releases the GIL inside its loops, so chunks really run in parallel). Chunks are a
    multiple of 16 long, so Box-Muller blocks never straddle two chunks."""
    @_quiet                                     # errstate does not follow into threads
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


def _box_muller_avx2(words, mean, std):
    """torch's ``normal_fill_16_AVX2`` (float32) on raw 32-bit draws (a multiple of 16):
    per block of 16 uniforms, ``r = sqrt(-2 log(1 - u[j]))``, ``t = float32(2 pi) * u[j + 8]``,
    ``x[j] = fma(r cos t, std, mean)``, ``x[j + 8] = fma(r sin t, std, mean)``, all in float32
    with torch's AVX2 ``log256_ps``/``sincos256_ps`` (``_log256``, ``_sincos256``)."""
    blocks = _to_uniform24(words).reshape(-1, 2, 8)
    radius = np.sqrt(np.float32(-2) * _log256(np.float32(1) - blocks[:, 0]))
    sin, cos = _sincos256(np.float32(2 * math.pi) * blocks[:, 1])
    out = np.empty_like(blocks)
    out[:, 0] = _fma32(radius * cos, np.float32(std), np.float32(mean))
    out[:, 1] = _fma32(radius * sin, np.float32(std), np.float32(mean))
    return out.reshape(-1)


def _box_muller_libm(words64, mean, std):
    """torch's scalar ``normal_fill_16<double>`` on raw 64-bit draws (a multiple of 16):
    the same formulas in float64 with the C library's ``log``, ``cos`` and ``sin``."""
    blocks = _to_uniform53(words64).reshape(-1, 2, 8)
    radius = np.sqrt(-2.0 * _glibc_log(1.0 - blocks[:, 0]))
    theta = 2.0 * math.pi * blocks[:, 1]
    out = np.empty_like(blocks)
    out[:, 0] = _fma64(radius * np.cos(theta), std, mean)    # numpy's float64 cos and sin
    out[:, 1] = _fma64(radius * np.sin(theta), std, mean)    # call the C library
    return out.reshape(-1)


# torch's avx_mathfun.h (Cephes single-precision polynomials), as float32 constants.
_F32 = np.float32
_LOG_P = [_F32(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                             1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                             3.3333331174e-1)]
_LOG_Q1, _LOG_Q2 = _F32(-2.12194440e-4), _F32(0.693359375)
_SQRT_HALF = _F32(0.707106781186547524)
_DP1, _DP2, _DP3 = _F32(-0.78515625), _F32(-2.4187564849853515625e-4), _F32(-3.77489497744594108e-8)
_SIN_P = [_F32(c) for c in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)]
_COS_P = [_F32(c) for c in (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)]
_FOUR_OVER_PI = _F32(1.27323954473516)
_SIGN_BIT = np.int32(-2**31)


def _round_fma(t, y):
    """Finish a float32 fused multiply-add computed in float64 (``t = a * b + c``; the product
    of two floats is exact there): round ``t`` into the float32 array ``y``.
    Rounding twice (to float64, then float32) could in principle differ from one fma rounding;
    on the 2**24 inputs these kernels ever see it never does (checked against ``_fma32``)."""
    np.copyto(y, t, casting="same_kind")
    return y


def _log256(x):
    """torch's ``log256_ps`` (float32, x in (0, 1]): ``x = m 2**e`` with m in [sqrt(1/2),
    sqrt(2)), ``f = m - 1``, ``log x = f - f**2/2 + f**3 P(f) + e ln2`` with ln2 split in two
    parts. The compiler fuses the AVX2 code's multiply-adds; fused steps are computed in
    float64 (``t``) and rounded once (``_round_fma``)."""
    m, e = np.frexp(x)                                  # m in [0.5, 1)
    small = m < _SQRT_HALF                              # then use 2m and e - 1 (exact)
    f = m * (np.float32(1) + small) - np.float32(1)
    e = e.astype(np.float32) - small
    z = f * f
    f64 = f.astype(np.float64)
    t = f64 * np.float64(_LOG_P[0]) + np.float64(_LOG_P[1])
    y = t.astype(np.float32)
    for p in _LOG_P[2:]:                                # Horner: y = fma(y, f, p)
        np.multiply(y, f64, out=t)
        t += np.float64(p)
        _round_fma(t, y)
    y *= f
    np.multiply(y, z, out=t, dtype=np.float64)          # y = fma(y, z, e * q1)
    t += e * _LOG_Q1
    _round_fma(t, y)
    y -= z * np.float32(0.5)
    y += f
    y += e * _LOG_Q2
    return y


def _sincos256(x):
    """torch's ``sincos256_ps`` (float32, x >= 0): ``j`` = the even integer nearest
    ``x 4/pi`` (via truncation), ``r = x - j pi/4`` (pi/4 in three parts, the last one fused),
    ``sin r = r + r**3 S(r**2)``, ``cos r = 1 - r**2/2 + r**4 C(r**2)`` (Cephes), swapped and
    negated by octant. Fused multiply-adds as in ``_log256``. Returns ``(sin x, cos x)``."""
    j = (x * _FOUR_OVER_PI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    t = y.astype(np.float64) * np.float64(_DP3) + ((x + y * _DP1) + y * _DP2)
    r = t.astype(np.float32)
    z = r * r
    z64 = z.astype(np.float64)
    cos = _horner2(_COS_P, z64, t)
    cos *= z
    np.multiply(cos, z64, out=t)                        # cos = fma(cos * z, z, -z/2) + 1
    t -= z * np.float32(0.5)
    _round_fma(t, cos)
    cos += np.float32(1)
    sin = _horner2(_SIN_P, z64, t)
    sin *= z
    np.multiply(sin, r, out=t, dtype=np.float64)        # sin = fma(sin * z, r, r)
    t += r
    _round_fma(t, sin)
    # Octant fix-up on the bit patterns, as the AVX2 code does (no data-dependent branches):
    # swap the two results where bit 1 of j is set, then flip signs with bit 2 of j / j - 2.
    sin_bits, cos_bits = sin.view(np.int32), cos.view(np.int32)
    swap = (sin_bits ^ cos_bits) & ((j << 30) >> 31)
    sin_bits ^= swap
    cos_bits ^= swap
    sin_bits ^= (j << 29) & _SIGN_BIT
    cos_bits ^= (~(j - 2) << 29) & _SIGN_BIT
    return sin, cos


def _horner2(p, z64, t):
    """float32 ``fma(fma(p0, z, p1), z, p2)``, using ``t`` (float64) as scratch."""
    np.multiply(z64, np.float64(p[0]), out=t)
    t += np.float64(p[1])
    y = t.astype(np.float32)
    np.multiply(y, z64, out=t)
    t += np.float64(p[2])
    return _round_fma(t, y)


# ====================================================================== glibc log and log1p
# glibc's double log (from ARM's optimized-routines): 128 (1/c, log c) pairs and two
# polynomials. x86-64 glibc runs the variant compiled with fused multiply-adds.
_LOG_TABLE_HEX = """
0x1.734f0c3e0de9fp+0 -0x1.7cc7f79e69000p-2 0x1.713786a2ce91fp+0 -0x1.76feec20d0000p-2
0x1.6f26008fab5a0p+0 -0x1.713e31351e000p-2 0x1.6d1a61f138c7dp+0 -0x1.6b85b38287800p-2
0x1.6b1490bc5b4d1p+0 -0x1.65d5590807800p-2 0x1.69147332f0cbap+0 -0x1.602d076180000p-2
0x1.6719f18224223p+0 -0x1.5a8ca86909000p-2 0x1.6524f99a51ed9p+0 -0x1.54f4356035000p-2
0x1.63356aa8f24c4p+0 -0x1.4f637c36b4000p-2 0x1.614b36b9ddc14p+0 -0x1.49da7fda85000p-2
0x1.5f66452c65c4cp+0 -0x1.445923989a800p-2 0x1.5d867b5912c4fp+0 -0x1.3edf439b0b800p-2
0x1.5babccb5b90dep+0 -0x1.396ce448f7000p-2 0x1.59d61f2d91a78p+0 -0x1.3401e17bda000p-2
0x1.5805612465687p+0 -0x1.2e9e2ef468000p-2 0x1.56397cee76bd3p+0 -0x1.2941b3830e000p-2
0x1.54725e2a77f93p+0 -0x1.23ec58cda8800p-2 0x1.52aff42064583p+0 -0x1.1e9e129279000p-2
0x1.50f22dbb2bddfp+0 -0x1.1956d2b48f800p-2 0x1.4f38f4734ded7p+0 -0x1.141679ab9f800p-2
0x1.4d843cfde2840p+0 -0x1.0edd094ef9800p-2 0x1.4bd3ec078a3c8p+0 -0x1.09aa518db1000p-2
0x1.4a27fc3e0258ap+0 -0x1.047e65263b800p-2 0x1.4880524d48434p+0 -0x1.feb224586f000p-3
0x1.46dce1b192d0bp+0 -0x1.f474a7517b000p-3 0x1.453d9d3391854p+0 -0x1.ea4443d103000p-3
0x1.43a2744b4845ap+0 -0x1.e020d44e9b000p-3 0x1.420b54115f8fbp+0 -0x1.d60a22977f000p-3
0x1.40782da3ef4b1p+0 -0x1.cc00104959000p-3 0x1.3ee8f5d57fe8fp+0 -0x1.c202956891000p-3
0x1.3d5d9a00b4ce9p+0 -0x1.b81178d811000p-3 0x1.3bd60c010c12bp+0 -0x1.ae2c9ccd3d000p-3
0x1.3a5242b75dab8p+0 -0x1.a45402e129000p-3 0x1.38d22cd9fd002p+0 -0x1.9a877681df000p-3
0x1.3755bc5847a1cp+0 -0x1.90c6d69483000p-3 0x1.35dce49ad36e2p+0 -0x1.87120a645c000p-3
0x1.34679984dd440p+0 -0x1.7d68fb4143000p-3 0x1.32f5cceffcb24p+0 -0x1.73cb83c627000p-3
0x1.3187775a10d49p+0 -0x1.6a39a9b376000p-3 0x1.301c8373e3990p+0 -0x1.60b3154b7a000p-3
0x1.2eb4ebb95f841p+0 -0x1.5737d76243000p-3 0x1.2d50a0219a9d1p+0 -0x1.4dc7b8fc23000p-3
0x1.2bef9a8b7fd2ap+0 -0x1.4462c51d20000p-3 0x1.2a91c7a0c1babp+0 -0x1.3b08abc830000p-3
0x1.293726014b530p+0 -0x1.31b996b490000p-3 0x1.27dfa5757a1f5p+0 -0x1.2875490a44000p-3
0x1.268b39b1d3bbfp+0 -0x1.1f3b9f879a000p-3 0x1.2539d838ff5bdp+0 -0x1.160c8252ca000p-3
0x1.23eb7aac9083bp+0 -0x1.0ce7f57f72000p-3 0x1.22a012ba940b6p+0 -0x1.03cdc49fea000p-3
0x1.2157996cc4132p+0 -0x1.f57bdbc4b8000p-4 0x1.201201dd2fc9bp+0 -0x1.e370896404000p-4
0x1.1ecf4494d480bp+0 -0x1.d17983ef94000p-4 0x1.1d8f5528f6569p+0 -0x1.bf9674ed8a000p-4
0x1.1c52311577e7cp+0 -0x1.adc79202f6000p-4 0x1.1b17c74cb26e9p+0 -0x1.9c0c3e7288000p-4
0x1.19e010c2c1ab6p+0 -0x1.8a646b372c000p-4 0x1.18ab07bb670bdp+0 -0x1.78d01b3ac0000p-4
0x1.1778a25efbcb6p+0 -0x1.674f145380000p-4 0x1.1648d354c31dap+0 -0x1.55e0e6d878000p-4
0x1.151b990275fddp+0 -0x1.4485cdea1e000p-4 0x1.13f0ea432d24cp+0 -0x1.333d94d6aa000p-4
0x1.12c8b7210f9dap+0 -0x1.22079f8c56000p-4 0x1.11a3028ecb531p+0 -0x1.10e4698622000p-4
0x1.107fbda8434afp+0 -0x1.ffa6c6ad20000p-5 0x1.0f5ee0f4e6bb3p+0 -0x1.dda8d4a774000p-5
0x1.0e4065d2a9fcep+0 -0x1.bbcece4850000p-5 0x1.0d244632ca521p+0 -0x1.9a1894012c000p-5
0x1.0c0a77ce2981ap+0 -0x1.788583302c000p-5 0x1.0af2f83c636d1p+0 -0x1.5715e67d68000p-5
0x1.09ddb98a01339p+0 -0x1.35c8a49658000p-5 0x1.08cabaf52e7dfp+0 -0x1.149e364154000p-5
0x1.07b9f2f4e28fbp+0 -0x1.e72c082eb8000p-6 0x1.06ab58c358f19p+0 -0x1.a55f152528000p-6
0x1.059eea5ecf92cp+0 -0x1.63d62cf818000p-6 0x1.04949cdd12c90p+0 -0x1.228fb8caa0000p-6
0x1.038c6c6f0ada9p+0 -0x1.c317b20f90000p-7 0x1.02865137932a9p+0 -0x1.419355daa0000p-7
0x1.0182427ea7348p+0 -0x1.81203c2ec0000p-8 0x1.008040614b195p+0 -0x1.0040979240000p-9
0x1.fe01ff726fa1ap-1 0x1.feff384900000p-9 0x1.fa11cc261ea74p-1 0x1.7dc41353d0000p-7
0x1.f6310b081992ep-1 0x1.3cea3c4c28000p-6 0x1.f25f63ceeadcdp-1 0x1.b9fc114890000p-6
0x1.ee9c8039113e7p-1 0x1.1b0d8ce110000p-5 0x1.eae8078cbb1abp-1 0x1.58a5bd001c000p-5
0x1.e741aa29d0c9bp-1 0x1.95c8340d88000p-5 0x1.e3a91830a99b5p-1 0x1.d276aef578000p-5
0x1.e01e009609a56p-1 0x1.07598e598c000p-4 0x1.dca01e577bb98p-1 0x1.253f5e30d2000p-4
0x1.d92f20b7c9103p-1 0x1.42edd8b380000p-4 0x1.d5cac66fb5ccep-1 0x1.606598757c000p-4
0x1.d272caa5ede9dp-1 0x1.7da76356a0000p-4 0x1.cf26e3e6b2ccdp-1 0x1.9ab434e1c6000p-4
0x1.cbe6da2a77902p-1 0x1.b78c7bb0d6000p-4 0x1.c8b266d37086dp-1 0x1.d431332e72000p-4
0x1.c5894bd5d5804p-1 0x1.f0a3171de6000p-4 0x1.c26b533bb9f8cp-1 0x1.067152b914000p-3
0x1.bf583eeece73fp-1 0x1.147858292b000p-3 0x1.bc4fd75db96c1p-1 0x1.2266ecdca3000p-3
0x1.b951e0c864a28p-1 0x1.303d7a6c55000p-3 0x1.b65e2c5ef3e2cp-1 0x1.3dfc33c331000p-3
0x1.b374867c9888bp-1 0x1.4ba366b7a8000p-3 0x1.b094b211d304ap-1 0x1.5933928d1f000p-3
0x1.adbe885f2ef7ep-1 0x1.66acd2418f000p-3 0x1.aaf1d31603da2p-1 0x1.740f8ec669000p-3
0x1.a82e63fd358a7p-1 0x1.815c0f51af000p-3 0x1.a5740ef09738bp-1 0x1.8e92954f68000p-3
0x1.a2c2a90ab4b27p-1 0x1.9bb3602f84000p-3 0x1.a01a01393f2d1p-1 0x1.a8bed1c2c0000p-3
0x1.9d79f24db3c1bp-1 0x1.b5b515c01d000p-3 0x1.9ae2505c7b190p-1 0x1.c2967ccbcc000p-3
0x1.9852ef297ce2fp-1 0x1.cf635d5486000p-3 0x1.95cbaeea44b75p-1 0x1.dc1bd3446c000p-3
0x1.934c69de74838p-1 0x1.e8c01b8cfe000p-3 0x1.90d4f2f6752e6p-1 0x1.f5509c0179000p-3
0x1.8e6528effd79dp-1 0x1.00e6c121fb800p-2 0x1.8bfce9fcc007cp-1 0x1.071b80e93d000p-2
0x1.899c0dabec30ep-1 0x1.0d46b9e867000p-2 0x1.87427aa2317fbp-1 0x1.13687334bd000p-2
0x1.84f00acb39a08p-1 0x1.1980d67234800p-2 0x1.82a49e8653e55p-1 0x1.1f8ffe0cc8000p-2
0x1.8060195f40260p-1 0x1.2595fd7636800p-2 0x1.7e22563e0a329p-1 0x1.2b9300914a800p-2
0x1.7beb377dcb5adp-1 0x1.3187210436000p-2 0x1.79baa679725c2p-1 0x1.377266dec1800p-2
0x1.77907f2170657p-1 0x1.3d54ffbaf3000p-2 0x1.756cadbd6130cp-1 0x1.432eee32fe000p-2
"""
_LOG_TABLE = np.array([float.fromhex(h) for h in _LOG_TABLE_HEX.split()]).reshape(128, 2)
_LOG_INVC, _LOG_LOGC = _LOG_TABLE[:, 0].copy(), _LOG_TABLE[:, 1].copy()
_LN2_HI, _LN2_LO = float.fromhex("0x1.62e42fefa3800p-1"), float.fromhex("0x1.ef35793c76730p-45")
_LOG_A = [float.fromhex(h) for h in ("-0x1.0000000000001p-1", "0x1.555555551305bp-2",
                                     "-0x1.fffffffeb459p-3", "0x1.999b324f10111p-3",
                                     "-0x1.55575e506c89fp-3")]
_LOG_B = [float.fromhex(h) for h in (
    "-0x1p-1", "0x1.5555555555577p-2", "-0x1.ffffffffffdcbp-3", "0x1.999999995dd0cp-3",
    "-0x1.55555556745a7p-3", "0x1.24924a344de3p-3", "-0x1.fffffa4423d65p-4",
    "0x1.c7184282ad6cap-4", "-0x1.999eb43b068ffp-4", "0x1.78182f7afd085p-4",
    "-0x1.5521375d145cdp-4")]


def _glibc_log(x):
    """glibc's ``log`` for positive normal float64 ``x``, bit for bit.

    Near 1 (``1 - 2**-4 <= x < 1 + 0x1.09p-4``): ``r = x - 1``,
    ``log x = r - r**2/2 + r**3 B(r)`` with ``r**2/2`` split exactly.
    Elsewhere ``x = 2**k z``, ``z`` in one of 128 intervals with centre ``c``:
    ``r = z/c - 1`` (one fma), ``log x = k ln2 + log c + r + r**2 A(r)``."""
    x = np.asarray(x, np.float64)
    bits = x.view(np.uint64)
    out = np.empty_like(x)
    near = (bits - np.uint64(0x3FEE000000000000)) < np.uint64(0x3FF1090000000000 - 0x3FEE000000000000)
    out[near] = _glibc_log_near_one(x[near])
    out[~near] = _glibc_log_table(bits[~near])
    out[x == 1.0] = 0.0
    return out


def _glibc_log_near_one(x):
    """``_glibc_log`` for x close to 1."""
    b, fma = _LOG_B, _fma64_in_range
    r = x - 1.0
    r2 = r * r
    r3 = r * r2
    poly = fma(r3, fma(r3, b[10], fma(r2, b[9], fma(r, b[8], b[7]))), fma(r2, b[6], fma(r, b[5], b[4])))
    poly = fma(r3, poly, fma(r2, b[3], fma(r, b[2], b[1])))
    w = r * 134217728.0
    r_hi = r + w - w
    r_lo = r - r_hi
    w = r_hi * r_hi * b[0]
    hi = r + w
    lo = r - hi + w
    lo = fma(b[0] * r_lo, r_hi + r, lo)
    return fma(r3, poly, lo) + hi


def _glibc_log_table(bits):
    """``_glibc_log`` away from 1, from the float64 bit patterns."""
    offset = bits - np.uint64(0x3FE6000000000000)
    index = ((offset >> np.uint64(45)) % np.uint64(128)).astype(np.intp)
    k = (offset.view(np.int64) >> 52).astype(np.float64)
    z = (bits - (offset & np.uint64(0xFFF << 52))).view(np.float64)
    p, e = _two_prod(z, _LOG_INVC[index])
    r = (p - 1.0) + e                                   # fma(z, 1/c, -1), exact
    w = k * _LN2_HI + _LOG_LOGC[index]
    hi = w + r
    a, fma = _LOG_A, _fma64_in_range
    lo = fma(k, _LN2_LO, w - hi + r)
    r2 = r * r
    poly = fma(r2, fma(r, a[4], a[3]), fma(r, a[2], a[1]))
    return fma(r * r2, poly, fma(r2, a[0], lo)) + hi


# glibc's double log1p (fdlibm's algorithm, x86-64 build with fused multiply-adds).
_LOG1P_LN2_HI, _LOG1P_LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_LOG1P_P = [6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
            2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
            1.479819860511658591e-01]


def _glibc_log1p(x):
    """glibc's ``log1p`` for float64 ``x`` in (-1, 0], bit for bit.

    ``1 + x = 2**k (1 + f)`` with ``sqrt(2)/2 < 1 + f < sqrt(2)`` (``k = 0, f = x`` when
    ``x > -0.2929``; otherwise a correction ``c`` for the rounding of ``1 + x``);
    ``s = f / (2 + f)``, ``log1p x = k ln2 + f - (f**2/2 - s (f**2/2 + R(s**2))) + c``."""
    x = np.asarray(x, np.float64)
    high = (x.view(np.uint64) >> np.uint64(32)).astype(np.int64)
    magnitude = high & 0x7FFFFFFF
    out = np.empty_like(x)
    tiny = magnitude < 0x3E200000                       # |x| < 2**-29
    out[tiny] = np.where(magnitude[tiny] < 0x3C900000, x[tiny], x[tiny] - x[tiny] * x[tiny] * 0.5)
    direct = ~tiny & (magnitude < 0x3FD2BEC4)           # -0.2929 < x: k = 0, f = x
    f = x[direct]
    half_f2 = 0.5 * f * f
    out[direct] = f - (half_f2 - _log1p_s_term(f, half_f2))
    scaled = ~tiny & ~direct
    out[scaled] = _glibc_log1p_scaled(x[scaled])
    return out


def _glibc_log1p_scaled(x):
    """``_glibc_log1p`` for x <= -0.2929 (k != 0)."""
    u = 1.0 + x
    high = (u.view(np.uint64) >> np.uint64(32)).astype(np.int64)
    k = (high >> 20) - 1023
    c = np.where(k > 0, 1.0 - (u - x), x - (u - 1.0)) / u
    mantissa = high & 0x000FFFFF
    low_word = u.view(np.uint64) & np.uint64(0xFFFFFFFF)
    below = mantissa < 0x6A09E                          # 1 + f < sqrt(2): exponent 0, else -1
    new_high = np.where(below, mantissa | 0x3FF00000, mantissa | 0x3FE00000).astype(np.uint64)
    k = np.where(below, k, k + 1).astype(np.float64)
    hu = np.where(below, mantissa, (0x00100000 - mantissa) >> 2)
    f = ((new_high << np.uint64(32)) | low_word).view(np.float64) - 1.0
    half_f2 = 0.5 * f * f
    out = k * _LOG1P_LN2_HI - ((half_f2 - (_log1p_s_term(f, half_f2)
                                           + _fma64_in_range(k, _LOG1P_LN2_LO, c))) - f)
    tiny_f = hu == 0                                    # |f| < 2**-20
    if tiny_f.any():
        f, k, c, half_f2 = f[tiny_f], k[tiny_f], c[tiny_f], half_f2[tiny_f]
        r = half_f2 * _fma64_in_range(-f, 0.66666666666666666, 1.0)
        k_ln2_lo_c = _fma64_in_range(k, _LOG1P_LN2_LO, c)
        out[tiny_f] = np.where(f == 0.0, k * _LOG1P_LN2_HI + k_ln2_lo_c,
                               k * _LOG1P_LN2_HI - ((r - k_ln2_lo_c) - f))
    return out


def _log1p_s_term(f, half_f2):
    """``s (f**2/2 + R(s**2))`` with ``s = f / (2 + f)`` (the fused form glibc runs)."""
    p, fma = _LOG1P_P, _fma64_in_range
    s = f / (2.0 + f)
    z = s * s
    z2 = z * z
    z4 = z2 * z2
    z6 = z4 * z2
    r = fma(z4, fma(z, p[4], p[3]), fma(z, p[0], z2 * fma(z, p[2], p[1])))
    r = fma(z6, fma(z, p[6], p[5]), r)
    return s * (half_f2 + r)
