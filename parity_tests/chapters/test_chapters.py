"""Each chapter script, written once against the torch API, runs on real torch and on minigrad
(through ``python -m minigrad.run``) and prints the same lines, numbers within tolerance.

The scripts seed torch's generator, so equal outputs also prove minigrad's random numbers,
default initialisation, shuffling and dropout masks equal torch's.
"""
import pathlib
import subprocess
import sys

import pytest

from minigrad.run import compare_outputs

SCRIPTS = sorted((pathlib.Path(__file__).parent / "scripts").glob("*.py"))


def _stdout(command):
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_chapter_prints_what_torch_prints(script):
    theirs = _stdout([sys.executable, str(script)])
    ours = _stdout([sys.executable, "-m", "minigrad.run", str(script)])
    assert len(theirs.splitlines()) > 10
    diff = compare_outputs(ours, theirs, rtol=1e-4, atol=1e-5)
    assert not diff, "\n".join(diff[:60])
