"""``python -m minigrad.coverage``: its data file is what the installed torch has, and the report runs."""
import pathlib
import subprocess
import sys

import minigrad
from minigrad import coverage
from gen_torch_names import generate


def test_torch_name_lists_equal_the_installed_torch():
    """The shipped lists cannot rot: regenerate with `python parity_tests/gen_torch_names.py`."""
    assert coverage.torch_names() == generate()


def test_report_runs():
    done = subprocess.run([sys.executable, "-m", "minigrad.coverage", "--missing"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for label in coverage.LABELS.values():
        assert label in done.stdout
    assert "registry-tested: called directly by op registry code in" in done.stdout
    assert "raised on minigrad" not in done.stdout  # every registry sample runs on minigrad
    done = subprocess.run([sys.executable, "-m", "minigrad.coverage", "--markdown"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.startswith("| namespace | torch "), done.stderr[-3000:]


def test_the_report_does_not_import_torch(tmp_path):
    """minigrad never imports torch; the name lists come from the data file (the registry, test code, may)."""
    code = (f"import sys, minigrad.coverage as c, pathlib; c.report(registry_dir=pathlib.Path({str(tmp_path)!r})); "
            "assert 'torch' not in sys.modules, 'the report imported torch'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def test_registry_tested_counts_direct_calls_only():
    """A name counts when the registry's own code calls it: not an operator, not a call inside minigrad."""
    recorder = coverage._Recorder(pathlib.Path(__file__))  # this file plays the registry
    original = minigrad.cumsum, minigrad.Tensor.__dict__["T"], minigrad.nn.Module.__call__
    recorder.install({"torch": ["cumsum", "add", "sigmoid"], "Tensor": ["T", "exp", "sigmoid"],
                      "nn": ["Linear", "ReLU"], "nn.functional": ["linear", "relu"]})
    try:
        x = minigrad.ones(2, 2)
        minigrad.cumsum(x, 0)
        x.T.exp()
        x + x  # Tensor.__add__, not torch.add
        minigrad.nn.Sequential(minigrad.nn.Linear(2, 2))(x)  # Linear runs inside Sequential: not direct
        minigrad.nn.ReLU()(x)  # direct; its forward calls F.relu inside minigrad: not counted
    finally:
        recorder.uninstall()
    assert recorder.called == {"torch": {"cumsum"}, "Tensor": {"T", "exp"}, "nn": {"ReLU"}}
    assert (minigrad.cumsum, minigrad.Tensor.__dict__["T"], minigrad.nn.Module.__call__) == original


def test_without_the_registry_the_report_says_where_to_run_it(tmp_path):
    text = coverage.report(registry_dir=tmp_path)
    assert "registry-tested: run from a source checkout with the test extras" in text
    assert "linalg" in text and " ? " in text
