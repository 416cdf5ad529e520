"""Bit-exact parity of ``minigrad.random`` with torch's CPU generator.

Every comparison is on the bits (same shape, dtype and raw bytes, so ``-0.0 != 0.0``),
never ``allclose``. Set ``MINIGRAD_TEST_PROFILE=full`` for many more hypothesis examples and
the exhaustive checks of the float32 normal kernel (all 2**24 inputs).

``minigrad.random`` replays the random kernels of torch's AVX2 build, which torch also runs under
the AVX512 capability. Its DEFAULT build (``ATEN_CPU_CAPABILITY=default``, or a CPU without AVX2)
rounds ``x * scale + shift`` twice instead of once (uniform with bounds, normal with mean/std) and
draws float32 normals of 16 or more values with scalar ``log``/``sin``/``cos``; tests that go
through those two kernels are skipped there, with the kernel named (``_compare.skip_unless_avx2_rng``).
The other streams (raw words, rand, randint, randperm, bernoulli, exponential, float64 standard
normals) are the same in every build and run everywhere.
"""

import math
import os

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from minigrad import random as mr
from _compare import skip_unless_avx2_rng

FULL = os.environ.get("MINIGRAD_TEST_PROFILE") == "full"    # hypothesis profiles: conftest.py
SEEDS = [0, 1, 1234, 2**32 + 7, -5]
SIZES = [0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 1000, 1001]
FLOATS = [(np.float32, torch.float32), (np.float64, torch.float64)]
INTS = [(np.bool_, torch.bool), (np.uint8, torch.uint8), (np.int8, torch.int8),
        (np.int16, torch.int16), (np.int32, torch.int32), (np.int64, torch.int64)]


def assert_bits_equal(ours, theirs):
    """Same shape, same dtype, same bytes."""
    theirs = theirs.numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    ours = np.asarray(ours)
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    assert ours.tobytes() == theirs.tobytes(), first_difference(ours, theirs)


def first_difference(ours, theirs):
    """A readable description of the first differing element."""
    diff = np.flatnonzero(ours.reshape(-1).astype(np.float64) != theirs.reshape(-1).astype(np.float64))
    if diff.size == 0:
        return "values equal but bits differ (signed zeros or NaN payloads)"
    i = diff[0]
    return f"{diff.size} differ; first at {i}: ours {ours.reshape(-1)[i]!r} torch {theirs.reshape(-1)[i]!r}"


# The two AVX2-build kernels minigrad replays that other builds compute differently.
FMA = "x * scale + shift as one fused multiply-add"
NORMAL_FILL = "float32 normal_fill_16_AVX2 for 16 or more values"
FUSED_SCALE_SHIFT = {"uniform_", "uniform_inexact_bounds", "normal_", "normal_small_std"}


def skip_where_kernels_differ(what):
    """Skip the running test where torch's random kernels are not its AVX2 build (see the docstring)."""
    mark = skip_unless_avx2_rng(what)
    if mark.args[0]:
        pytest.skip(mark.kwargs["reason"])


def both(seed):
    """A fresh minigrad Generator and torch Generator with the same seed."""
    return mr.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


