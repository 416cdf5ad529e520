"""Interleaved timing: warm up, size the inner loop (timeit-style), then A/B/A/B rounds.

Each library's step is one zero-argument callable. A *sample* is one run of ``inner`` back-to-back
calls, ``inner`` chosen so that a sample lasts at least ``MIN_SAMPLE_S`` (like ``timeit``'s
autorange); the time per call is the sample's time divided by ``inner``. Rounds run one sample of
every library in turn (torch, minigrad, peers, torch, minigrad, ...), so that a slow phase of a
shared machine hits them all alike. The result per library is the median over the rounds, with the
quartiles and the extremes as its spread. Each clock read comes after ``sync()`` (a CUDA
synchronize for GPU work, a no-op on CPU) so that queued GPU work is counted. Unlike timeit, the
garbage collector stays on, as in real training (a graph left in a cycle costs what it costs);
``gc.collect()`` runs once before each case so one case's garbage does not bill the next.
"""
import gc
import time
from dataclasses import asdict, dataclass

import numpy as np

MIN_SAMPLE_S = 0.005


@dataclass
class Stats:
    """Seconds per call: median, quartiles and extremes over ``samples`` samples of ``inner`` calls."""

    median: float
    q1: float
    q3: float
    min: float
    max: float
    samples: int
    inner: int

    @classmethod
    def of(cls, per_call, inner):
        q1, median, q3 = np.percentile(per_call, [25, 50, 75])
        return cls(float(median), float(q1), float(q3), float(min(per_call)), float(max(per_call)),
                   len(per_call), inner)

    def as_dict(self):
        return asdict(self)


def no_sync():
    """The CPU's synchronize: nothing is queued."""


def run_sample(step, inner, sync=no_sync):
    """Seconds taken by ``inner`` back-to-back calls of ``step``, synchronized at both ends."""
    sync()
    start = time.perf_counter()
    for _ in range(inner):
        step()
    sync()
    return time.perf_counter() - start


def one_two_five():
    """1, 2, 5, 10, 20, 50, ...: the inner counts autorange tries."""
    scale = 1
    while True:
        for digit in (1, 2, 5):
            yield digit * scale
        scale *= 10


def autorange(step, sync=no_sync, min_sample_s=MIN_SAMPLE_S):
    """The first inner count of ``one_two_five`` whose sample lasts >= min_sample_s; and that time.

    The trials double as warm-up: caches, lazy initialisation and allocator pools settle in them.
    """
    for inner in one_two_five():
        elapsed = run_sample(step, inner, sync)
        if elapsed >= min_sample_s:
            return inner, elapsed


def measure(steps, budget_s, min_rounds, max_rounds=50, min_sample_s=MIN_SAMPLE_S):
    """Time the callables of ``steps`` ({label: (step, sync)}) interleaved; {label: Stats}.

    Every step is first called once (warm-up) and its inner count sized; then as many rounds as fit
    in ``budget_s`` (at least ``min_rounds``, at most ``max_rounds``) each take one sample of every
    step in the same order: A/B/A/B.
    """
    gc.collect()
    inner, estimate = {}, {}
    for label, (step, sync) in steps.items():
        step()
        sync()
        inner[label], estimate[label] = autorange(step, sync, min_sample_s)
    rounds = max(min_rounds, min(max_rounds, int(budget_s / sum(estimate.values()))))
    per_call = {label: [] for label in steps}
    for _ in range(rounds):
        for label, (step, sync) in steps.items():
            per_call[label].append(run_sample(step, inner[label], sync) / inner[label])
    return {label: Stats.of(per_call[label], inner[label]) for label in steps}
