"""The AttributeError for a name minigrad lacks: ``torch.einsum`` on minigrad says that torch has
``einsum`` and minigrad does not implement it yet, instead of a bare "has no attribute". Each
torch-shaped module ends with ``__getattr__ = missing_names(__name__, "<torch namespace>")`` (``Tensor.__getattr__`` asks
``is_torch_name`` too); the
list of torch's names is ``_torch_names.json`` (the one ``python -m minigrad.coverage`` reads)."""
import functools
import json
import pathlib

_NAMES_FILE = pathlib.Path(__file__).with_name("_torch_names.json")


@functools.cache
def _torch_names(namespace):
    spaces = json.loads(_NAMES_FILE.read_text())["namespaces"]
    entry = spaces[namespace]
    return frozenset(entry["names"]).union(*entry["excepted"].values())


def is_torch_name(namespace, name):
    """Whether torch 2.13 has ``name`` in ``namespace`` (``"Tensor"`` for Tensor's methods and properties)."""
    return not name.startswith("__") and name in _torch_names(namespace)


def missing_names(module_name, namespace):
    """A module-level ``__getattr__`` (PEP 562) for ``module_name``, standing for torch's ``namespace``
    (``"torch"``, ``"nn"``, ``"nn.functional"``, ``"optim"``, ``"lr_scheduler"``, ``"linalg"``)."""
    torch_name = "torch" if namespace == "torch" else f"torch.{namespace}"

    def __getattr__(name):
        if is_torch_name(namespace, name):
            raise AttributeError(f"module '{module_name}' has no attribute '{name}': {torch_name}.{name} is not "
                                 f"implemented in minigrad yet")
        raise AttributeError(f"module '{module_name}' has no attribute '{name}'")
    return __getattr__
