"""Cases, suites and the loop that runs them into result rows.

A ``Case`` is one line of the table: a workload at one size. Its ``build(lib, device)`` returns a
zero-argument step for either library (the workload is written once, against torch's API); its
``measure`` turns the case into a row (by default: time torch, minigrad and any peers interleaved).
A row is a plain JSON-ready dict: suite, workload, size, unit, per-library stats, ratio
(minigrad / torch), peers, notes, status ("ok" or "failed").
"""
import sys
import traceback
from dataclasses import dataclass, field
from typing import Callable, Optional

from .libs import Skip, require
from .timing import measure, no_sync


@dataclass
class Config:
    """What the command line asked for, and the time budgets that follow from it."""

    quick: bool = False
    device: str = "cpu"
    threads: Optional[int] = None
    budget_s: Optional[float] = None   # timed rounds of one case, after warm-up; default by ``quick``
    min_rounds: Optional[int] = None

    def __post_init__(self):
        if self.budget_s is None:
            self.budget_s = 0.12 if self.quick else 0.8
        if self.min_rounds is None:
            self.min_rounds = 3 if self.quick else 5


@dataclass
class Case:
    """One workload at one size; see the module docstring."""

    suite: str
    workload: str
    size: str
    build: Callable
    peers: dict = field(default_factory=dict)   # peer name -> zero-argument builder of its step
    measure: Optional[Callable] = None          # (case, libs, config) -> row; None: time_case
    annotate: Optional[Callable] = None         # (row, config) -> None: adds notes / fields to the row
    unit: str = "s"

    @property
    def label(self):
        return f"{self.suite}/{self.workload} {self.size}"


@dataclass
class Suite:
    """A named group of cases. ``cases(config, note)`` lists them; ``note(text)`` records a
    one-line remark (e.g. a peer that is not installed); ``requires`` are the modules it needs;
    ``method`` explains how it measures."""

    name: str
    cases: Callable
    requires: tuple = ()
    devices: tuple = ("cpu", "cuda")
    method: str = ""


def new_row(case, status="ok"):
    """The skeleton of a result row for ``case``."""
    return {"suite": case.suite, "workload": case.workload, "size": case.size, "unit": case.unit,
            "status": status, "torch": None, "minigrad": None, "ratio": None, "peers": {}, "notes": []}


def peer_steps(case, row):
    """{peer: (step, no_sync)} for the peers that build and run once; a peer that fails is a note,
    never a failure of the run (it is not the code under test)."""
    steps = {}
    for name, build in case.peers.items():
        try:
            step = build()
            step()
        except Exception as exc:  # noqa: BLE001 - any peer breakage is reported and skipped
            row["notes"].append(f"peer {name} skipped: {type(exc).__name__}: {exc}")
            continue
        steps[name] = (step, no_sync)
    return steps


def time_case(case, libs, config):
    """Time torch, minigrad and the peers interleaved; the row with medians, spreads and ratios."""
    row = new_row(case)
    steps = {lib.name: (case.build(lib.module, config.device), lib.sync) for lib in libs}
    steps.update(peer_steps(case, row))
    stats = measure(steps, config.budget_s, config.min_rounds)
    torch_s = stats["torch"].median
    row["torch"] = stats.pop("torch").as_dict()
    row["minigrad"] = stats.pop("minigrad").as_dict()
    row["ratio"] = row["minigrad"]["median"] / torch_s
    row["peers"] = {name: {**peer.as_dict(), "ratio": peer.median / torch_s} for name, peer in stats.items()}
    return row


class Run:
    """The cases of the chosen suites, then their rows, notes (one-line remarks) and failures."""

    def __init__(self, libs, config):
        self.libs, self.config = libs, config
        self.cases, self.rows, self.notes, self.failures = [], [], [], []

    def plan(self, suite):
        """Queue the cases of ``suite``, or note why it cannot run."""
        if self.config.device not in suite.devices:
            self.notes.append(f"{suite.name}: skipped on {self.config.device} (runs on {', '.join(suite.devices)})")
            return
        try:
            for module in suite.requires:
                require(module)
            self.cases += suite.cases(self.config, lambda text: self.notes.append(f"{suite.name}: {text}"))
        except Skip as exc:
            self.notes.append(f"{suite.name}: skipped: {exc}")
        except Exception:  # noqa: BLE001 - a real error: reported, and the exit status says so
            self.fail(f"suite {suite.name}")

    def execute(self, progress):
        """Run the queued cases in order, showing progress."""
        for done, case in enumerate(self.cases):
            progress.show(done, len(self.cases), case.label)
            self.rows.append(self.run_case(case))
        progress.finish(len(self.cases))

    def run_case(self, case):
        """The row of one case; any exception gives a failed row (and a recorded failure)."""
        try:
            row = (case.measure or time_case)(case, self.libs, self.config)
            if case.annotate:
                case.annotate(row, self.config)
        except Exception as exc:  # noqa: BLE001 - a real error: reported, and the exit status says so
            row = new_row(case, "failed")
            row["notes"].append(f"{type(exc).__name__}: {exc}")
            self.fail(case.label)
        return row

    def fail(self, label):
        """Record the exception being handled as a failure and print its traceback to stderr."""
        error = traceback.format_exc()
        self.failures.append({"label": label, "traceback": error})
        print(f"\n{label} FAILED:\n{error}", file=sys.stderr)
