"""Each chapter script, written once against the torch API, runs on real torch and on minigrad
(through ``python -m minigrad.run``) and prints the same lines, numbers within a bound.

The scripts seed torch's generator, so equal outputs also prove minigrad's random numbers,
default initialisation, shuffling and dropout masks equal torch's.

The bound on each printed number (``_compare``'s policy, float32): the scripts train for at most
``STEPS`` optimizer steps; one step accumulates at most ``STEP_TERMS`` terms in its gradients (batches
of up to 20 rows, layers of up to 16 inputs, two BatchNorms over the batch) and ``UPDATE_OPS``
roundings in the update, so a trained value is within ``trajectory_bound`` of torch's, relative to
its magnitude. Printing then rounds each side to the printed digits: two printed numbers may differ
by one more unit in their last printed digit.
"""
import decimal
import pathlib
import subprocess
import sys

import pytest

from minigrad.run import _NUMBER
from _compare import trajectory_bound, ulps

SCRIPTS = sorted((pathlib.Path(__file__).parent / "scripts").glob("*.py"))
STEPS = 40  # ch3: 5 epochs x 8 batches; intermediate_water_quality: 4 epochs x 10 batches; ch4: 27
STEP_TERMS = 20 + 16 + 9 + 2 * 20 + 8  # batch rows + the widest layers' inputs + two BatchNorms + update ops
RTOL = float(trajectory_bound(ulps(STEP_TERMS), STEPS))


def _stdout(command):
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def last_digit_unit(text):
    """One unit in the last printed digit of a printed float ('0.1235' -> 1e-4, '1.5e-03' -> 1e-4);
    0 for an integer ('64', an epoch, a shape), which must be equal."""
    if not any(c in text for c in ".eE"):
        return 0.0
    exponent = decimal.Decimal(text).as_tuple().exponent
    return 10.0 ** exponent if isinstance(exponent, int) else 0.0


def mismatches(ours, theirs):
    """The (ours, torch) line pairs whose text differs or whose numbers are further apart than the
    bound in the module docstring."""
    a, b = ours.splitlines(), theirs.splitlines()
    if len(a) != len(b):
        return [(f"{len(a)} lines", f"{len(b)} lines")]
    bad = []
    for x, y in zip(a, b):
        numbers_x, numbers_y = _NUMBER.findall(x), _NUMBER.findall(y)
        if _NUMBER.sub("#", x) != _NUMBER.sub("#", y) or len(numbers_x) != len(numbers_y):
            bad.append((x, y))
            continue
        for nx, ny in zip(numbers_x, numbers_y):
            fx, fy = float(nx), float(ny)
            if nx == ny or (fx != fx and fy != fy):
                continue
            if not abs(fx - fy) <= RTOL * abs(fy) + last_digit_unit(nx) + last_digit_unit(ny):
                bad.append((x, y))
                break
    return bad


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_chapter_prints_what_torch_prints(script):
    theirs = _stdout([sys.executable, str(script)])
    ours = _stdout([sys.executable, "-m", "minigrad.run", str(script)])
    assert len(theirs.splitlines()) > 10
    diff = mismatches(ours, theirs)
    assert not diff, "\n".join(f"- torch    {y}\n+ minigrad {x}" for x, y in diff[:30])
