"""The script corpus: short torch scripts in the styles of the official tutorials, d2l, makemore and
nanoGPT (``parity_tests/scripts/``), each run unchanged through ``python -m minigrad.run --compare``,
which runs it on torch and on minigrad and requires the same printed lines (numbers within 1e-4).

A script that needs an idiom minigrad lacks today is an expected failure naming that idiom, strict:
when the idiom lands, the script matches, the test XPASSes and so fails, and the mark comes off.
The failure must show one of the idiom's signatures (the error or the differing line); any other
failure is a real one (``KnownGap`` is the only exception the mark accepts).
"""
import pathlib
import subprocess
import sys

import pytest

SCRIPTS = sorted((pathlib.Path(__file__).parent / "scripts").glob("*.py"))

# script -> (what minigrad lacks today, signatures of that failure in the --compare output)
MISSING_TODAY = {}


class KnownGap(AssertionError):
    """The script failed the way its expected-failure mark says."""


def _param(script):
    if script.stem not in MISSING_TODAY:
        return pytest.param(script, id=script.stem)
    reason, _ = MISSING_TODAY[script.stem]
    return pytest.param(script, id=script.stem, marks=pytest.mark.xfail(strict=True, raises=KnownGap, reason=reason))


def test_every_expected_failure_names_a_script():
    assert set(MISSING_TODAY) <= {s.stem for s in SCRIPTS}
    assert len(SCRIPTS) >= 20


@pytest.mark.parametrize("script", [_param(s) for s in SCRIPTS])
def test_script_matches_torch(script):
    done = subprocess.run([sys.executable, "-m", "minigrad.run", "--compare", str(script)], capture_output=True,
                          text=True, timeout=600, cwd=script.parent)
    output = done.stdout + done.stderr
    if done.returncode == 0 and "no differences" in done.stdout:
        return
    if script.stem in MISSING_TODAY and any(s in output for s in MISSING_TODAY[script.stem][1]):
        raise KnownGap(MISSING_TODAY[script.stem][0])
    pytest.fail(output[-6000:], pytrace=False)
