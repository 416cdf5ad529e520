"""The order torch's CPU kernels leave equal elements in: their unstable algorithms replayed.

torch's ``sort(stable=False)`` (aten/src/ATen/native/cpu/SortingKernel.cpp, ``sort_kernel``) runs
``std::sort`` over (value, index) pairs, and ``topk`` (aten/src/ATen/native/TopKImpl.h,
``topk_impl_loop``) runs ``std::partial_sort`` when ``k * 64 <= n``, else ``std::nth_element`` and
then, when ``sorted``, ``std::sort`` of the first ``k - 1``. None of these keeps equal elements in
their original order: which of several equal elements comes first (and, in topk, which of them is
picked at all) is what the algorithm's swaps leave. The functions below are libstdc++'s
(bits/stl_algo.h: introsort with median-of-three pivots and a final insertion sort below 16
elements, introselect down to 3 elements; bits/stl_heap.h: heap select and sort heap), step for
step, on a list ``q`` of (key, index) pairs compared by key alone. ``kthvalue`` runs torch's own
quickselect instead (``quick_select_template`` in aten/src/ATen/native/Sorting.cpp, Sedgewick's
partition with a median-of-three pivot), and ``mode`` (aten/src/ATen/native/cpu/
TensorCompareKernel.cpp) std::sort with a plain ``<``, then takes the last index of the longest run.
The keys are ranks in torch's comparator order (NaN first and descending for ``largest`` /
``descending``, NaN last and ascending otherwise; equal values share a rank), or for ``mode`` the
values themselves (its ``<`` treats NaN as equal to everything, as the replay then does too).

They run in Python, one line at a time, so ``order`` and ``kth`` replay only the lines where equal
elements make the result depend on the algorithm; elsewhere a stable argsort gives the same answer.
"""
import numpy as np

from .._backend import device_of, host, to_device

_THRESHOLD = 16  # libstdc++'s _S_threshold: introsort leaves runs this short to insertion sort


def _lg(n):
    return n.bit_length() - 1


