"""The large-array kernels and the intra-op thread pool (``minigrad/_parallel.py``).

relu and a full sum take another path through NumPy for large arrays (rows against a cached row of
zeros, chunks on the threads; a matrix-vector product with ones): these tests run sizes on each
side of every boundary (the small path, one row, the grain, chunks that end mid-row) and require
relu's bits to equal torch's and the sum to stay within the accumulation bound of torch's.
"""
import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad import _parallel
from minigrad.ops.activation import _ROW as RELU_ROW
from minigrad.ops.reduction import _ROW as SUM_ROW
from _compare import accumulation_bound

# each side of every boundary of the two kernels and of the pool's split
SIZES = sorted({1, 7, 256, 257, RELU_ROW - 1, RELU_ROW + 1, 4 * SUM_ROW - 1, 4 * SUM_ROW + 3,
                _parallel.GRAIN_SIZE * 2 + 1, 3 * RELU_ROW + 5, 10**6 + 3})
SPECIALS = np.array([-0.0, np.nan, -np.nan, -np.inf, np.inf, -1.5, 2.5, 0.0, 1e-40, -1e-40])


@pytest.fixture(params=[1, 3], ids=["1 thread", "3 threads"])
def threads(request):
    before = minigrad.get_num_threads()
    minigrad.set_num_threads(request.param)
    yield request.param
    minigrad.set_num_threads(before)