# ============================================================================ streams
# name -> (minigrad call, torch call), each given (generator, size, dtype)
STREAMS = {
    "rand": (lambda g, n, dt: g.uniform((n,), dt),
             lambda t, n, dt: torch.rand(n, dtype=dt, generator=t)),
    "uniform_": (lambda g, n, dt: g.uniform((n,), dt, -2.5, 3.75),
                 lambda t, n, dt: torch.empty(n, dtype=dt).uniform_(-2.5, 3.75, generator=t)),
    "uniform_inexact_bounds": (lambda g, n, dt: g.uniform((n,), dt, 0.1, 0.30000001),
                               lambda t, n, dt: torch.empty(n, dtype=dt).uniform_(0.1, 0.30000001, generator=t)),
    "randn": (lambda g, n, dt: g.normal((n,), dt),
              lambda t, n, dt: torch.randn(n, dtype=dt, generator=t)),
    "normal_": (lambda g, n, dt: g.normal((n,), dt, 0.3, 2.5),
                lambda t, n, dt: torch.empty(n, dtype=dt).normal_(0.3, 2.5, generator=t)),
    "normal_small_std": (lambda g, n, dt: g.normal((n,), dt, -1.3, 0.02),
                         lambda t, n, dt: torch.empty(n, dtype=dt).normal_(-1.3, 0.02, generator=t)),
    "exponential_": (lambda g, n, dt: g.exponential((n,), dt, 1.7),
                     lambda t, n, dt: torch.empty(n, dtype=dt).exponential_(1.7, generator=t)),
    "bernoulli_": (lambda g, n, dt: g.bernoulli(0.3, (n,), dt),
                   lambda t, n, dt: torch.empty(n, dtype=dt).bernoulli_(0.3, generator=t)),
    "random_": (lambda g, n, dt: g.random_((n,), dt),
                lambda t, n, dt: torch.empty(n, dtype=dt).random_(generator=t)),
    "random_to": (lambda g, n, dt: g.random_((n,), dt, None, 100),
                  lambda t, n, dt: torch.empty(n, dtype=dt).random_(100, generator=t)),
    "random_from_to": (lambda g, n, dt: g.random_((n,), dt, -20, 7),
                       lambda t, n, dt: torch.empty(n, dtype=dt).random_(-20, 7, generator=t)),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dtypes", FLOATS, ids=["float32", "float64"])
@pytest.mark.parametrize("name", list(STREAMS))
def test_float_streams(name, dtypes, size):
    ours, theirs = STREAMS[name]
    np_dtype, torch_dtype = dtypes
    if name in FUSED_SCALE_SHIFT:
        skip_where_kernels_differ(FMA)
    if name == "randn" and np_dtype == np.float32 and size >= 16:
        skip_where_kernels_differ(NORMAL_FILL)
    for seed in SEEDS:
        g, t = both(seed)
        for _ in range(2):                      # a second call continues the stream
            assert_bits_equal(ours(g, size, np_dtype), theirs(t, size, torch_dtype))


@pytest.mark.parametrize("shape", [(3, 5), (4, 4), (17, 3), (2, 0, 3), (1,), ()])
@pytest.mark.parametrize("dtypes", FLOATS, ids=["float32", "float64"])
def test_shapes(shape, dtypes):
    np_dtype, torch_dtype = dtypes
    if np_dtype == np.float32 and math.prod(shape) >= 16:
        skip_where_kernels_differ(NORMAL_FILL)
    g, t = both(3)
    assert_bits_equal(g.normal(shape, np_dtype), torch.randn(shape, dtype=torch_dtype, generator=t))
    assert_bits_equal(g.uniform(shape, np_dtype), torch.rand(shape, dtype=torch_dtype, generator=t))
    assert_bits_equal(g.randint(0, 9, shape), torch.randint(0, 9, shape, generator=t))


@pytest.mark.parametrize("n", [10**5, 10**5 + 7])
@pytest.mark.parametrize("dtypes", FLOATS, ids=["float32", "float64"])
def test_large(n, dtypes):
    np_dtype, torch_dtype = dtypes
    if np_dtype == np.float32:
        skip_where_kernels_differ(NORMAL_FILL)
    g, t = both(11)
    assert_bits_equal(g.normal((n,), np_dtype), torch.randn(n, dtype=torch_dtype, generator=t))
    assert_bits_equal(g.normal((n,), np_dtype, 2.0, 0.7),
                      torch.empty(n, dtype=torch_dtype).normal_(2.0, 0.7, generator=t))
    assert_bits_equal(g.uniform((n,), np_dtype, -1, 1),
                      torch.empty(n, dtype=torch_dtype).uniform_(-1, 1, generator=t))
    assert_bits_equal(g.exponential((n,), np_dtype),
                      torch.empty(n, dtype=torch_dtype).exponential_(generator=t))


def test_known_vectors():
    """The vectors in shared/torch-rng.md, against literal values."""
    g = mr.Generator().manual_seed(0)
    np.testing.assert_array_equal(
        g.uniform((5,), np.float32),
        np.array([0.4962566, 0.7682218, 0.08847743, 0.13203049, 0.30742282], np.float32))
    g.manual_seed(0)
    np.testing.assert_array_equal(g.randint(0, 10, (6,)), [4, 9, 3, 0, 3, 9])
    g.manual_seed(0)
    np.testing.assert_array_equal(g.randperm(8), [4, 0, 7, 3, 2, 5, 1, 6])
    g.manual_seed(0)
    assert g.random_seed_int64() == 900450186894289455


def test_float16_uniform():
    g, t = both(5)
    for low, high in [(0.0, 1.0), (-3.0, 5.5), (0.1, 0.30000001), (1000.0, 1000.5)]:
        assert_bits_equal(g.uniform((4000,), np.float16, low, high),
                          torch.empty(4000, dtype=torch.float16).uniform_(low, high, generator=t))


def test_float16_small_normal():
    g, t = both(5)
    for _ in range(3):
        assert_bits_equal(g.normal((7,), np.float16), torch.randn(7, dtype=torch.float16, generator=t))


# ============================================================================ Box-Muller cache
@skip_unless_avx2_rng(NORMAL_FILL)
def test_normal_caches_second_value():
    g, t = both(0)
    assert_bits_equal(g.normal((3,), np.float32), torch.randn(3, generator=t))
    assert_bits_equal(g.normal((1,), np.float64), torch.randn(1, dtype=torch.float64, generator=t))
    # the cache survives the >= 16 path and is used by the next small call
    g.normal((1,), np.float32), torch.randn(1, generator=t)
    assert_bits_equal(g.normal((16,), np.float32), torch.randn(16, generator=t))
    assert_bits_equal(g.normal((1,), np.float32, 5.0, 3.0),
                      torch.empty(1).normal_(5.0, 3.0, generator=t))
    g.normal((1,), np.float32), torch.randn(1, generator=t)
    assert_bits_equal(g._get_state_array(), t.get_state())
    g.manual_seed(0), t.manual_seed(0)              # seeding drops the cached value
    assert_bits_equal(g.normal((2,), np.float32), torch.randn(2, generator=t))


# ============================================================================ tensor arguments
@pytest.mark.parametrize("dtypes", FLOATS, ids=["float32", "float64"])
def test_normal_arrays(dtypes):
    np_dtype, torch_dtype = dtypes
    if np_dtype == np.float32:
        skip_where_kernels_differ(NORMAL_FILL)
    mean = np.linspace(-2, 2, 20).astype(np_dtype).reshape(4, 5)
    std = np.linspace(0.1, 3, 5).astype(np_dtype)
    g, t = both(9)
    tm, ts = torch.from_numpy(mean), torch.from_numpy(std)
    assert_bits_equal(g.normal_arrays(mean, std, np_dtype), torch.normal(tm, ts, generator=t))
    assert_bits_equal(g.normal_arrays(mean, 0.5, np_dtype), torch.normal(tm, 0.5, generator=t))
    assert_bits_equal(g.normal_arrays(1.5, std, np_dtype), torch.normal(1.5, ts, generator=t))
    small_mean = mean[:1, :3].copy()
    assert_bits_equal(g.normal_arrays(small_mean, std[:3], np_dtype),
                      torch.normal(torch.from_numpy(small_mean), ts[:3], generator=t))
    # other dtypes: a 0-d std does not promote, a float64 std with dimensions does
    wide_std = np.linspace(0.1, 2, 5)
    assert_bits_equal(g.normal_arrays(mean, wide_std, np_dtype),
                      torch.normal(tm, torch.from_numpy(wide_std), generator=t))
    assert_bits_equal(g.normal_arrays(np.array(0.5, np_dtype), np.array(2.3), np_dtype),
                      torch.normal(torch.tensor(0.5, dtype=torch_dtype), torch.tensor(2.3, dtype=torch.float64),
                                   generator=t))


@pytest.mark.parametrize("p_dtype", [(np.float32, torch.float32), (np.float64, torch.float64)])
def test_bernoulli_tensor_p(p_dtype):
    np_dtype, torch_dtype = p_dtype
    p = np.linspace(0, 1, 37).astype(np_dtype)
    g, t = both(4)
    for _ in range(2):
        assert_bits_equal(g.bernoulli(p, None, np_dtype), torch.bernoulli(torch.from_numpy(p), generator=t))
    p2 = np.array([[0.2], [0.9]], np_dtype)
    out = torch.empty(2, 6, dtype=torch_dtype).bernoulli_(torch.from_numpy(p2), generator=t)
    assert_bits_equal(g.bernoulli(p2, (2, 6), np_dtype), out)


@pytest.mark.parametrize("dtypes", FLOATS + [(np.float16, torch.float16)], ids=["f32", "f64", "f16"])
@pytest.mark.parametrize("replacement", [False, True])
def test_multinomial(dtypes, replacement):
    np_dtype, _ = dtypes
    rng = np.random.default_rng(0)
    probs1 = rng.random(10).astype(np_dtype)
    probs2 = rng.random((4, 7)).astype(np_dtype)
    g, t = both(21)
    for probs in (probs1, probs2):
        tp = torch.from_numpy(probs)
        for k in (1, 3, 7):
            assert_bits_equal(g.multinomial(probs, k, replacement),
                              torch.multinomial(tp, k, replacement, generator=t))
    if replacement:
        assert_bits_equal(g.multinomial(probs1, 50, True),
                          torch.multinomial(torch.from_numpy(probs1), 50, True, generator=t))


def test_random_seed_int64_matches_dataloader_draw():
    mr.manual_seed(1), torch.manual_seed(1)
    for _ in range(3):
        assert mr.default_generator.random_seed_int64() == int(torch.empty((), dtype=torch.int64).random_())


# ============================================================================ integers
@pytest.mark.parametrize("dtypes", INTS + FLOATS + [(np.float16, torch.float16)],
                         ids=lambda d: str(d[1]).replace("torch.", ""))
def test_random_dtypes(dtypes):
    np_dtype, torch_dtype = dtypes
    g, t = both(8)
    for size in (1, 17, 100):
        assert_bits_equal(g.random_((size,), np_dtype), torch.empty(size, dtype=torch_dtype).random_(generator=t))
        assert_bits_equal(g.random_((size,), np_dtype, None, 2),
                          torch.empty(size, dtype=torch_dtype).random_(2, generator=t))
        assert_bits_equal(g.random_((size,), np_dtype, 0, None),
                          torch.empty(size, dtype=torch_dtype).random_(0, None, generator=t))
        assert_bits_equal(g.randint(0, 2, (size,), np_dtype),
                          torch.randint(0, 2, (size,), dtype=torch_dtype, generator=t))


@pytest.mark.parametrize("low, high", [(0, 10), (-3, 10), (-2**31, 2**31), (0, 2**32), (0, 2**40),
                                       (-2**62, 2**62), (-2**63, 2**63 - 1), (5, 6)])
def test_randint_ranges(low, high):
    g, t = both(2)
    assert_bits_equal(g.randint(low, high, (50,)), torch.randint(low, high, (50,), generator=t))
    if -2**31 <= low and high <= 2**31:
        assert_bits_equal(g.randint(low, high, (50,), np.int32),
                          torch.randint(low, high, (50,), dtype=torch.int32, generator=t))


def test_random_full_int64_range_and_float_bounds():
    g, t = both(6)
    assert_bits_equal(g.random_((20,), np.int64, -2**63, None),
                      torch.empty(20, dtype=torch.int64).random_(-2**63, None, generator=t))
    for np_dtype, torch_dtype, low, high, message in [
            (np.float32, torch.float32, 0, 2**25, r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]"),
            (np.float16, torch.float16, 0, 65504, r"to - 1 is out of bounds \[-\(2\^11\), 2\^11\]"),
            (np.float64, torch.float64, -2**60, None, r"from is out of bounds \[-\(2\^53\), 2\^53\]")]:
        with pytest.warns(UserWarning, match=message):
            ours = g.random_((20,), np_dtype, low, high)
        with pytest.warns(UserWarning, match=message):
            theirs = torch.empty(20, dtype=torch_dtype).random_(low, high, generator=t)
        assert_bits_equal(ours, theirs)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 8, 17, 1000, 2049, 12345])