# --- stl_heap.h -------------------------------------------------------------------------------------
def _push_heap(q, first, hole, top, value):
    parent = (hole - 1) // 2
    while hole > top and q[first + parent][0] < value[0]:
        q[first + hole] = q[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[first + hole] = value


def _adjust_heap(q, first, hole, length, value):
    top = child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if q[first + child][0] < q[first + child - 1][0]:
            child -= 1
        q[first + hole] = q[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        q[first + hole] = q[first + child - 1]
        hole = child - 1
    _push_heap(q, first, hole, top, value)


def _pop_heap(q, first, last, result):
    value = q[result]
    q[result] = q[first]
    _adjust_heap(q, first, 0, last - first, value)


def _make_heap(q, first, last):
    length = last - first
    if length < 2:
        return
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(q, first, parent, length, q[first + parent])


def _heap_select(q, first, middle, last):
    _make_heap(q, first, middle)
    for i in range(middle, last):
        if q[i][0] < q[first][0]:
            _pop_heap(q, first, middle, i)


def _sort_heap(q, first, last):
    while last - first > 1:
        last -= 1
        _pop_heap(q, first, last, last)


def partial_sort(q, first, middle, last):
    """std::partial_sort: the smallest ``middle - first`` elements, sorted, at the front."""
    _heap_select(q, first, middle, last)
    _sort_heap(q, first, middle)


# --- stl_algo.h -------------------------------------------------------------------------------------
def _unguarded_linear_insert(q, last):
    value = q[last]
    nxt = last - 1
    while value[0] < q[nxt][0]:
        q[last] = q[nxt]
        last = nxt
        nxt -= 1
    q[last] = value


def _insertion_sort(q, first, last):
    for i in range(first + 1, last):
        if q[i][0] < q[first][0]:
            q[first:i + 1] = [q[i]] + q[first:i]
        else:
            _unguarded_linear_insert(q, i)


def _final_insertion_sort(q, first, last):
    if last - first > _THRESHOLD:
        _insertion_sort(q, first, first + _THRESHOLD)
        for i in range(first + _THRESHOLD, last):
            _unguarded_linear_insert(q, i)
    else:
        _insertion_sort(q, first, last)


def _move_median_to_first(q, result, a, b, c):
    ka, kb, kc = q[a][0], q[b][0], q[c][0]
    if ka < kb:
        median = b if kb < kc else c if ka < kc else a
    else:
        median = a if ka < kc else c if kb < kc else b
    q[result], q[median] = q[median], q[result]


def _unguarded_partition_pivot(q, first, last):
    """Median of (first + 1, middle, last - 1) moved to ``first``, then Hoare's partition of the rest
    around it; returns the start of the right part."""
    _move_median_to_first(q, first, first + 1, first + (last - first) // 2, last - 1)
    pivot = q[first][0]
    first += 1
    while True:
        while q[first][0] < pivot:
            first += 1
        last -= 1
        while pivot < q[last][0]:
            last -= 1
        if not first < last:
            return first
        q[first], q[last] = q[last], q[first]
        first += 1


def _introsort_loop(q, first, last, depth_limit):
    while last - first > _THRESHOLD:
        if depth_limit == 0:
            partial_sort(q, first, last, last)
            return
        depth_limit -= 1
        cut = _unguarded_partition_pivot(q, first, last)
        _introsort_loop(q, cut, last, depth_limit)
        last = cut


def sort(q, first, last):
    """std::sort (introsort)."""
    if first != last:
        _introsort_loop(q, first, last, _lg(last - first) * 2)
        _final_insertion_sort(q, first, last)


def nth_element(q, first, nth, last):
    """std::nth_element (introselect): the element that sorts to ``nth`` put there, smaller ones
    before it, larger ones after."""
    if first == last or nth == last:
        return
    depth_limit = _lg(last - first) * 2
    while last - first > 3:
        if depth_limit == 0:
            _heap_select(q, first, nth + 1, last)
            q[first], q[nth] = q[nth], q[first]
            return
        depth_limit -= 1
        cut = _unguarded_partition_pivot(q, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(q, first, last)


def quick_select(q, k):
    """torch's quick_select_template: the element that sorts to ``k`` put there."""
    def swap(i, j):
        q[i], q[j] = q[j], q[i]
    left, right = 0, len(q) - 1
    while right > left:
        if right == left + 1:
            if q[left][0] > q[right][0]:
                swap(left, right)
            return
        swap((left + right) >> 1, left + 1)  # median of three as the pivot, at ``left``
        if q[left + 1][0] > q[right][0]:
            swap(left + 1, right)
        if q[left][0] > q[right][0]:
            swap(left, right)
        if q[left + 1][0] > q[left][0]:
            swap(left + 1, left)
        i, j, pivot = left + 1, right, q[left][0]
        while True:
            i += 1
            while pivot > q[i][0]:
                i += 1
            j -= 1
            while q[j][0] > pivot:
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(left, j)
        if j <= k:
            left = i
        if j >= k:
            right = j - 1


# --- torch's kernels on ranks ------------------------------------------------------------------------
def ranks(lines, descending):
    """Each element's rank in torch's comparator order within its row of the 2-D ``lines``: equal
    values (and all NaNs) share a rank; NaN ranks last ascending, first descending."""
    order = np.argsort(lines, axis=1, kind="stable")
    s = np.take_along_axis(lines, order, axis=1)
    nans = np.isnan(s) if s.dtype.kind == "f" else np.zeros(s.shape, bool, like=s)
    new = (s[:, 1:] != s[:, :-1]) & ~(nans[:, 1:] & nans[:, :-1])
    sorted_ranks = np.concatenate([np.zeros((s.shape[0], 1), np.int64, like=s), np.cumsum(new, axis=1)], axis=1)
    out = np.empty_like(sorted_ranks)
    np.put_along_axis(out, order, sorted_ranks, axis=1)
    return out.max(axis=1, keepdims=True, initial=0) - out if descending else out


def order(lines, k, descending, kernel):
    """The first ``k`` indices of each row of the 2-D ``lines`` as torch's ``kernel`` leaves them:
    "sort" (std::sort), "topk" (partial_sort or nth_element, then sort) or "topk_unsorted"."""
    r = ranks(lines, descending)
    rows, n = r.shape
    by_rank = np.argsort(r, axis=1, kind="stable")
    out = np.ascontiguousarray(by_rank[:, :k], like=r)
    if kernel == "topk_unsorted" and k * 64 > n:
        replay = range(rows)  # nth_element's arrangement is the answer, ties or not
    else:  # a line depends on the algorithm only when two of its first k + 1 in order are equal
        head = np.take_along_axis(r, by_rank[:, :k + 1], axis=1)
        replay = np.nonzero((head[:, 1:] == head[:, :-1]).any(axis=1))[0].tolist()
    for row in replay:
        q = list(zip(r[row].tolist(), range(n)))
        if kernel == "sort":
            sort(q, 0, n)
        elif k * 64 <= n:
            partial_sort(q, 0, k, n)
        else:
            nth_element(q, 0, k - 1, n)
            if kernel == "topk":
                sort(q, 0, k - 1)
        out[row] = [i for _, i in q[:k]]
    return out


def kth(lines, k):
    """Index of the (k+1)-th smallest (NaN largest) of each row of the 2-D ``lines``, as torch's
    kthvalue picks it among equal elements; shape (rows, 1)."""
    r = ranks(lines, descending=False)
    by_rank = np.argsort(r, axis=1, kind="stable")
    out = np.ascontiguousarray(by_rank[:, k:k + 1], like=r)
    near = np.take_along_axis(r, by_rank[:, max(k - 1, 0):k + 2], axis=1)
    for row in np.nonzero((near[:, 1:] == near[:, :-1]).any(axis=1))[0].tolist():
        q = list(zip(r[row].tolist(), range(r.shape[1])))
        quick_select(q, k)
        out[row, 0] = q[k][1]
    return out


def mode(lines):
    """Index of the mode of each row of the 2-D ``lines`` as torch's kernel finds it: std::sort by
    value, then the last element of the first longest run of equal values; shape (rows, 1)."""
    out = []
    for line in lines.tolist():
        q = list(zip(line, range(len(line))))
        sort(q, 0, len(q))
        best, run, index = 0, 0, 0
        for i, (value, at) in enumerate(q):
            run += 1
            if i == len(q) - 1 or value != q[i + 1][0]:
                if run > best:
                    best, index = run, at
                run = 0
        out.append(index)
    return np.asarray(out, dtype=np.int64, like=lines).reshape(-1, 1)


def along(x, dim, fn):
    """``fn`` (2-D rows -> (rows, m) indices) applied along ``dim`` of the array ``x``: the indices,
    with ``dim`` of size m, on ``x``'s device. The replays step through Python lists: they run on
    the host."""
    lines = np.moveaxis(host(x), dim, -1)
    idx = fn(lines.reshape(-1, lines.shape[-1]))
    idx = np.moveaxis(idx.reshape(lines.shape[:-1] + idx.shape[-1:]), -1, dim)
    return to_device(np.ascontiguousarray(idx, like=lines), device_of(x))
