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
  depends on the kernel, and so do torch's messages: ``OUT_KINDS`` gives each function's rule in
  ``DTYPE_RULES``. The main ones: ``cast`` (element-wise kernels cast the result to ``out``'s dtype
  unless that loses a category: float to integer, number to bool), ``any`` (``sum``, ``cumsum``:
  ``out``'s dtype is the accumulation dtype), ``exact``/``same``/``match`` (matrix products, ``sort``,
  ``abs``, ``amax``, ...: ``out`` has the result's dtype), ``factory`` (``zeros``, ``randn``, ...: the
  values are made in ``out``'s dtype, and a resize is silent).

  A function returning a tuple (``sort``, ``kthvalue``, ``linalg.qr``) takes a tuple ``out`` and its rule is
  checked on each member. Where torch's kernel shows ``out`` differently in its resize warning, a table says how
  (``KEEPDIM_RESIZE``, ``TRANSPOSED_OUT``, ``SILENT_RESIZE``).

  Only the ``torch.*`` and ``torch.linalg.*`` functions take ``out=`` (Tensor methods do not, as in torch);
  ``OUT_KINDS`` and ``LINALG_OUT_KINDS`` list which, and ``parity_tests/test_idioms.py`` checks the lists against
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


def out_variant(fn, kind, name=None):
    """``fn`` accepting ``out=`` (a Tensor, or a tuple of them for a function that returns a tuple),
    with the dtype rule ``kind`` (see the module docstring); ``name``: torch's name of ``fn`` (its ``__name__``
    unless given)."""
    if not all(rule in DTYPE_RULES for rule in kind.split(" then ")) and kind != "pair":
        raise ValueError(f"unknown out= kind {kind!r}")

    @functools.wraps(fn)
    def with_out(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        return _into(out, kind, fn, args, kwargs, name or fn.__name__)
    with_out.out_kind = kind
    return with_out


def _requires_grad(values):
    for v in values:
        if isinstance(v, Tensor) and v._requires_grad:
            return True
        if isinstance(v, (list, tuple)) and _requires_grad(v):
            return True
    return False


def _into(out, kind, fn, args, kwargs, name):
    outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(o).__name__}")
    if grad_state.enabled and _requires_grad((*args, *kwargs.values(), *outs)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    kernel, lacking = NOT_IMPLEMENTED_FOR.get(name, (None, ()))
    if outs[0].dtype.name in lacking:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{outs[0].dtype.legacy_name}'")
    if kind == "factory":
        dtype = kwargs.get("dtype")
        if dtype is not None and dtype is not outs[0].dtype:
            raise RuntimeError(f"dtype {dtype.legacy_name} does not match dtype of out parameter "
                               f"({outs[0].dtype.legacy_name})")
        kwargs = {**kwargs, "dtype": outs[0].dtype, "device": outs[0].device}
    elif kind == "any" and "dtype" in inspect.signature(fn).parameters:  # sum, prod, cumsum accumulate in out's dtype
        kwargs = {**kwargs, "dtype": outs[0].dtype}
    result = fn(*args, **kwargs)
    results = tuple(result) if isinstance(result, tuple) else (result,)
    if len(results) != len(outs):
        raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(results)} Tensors"
                        if len(results) > 1 else f"{name}(): argument 'out' must be Tensor, not tuple")
    if kind == "pair":  # max/min: (values, indices) of exactly their dtypes; a full reduction casts
        kind = "exact" if len(results) > 1 else "reduce cast"
    for r, o in zip(results, outs):
        for rule in kind.split(" then "):  # a kernel checking two rules in turn (matrix_power)
            allowed, message, error = DTYPE_RULES[rule]
            if not allowed(r.dtype, o.dtype):
                raise error(message.format(name=name, r=r.dtype.legacy_name, o=o.dtype.legacy_name,
                                           rc=C_TYPE_NAMES[r.dtype.name], oc=C_TYPE_NAMES[o.dtype.name],
                                           int32=r.dtype.name == "int32", rt=_type_name(r.dtype),
                                           ot=_type_name(o.dtype)))
    kept = None
    if name in KEEPDIM_RESIZE:
        bound = inspect.signature(fn).bind(*args, **kwargs)
        bound.apply_defaults()
        if not bound.arguments["keepdim"]:
            kept = bound.arguments["dim"] % (results[0].ndim + 1)
    for i, (r, o) in enumerate(zip(results, outs)):
        _write(o, r, name, warn=kind != "factory" and name not in SILENT_RESIZE, kept=kept,
               transposed=TRANSPOSED_OUT.get(name) == i)
    return type(result)(*outs) if isinstance(result, tuple) else out


