"""``python -m minigrad.run SCRIPT [ARGS]``: run an unchanged torch script on minigrad.

The script's ``import torch``, ``from torch import nn``, ``torch.utils.data``, ``torchmetrics`` and
``torchvision`` resolve to minigrad's modules. A torch feature minigrad lacks fails with an
AttributeError or ImportError naming it. ``--compare`` also runs the script on real torch and prints
a line-by-line diff of the two outputs, numbers compared with a tolerance and object addresses
(``at 0x7f...``) ignored, then both runs' wall times: "does my torch code mean the same thing here?"
"""
import argparse
import difflib
import importlib
import importlib.abc
import importlib.util
import math
import re
import runpy
import subprocess
import sys
import time
import types

ALIASES = {"torch": "minigrad", "torchmetrics": "minigrad.metrics", "torchvision": "minigrad.vision"}


def _target(fullname):
    """The minigrad module standing for a torch module name, or None."""
    for prefix, replacement in ALIASES.items():
        if fullname == prefix or fullname.startswith(prefix + "."):
            return replacement + fullname[len(prefix):]
    return None


class _Alias(types.ModuleType):
    """A torch-named view of a minigrad module; missing attributes are named in the error."""

    def __init__(self, name, module):
        super().__init__(name)
        self.__dict__["_module"] = module
        self.__dict__["__path__"] = getattr(module, "__path__", [])
        self.__dict__["__file__"] = getattr(module, "__file__", None)

    def __getattr__(self, attr):
        try:
            return getattr(self._module, attr)
        except AttributeError:
            raise AttributeError(f"{self.__name__}.{attr} is not implemented in minigrad "
                                 f"(the script asked for {self.__name__}.{attr})") from None

    def __setattr__(self, attr, value):
        setattr(self._module, attr, value)

    def __dir__(self):
        return dir(self._module)


class _TorchFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves ``torch`` and ``torchmetrics`` imports to minigrad."""

    def find_spec(self, fullname, path=None, target=None):
        if _target(fullname) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        name = _target(spec.name)
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            raise ImportError(f"{spec.name} is not implemented in minigrad (no module {name})") from None
        return _Alias(spec.name, module)

    def exec_module(self, module):
        pass


def install():
    """Make ``import torch`` (and torchmetrics) mean minigrad in this process."""
    for name in list(sys.modules):
        if _target(name) is not None:
            del sys.modules[name]
    sys.meta_path.insert(0, _TorchFinder())


_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")


def _without_address(line):
    return _ADDRESS.sub("at 0x?", line)


def lines_match(a, b, rtol=1e-4, atol=1e-6):
    """Two output lines are the same up to numeric tolerance (the text between numbers must agree);
    object addresses (``<... object at 0x7f3a...>``) differ between any two runs and are ignored."""
    a, b = _without_address(a), _without_address(b)
    if _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
        return False
    for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)):
        fx, fy = float(x), float(y)
        if not (math.isclose(fx, fy, rel_tol=rtol, abs_tol=atol) or (math.isnan(fx) and math.isnan(fy))):
            return False
    return True


def compare_outputs(ours, theirs, rtol=1e-4, atol=1e-6):
    """Lines of a diff between minigrad's and torch's outputs; empty when they agree."""
    a, b = [_without_address(x) for x in ours.splitlines()], [_without_address(x) for x in theirs.splitlines()]
    if len(a) == len(b) and all(lines_match(x, y, rtol, atol) for x, y in zip(a, b)):
        return []
    diff = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pairs = list(zip(a[i1:i2], b[j1:j2]))
        if tag == "replace" and len(pairs) == i2 - i1 == j2 - j1 and all(lines_match(x, y, rtol, atol)
                                                                           for x, y in pairs):
            continue
        diff += [f"- torch    {line}" for line in b[j1:j2]] + [f"+ minigrad {line}" for line in a[i1:i2]]
    return diff


def _run_child(script, args, on_minigrad):
    """(exit code, stdout, stderr, wall seconds) of the script run on minigrad or on torch."""
    command = [sys.executable] + (["-m", "minigrad.run"] if on_minigrad else []) + [script] + list(args)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minigrad.run", description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also run on real torch and diff the outputs")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-6)
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args(argv)
    if not opts.compare:
        install()
        sys.argv = [opts.script] + opts.args
        runpy.run_path(opts.script, run_name="__main__")
        return 0
    code_m, out_m, err_m, wall_m = _run_child(opts.script, opts.args, on_minigrad=True)
    code_t, out_t, err_t, wall_t = _run_child(opts.script, opts.args, on_minigrad=False)
    if code_m or code_t:
        print(f"exit codes: minigrad {code_m}, torch {code_t}")
        print(err_m[-3000:] if code_m else err_t[-3000:], file=sys.stderr)
    diff = compare_outputs(out_m, out_t, opts.rtol, opts.atol)
    print("\n".join(diff) if diff else f"no differences ({len(out_t.splitlines())} lines compared)")
    print(f"wall time (whole process, imports included): minigrad {wall_m:.2f} s, torch {wall_t:.2f} s")
    return 1 if diff or code_m or code_t else 0


if __name__ == "__main__":
    sys.exit(main())
