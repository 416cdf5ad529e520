"""Smoke tests of the benchmark machinery (``python -m benchmarks``) on one micro workload with a tiny
time budget. They check the structure of results and the error policy, never timings."""
import json

import pytest

from benchmarks import report
from benchmarks.libs import Skip, load, require
from benchmarks.runner import Case, Config, Run
from benchmarks.suites import ops

TINY = Config(quick=True, budget_s=0.001, min_rounds=2)


@pytest.fixture
def run():
    return Run(load("cpu"), TINY)


def test_one_micro_workload_gives_a_json_ready_row_with_a_ratio(run):
    case = next(case for case in ops.cases(TINY, note=print) if case.label == "ops/add fwd+bwd 10")
    row = run.run_case(case)
    assert run.failures == [] and row["status"] == "ok"
    for library in ("torch", "minigrad"):
        stats = row[library]
        assert stats["samples"] >= TINY.min_rounds and stats["inner"] >= 1
        assert 0 < stats["min"] <= stats["q1"] <= stats["median"] <= stats["q3"] <= stats["max"]
    assert row["ratio"] == pytest.approx(row["minigrad"]["median"] / row["torch"]["median"])
    assert json.loads(json.dumps(row)) == row
    assert "add fwd+bwd" in report.table([row])


def test_a_crashing_workload_is_a_failure_with_its_traceback_not_a_skip(run):
    def build(lib, device):
        return lambda: lib.no_such_op()
    row = run.run_case(Case("ops", "broken", "1", build))
    assert row["status"] == "failed" and row["ratio"] is None
    assert [failure["label"] for failure in run.failures] == ["ops/broken 1"]
    assert "no_such_op" in run.failures[0]["traceback"]


def test_only_a_missing_module_is_a_skip():
    with pytest.raises(Skip, match="not installed"):
        require("benchmarks.no_such_module")
    assert require("benchmarks.timing").MIN_SAMPLE_S > 0


def test_regressions_are_ratios_worse_by_more_than_20_percent():
    def row(workload, ratio):
        return {"suite": "ops", "workload": workload, "size": "10", "ratio": ratio}
    old = [row("add fwd", 1.0), row("mul fwd", 1.0), row("exp fwd", 2.0)]
    new = [row("add fwd", 1.3), row("mul fwd", 1.1), row("exp fwd", 1.0), row("relu fwd", 9.0)]
    assert [(found["workload"], was) for found, was in report.regressions(new, old)] == [("add fwd", 1.0)]