def values(n, dtype, seed=0):
    """n values of ``dtype`` spread over signs and magnitudes, with NaN, ±inf, ±0 and subnormals."""
    x = np.random.default_rng(seed).standard_normal(n) * 100
    if np.dtype(dtype).kind == "f":
        x[::3] = np.resize(SPECIALS, x[::3].size)
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32", "uint8"])
@pytest.mark.parametrize("n", SIZES)
def test_relu_bits_equal_torchs(n, dtype, threads):
    """relu(-0.0) is -0.0 and relu(nan) is nan (with its sign), as torch's clamp_min kernel."""
    x = values(n, dtype)
    for layout in (x, x[::2], x.reshape(-1, 1)[: max(n // 2, 1)].T):  # contiguous, strided, 2-D view
        ours = minigrad.relu(minigrad.from_numpy(layout)).numpy()
        theirs = torch.relu(torch.from_numpy(np.ascontiguousarray(layout))).numpy()
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        assert ours.tobytes() == theirs.tobytes()


def test_relu_of_bool_is_an_error():
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        minigrad.relu(minigrad.tensor([True, False]))
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        torch.relu(torch.tensor([True, False]))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", SIZES)
def test_sum_within_the_accumulation_bound(n, dtype):
    """Any two summation orders of n terms differ by at most n * eps * sum|terms| (_compare's policy),
    whichever order BLAS's kernel and torch's cascade sum take."""
    x = np.random.default_rng(n).standard_normal(n).astype(dtype) + 0.25
    bound = accumulation_bound(n, np.abs(x.astype(np.float64)).sum(), dtype)
    expected = torch.from_numpy(x).sum().item()
    for layout in (x, x.reshape(-1, 1)[::1].T.copy().T):  # C-contiguous, and a Fortran-ordered 2-D array
        ours = minigrad.from_numpy(layout)
        assert abs(ours.sum().item() - expected) <= bound
        assert abs(ours.mean().item() - expected / n) <= bound / n
        kept = ours.sum(dim=tuple(range(layout.ndim)), keepdim=True)
        assert kept.shape == (1,) * layout.ndim and kept.dtype == ours.dtype


def test_sum_is_the_same_on_every_run():
    x = minigrad.from_numpy(values(3 * 10**5 + 1, np.float32)[1::3].copy())
    assert len({x.sum().item() for _ in range(5)}) == 1


def test_sum_propagates_nan_and_inf():
    x = np.ones(4 * SUM_ROW + 3, np.float32)
    for special, expected in ((np.nan, "nan"), (np.inf, "inf"), (-np.inf, "-inf")):
        y = x.copy()
        y[-1 if special == np.inf else 5] = special
        assert str(minigrad.from_numpy(y).sum().item()) == str(torch.from_numpy(y).sum().item()) == expected
    y = x.copy()
    y[[3, -2]] = np.inf, -np.inf
    assert np.isnan(minigrad.from_numpy(y).sum().item())


# --- the pool ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n,grain", [(0, 10), (5, 10), (10, 10), (11, 10), (100, 7), (10**5, 32768)])
def test_parallel_for_covers_the_range_once_in_torchs_chunks(n, grain, threads):
    seen = []
    _parallel.parallel_for(3, 3 + n, grain, lambda start, stop: seen.append((start, stop)))
    seen.sort()
    tasks = min(threads, -(-n // grain))
    size = -(-n // tasks) if n else 0
    assert len(seen) == (len(range(0, n, size)) if n else 1)  # (torch skips a task left empty)
    assert seen[0][0] == 3 and seen[-1][1] == 3 + n
    assert all(a[1] == b[0] for a, b in zip(seen, seen[1:]))
    assert all(stop - start == size for start, stop in seen[:-1])


def test_parallel_for_raises_a_chunks_exception_after_all_chunks(threads):
    done = []

    def chunk(start, stop):
        if start == 0:
            raise ValueError("first chunk")
        done.append(start)

    with pytest.raises(ValueError, match="first chunk"):
        _parallel.parallel_for(0, 6, 1, chunk)
    assert len(done) == threads - 1


def test_parallel_for_nested_runs_serially(threads):
    inner = []
    _parallel.parallel_for(0, 6, 1, lambda s, e: _parallel.parallel_for(0, 4, 1, lambda a, b: inner.append((a, b))))
    assert inner == [(0, 4)] * threads


def test_chunks_keep_the_callers_floating_point_state(threads):
    """Workers run in the caller's context: inside an op (NumPy's errors ignored) a chunk's
    overflow stays silent, as torch's kernels are."""
    big = np.full(8, 3e38, np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="ignore"):
            _parallel.parallel_for(0, 8, 1, lambda s, e: big[s:e] * np.float32(10))
    with pytest.raises(FloatingPointError):
        with np.errstate(over="raise"):
            _parallel.parallel_for(0, 8, 1, lambda s, e: big[s:e] * np.float32(10))


def test_set_num_threads_as_torch():
    before = minigrad.get_num_threads()
    minigrad.set_num_threads(before + 1)
    assert minigrad.get_num_threads() == before + 1
    minigrad.set_num_threads(before)
    for bad, message in ((0, "positive integer"), (-2, "positive integer"), (2.5, "expects an int")):
        for lib in (torch, minigrad):
            with pytest.raises(RuntimeError, match=message):
                lib.set_num_threads(bad)
    assert minigrad.get_num_threads() == before


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="no fork here")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")  # (Python 3.12+)
def test_a_forked_child_gets_a_pool_of_its_own():
    """A DataLoader worker forked after the parent used the pool: the child's relu still runs (the
    parent's pool threads do not exist in the child; it starts its own)."""
    import multiprocessing
    before = minigrad.get_num_threads()
    minigrad.set_num_threads(2)
    try:
        x = values(4 * _parallel.GRAIN_SIZE, np.float32)
        minigrad.relu(minigrad.from_numpy(x))  # the parent's pool is started
        context = multiprocessing.get_context("fork")
        with context.Pool(1) as pool:
            assert pool.apply(_relu_bytes, (x,)) == torch.relu(torch.from_numpy(x)).numpy().tobytes()
    finally:
        minigrad.set_num_threads(before)


def _relu_bytes(x):
    return minigrad.relu(minigrad.from_numpy(x)).numpy().tobytes()


class _Recording(np.ndarray):
    """Stands for minigrad.compile's recording array: an ndarray subclass the kernels must give the
    same bits as a plain array (a compiled step replays what they did while recording)."""


@pytest.mark.parametrize("n", [300, 4 * SUM_ROW + 3, 10**6 + 3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_subclass_of_ndarray_gets_the_same_bits(n, dtype):
    from minigrad.ops.activation import relu_array
    from minigrad.ops.reduction import sum_array
    x = values(n, dtype)
    assert relu_array(x.view(_Recording)).tobytes() == relu_array(x).tobytes()
    x = np.random.default_rng(n).standard_normal(n).astype(dtype)
    for layout in (x, x.reshape(-1, 1)):
        axes = tuple(range(layout.ndim))
        assert np.asarray(sum_array(layout.view(_Recording), axes, False)).tobytes() == \
            np.asarray(sum_array(layout, axes, False)).tobytes()
