"""Two things torch's argument parser (``torch/csrc/utils/python_arg_parser.cpp``) gives every function
it binds, added here to minigrad's functions by one wrapper each instead of by editing every op:

* **NumPy keyword aliases** (``numpy_compatibility_arg_names``): ``axis=`` for ``dim=``,
  ``keepdims=`` for ``keepdim=``, ``x=``/``a=``/``x1=`` for ``input=`` and ``x2=`` for ``other=``, so
  ``t.sum(1, keepdims=True)`` and ``t.argmax(axis=1)`` work. Functions torch writes in Python
  (``torch.norm``, ``Tensor.split``, ``nn.functional.softmax``) do not go through the parser, and
  refuse the aliases in torch too. Giving a parameter twice (``t.sum(1, axis=1)``) is torch's
  ``TypeError: sum() got an unexpected keyword argument 'axis'``.

* **``out=``**: ``torch.add(a, b, out=c)`` writes the result into ``c`` and returns ``c``. As in
  torch: an input (or ``out``) that requires grad is refused while grad mode is on (``out=`` is not
  differentiable); ``out`` of another shape is resized, with torch's deprecation warning when it had
  elements; ``out``'s version goes up (it is an in-place write). Which dtypes ``out`` may have
  depends on the kind of kernel, one of ``KINDS``:

  ``cast``     element-wise kernels (TensorIterator): the result is cast to ``out``'s dtype unless
               that loses a category (float to integer, number to bool).
  ``any``      ``sum``/``prod``/``cumsum``: ``out``'s dtype is the accumulation dtype, anything goes.
  ``exact``    matrix products, ``max(dim)``, ``sort``, ``gather``, ...: ``out`` has the result's dtype.
  ``cat``      ``cat``/``stack``: like ``cast``, with ``torch.cat()``'s own error.
  ``factory``  ``zeros``, ``randn``, ``arange``, ...: the values are made in ``out``'s dtype.

  Only the ``torch.*`` functions take ``out=`` (Tensor methods do not, as in torch);
  ``minigrad/__init__.py`` lists which, and ``parity_tests/test_idioms.py`` checks the list against
  torch's own signatures.
"""
import functools
import inspect
import warnings

from .._backend import to_device
from .._modes import grad_state
from ..factories import C_TYPE_NAMES
from ..tensor import Tensor

NUMPY_ALIASES = {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input", "x1": "input", "x2": "other"}
KINDS = ("cast", "any", "exact", "cat", "factory")



def numpy_aliases(fn):
    """``fn`` accepting torch's NumPy-style keyword aliases for the parameters it has (``fn`` itself
    when it has none of ``dim``, ``keepdim``, ``input``, ``other``)."""
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return fn
    aliases = {alias: name for alias, name in NUMPY_ALIASES.items() if name in params and alias not in params}
    if not aliases:
        return fn
    position = {name: params.index(name) for name in aliases.values()}

    @functools.wraps(fn)
    def accepting_aliases(*args, **kwargs):
        if kwargs:
            for alias in aliases.keys() & kwargs.keys():
                name = aliases[alias]
                if name in kwargs or position[name] < len(args):
                    raise TypeError(f"{fn.__name__}() got an unexpected keyword argument '{alias}'")
                kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)
    return accepting_aliases


def out_variant(fn, kind):
    """``fn`` accepting ``out=`` (a Tensor, or a tuple of them for a function that returns a tuple),
    with the dtype rule ``kind`` (see the module docstring)."""
    if kind not in KINDS:
        raise ValueError(f"unknown out= kind {kind!r}")

    @functools.wraps(fn)
    def with_out(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        return _into(out, kind, fn, args, kwargs)
    with_out.out_kind = kind
    return with_out


def _requires_grad(values):
    for v in values:
        if isinstance(v, Tensor) and v._requires_grad:
            return True
        if isinstance(v, (list, tuple)) and _requires_grad(v):
            return True
    return False


def _into(out, kind, fn, args, kwargs):
    name = fn.__name__
    outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(o).__name__}")
    if grad_state.enabled and _requires_grad((*args, *kwargs.values(), *outs)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    if kind == "factory":
        dtype = kwargs.get("dtype")
        if dtype is not None and dtype is not outs[0].dtype:
            raise RuntimeError(f"dtype {dtype.legacy_name} does not match dtype of out parameter "
                               f"({outs[0].dtype.legacy_name})")
        kwargs = {**kwargs, "dtype": outs[0].dtype, "device": outs[0].device}
    result = fn(*args, **kwargs)
    results = tuple(result) if isinstance(result, tuple) else (result,)
    if len(results) != len(outs):
        raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(results)} Tensors"
                        if len(results) > 1 else f"{name}(): argument 'out' must be Tensor, not tuple")
    for r, o in zip(results, outs):
        _check_dtype(name, kind, r.dtype, o.dtype)
    for r, o in zip(results, outs):
        _write(o, r)
    return type(result)(*outs) if isinstance(result, tuple) else out


