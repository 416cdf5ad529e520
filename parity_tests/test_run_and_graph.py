"""``python -m minigrad.run`` (torch scripts on minigrad, --compare) and autograd graph drawing."""
import re
import subprocess
import sys

import pytest

import minigrad
from minigrad.run import compare_outputs, lines_match
from minigrad.utils.graph import to_dot, draw


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "minigrad.run", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_script_imports_resolve_to_minigrad(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader\n"
                      "import torchmetrics\nprint(torch.__name__, torch.tensor([1.0]).__class__.__module__)\n"
                      "print(nn.Linear(2, 3))\n")
    done = _run(str(script))
    assert done.returncode == 0, done.stderr
    assert "minigrad.tensor" in done.stdout and "Linear(in_features=2, out_features=3, bias=True)" in done.stdout


def test_missing_torch_feature_is_named(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("import torch\ntorch.fft.fft(torch.ones(4))\n")
    done = _run(str(script))
    assert done.returncode != 0 and "torch.fft is not implemented in minigrad" in done.stderr


def test_compare_reports_no_difference_and_then_a_difference(tmp_path):
    same = tmp_path / "same.py"
    same.write_text("import torch\ntorch.manual_seed(0)\nprint(torch.randn(3))\nprint(torch.nn.Linear(3, 1).weight)\n")
    done = _run("--compare", str(same))
    assert done.returncode == 0 and "no differences" in done.stdout, done.stdout + done.stderr
    assert re.search(r"wall time .*: minigrad \d+\.\d\d s, torch \d+\.\d\d s", done.stdout), done.stdout
    different = tmp_path / "different.py"
    different.write_text("import torch\nprint(type(torch.ones(1)).__module__)\n")
    done = _run("--compare", str(different))
    assert done.returncode == 1 and "- torch    torch" in done.stdout and "+ minigrad minigrad.tensor" in done.stdout


def test_numeric_tolerance_of_the_diff():
    assert lines_match("loss 0.1234567", "loss 0.1234568")
    assert not lines_match("loss 0.12", "loss 0.13")
    assert not lines_match("loss 0.12", "acc 0.12")
    assert compare_outputs("a 1.0\nb 2.0", "a 1.0\nb 2.5") == ["- torch    b 2.5", "+ minigrad b 2.0"]


def test_compare_ignores_object_addresses(tmp_path):
    """Addresses differ between any two processes; everything else on such a line still counts."""
    assert lines_match("<function f at 0x7f3a2c1b5e40>", "<function f at 0x7f91d0a3c2c0>")
    assert not lines_match("<function f at 0x7f3a2c1b5e40>", "<function g at 0x7f3a2c1b5e40>")
    assert not lines_match("value 0x10", "value 0x20")  # a hex number that is not an address is compared
    assert compare_outputs("x\n<A object at 0xdead>\ny", "x\n<A object at 0xbeef>\ny 1") == \
        ["- torch    y 1", "+ minigrad y"]
    script = tmp_path / "addresses.py"
    script.write_text("import torch\nprint(object())\nprint(lambda: 0)\nprint(torch.ones(2).sum().item())\n")
    done = _run("--compare", str(script))
    assert done.returncode == 0 and "no differences (3 lines compared)" in done.stdout, done.stdout + done.stderr


def test_graph_to_dot_names_ops_and_parameters():
    model = minigrad.nn.Sequential(minigrad.nn.Linear(3, 2), minigrad.nn.ReLU())
    loss = model(minigrad.randn(4, 3)).sum()
    dot = to_dot(loss, params=dict(model.named_parameters()))
    for text in ("SumBackward0", "ReluBackward0", "AddmmBackward0", "0.weight\\n(2, 3)", "0.bias\\n(2)", "->"):
        assert text in dot
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")


def test_draw_needs_graphviz(tmp_path, monkeypatch):
    import shutil
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="Graphviz"):
        draw(minigrad.ones(2, requires_grad=True).sum(), tmp_path / "g.svg")
