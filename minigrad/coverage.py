"""``python -m minigrad.coverage``: how much of torch's public API minigrad has, and how much the op
registry tests.

For each namespace (``torch.*`` functions, Tensor methods and properties, ``nn`` classes,
``nn.functional``, ``optim``, ``lr_scheduler``, ``linalg``) the report counts torch's public names
(the lists ship in ``_torch_names.json``, written from torch 2.13 by
``parity_tests/gen_torch_names.py``; minigrad never imports torch), how many of them minigrad has,
and how many of those the op registry (``parity_tests/op_db``) tests.

*Registry-tested* means: while every registry sample runs forward on minigrad, registry code calls
the name directly (``lib.cumsum(x)``, ``x.cumsum(0)``, ``lib.nn.functional.relu(x)``, ``module(x)``
for a module). Calls that minigrad makes internally do not count, and neither do operators
(``a + b`` tests ``Tensor.__add__``, not ``torch.add``). Optimizers and schedulers are not ops: their
parity tests are ``test_optim.py`` and ``test_lr_scheduler.py``, so those rows say "n/a". The
registry lives in a source checkout; installed elsewhere, the report says so and counts names only.

    python -m minigrad.coverage               # the table
    python -m minigrad.coverage --markdown    # the same table for README.md
    python -m minigrad.coverage --missing     # also the names minigrad lacks, per namespace
"""
import argparse
import functools
import importlib
import inspect
import json
import pathlib
import sys

import numpy as np

NAMES_FILE = pathlib.Path(__file__).with_name("_torch_names.json")
REGISTRY = pathlib.Path(__file__).resolve().parents[1] / "parity_tests" / "op_db"
LABELS = {"torch": "torch.* functions", "Tensor": "Tensor methods", "nn": "nn modules",
          "nn.functional": "nn.functional", "optim": "optim", "lr_scheduler": "lr_scheduler",
          "linalg": "linalg"}
NOT_OPS = ("optim", "lr_scheduler")  # tested by test_optim.py / test_lr_scheduler.py, not the registry


def torch_names():
    """The data file: ``{"torch_version", "families", "namespaces": {ns: {"names", "excepted"}}}``."""
    return json.loads(NAMES_FILE.read_text())


def minigrad_namespace(namespace):
    """minigrad's object standing for a torch namespace, or None when minigrad has no such module."""
    import minigrad
    module = {"torch": "minigrad", "Tensor": "minigrad", "nn": "minigrad.nn",
              "nn.functional": "minigrad.nn.functional", "optim": "minigrad.optim",
              "lr_scheduler": "minigrad.optim.lr_scheduler", "linalg": "minigrad.linalg"}[namespace]
    try:
        importlib.import_module(module)
    except ModuleNotFoundError:
        return None
    return minigrad.Tensor if namespace == "Tensor" else sys.modules[module]


def present(namespace, names):
    """The names minigrad has in ``namespace``."""
    owner = minigrad_namespace(namespace)
    return [] if owner is None else [n for n in names if hasattr(owner, n)]


class _Recorder:
    """Wraps minigrad's public callables so that calls made *by registry code* are recorded."""

    def __init__(self, registry_dir):
        self.registry_dir = str(registry_dir)
        self.called = {}  # namespace -> names called directly by registry code
        self._undo = []

    def _from_registry(self, depth=2):
        return sys._getframe(depth).f_code.co_filename.startswith(self.registry_dir)

    def _recording(self, namespace, name, fn):
        @functools.wraps(fn)
        def recording(*args, **kwargs):
            if self._from_registry():
                self.called.setdefault(namespace, set()).add(name)
            return fn(*args, **kwargs)
        return recording

    def _patch(self, owner, name, value):
        self._undo.append((owner, name, inspect.getattr_static(owner, name)))
        setattr(owner, name, value)

    def install(self, namespaces):
        """Wrap each function and property of the given ``{namespace: names}`` that minigrad has."""
        import minigrad
        for namespace, names in namespaces.items():
            owner = minigrad_namespace(namespace)
            if owner is None or namespace in NOT_OPS or namespace == "nn":
                continue
            for name in present(namespace, names):
                raw = inspect.getattr_static(owner, name)
                if isinstance(raw, property) and raw.fget is not None:
                    self._patch(owner, name, property(self._recording(namespace, name, raw.fget), raw.fset, raw.fdel))
                elif inspect.isfunction(raw):
                    self._patch(owner, name, self._recording(namespace, name, raw))
        call = minigrad.nn.Module.__call__
        modules = {getattr(minigrad.nn, n): n for n in present("nn", namespaces.get("nn", []))}

        def module_call(module, *args, **kwargs):
            if type(module) in modules and self._from_registry():
                self.called.setdefault("nn", set()).add(modules[type(module)])
            return call(module, *args, **kwargs)
        self._patch(minigrad.nn.Module, "__call__", module_call)

    def uninstall(self):
        while self._undo:
            owner, name, raw = self._undo.pop()
            setattr(owner, name, raw)


