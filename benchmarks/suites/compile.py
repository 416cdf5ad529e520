"""Compiled MLP training steps: ``minigrad.compile`` of the mlp suite's step against torch *eager*.

The same four nets and step as ``mlp.py`` (zero_grad, forward, MSELoss, backward, SGD). minigrad's
step is ``minigrad.compile(step)``, called three times before timing (capture, the bit-for-bit
check against eager, then replay), so the timed calls are replays. Each row also notes:

* minigrad's compile time: the first call (eager run + recording + building the program) and
  the second (replay + eager + comparison), each once, against one eager step;
* on the large net, the % of the GEMM-only bound (``mlp.annotate_gemm_bound``);
* ``torch.compile`` of the same step, beside them, when a C++ compiler is present and not
  ``--quick`` (its compile time, tens of seconds, noted separately).

Targets (issue 20): tiny <= 0.2x torch eager, small <= 0.25x, medium <= 0.75x, large <= 0.9x.
"""
import shutil
import time

from ..runner import Case, Suite
from .mlp import NETS, annotate_gemm_bound, mlp_step, net_label

WARM_CALLS = 3  # capture, check, first replay


def compiled_step(lib, device, widths, batch):
    """minigrad: the compiled step, past capture and check. torch: the eager step."""
    step = mlp_step(lib, device, widths, batch)
    if lib.__name__ != "minigrad":
        return step
    step = lib.compile(step)
    for _ in range(WARM_CALLS):
        step()
    return step


def torch_compiled(widths, batch):
    """A builder of torch.compile's step (its compile time is measured by its first call)."""
    def build():
        import torch  # noqa: PLC0415 - only when the peer runs
        step = torch.compile(mlp_step(torch, "cpu", widths, batch))
        start = time.perf_counter()
        step()
        build.compile_s = time.perf_counter() - start
        return step
    return build


def annotate(name, torch_build=None):
    widths, batch = NETS[name]

    def notes(row, config):
        import minigrad  # noqa: PLC0415 - the library under test, loaded by the runner
        eager = mlp_step(minigrad, config.device, widths, batch)
        eager()
        start = time.perf_counter()
        eager()
        eager_s = time.perf_counter() - start
        step = minigrad.compile(mlp_step(minigrad, config.device, widths, batch))
        times = []
        for _ in range(3):  # signature 1 (no .grad yet): capture; signature 2: capture, then check
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        row["compile"] = {"first_call_s": times[0], "capture_s": times[1], "check_s": times[2], "eager_step_s": eager_s}
        row["notes"].append(f"minigrad compile: capture {times[1] * 1e3:.2f} ms, check {times[2] * 1e3:.2f} ms "
                            f"(one eager step {eager_s * 1e3:.2f} ms)")
        if torch_build is not None and hasattr(torch_build, "compile_s"):
            row["torch_compile_s"] = torch_build.compile_s
            row["notes"].append(f"torch.compile: first call (compile) {torch_build.compile_s:.1f} s")
        if name == "large":
            annotate_gemm_bound(row, config)
    return notes


def case(name, config, note):
    widths, batch = NETS[name]
    peers = {}
    if not config.quick and config.device == "cpu":
        if shutil.which("g++") or shutil.which("c++"):
            peers["torch.compile"] = torch_compiled(widths, batch)
        else:
            note("torch.compile skipped: no C++ compiler (inductor's CPU backend needs one)")
    return Case("compile", "compiled train step", net_label(name),
                lambda lib, device: compiled_step(lib, device, widths, batch), peers=peers,
                annotate=annotate(name, peers.get("torch.compile")))


def cases(config, note):
    """Every net; --quick leaves out the large one and torch.compile."""
    if config.quick:
        note("torch.compile left out of --quick (tens of seconds of compiling per net)")
    return [case(name, config, note) for name in NETS if not (config.quick and name == "large")]


SUITE = Suite("compile", cases, requires=("minigrad.compile",), devices=("cpu",),
              method="minigrad.compile(step) replaying one SGD step (zero_grad, forward, MSELoss, backward, "
                     "step) vs torch eager; torch.compile beside it where a C++ compiler is present")
