"""The environment a run measured: versions, CPU, BLAS and thread counts (printed and in the JSON)."""
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def cpu_model():
    """The CPU's model name from /proc/cpuinfo (Linux), else what platform knows."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def git_commit():
    """The commit of the checkout being measured (with '+dirty' for local changes), or None."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (commit + ("+dirty" if dirty else "")) or None


def numpy_blas():
    """numpy's BLAS as its build reports it: 'name version'."""
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return f"{blas.get('name')} {blas.get('version')}"


def torch_build_fact(torch, pattern):
    """One fact from ``torch.__config__.show()`` (its BLAS, its CPU capability), or '?'."""
    found = re.search(pattern, torch.__config__.show())
    return found.group(1) if found else "?"


def blas_threads():
    """The loaded BLAS/OpenMP pools as threadpoolctl sees them, or why that is unknown."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl to record it)"
    return [{key: pool.get(key) for key in ("user_api", "internal_api", "version", "num_threads", "filepath")}
            for pool in threadpool_info()]


def collect():
    """Everything worth knowing to compare two runs, as a JSON-ready dict."""
    import minigrad
    import torch
    env = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "numpy_blas": numpy_blas(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "minigrad_threads": minigrad.get_num_threads(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "torch_blas": torch_build_fact(torch, r"BLAS_INFO=(\w+)"),
        "torch_cpu_capability": torch_build_fact(torch, r"CPU capability usage: (\w+)"),
        "blas_threadpools": blas_threads(),
        "thread_env": {name: os.environ[name] for name in
                       ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS") if name in os.environ},
        "minigrad": minigrad.__version__,
        "git_commit": git_commit(),
        "load_average_1min": os.getloadavg()[0],
    }
    return env


def describe(env):
    """The environment as a few readable lines."""
    pools = env["blas_threadpools"]
    if isinstance(pools, list):
        pools = ", ".join(f"{p['internal_api']} {p['version']} ({p['user_api']}, {p['num_threads']} threads, "
                          f"{Path(p['filepath'] or '?').name})" for p in pools)
    return "\n".join([
        f"python {env['python']} on {env['platform']}",
        f"cpu: {env['cpu']} ({env['cpu_count']} logical cores); gpu: {env['gpu'] or 'none seen by torch'}",
        f"numpy {env['numpy']} (BLAS {env['numpy_blas']}); torch {env['torch']} ({env['torch_threads']} "
        f"threads, BLAS {env['torch_blas']}, {env['torch_cpu_capability']}); minigrad {env['minigrad']} "
        f"(commit {env['git_commit']}, {env['minigrad_threads']} threads)",
        f"thread pools (threadpoolctl): {pools}",
        f"thread variables: {env['thread_env'] or 'none set'}",
        f"load average (1 min) at start: {env['load_average_1min']:.2f}" + load_warning(env),
    ])


def load_warning(env):
    """A warning when other processes keep the cores busy (multi-threaded kernels then stall)."""
    if env["load_average_1min"] < 0.5 * env["cpu_count"]:
        return ""
    return (" -- the machine is busy: other processes compete for the cores, which slows "
            "multi-threaded kernels (torch's) most; consider --threads 1 or a quiet machine")
