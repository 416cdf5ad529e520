"""The package's import graph: every import looks down the layers below, and nothing forms a cycle.

A reader follows a call downward (``Linear.forward`` -> ``ops/linalg.py`` -> ``autograd/function.py``
-> ``tensor.py``) and never has to know what was installed at run time. The layers are listed once,
here; a module belongs to the longest prefix that names it (anything unlisted is an application at
the top). Imports within a layer are allowed; a cycle is not.

The single exception is the one a Python tensor library cannot avoid: ``Tensor``'s methods call the
ops, and the ops return Tensors. ``tensor.py`` reaches up only through its one documented import
block at the end of the file (after ``Tensor`` is defined), and that block is the only upward edge
this test allows.
"""
import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "minigrad"

LAYERS = [
    # 0: the ground floor: no imports from the package but each other
    ["minigrad.dtypes", "minigrad._backend", "minigrad._modes", "minigrad._printing", "minigrad._missing_names",
     "minigrad._fma", "minigrad._parallel", "minigrad.utils", "minigrad.utils.hooks"],
    # 1: the data model
    ["minigrad.tensor"],
    # 2: random numbers (arrays; ``Generator.get_state`` wraps torch's ByteTensor) and making tensors
    ["minigrad.random", "minigrad.factories"],
    # 3: the op contract and the grad-mode switches
    ["minigrad.autograd.function", "minigrad.autograd.grad_mode", "minigrad.autograd.anomaly_mode"],
    # 4: the ops, and the engine that runs their backward
    ["minigrad.ops", "minigrad.autograd.engine"],
    # 5: gradient checks and the autograd namespace
    ["minigrad.autograd"],
    # 6: libraries built on the core
    ["minigrad.nn", "minigrad.optim", "minigrad.utils.data", "minigrad.utils.graph", "minigrad.serialization",
     "minigrad._archive", "minigrad._storages", "minigrad._torch_format", "minigrad.metrics", "minigrad.cuda"],
    # 7: the torch-shaped namespace and applications
    ["minigrad"],
]
# The layers the tests treat as the core: a function-local import of the package there needs a comment
CORE = 5
UPWARD_BLOCK = "# --- the one import block that looks upward"


def _modules():
    """{dotted module name: path} for every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def layer(module):
    best, found = -1, None
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, found = len(name), i
    return found


def _target(module, is_package, node):
    """The package modules an import statement names (``from a import b``: ``a.b`` when it is a module)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "minigrad"]
    if node.level:
        base = module.split(".")
        base = base[:len(base) - node.level + (1 if is_package else 0)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    if source.split(".")[0] != "minigrad":
        return []
    return [f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source for a in node.names]


def imports():
    """(module, imported module, line, in a function?, after the upward-block marker?, comment above)"""
    out = []
    for module, path in MODULES.items():
        text = path.read_text()
        lines = text.splitlines()
        marker = next((i + 1 for i, line in enumerate(lines) if line.startswith(UPWARD_BLOCK)), None)
        tree = ast.parse(text)
        local = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 for n in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _target(module, path.name == "__init__.py", node):
                    above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                    out.append((module, target, node.lineno, id(node) in local,
                                marker is not None and node.lineno > marker,
                                "#" in lines[node.lineno - 1] or above.startswith("#")))
    return out


IMPORTS = imports()


def test_every_module_has_a_layer():
    assert all(layer(m) is not None for m in MODULES)


def test_imports_only_look_down():
    upward = [f"{m}:{line} imports {t} (layer {layer(t)} above {layer(m)})"
              for m, t, line, _, in_block, _ in IMPORTS
              if layer(t) > layer(m) and not (m == "minigrad.tensor" and in_block)]
    assert not upward, "\n".join(upward)


def test_the_one_upward_block_is_tensor_py_and_it_is_documented():
    blocks = {m for m, t, _, _, in_block, _ in IMPORTS if in_block}
    assert blocks == {"minigrad.tensor"}
    assert UPWARD_BLOCK in MODULES["minigrad.tensor"].read_text()


def test_no_import_cycle_but_the_documented_one():
    graph = {}
    for m, t, _, _, in_block, _ in IMPORTS:
        if t != m and not (m == "minigrad.tensor" and in_block):
            graph.setdefault(m, set()).add(t)
    state, cycles = {}, []

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"
    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_no_function_local_import_of_the_package_in_the_core_without_a_reason():
    silent = [f"{m}:{line} imports {t} inside a function" for m, t, line, in_function, _, commented in IMPORTS
              if in_function and layer(m) <= CORE and not commented]
    assert not silent, "\n".join(silent)


@pytest.mark.parametrize("bad", [
    ("minigrad.ops.arithmetic", "minigrad.nn.functional"),  # an op reaching into nn
    ("minigrad.random.generator", "minigrad"),  # the ground floor importing the top package
])
def test_the_layers_would_catch_an_upward_import(bad):
    source, target = bad
    assert layer(target) > layer(source)


# --- the device seam ---------------------------------------------------------------------------
# Inside ops/, nn/ and optim/ arrays are made on their inputs' device: with ``like=`` an array
# (NumPy dispatches the call to that array's module, CuPy on a GPU) or through ``_backend.xp``. A
# creation call without ``like=`` makes a host array, which CuPy refuses to mix with its own.
CREATORS = {"asarray", "array", "asanyarray", "ascontiguousarray", "zeros", "ones", "empty", "full", "arange",
            "eye", "identity", "linspace", "logspace", "frombuffer", "fromiter"}
SEAM = ("minigrad.ops", "minigrad.nn", "minigrad.optim")
HOST_MARK = "# host:"  # a call that makes host data on purpose says why, on its line


def host_creations():
    found = []
    for module, path in MODULES.items():
        if not module.startswith(SEAM):
            continue
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy")
                    and node.func.attr in CREATORS and not any(k.arg == "like" for k in node.keywords)
                    and HOST_MARK not in lines[node.lineno - 1]):
                found.append(f"{module}:{node.lineno}: np.{node.func.attr}(...) without like=")
    return found


def test_arrays_are_made_on_their_inputs_device():
    found = host_creations()
    assert not found, "\n".join(found)


def test_the_seam_check_sees_a_host_creation(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\n\ndef f(x):\n    return x + np.arange(3)\n")
    monkeypatch.setitem(MODULES, "minigrad.ops.bad", bad)
    assert host_creations() == ["minigrad.ops.bad:4: np.arange(...) without like="]