@pytest.mark.parametrize("dtype", [(np.int64, torch.int64), (np.int32, torch.int32),
                                   (np.float32, torch.float32), (np.float16, torch.float16)])
def test_randperm(n, dtype):
    np_dtype, torch_dtype = dtype
    if np_dtype == np.float16:
        n = min(n, 2049)                    # torch's limit for float16
    g, t = both(n)
    for _ in range(2):
        assert_bits_equal(g.randperm(n, np_dtype), torch.randperm(n, dtype=torch_dtype, generator=t))


def test_randperm_large_n_algorithm():
    """torch uses the inside-out shuffle only from n = 2**32 // 20 (too big to compare in a
    test); check the vectorised replay against the literal loop instead."""
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 10, 200):
        for _ in range(20):
            partners = np.array([rng.integers(0, i + 1) for i in range(n)], dtype=np.int64)
            a = [0] * n
            for i, z in enumerate(partners):
                a[i] = a[z]
                a[z] = i
            np.testing.assert_array_equal(mr._inside_out(partners), a)


# ============================================================================ crafted words
def _untemper(y):
    """Inverse of mt19937's output tempering (so a state can be built that yields ``y``)."""
    y = y.astype(np.uint64)
    y ^= y >> np.uint64(18)
    y ^= (y << np.uint64(15)) & np.uint64(0xEFC60000)
    x = y.copy()
    for _ in range(4):
        x = y ^ ((x << np.uint64(7)) & np.uint64(0x9D2C5680))
    y = x & np.uint64(0xFFFFFFFF)
    x = y.copy()
    for _ in range(2):
        x = y ^ (x >> np.uint64(11))
    return x & np.uint64(0xFFFFFFFF)