def _type_name(dtype):
    """torch's name of the CPU tensor type of ``dtype`` in its checks (``checkSameType``): ``torch.FloatTensor``;
    bool, which has no legacy tensor class, prints as ``CPUBoolType``."""
    return "CPUBoolType" if dtype.name == "bool" else f"torch.{dtype.legacy_name}Tensor"


def _can_cast(result, wanted):
    """torch's ``canCast``: no float to integer, no number to bool."""
    return result._category <= wanted._category


# kind: (is out's dtype allowed for this result dtype, torch's message, torch's exception)
DTYPE_RULES = {
    "cast": (_can_cast, "result type {r} can't be cast to the desired output type {o}", RuntimeError),
    "cat": (_can_cast, "torch.cat(): input types can't be cast to the desired output type {o}", TypeError),
    "reduce cast": (_can_cast, "Expected canCast( typeMetaToScalarType(self.dtype()), typeMetaToScalarType("
                    "out.dtype())) to be true, but got false.  (Could this error message be improved?  If so, please "
                    "report an enhancement request to PyTorch.)", RuntimeError),
    "dot": (lambda r, o: r is o, "result dtype {o} does not match input dtype {r}", RuntimeError),
    "floating": (lambda r, o: o.is_floating_point, "{name}(): Expected floating point type for result tensor, but got: "
                                                   "{o}", RuntimeError),
    "any": (lambda r, o: True, "", RuntimeError),
    "factory": (lambda r, o: True, "", RuntimeError),
    "exact": (lambda r, o: r is o, "Expected out tensor to have dtype {rc}, but got {oc} instead", RuntimeError),
    "same": (lambda r, o: r is o, "Found dtype {o} but expected {r}", RuntimeError),
    "match": (lambda r, o: r is o, "Expected the dtype for input and out to match, but got {r} for input's dtype "
                                   "and {o} for out's dtype.", RuntimeError),
    "scalar type": (lambda r, o: r is o, "{name}(): self and result must have the same scalar type", RuntimeError),
    "where": (lambda r, o: r is o, "Expected out type to be {r} but got {o}", RuntimeError),
    "nan_to_num": (lambda r, o: r is o, "nan_to_num: dtype of out: {o} should be same as input: {r}", RuntimeError),
    "bool": (lambda r, o: o.name == "bool", "{name} only supports bool tensor for result, got: {o}", RuntimeError),
    "long": (lambda r, o: o.name == "int64", "{name} expects Long tensor out, got: {o}", RuntimeError),
    "nonzero": (lambda r, o: o.name == "int64",  # (torch's text has no space before the dtype)
                "{name}: Expected out tensor to have scalar type Long but got scalar type{o}", RuntimeError),
    "boolean": (lambda r, o: o.name == "bool", "{name} does not support non-boolean outputs.", RuntimeError),
    "castable": (_can_cast, "{name}: Expected result to be safely castable from {r} dtype, but got result with dtype "
                            "{o}", RuntimeError),
    "float_power": (lambda r, o: r is o, "the output given to float_power has dtype {o} but the operation's result "
                                         "requires dtype {r}", RuntimeError),
    "heaviside": (lambda r, o: r is o, "heaviside is not yet implemented for tensors with different dtypes.",
                  RuntimeError),
    "scalar_type": (lambda r, o: r is o, "expected scalar_type {r} but found {o}", RuntimeError),
    "quantile": (lambda r, o: r is o, "quantile() out tensor must be same dtype as the input tensor", RuntimeError),
    "addbmm": (lambda r, o: r is o, "self and mat2 must have the same dtype, but got {o} and {r}", RuntimeError),
    "searchsorted": (lambda r, o: r is o, "torch.searchsorted(): output tensor's dtype is wrong, it can only be "
                                          "Int(int32) or Long(int64) depending on whether out_int32 flag is True, "
                                          "but we got output tensor's dtype {o} and out_int32 flag is {int32}",
                     RuntimeError),
    "multi_dot": (lambda r, o: r is o, "multi_dot(): expected out tensor to have dtype {rc} but got {oc}",
                  RuntimeError),
    "matrix_norm": (lambda r, o: r is o, "linalg.matrix_norm expected out tensor dtype {r} but got: {o}",
                    RuntimeError),
    "histc": (lambda r, o: r is o, "torch.histogram: input tensor and hist tensor should have the same dtype, but got "
                                   "input {rc} and hist {oc}", RuntimeError),
    "tensordot": (lambda r, o: r is o, "tensordot: Expected the output tensor to have dtype {r}, but got an output "
                                       "tensor with dtype {o}", RuntimeError),
    "kthvalue": (lambda r, o: r is o, "output values must be of same type as input", RuntimeError),
    "median": (lambda r, o: r is o, "Expected tensor for 'values' to have the same type as tensor for argument #2 "
                                    "'self'; but type {ot} does not equal {rt} (while checking arguments for median)",
               RuntimeError),
    "mode": (lambda r, o: r is o, "expected scalar type '{r}' but got '{o}' for values output", RuntimeError),
    "frexp": (lambda r, o: r is o, "torch.frexp() expects mantissa to have dtype {rc} but got {oc}", RuntimeError),
    "linalg.norm": (lambda r, o: r is o, "linalg.norm expected out tensor dtype {r} but got: {o}", RuntimeError),
    "vecdot": (lambda r, o: r is o, "linalg.vecdot: Expected out of dtype{r} but found {o}", RuntimeError),
    "scalar type found": (lambda r, o: r is o, "expected scalar type {r} but found {o}", RuntimeError),
    "take": (lambda r, o: r is o, "take(): self and out expected to have the same dtype, but got self.dtype = {r} and "
                                  "out.dtype = {o}", RuntimeError),
}
SILENT_RESIZE = {"bernoulli", "multinomial", "addbmm"}  # as torch's factories, they resize ``out`` without a warning
# reductions whose kernels resize ``out`` with the reduced dim kept (then squeeze it), so torch's resize warning
# shows the shapes with that dim: does the kernel unsqueeze any ``out`` (True), or only one with the result's dims
KEEPDIM_RESIZE = {"kthvalue": False, "mode": True}
TRANSPOSED_OUT = {"svd": 2}  # torch.svd writes V through its transpose (V = Vh.mH): the warning shows that shape
# kernels torch does not compile for some out dtypes: (the kernel's name in torch's NotImplementedError, those dtypes)
NOT_IMPLEMENTED_FOR = {
    **{name: (f"{name}_cpu", {"bool"}) for name in ("arange", "linspace", "logspace")},
    "randperm": ("randperm", {"bool"}), "cumsum": ("cumsum_out_cpu", {"bool"}),
    "cumprod": ("cumprod_out_cpu", {"bool"}),
    "nansum": ("nansum_cpu", {"bool", "int64"}), "nanmean": ("nansum_cpu", {"bool", "int64"}),
}


