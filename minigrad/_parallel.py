"""Intra-op parallelism, as torch's ``at::parallel_for``: a large element-wise op is split into
chunks run at once on a small persistent pool of threads.

NumPy releases the GIL inside its loops, so while one thread runs ``np.maximum`` over its chunk
another can run it over the next: the chunks really run in parallel. As in torch
(``aten/src/ATen/Parallel.h``), a range is split only when it holds more than ``GRAIN_SIZE``
elements per extra thread, into at most ``get_num_threads()`` contiguous chunks; the calling thread
runs the first chunk itself, and a ``parallel_for`` inside a chunk runs serially (no nested pools).
``set_num_threads`` / ``get_num_threads`` are torch's: the default is the number of CPUs this
process may run on. (NumPy's BLAS, which minigrad's matmuls and large sums call, keeps its own pool;
``threadpoolctl`` sizes it.)

Each chunk runs in a copy of the caller's context, so NumPy's floating-point error state (a context
variable since NumPy 2, which ``Function.apply`` sets to silent) holds in the workers too.
"""
import contextvars
import os
import threading
from queue import SimpleQueue

GRAIN_SIZE = 32768  # torch's at::internal::GRAIN_SIZE: fewer elements than this per thread do not pay


def _cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every platform)
        return os.cpu_count() or 1


_state = {"threads": _cpus(), "pool": None, "pid": None}
_inside = threading.local()  # .active: this thread is running a chunk (nested calls run serially)


def get_num_threads():
    """The number of threads used for intra-op parallelism."""
    return _state["threads"]


def set_num_threads(count):
    """Use ``count`` threads for intra-op parallelism (torch's RuntimeError for a non-positive count)."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(count).__name__}")
    if count <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _state["threads"] = count


def _worker(tasks):
    """A pool thread: run ``(function, start, stop, context, done, errors)`` tasks forever."""
    _inside.active = True
    while True:
        function, start, stop, context, done, errors = tasks.get()
        try:
            context.run(function, start, stop)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, which re-raises it
            errors.append(exc)
        finally:
            done.release()


def _queues(count):
    """The task queues of ``count`` pool threads, started on first use (again in a forked child,
    which inherits the pool's objects but not its threads)."""
    if _state["pid"] != os.getpid():
        _state["pool"], _state["pid"] = [], os.getpid()
    pool = _state["pool"]
    while len(pool) < count:
        tasks = SimpleQueue()
        threading.Thread(target=_worker, args=(tasks,), name="minigrad-intra-op", daemon=True).start()
        pool.append(tasks)
    return pool[:count]


def parallel_for(begin, end, grain_size, function):
    """Call ``function(start, stop)`` over contiguous chunks that cover ``[begin, end)``, at once on up
    to ``get_num_threads()`` threads; chunks hold at least ``grain_size`` elements (torch's split:
    ``min(threads, ceil(n / grain_size))`` chunks of ``ceil(n / chunks)``). An exception raised in a
    chunk is raised here once every chunk has finished."""
    n = end - begin
    chunks = min(_state["threads"], -(-n // max(grain_size, 1)))
    if chunks <= 1 or getattr(_inside, "active", False):
        function(begin, end)
        return
    size = -(-n // chunks)
    starts = range(begin + size, end, size)
    errors, waits = [], []
    for tasks, start in zip(_queues(len(starts)), starts):
        done = threading.Lock()
        done.acquire()
        tasks.put((function, start, min(start + size, end), contextvars.copy_context(), done, errors))
        waits.append(done)
    _inside.active = True
    try:
        function(begin, begin + size)
    finally:
        _inside.active = False
        for done in waits:
            done.acquire()
    if errors:
        raise errors[0]