def state_yielding(words):
    """torch's 5056-byte state whose next ``len(words) <= 623`` draws are ``words``."""
    record = np.zeros((), mr._STATE)
    record["left"], record["next"], record["seeded"] = 624, 1, 1
    state = np.zeros(624, np.uint64)
    state[1:1 + len(words)] = _untemper(np.asarray(words, np.uint64))
    record["state"] = state
    return record.reshape(1).view(np.uint8).copy()


def compare_on_words(words, ours, theirs):
    """Load the same crafted state into both generators and compare one call."""
    state = state_yielding(words)
    g = mr.Generator()
    g.set_state(state)
    t = torch.Generator()
    t.set_state(torch.from_numpy(state))
    assert_bits_equal(ours(g), theirs(t))


def edge_words(rng, count):
    """32-bit words hitting the ends of the uniform range plus random ones."""
    special = np.array([0, 1, 2, 0xFFFFFF, 0xFFFFFE, 0x800000, 0x7FFFFF, 0xFFFFFFFF,
                        0x1000000, 0x5A827A, 0xB504F3, 0x3FFFFF, 0xC00000], np.uint64)
    return np.concatenate([special, rng.integers(0, 2**32, count, dtype=np.uint64)])


@skip_unless_avx2_rng(NORMAL_FILL)
def test_float32_normal_kernel_on_chosen_inputs():
    rng = np.random.default_rng(1)
    words = edge_words(rng, 2**15 if not FULL else 2**20)
    words = np.concatenate([words, rng.integers(0, 2**32, (-words.size) % 608, dtype=np.uint64)])
    for row in words.reshape(-1, 608):
        compare_on_words(row, lambda g: g.normal((608,), np.float32),
                         lambda t: torch.randn(608, generator=t))


