"""Peak memory per workload, each library measured in a fresh subprocess of its own.

How (the child is ``memory_child``): the child imports one library, runs the workload once as a
warm-up (lazy state, BLAS buffers, thread pools) and discards it. Then it builds the workload anew
and runs ``STEPS`` steps, reporting two peaks above the RSS just before building: while building
(parameter init, data) and while running (live model plus each step's temporaries). The peak is
Linux's VmHWM, the RSS high-water mark, reset when /proc/self/clear_refs is sent "5". glibc is
told to map every block of 64 KiB or more on its own (MALLOC_MMAP_THRESHOLD_), so that freed arrays
leave the RSS at once and the warm-up's memory is not silently reused. The ratio compares this same
quantity for both libraries. For minigrad a third child reports the tracemalloc peaks: the bytes
numpy itself allocated (numpy reports its buffers to tracemalloc; torch's allocator does not, so
torch has no such number).
"""
import functools
import json
import os
import subprocess
import sys
from pathlib import Path

from ..libs import Skip
from ..runner import Case, Suite, new_row
from . import mlp, ops

STEPS = 3
MIB = 2**20
CHILD_ENV = {"MALLOC_MMAP_THRESHOLD_": "65536"}
ROOT = Path(__file__).resolve().parents[2]

# key -> (workload, size, builder(lib, device) -> step)
WORKLOADS = {
    "add": ("add fwd+bwd", "10^7", ops.op_builder(ops.OPS["add"][1], ops.pair(10**7), True)),
    "softmax": ("softmax fwd+bwd", "10^6", ops.op_builder(ops.OPS["softmax"][1], ops.rows_of_ten(10**6), True)),
    "matmul": ("matmul fwd+bwd", "2048x2048", ops.op_builder(ops.matmul, [(2048, 2048)] * 2, True)),
    "mlp-medium": ("mlp train step", mlp.net_label("medium"), mlp.step_builder("medium")),
    "mlp-large": ("mlp train step", mlp.net_label("large"), mlp.step_builder("large")),
}
QUICK_WORKLOADS = ("mlp-medium",)


@functools.lru_cache(maxsize=None)
def measure_in_child(key, lib_name, method):
    """Run ``memory_child`` in a fresh interpreter; {phase: peak MiB}. Cached: both phases' cases
    read one run."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.suites.memory_child", key, lib_name, method],
                          cwd=ROOT, env={**os.environ, **CHILD_ENV}, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{lib_name} memory child for {key!r} failed:\n{done.stderr[-3000:]}")
    return {phase: size / MIB for phase, size in json.loads(done.stdout.splitlines()[-1]).items()}


def peak_memory(key, phase):
    """The measure of a memory case: each library's peak RSS (the ratio), minigrad's tracemalloc peak."""
    def measure(case, libs, config):
        row = new_row(case)
        for lib in libs:
            row[lib.name] = {"peak_mib": measure_in_child(key, lib.name, "rss")[phase]}
        traced = measure_in_child(key, "minigrad", "tracemalloc")[phase]
        row["minigrad"]["tracemalloc_peak_mib"] = traced
        torch_mib = row["torch"]["peak_mib"]
        row["ratio"] = row["minigrad"]["peak_mib"] / torch_mib if torch_mib > 0 else None
        row["notes"].append(f"minigrad tracemalloc peak {traced:.1f} MiB")
        return row
    return measure


def memory_cases(key):
    """Two rows per workload: the peak while building it, and while running it."""
    workload, size, _ = WORKLOADS[key]
    return [Case("memory", f"{workload} ({label})", size, build=None, measure=peak_memory(key, phase), unit="MiB")
            for phase, label in (("build", "build"), ("steps", f"{STEPS} steps"))]


def cases(config, note):
    if not os.access("/proc/self/clear_refs", os.W_OK):
        raise Skip("needs Linux's /proc/self/clear_refs to reset the peak RSS between phases")
    return [case for key in (QUICK_WORKLOADS if config.quick else WORKLOADS) for case in memory_cases(key)]


SUITE = Suite("memory", cases, requires=("minigrad.nn", "minigrad.optim"), devices=("cpu",),
              method=f"a fresh subprocess per library and workload; after one discarded warm-up run, peak "
                     f"RSS above the RSS before building: while building, then over {STEPS} steps "
                     f"(VmHWM, reset through /proc/self/clear_refs; glibc mmaps blocks >= 64 KiB so "
                     f"freed memory leaves the RSS); minigrad's tracemalloc peak (numpy's own "
                     f"allocations) in the notes")