def _write(o, r, name, warn, kept=None, transposed=False):
    """Write the result ``r`` into ``o``, resizing ``o`` as torch's ``resize_output`` does (``kept``: the reduced dim
    the kernel keeps while resizing, see KEEPDIM_RESIZE; ``transposed``: see TRANSPOSED_OUT)."""
    array = to_device(r._data, o.device).astype(o.dtype.np, copy=False)
    if o._data.shape == array.shape:
        o._data[...] = array
    else:
        if o._data.size and name == "arange":
            warnings.warn(f"The number of elements in the out tensor of shape {list(o.shape)} is {o._data.size} "
                          f"which does not match the computed number of elements {array.size}. Note that this may "
                          "occur as a result of rounding error. The out tensor will be resized to a tensor of "
                          f"shape ({array.size},).", UserWarning, stacklevel=4)
        elif o._data.size and warn:
            had, required = list(o.shape), list(r.shape)
            if kept is not None:
                if KEEPDIM_RESIZE[name] or len(had) == len(required):
                    had.insert(min(kept, len(had)), 1)
                required.insert(kept, 1)
            if transposed:
                had[-2:], required[-2:] = had[-2:][::-1], required[-2:][::-1]
            warnings.warn(f"An output with one or more elements was resized since it had shape {had}, "
                          f"which does not match the required output shape {required}. This behavior is "
                          "deprecated, and in a future PyTorch release outputs will not be resized unless they "
                          "have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, "
                          "to zero elements with t.resize_(0).", UserWarning, stacklevel=4)
        o._data = array.copy() if array is r._data else array
    o._bump_version()