def registry_tested(namespaces, registry_dir=REGISTRY):
    """``({namespace: names registry code calls}, samples run, samples that raised)``, or None when
    there is no registry (minigrad installed without its source checkout)."""
    import minigrad
    if not (registry_dir / "__init__.py").exists():
        return None
    sys.path.insert(0, str(registry_dir.parent))
    try:
        from op_db import all_ops
        ops = all_ops()
    finally:
        sys.path.remove(str(registry_dir.parent))
    recorder = _Recorder(registry_dir)
    run = failed = 0
    recorder.install(namespaces)
    try:
        for op in ops:
            for dtype in op.dtypes:
                for sample in op.samples(dtype):
                    inputs = [minigrad.tensor(x, requires_grad=bool(d)) if isinstance(x, np.ndarray) else x
                              for x, d in zip(sample.inputs, sample.differentiable())]  # as test_ops.py does
                    run += 1
                    try:
                        op.fn(minigrad, *inputs, **sample.kwargs)
                    except Exception:  # noqa: BLE001 - a failing sample tests nothing; test_ops.py reports it
                        failed += 1
    finally:
        recorder.uninstall()
    return recorder.called, run, failed


def report(missing=False, markdown=False, registry_dir=REGISTRY):
    """The coverage table (and notes) as text."""
    data = torch_names()
    namespaces = {ns: entry["names"] for ns, entry in data["namespaces"].items()}
    tested = registry_tested(namespaces, registry_dir)
    header = ["namespace", f"torch {data['torch_version']}", "minigrad has", "registry-tested (of those)", "excepted"]
    rows, lacking = [], {}
    for namespace, names in namespaces.items():
        has = present(namespace, names)
        lacking[namespace] = [n for n in names if n not in set(has)]
        if tested is None:
            reg = "?"
        elif namespace in NOT_OPS:
            reg = "n/a"
        else:
            count = len(tested[0].get(namespace, set()) & set(has))
            reg = f"{count} ({count / len(has):.0%})" if has else "0"
        excepted = sum(len(v) for v in data["namespaces"][namespace]["excepted"].values())
        rows.append([LABELS[namespace], str(len(names)), f"{len(has)} ({len(has) / len(names):.0%})", reg,
                     str(excepted)])
    lines = _markdown(header, rows) if markdown else _plain(header, rows)
    if tested is None:
        lines.append("registry-tested: run from a source checkout with the test extras "
                     "(parity_tests/op_db is not next to this minigrad)")
    else:
        lines.append(f"registry-tested: called directly by op registry code in {tested[1]} samples"
                     + (f" ({tested[2]} raised on minigrad: see test_ops.py)" if tested[2] else "")
                     + "; optim and lr_scheduler are tested by test_optim.py and test_lr_scheduler.py")
    counts = {}
    for entry in data["namespaces"].values():
        for family, names in entry["excepted"].items():
            counts[family] = counts.get(family, 0) + len(names)
    lines.append("excepted (not counted), all namespaces together:")
    lines += [f"{'- ' if markdown else '  '}{family} ({counts.get(family, 0)}): {reason}"
              for family, reason in data["families"].items()]
    if missing:
        for namespace, names in lacking.items():
            lines += ["", f"{LABELS[namespace]} missing ({len(names)}):", " ".join(names)]
    return "\n".join(lines)


def _plain(header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
            for r in [header] + rows]


def _markdown(header, rows):
    return ["| " + " | ".join(header) + " |", "|" + "---|" + "---:|" * (len(header) - 1)] + \
        ["| " + " | ".join(r) + " |" for r in rows]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minigrad.coverage", description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--missing", action="store_true", help="also list the names minigrad lacks")
    opts = parser.parse_args(argv)
    print(report(missing=opts.missing, markdown=opts.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
