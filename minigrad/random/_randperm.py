"""``torch.randperm``: torch's two shuffles (Fisher-Yates for small n, the "inside-out"
shuffle for large n), replayed from their random draws without a Python loop."""

import numpy as np

_RANDPERM_SMALL_N = 0xFFFFFFFF // 20    # torch switches randperm algorithms here


def randperm(engine, n, dtype):
    """``torch.randperm(n)``.

    n < 2**32 // 20: Fisher-Yates from the front, ``z = random() % (n - i)``, swap
    ``a[i], a[i + z]`` for ``i = 0 .. n-2``. Larger n: the "inside-out" shuffle,
    ``z = random64() % (i + 1)``, ``a[i] = a[z]; a[z] = i`` for ``i = 0 .. n-1``.
    Both are replayed without a Python loop (``_fisher_yates``, ``inside_out``)."""
    dtype = np.dtype(dtype)
    _check_randperm(n, dtype)
    if n < _RANDPERM_SMALL_N:
        steps = np.arange(max(n - 1, 0), dtype=np.uint64)
        targets = steps + engine.random(steps.size) % (np.uint64(n) - steps)
        return _fisher_yates(n, targets.astype(np.int64)).astype(dtype)
    steps = np.arange(n, dtype=np.uint64)
    partners = engine.random64(n) % (steps + np.uint64(1))
    return inside_out(partners.astype(np.int64)).astype(dtype)


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


def inside_out(partners):
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