# The torch.* functions whose Python signatures take out= (torch/_C/_VariableFunctions.pyi; torch.norm
# in torch/functional.py), by their dtype rule (DTYPE_RULES). argsort is left out: torch takes its out=
# only in the overload that has stable= (argsort(x, out=o) is a TypeError there), which this table can't say.
OUT_KINDS = {
    **dict.fromkeys(
        "add sub subtract mul multiply div divide true_divide floor_divide remainder pow maximum minimum eq ne lt le "
        "gt ge logical_and logical_or logical_xor logical_not bitwise_and bitwise_or bitwise_xor exp expm1 log "
        "log1p log2 log10 sqrt rsqrt sin cos tanh sigmoid reciprocal square mean std var addcmul addcdiv "
        "lerp".split(), "cast"),
    **dict.fromkeys("abs absolute neg negative ceil floor round trunc sign clamp clip bitwise_not".split(), "same"),
    **dict.fromkeys("sum prod cumsum bernoulli".split(), "any"),
    **dict.fromkeys("mm bmm matmul mv addmm argmax argmin sort topk gather scatter scatter_add softmax "
                    "log_softmax norm".split(), "exact"),
    **dict.fromkeys("amax amin".split(), "match"),
    **dict.fromkeys("index_select masked_select".split(), "scalar type"),
    **dict.fromkeys("all any".split(), "bool"),
    **dict.fromkeys("max min".split(), "pair"),
    **dict.fromkeys("cat concat concatenate stack".split(), "cat"),
    **dict.fromkeys("zeros ones empty full arange linspace logspace eye rand randn randint randperm normal".split(),
                    "factory"),
    "where": "where", "nan_to_num": "nan_to_num", "multinomial": "long", "nonzero": "nonzero", "dot": "dot", "logsumexp": "floating",
    **dict.fromkeys(
        "acos arccos asin arcsin atan arctan acosh arccosh asinh arcsinh atanh arctanh cosh sinh tan erf erfc erfinv "
        "exp2 logit sinc deg2rad rad2deg angle diff atan2 arctan2 copysign fmax fmin fmod hypot logaddexp logaddexp2 "
        "nextafter xlogy greater greater_equal less less_equal not_equal outer ger addr kron gcd lcm".split(), "cast"),
    **dict.fromkeys("fix frac sgn clamp_max clamp_min".split(), "same"),
    **dict.fromkeys("cumprod nansum nanmean".split(), "any"),
    **dict.fromkeys("diag tril triu msort baddbmm addmv inverse cross isin renorm slice_scatter take_along_dim "
                    "frobenius_norm".split(), "exact"),
    # the tuple-returning ones: the rule is checked on each out (the indices' dtype is exact)
    **dict.fromkeys("aminmax qr svd slogdet triangular_solve".split(), "exact"),
    **dict.fromkeys("cummax cummin".split(), "scalar_type"),
    **dict.fromkeys("median nanmedian".split(), "median"),
    "kthvalue": "kthvalue", "mode": "mode", "frexp": "frexp", "histogram": "histc",
    **dict.fromkeys("column_stack dstack hstack vstack row_stack".split(), "cat"),
    **dict.fromkeys("signbit isneginf isposinf".split(), "boolean"),
    **dict.fromkeys("cholesky cholesky_inverse cholesky_solve".split(), "castable"),
    **dict.fromkeys("quantile nanquantile".split(), "quantile"),
    **dict.fromkeys("bucketize searchsorted".split(), "searchsorted"),
    **dict.fromkeys("inner tensordot".split(), "tensordot"),
    "float_power": "float_power", "heaviside": "heaviside", "logcumsumexp": "scalar_type", "addbmm": "addbmm",
    "chain_matmul": "multi_dot", "nuclear_norm": "matrix_norm", "histc": "histc", "take": "take", "vdot": "dot",
    "matrix_power": "castable then exact",
}
# torch.linalg's functions that take out=: {name: (dtype rule, the name torch's messages give it)}
LINALG_OUT_KINDS = {
    **{name: ("exact", f"linalg_{name}") for name in (
        "cholesky cholesky_ex cross det eigh eigvalsh inv inv_ex matmul qr slogdet solve solve_ex svd svdvals "
        "vector_norm").split()},
    **{name: ("castable", f"linalg.{name}") for name in ("cond", "pinv")},
    **{name: ("castable", name) for name in ("tensorinv", "tensorsolve")},
    "matrix_rank": ("castable", "torch.linalg.matrix_rank"), "matrix_power": ("castable then exact", "matrix_power"),
    "matrix_norm": ("matrix_norm", "linalg_matrix_norm"), "multi_dot": ("multi_dot", "linalg_multi_dot"),
    "norm": ("linalg.norm", "linalg_norm"), "vecdot": ("vecdot", "linalg_vecdot"),
    "solve_triangular": ("scalar type found", "linalg_solve_triangular"),
}
# Functions and methods torch writes in Python: its argument parser, and so the aliases, never sees them.
PYTHON_FUNCTIONS = frozenset({"norm", "split", "unique", "unique_consecutive"})
PYTHON_METHODS = frozenset({"norm", "split", "unflatten", "unique", "unique_consecutive", "backward", "register_hook"})


def bind_functions(namespace, out_kinds=OUT_KINDS):
    """Give the ``torch.*`` functions of ``namespace`` (a module's ``globals()``) the aliases and ``out=`` (by
    ``out_kinds``: name to kind, or to (kind, the name torch's messages give the function))."""
    for name, fn in list(namespace.items()):
        if name.startswith("_") or not inspect.isfunction(fn) or not fn.__module__.startswith("minigrad."):
            continue
        if name not in PYTHON_FUNCTIONS:
            fn = numpy_aliases(fn)
        if name in out_kinds:
            kind, torch_name = out_kinds[name] if isinstance(out_kinds[name], tuple) else (out_kinds[name], name)
            fn = out_variant(fn, kind, torch_name)
        namespace[name] = fn


def bind_methods(cls):
    """Give ``cls``'s (Tensor's) methods the NumPy keyword aliases."""
    for name, fn in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(fn) and name not in PYTHON_METHODS:
            setattr(cls, name, numpy_aliases(fn))