def _check_dtype(name, kind, result, wanted):
    if kind == "exact" and result is not wanted:
        raise RuntimeError(f"Expected out tensor to have dtype {C_TYPE_NAMES[result.name]}, but got "
                           f"{C_TYPE_NAMES[wanted.name]} instead")
    if kind in ("cast", "cat") and result._category > wanted._category:  # torch's canCast
        if kind == "cat":
            raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                            f"{wanted.legacy_name}")
        raise RuntimeError(f"result type {result.legacy_name} can't be cast to the desired output type "
                           f"{wanted.legacy_name}")


def _write(o, r):
    """Write the result ``r`` into ``o``, resizing ``o`` as torch's ``resize_output`` does."""
    array = to_device(r._data, o.device).astype(o.dtype.np, copy=False)
    if o._data.shape == array.shape:
        o._data[...] = array
    else:
        if o._data.size:
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(o.shape)}, "
                          f"which does not match the required output shape {list(r.shape)}. This behavior is "
                          "deprecated, and in a future PyTorch release outputs will not be resized unless they "
                          "have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, "
                          "to zero elements with t.resize_(0).", UserWarning, stacklevel=4)
        o._data = array.copy() if array is r._data else array
    o._bump_version()


# The torch.* functions whose Python signatures take out= (torch/_C/_VariableFunctions.pyi; torch.norm
# in torch/functional.py), by the kind of their dtype rule.
OUT_KINDS = {
    **dict.fromkeys(
        "abs absolute add sub subtract mul multiply div divide true_divide floor_divide remainder pow neg negative "
        "maximum minimum where eq ne lt le gt ge logical_and logical_or logical_xor logical_not bitwise_and "
        "bitwise_or bitwise_xor bitwise_not exp expm1 log log1p log2 log10 sqrt rsqrt sin cos tanh sigmoid "
        "reciprocal square clamp clip sign floor ceil round trunc nan_to_num mean std var logsumexp amax amin all "
        "any norm softmax log_softmax bernoulli multinomial addcmul addcdiv lerp".split(), "cast"),
    **dict.fromkeys("sum prod cumsum".split(), "any"),
    **dict.fromkeys("mm bmm matmul mv dot addmm max min argmax argmin argsort sort topk gather index_select "
                    "masked_select scatter scatter_add".split(), "exact"),
    **dict.fromkeys("cat concat concatenate stack".split(), "cat"),
    **dict.fromkeys("zeros ones empty full arange linspace logspace eye rand randn randint randperm normal".split(),
                    "factory"),
}
# Functions and methods torch writes in Python: its argument parser, and so the aliases, never sees them.
PYTHON_FUNCTIONS = frozenset({"norm", "split", "unique"})
PYTHON_METHODS = frozenset({"norm", "split", "unflatten", "unique", "backward", "register_hook"})


def bind_functions(namespace):
    """Give the ``torch.*`` functions of ``namespace`` (a module's ``globals()``) the aliases and ``out=``."""
    for name, fn in list(namespace.items()):
        if name.startswith("_") or not inspect.isfunction(fn) or not fn.__module__.startswith("minigrad."):
            continue
        if name not in PYTHON_FUNCTIONS:
            fn = numpy_aliases(fn)
        if name in OUT_KINDS:
            fn = out_variant(fn, OUT_KINDS[name])
        namespace[name] = fn


def bind_methods(cls):
    """Give ``cls``'s (Tensor's) methods the NumPy keyword aliases."""
    for name, fn in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(fn) and name not in PYTHON_METHODS:
            setattr(cls, name, numpy_aliases(fn))
