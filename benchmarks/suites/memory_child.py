"""The child process of the memory suite: ``python -m benchmarks.suites.memory_child KEY LIBRARY METHOD``.

Measures one workload (a key of ``memory.WORKLOADS``) of one library (``torch`` or ``minigrad``)
by METHOD (``rss`` or ``tracemalloc``) and prints the peak bytes of its two phases as JSON,
{"build": ..., "steps": ...}; see
``memory``'s docstring for the method.
"""
import gc
import importlib
import json
import sys
import tracemalloc

from .memory import STEPS, WORKLOADS


def status_bytes(field):
    """A size line of /proc/self/status (VmRSS: resident now, VmHWM: its high-water mark), in bytes."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":")) * 1024


class RssMeter:
    """Peak RSS above the RSS at creation: VmHWM, which Linux resets to the current RSS when
    /proc/self/clear_refs is sent "5" (at creation and at each ``restart``). Not ru_maxrss: in a
    child process it also remembers the parent's RSS from before exec, and no reset clears that."""

    name = "rss"

    def __init__(self):
        self.base = status_bytes("VmRSS")
        self.restart()

    def restart(self):
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")

    def peak(self):
        return status_bytes("VmHWM") - self.base


class TracemallocMeter:
    """Peak bytes allocated through Python's allocator hooks (numpy's buffers included) since start."""

    name = "tracemalloc"

    def __init__(self):
        tracemalloc.start()

    def restart(self):
        tracemalloc.reset_peak()

    def peak(self):
        return tracemalloc.get_traced_memory()[1]


METERS = {meter.name: meter for meter in (RssMeter, TracemallocMeter)}


def child(key, lib_name, method):
    """Warm up on one discarded run of the workload; then the peaks of building a fresh one and of
    running it, both above the memory in use before building."""
    lib = importlib.import_module(lib_name)
    for sub in ("nn", "optim"):
        importlib.import_module(f"{lib_name}.{sub}")
    build = WORKLOADS[key][2]
    warm_up = build(lib, "cpu")
    for _ in range(STEPS):
        warm_up()
    del warm_up
    gc.collect()
    meter = METERS[method]()
    step = build(lib, "cpu")
    build_bytes = meter.peak()
    meter.restart()
    for _ in range(STEPS):
        step()
    return {"build": build_bytes, "steps": meter.peak()}


if __name__ == "__main__":
    print(json.dumps(child(*sys.argv[1:4])))