@skip_unless_avx2_rng(NORMAL_FILL)
@pytest.mark.skipif(not FULL, reason="exhaustive (2**24 inputs): MINIGRAD_TEST_PROFILE=full")
def test_float32_normal_kernel_exhaustive():
    """Every float32 uniform the kernel can see, in both the log and the sin/cos slot."""
    k = np.arange(1 << 24, dtype=np.uint64)
    words = np.empty((k.size // 8, 16), np.uint64)
    words[:, :8] = k.reshape(-1, 8)
    words[:, 8:] = k.reshape(-1, 8)[::-1]
    words = np.concatenate([words.reshape(-1), np.zeros((-words.size) % 608, np.uint64)])
    words = words.reshape(-1, 608)
    ours = mr._box_muller_avx2(words.reshape(-1).astype(np.uint32), 0.0, 1.0)
    theirs = np.empty_like(ours)
    t = torch.Generator()
    for i, row in enumerate(words):
        t.set_state(torch.from_numpy(state_yielding(row)))
        theirs[i * 608:(i + 1) * 608] = torch.randn(608, generator=t).numpy()
    assert_bits_equal(ours, theirs)


def test_float64_kernels_on_chosen_inputs():
    """Uniforms near 0 and 1 stress glibc log/log1p replicas (near-1 path, tiny f)."""
    rng = np.random.default_rng(2)
    u53 = np.concatenate([
        [0, 1, 2, 2**53 - 1, 2**53 - 2, 2**52, 2**49, 2**48 + 1, 2**21],
        rng.integers(0, 2**53, 200),
        rng.integers(0, 2**40, 50),
        2**53 - rng.integers(1, 2**50, 50),
        (2**53 - (2**53 >> rng.integers(1, 50, 50))),      # 1 - u a power of two: tiny f
    ]).astype(np.uint64)
    high_bits = rng.integers(0, 2**11, u53.size, dtype=np.uint64) << np.uint64(53)
    r64 = u53 | high_bits
    words = np.empty(2 * r64.size, np.uint64)
    words[0::2], words[1::2] = r64 >> np.uint64(32), r64 & np.uint64(0xFFFFFFFF)
    words = np.concatenate([words, rng.integers(0, 2**32, (-words.size) % 608, dtype=np.uint64)])
    for row in words.reshape(-1, 608):
        compare_on_words(row, lambda g: g.normal((304,), np.float64),
                         lambda t: torch.randn(304, dtype=torch.float64, generator=t))
        compare_on_words(row, lambda g: g.normal((304,), np.float64, 0.5, 3.0),
                         lambda t: torch.empty(304, dtype=torch.float64).normal_(0.5, 3.0, generator=t))
        compare_on_words(row, lambda g: g.exponential((304,), np.float64, 0.3),
                         lambda t: torch.empty(304, dtype=torch.float64).exponential_(0.3, generator=t))
        compare_on_words(row, lambda g: g.normal((5,), np.float64),
                         lambda t: torch.randn(5, dtype=torch.float64, generator=t))


def test_libm_replicas_against_the_c_library():
    """Our glibc ``log``/``log1p`` against Python's ``math`` (the same C functions)."""
    rng = np.random.default_rng(3)
    n = 20_000 if not FULL else 2_000_000
    u = np.concatenate([rng.integers(0, 2**53, n) * 2.0**-53, rng.random(n) * 2.0**-30,
                        1 - rng.integers(1, 2**40, n) * 2.0**-53, [0.0, 2.0**-53, 0.5]])
    x = 1.0 - u
    x = x[x > 0]
    assert_bits_equal(mr._glibc_log(x), np.array([math.log(v) for v in x]))
    assert_bits_equal(mr._glibc_log1p(-u), np.array([math.log1p(-v) for v in u]))
    crafted = -(1 - 2.0 ** -np.arange(2, 52) * (1 + rng.integers(0, 2**20, 50) * 2.0**-52))
    assert_bits_equal(mr._glibc_log1p(crafted), np.array([math.log1p(v) for v in crafted]))


# ============================================================================ state
def test_state_layout_matches_torch():
    for seed in SEEDS:
        g, t = both(seed)
        assert_bits_equal(g._get_state_array(), t.get_state())
        for call in (lambda x: x.normal((5,), np.float32), lambda x: x.uniform((700,), np.float64)):
            call(g)
        torch.randn(5, generator=t), torch.rand(700, dtype=torch.float64, generator=t)
        assert_bits_equal(g._get_state_array(), t.get_state())


def test_state_after_exactly_624_words():
    g, t = both(0)
    g.uniform((624,), np.float32), torch.rand(624, generator=t)
    assert_bits_equal(g._get_state_array(), t.get_state())
    assert_bits_equal(g.uniform((3,), np.float32), torch.rand(3, generator=t))


def test_state_replay_both_ways():
    g, t = both(77)
    g.normal((3,), np.float32), torch.randn(3, generator=t)     # leaves a cached value
    saved = t.get_state()
    expected = [torch.randn(1, generator=t), torch.rand(10, generator=t)]
    g.set_state(saved.numpy())                                  # torch's state into minigrad
    assert_bits_equal(g.normal((1,), np.float32), expected[0])
    assert_bits_equal(g.uniform((10,), np.float32), expected[1])
    ours = g._get_state_array()
    t.set_state(torch.from_numpy(ours))                         # minigrad's state into torch
    assert_bits_equal(g.randperm(50), torch.randperm(50, generator=t))


def test_set_state_accepts_tensor_like_and_checks():
    g = mr.Generator()

    class Wrapped:                      # stands in for a minigrad tensor (has .numpy())
        def __init__(self, array):
            self.array = array

        def numpy(self):
            return self.array

    g.set_state(Wrapped(torch.Generator().manual_seed(4).get_state().numpy()))
    assert g.initial_seed() == 4
    with pytest.raises(TypeError, match="expected a torch.ByteTensor, but got list"):
        g.set_state([1, 2, 3])
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        g.set_state(np.zeros(5056, np.int32))
    with pytest.raises(RuntimeError, match="Expected a CPUGeneratorImplState of size 5056 but "
                                           "found the input RNG state size to be 10"):
        g.set_state(np.zeros(10, np.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(np.zeros(5056, np.uint8))


def test_get_state_returns_a_minigrad_tensor():
    minigrad = pytest.importorskip("minigrad")
    if not hasattr(minigrad, "from_numpy"):
        pytest.skip("minigrad.from_numpy is not there yet")
    state = mr.Generator().manual_seed(3).get_state()
    assert_bits_equal(state.numpy(), torch.Generator().manual_seed(3).get_state())


# ============================================================================ seeds
@pytest.mark.parametrize("seed", [0, 1, -1, -2**63, 2**63, 2**64 - 1, 2**32, 2**32 + 5, 67280421310721])
def test_seed_values(seed):
    g, t = both(seed)
    assert g.initial_seed() == t.initial_seed()
    assert_bits_equal(g.uniform((5,), np.float32), torch.rand(5, generator=t))


def test_seed_errors_and_defaults():
    assert mr.Generator().initial_seed() == torch.Generator().initial_seed()
    for bad, error in [(2**64, ValueError), (-2**63 - 1, ValueError), (1.5, RuntimeError),
                       (True, RuntimeError), ("3", RuntimeError)]:
        with pytest.raises(error) as ours:
            mr.Generator().manual_seed(bad)
        with pytest.raises(error) as theirs:
            torch.Generator().manual_seed(bad)
        assert str(ours.value) == str(theirs.value)
    assert mr.manual_seed(2.7) is mr.default_generator          # like torch: int(seed)
    assert mr.initial_seed() == 2
    mr.manual_seed("12")
    assert mr.initial_seed() == 12


def test_nondeterministic_seed():
    value = mr.seed()
    assert 0 <= value < 2**64 and mr.initial_seed() == value
    t = torch.Generator().manual_seed(value)
    assert_bits_equal(mr.default_generator.uniform((4,), np.float32), torch.rand(4, generator=t))


def test_module_level_state_functions():
    mr.manual_seed(5), torch.manual_seed(5)
    assert_bits_equal(mr.default_generator._get_state_array(), torch.get_rng_state())
    state = torch.get_rng_state()
    mr.set_rng_state(state.numpy())
    assert_bits_equal(mr.default_generator.uniform((3,), np.float64), torch.rand(3, dtype=torch.float64))
    assert mr._resolve(None) is mr.default_generator
    other = mr.Generator()
    assert mr._resolve(other) is other


@skip_unless_avx2_rng(NORMAL_FILL)
def test_generators_are_independent():
    g1, t1 = both(1)
    g2, t2 = both(2)
    mr.manual_seed(3), torch.manual_seed(3)
    for _ in range(3):
        assert_bits_equal(g1.normal((20,), np.float32), torch.randn(20, generator=t1))
        assert_bits_equal(mr.default_generator.uniform((4,), np.float32), torch.rand(4))
        assert_bits_equal(g2.randint(0, 5, (7,)), torch.randint(0, 5, (7,), generator=t2))
    assert g1.device == "cpu"


# ============================================================================ interleavings
OPS = [
    ("rand", lambda g, n, d: g.uniform((n,), d[0]), lambda n, d: torch.rand(n, dtype=d[1])),
    ("uniform", lambda g, n, d: g.uniform((n,), d[0], -1, 4),
     lambda n, d: torch.empty(n, dtype=d[1]).uniform_(-1, 4)),
    ("randn", lambda g, n, d: g.normal((n,), d[0]), lambda n, d: torch.randn(n, dtype=d[1])),
    ("normal", lambda g, n, d: g.normal((n,), d[0], 1, 3), lambda n, d: torch.empty(n, dtype=d[1]).normal_(1, 3)),
    ("exponential", lambda g, n, d: g.exponential((n,), d[0], 2.0),
     lambda n, d: torch.empty(n, dtype=d[1]).exponential_(2.0)),
    ("bernoulli", lambda g, n, d: g.bernoulli(0.6, (n,), d[0]),
     lambda n, d: torch.empty(n, dtype=d[1]).bernoulli_(0.6)),
    ("randint", lambda g, n, d: g.randint(-4, 40, (n,)), lambda n, d: torch.randint(-4, 40, (n,))),
    ("randint64", lambda g, n, d: g.randint(0, 2**35, (n,)), lambda n, d: torch.randint(0, 2**35, (n,))),
    ("randperm", lambda g, n, d: g.randperm(n), lambda n, d: torch.randperm(n)),
    ("random_", lambda g, n, d: g.random_((n,), d[0]), lambda n, d: torch.empty(n, dtype=d[1]).random_()),
    ("seed_int64", lambda g, n, d: np.int64(g.random_seed_int64()),
     lambda n, d: torch.tensor(int(torch.empty((), dtype=torch.int64).random_()))),
    ("multinomial", lambda g, n, d: g.multinomial(np.arange(1, 6, dtype=d[0]), 2, n % 2 == 0),
     lambda n, d: torch.multinomial(torch.arange(1, 6, dtype=d[1]), 2, n % 2 == 0)),
]


@skip_unless_avx2_rng(f"{FMA}; {NORMAL_FILL}")
@settings(deadline=None)
@given(seed=st.integers(-2**63, 2**64 - 1),
       calls=st.lists(st.tuples(st.integers(0, len(OPS) - 1),
                                st.sampled_from([0, 1, 2, 3, 5, 15, 16, 17, 33, 100]),
                                st.sampled_from(FLOATS)), max_size=12))
def test_interleaved_calls(seed, calls):
    mr.manual_seed(seed), torch.manual_seed(seed)
    for index, size, dtypes in calls:
        _, ours, theirs = OPS[index]
        assert_bits_equal(ours(mr.default_generator, size, dtypes), theirs(size, dtypes))
    assert_bits_equal(mr.default_generator._get_state_array(), torch.get_rng_state())


@skip_unless_avx2_rng(f"{FMA}; {NORMAL_FILL}")
@settings(deadline=None)
@given(seed=st.integers(0, 2**32), n=st.integers(0, 600),
       mean=st.floats(-1e3, 1e3), std=st.floats(0, 1e3), low=st.floats(-1e6, 1e6),
       width=st.floats(0, 1e6))
def test_float_parameters(seed, n, mean, std, low, width):
    g, t = both(seed)
    for np_dtype, torch_dtype in FLOATS:
        assert_bits_equal(g.normal((n,), np_dtype, mean, std),
                          torch.empty(n, dtype=torch_dtype).normal_(mean, std, generator=t))
        assert_bits_equal(g.uniform((n,), np_dtype, low, low + width),
                          torch.empty(n, dtype=torch_dtype).uniform_(low, low + width, generator=t))


@skip_unless_avx2_rng(f"{FMA}; {NORMAL_FILL}")
@settings(deadline=None)
@given(seed=st.integers(0, 2**32), n=st.sampled_from([1, 5, 16, 40]),
       mean=st.floats(-1e308, 1e308), std=st.floats(0, 1e308),
       low=st.floats(-1e307, 1e307), width=st.floats(0, 1e307))
def test_extreme_float_parameters(seed, n, mean, std, low, width):
    """Huge, tiny and subnormal parameters: overflow to inf and gradual underflow as in C."""
    g, t = both(seed)
    for np_dtype, torch_dtype in FLOATS:
        assert_bits_equal(g.normal((n,), np_dtype, mean, std),
                          torch.empty(n, dtype=torch_dtype).normal_(mean, std, generator=t))
    assert_bits_equal(g.uniform((n,), np.float64, low, low + width),
                      torch.empty(n, dtype=torch.float64).uniform_(low, low + width, generator=t))


# ============================================================================ trunc_normal
@skip_unless_avx2_rng(FMA)
@pytest.mark.parametrize("mean, std, a, b", [(0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -2.0, 2.0),
                                             (1.0, 3.0, -1.0, 4.0), (0.0, 1.0, 0.5, 0.9),
                                             (0.0, 1.0, 2.0, 3.0), (0.3, 0.1, -0.1, 0.35)])
@pytest.mark.parametrize("dtypes", FLOATS, ids=["float32", "float64"])
def test_trunc_normal(mean, std, a, b, dtypes):
    """Both of torch's branches: redrawn normals (wide [a, b]) and uniform proposals."""
    np_dtype, torch_dtype = dtypes
    for n in (5, 17, 3000):
        g, t = both(n)
        ours = g.trunc_normal((n,), np_dtype, mean, std, a, b)
        theirs = torch.nn.init.trunc_normal_(torch.empty(n, dtype=torch_dtype), mean, std, a, b, generator=t)
        assert_bits_equal(ours, theirs)
        assert_bits_equal(g.uniform((3,), np.float32), torch.rand(3, generator=t))


# ============================================================================ errors
def _error(call):
    try:
        call()
    except Exception as error:       # noqa: BLE001 - we compare whatever is raised
        return type(error), str(error)
    return None


ERRORS = [
    ("randint high<=low", lambda g: g.randint(5, 3, (2,)), lambda: torch.randint(5, 3, (2,))),
    ("randint high==low", lambda g: g.randint(5, 5, (2,)), lambda: torch.randint(5, 5, (2,))),
    ("randint int8 range", lambda g: g.randint(0, 300, (2,), np.int8),
     lambda: torch.randint(0, 300, (2,), dtype=torch.int8)),
    ("randint uint8 from", lambda g: g.randint(-5, 3, (2,), np.uint8),
     lambda: torch.randint(-5, 3, (2,), dtype=torch.uint8)),
    ("randint bool", lambda g: g.randint(0, 3, (2,), np.bool_),
     lambda: torch.randint(0, 3, (2,), dtype=torch.bool)),
    ("randint half", lambda g: g.randint(0, 70000, (2,), np.float16),
     lambda: torch.randint(0, 70000, (2,), dtype=torch.float16)),
    ("random_ to 0", lambda g: g.random_((2,), np.int64, None, 0),
     lambda: torch.empty(2, dtype=torch.int64).random_(0)),
    ("randperm negative", lambda g: g.randperm(-1), lambda: torch.randperm(-1)),
    ("randperm int8", lambda g: g.randperm(129, np.int8), lambda: torch.randperm(129, dtype=torch.int8)),
    ("randperm uint8", lambda g: g.randperm(257, np.uint8), lambda: torch.randperm(257, dtype=torch.uint8)),
    ("randperm int16", lambda g: g.randperm(2**15 + 1, np.int16),
     lambda: torch.randperm(2**15 + 1, dtype=torch.int16)),
    ("randperm half", lambda g: g.randperm(2050, np.float16), lambda: torch.randperm(2050, dtype=torch.float16)),
    ("bernoulli p>1", lambda g: g.bernoulli(1.5, (3,)), lambda: torch.empty(3).bernoulli_(1.5)),
    ("bernoulli p<0", lambda g: g.bernoulli(-0.5, (3,)), lambda: torch.empty(3).bernoulli_(-0.5)),
    ("bernoulli tensor p>1", lambda g: g.bernoulli(np.array([0.5, 1.5], np.float32)),
     lambda: torch.bernoulli(torch.tensor([0.5, 1.5]))),
    ("bernoulli tensor nan", lambda g: g.bernoulli(np.array([0.5, np.nan], np.float32)),
     lambda: torch.bernoulli(torch.tensor([0.5, float("nan")]))),
    ("bernoulli int p", lambda g: g.bernoulli(np.array([1, 0])), lambda: torch.bernoulli(torch.tensor([1, 0]))),
    ("exponential lambda<0", lambda g: g.exponential((3,), np.float32, -1.0),
     lambda: torch.empty(3).exponential_(-1.0)),
    ("exponential lambda=0", lambda g: g.exponential((3,), np.float32, 0.0),
     lambda: torch.empty(3).exponential_(0.0)),
    ("exponential int", lambda g: g.exponential((3,), np.int64),
     lambda: torch.empty(3, dtype=torch.int64).exponential_()),
    ("normal std<0", lambda g: g.normal((3,), np.float32, 0, -1.0), lambda: torch.empty(3).normal_(0, -1.0)),
    ("normal std<0 empty", lambda g: g.normal((0,), np.float32, 0, -1.0), lambda: torch.empty(0).normal_(0, -1.0)),
    ("normal std nan", lambda g: g.normal((3,), np.float32, 0, float("nan")),
     lambda: torch.empty(3).normal_(0, float("nan"))),
    ("normal tensor std<0",
     lambda g: g.normal_arrays(np.zeros(3, np.float32), np.array([1, -1, 1], np.float32), np.float32),
     lambda: torch.normal(torch.zeros(3), torch.tensor([1., -1., 1.]))),
    ("normal int", lambda g: g.normal((3,), np.int64), lambda: torch.empty(3, dtype=torch.int64).normal_()),
    ("uniform from>to", lambda g: g.uniform((3,), np.float32, 2, 1), lambda: torch.empty(3).uniform_(2, 1)),
    ("uniform inf", lambda g: g.uniform((3,), np.float32, 0, float("inf")),
     lambda: torch.empty(3).uniform_(0, float("inf"))),
    ("uniform half range", lambda g: g.uniform((3,), np.float16, 0, 1e6),
     lambda: torch.empty(3, dtype=torch.float16).uniform_(0, 1e6)),
    ("uniform int", lambda g: g.uniform((3,), np.int64), lambda: torch.empty(3, dtype=torch.int64).uniform_()),
    ("multinomial negative", lambda g: g.multinomial(np.array([0.5, -0.1], np.float32), 1),
     lambda: torch.multinomial(torch.tensor([0.5, -0.1]), 1)),
    ("multinomial zero sum", lambda g: g.multinomial(np.zeros(2, np.float32), 1),
     lambda: torch.multinomial(torch.zeros(2), 1)),
    ("multinomial zero sum rep", lambda g: g.multinomial(np.zeros(2, np.float32), 2, True),
     lambda: torch.multinomial(torch.zeros(2), 2, True)),
    ("multinomial negative rep", lambda g: g.multinomial(np.array([0.5, -0.1], np.float32), 2, True),
     lambda: torch.multinomial(torch.tensor([0.5, -0.1]), 2, True)),
    ("multinomial nan rep", lambda g: g.multinomial(np.array([0.5, np.nan], np.float32), 2, True),
     lambda: torch.multinomial(torch.tensor([0.5, float("nan")]), 2, True)),
    ("multinomial inf rep", lambda g: g.multinomial(np.array([0.5, np.inf], np.float32), 2, True),
     lambda: torch.multinomial(torch.tensor([0.5, float("inf")]), 2, True)),
    ("multinomial too many", lambda g: g.multinomial(np.ones(2, np.float32), 3),
     lambda: torch.multinomial(torch.ones(2), 3)),
    ("multinomial no samples", lambda g: g.multinomial(np.ones(2, np.float32), 0),
     lambda: torch.multinomial(torch.ones(2), 0)),
    ("multinomial 3-d", lambda g: g.multinomial(np.ones((2, 2, 2), np.float32), 1),
     lambda: torch.multinomial(torch.ones(2, 2, 2), 1)),
    ("multinomial int", lambda g: g.multinomial(np.array([1, 2]), 1),
     lambda: torch.multinomial(torch.tensor([1, 2]), 1)),
]


@pytest.mark.parametrize("name, ours, theirs", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, ours, theirs):
    g = mr.Generator().manual_seed(0)
    torch.manual_seed(0)
    expected = _error(theirs)
    assert expected is not None, "torch accepted it"
    assert _error(lambda: ours(g)) == expected
    # the stream position after the failure matches too (torch may fail mid-kernel)
    assert_bits_equal(g.uniform((2,), np.float32), torch.rand(2))


def test_failed_row_consumes_earlier_rows_draws():
    probs = np.array([[0.5, 0.5], [0.2, -1.0]], np.float32)
    g = mr.Generator().manual_seed(0)
    torch.manual_seed(0)
    assert _error(lambda: g.multinomial(probs, 3, True)) == \
        _error(lambda: torch.multinomial(torch.from_numpy(probs), 3, True))
    assert_bits_equal(g.uniform((2,), np.float32), torch.rand(2))
