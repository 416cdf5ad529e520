"""Torch-identical ``repr``/``str`` of tensors.

``tensor_repr(t)`` returns exactly the text torch prints for the same values, dtype, device and
autograd state, e.g. ``tensor([[1.0000, 0.5000]], dtype=torch.float64, requires_grad=True)``.

How torch lays a tensor out, in four steps:

1. **Summarise.** A tensor with more than ``threshold`` elements shows only the first and last
   ``edgeitems`` entries of every dimension longer than ``2 * edgeitems``, with ``...`` between.
2. **Choose one format for all shown elements** (``_Formatter``). Integers and bools print as
   Python prints them. Floats print in one of three modes, decided from the finite non-zero
   values: *integer mode* (``1.``) when all are whole numbers, *scientific* (``1.0000e+08``) when
   max/min > 1000, max > 1e8 or min < 1e-4, else *fixed* (``0.1000``) with ``precision`` digits.
   Every element is right-aligned to the widest one.
3. **Lay out** rows of at most ``linewidth`` characters, brackets nested per dimension, and
   ``dim - 1`` newlines between sub-tensors so 3-D blocks are separated by a blank line.
4. **Append suffixes** in torch's order: ``device=``, ``size=``, ``dtype=``, then ``grad_fn=`` or
   ``requires_grad=True``, each wrapped to a new line when it would pass ``linewidth``.

The print options (``set_printoptions``) have torch's defaults and profiles.
"""
import contextlib
import dataclasses
import math

import numpy as np

from ._backend import host
from .dtypes import get_default_dtype

__all__ = ["tensor_repr", "set_printoptions", "get_printoptions", "printoptions"]

_PREFIX = "tensor("


@dataclasses.dataclass
class _PrintOptions:
    """The current print options (torch's defaults)."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set print options, as ``torch.set_printoptions``.

    ``profile`` ('default', 'short' or 'full') resets precision, threshold, edgeitems and linewidth
    first; the other arguments then override it when given. As in torch, an unknown profile is
    ignored, and ``sci_mode`` is always assigned, so leaving it out resets it to automatic (None).
    """
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(PRINT_OPTS, name, value)
    overrides = dict(precision=precision, threshold=threshold, edgeitems=edgeitems,
                     linewidth=linewidth)
    for name, value in overrides.items():
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options as a dict that ``set_printoptions(**d)`` accepts."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager: set print options for the ``with`` block, then restore the old ones."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


class _Formatter:
    """One format, fitted to a set of values, that every element of a tensor is printed with.

    ``width`` is the length of the longest formatted finite non-zero value (at least 1); shorter
    texts are padded on the left. Zeros, nan and inf never widen the column, as in torch.
    """

    def __init__(self, values, is_floating):
        self.is_floating = is_floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if is_floating:
            self._fit_floats(values.astype(np.float64).ravel())
        else:
            self.width = max([self.width] + [len(str(v)) for v in values.ravel().tolist()])

    def _fit_floats(self, values):
        """Pick integer/scientific mode and the width from the finite non-zero values."""
        shown = values[np.isfinite(values) & (values != 0)]
        if shown.size == 0:
            return
        magnitudes = np.abs(shown)
        # Python floats, so that a ratio past the float64 range is inf without a warning.
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        self.width = max(len(self._text(v)) for v in shown.tolist())

    def _text(self, value):
        """``value`` in this format, unpadded (integer mode marks finite floats with a dot)."""
        if not self.is_floating:
            return str(value)
        if self.sci_mode:
            return f"{value:.{PRINT_OPTS.precision}e}"
        if self.int_mode:
            return f"{value:.0f}" + ("." if math.isfinite(value) else "")
        return f"{value:.{PRINT_OPTS.precision}f}"

    def format(self, value):
        """``value`` (a Python number) formatted and right-aligned to the common width."""
        return self._text(value).rjust(self.width)


def _shown_values(a):
    """The elements a summarised print shows: the first and last ``edgeitems`` of each long axis."""
    edge = PRINT_OPTS.edgeitems
    kept = [np.r_[0:edge, n - edge:n] if n > 2 * edge else np.arange(n) for n in a.shape]
    return a[np.ix_(*kept)]


def _format_vector(a, indent, summarize, fmt):
    """A 1-D array as ``[x, y, ...]``, wrapped so lines stay within ``linewidth``."""
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and len(a) > 2 * edge:
        items = ([fmt.format(v) for v in a[:edge].tolist()] + [" ..."]
                 + [fmt.format(v) for v in a[-edge:].tolist()])
    else:
        items = [fmt.format(v) for v in a.tolist()]
    per_line = max(1, (PRINT_OPTS.linewidth - indent) // (fmt.width + 2))
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _format_array(a, indent, summarize, fmt):
    """An array of any rank as nested brackets; ``indent`` is the column of its opening bracket."""
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _format_vector(a, indent, summarize, fmt)
    edge = PRINT_OPTS.edgeitems
    if summarize and len(a) > 2 * edge:
        rows = [_format_array(a[i], indent + 1, summarize, fmt) for i in range(edge)]
        rows += ["..."]
        rows += [_format_array(a[i], indent + 1, summarize, fmt)
                 for i in range(len(a) - edge, len(a))]
    else:
        rows = [_format_array(row, indent + 1, summarize, fmt) for row in a]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _format_data(a, is_floating):
    """The bracketed values of a non-empty array, as they appear after ``tensor(``."""
    summarize = a.size > PRINT_OPTS.threshold
    fmt = _Formatter(_shown_values(a) if summarize else a, is_floating)
    return _format_array(a, len(_PREFIX), summarize, fmt)


def _dtype_suffixes(a, dtype):
    """The ``size=``/``dtype=`` suffixes: shown when the values alone would not tell them."""
    default = get_default_dtype().name
    suffixes = []
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={a.shape}")
        if dtype.name != default:
            suffixes.append(f"dtype=torch.{dtype.name}")
        return suffixes
    if not PRINT_OPTS.edgeitems:
        suffixes.append(f"size={a.shape}")
    if dtype.name not in (default, "int64", "bool"):
        suffixes.append(f"dtype=torch.{dtype.name}")
    return suffixes


def _autograd_suffixes(t):
    """``grad_fn=<Name>`` for a computed tensor, ``requires_grad=True`` for a leaf needing grad."""
    if t.grad_fn is not None:
        return [f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>"]
    if t.requires_grad:
        return ["requires_grad=True"]
    return []


def _join_suffixes(text, suffixes):
    """Append ``, suffix`` items and the closing parenthesis, wrapping long lines like torch.

    Torch's measure of the current line is two characters longer than the line until the first
    wrap, after which it is exact; that quirk decides where suffixes wrap, so it is kept.
    """
    indent = len(_PREFIX)
    line_len = len(text) - text.rfind("\n") + 1
    parts = [text]
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line_len += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(t):
    """The text torch prints for a tensor with ``t``'s values, dtype, device and autograd state."""
    a = host(t._data)
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    suffixes += _dtype_suffixes(a, t.dtype)
    suffixes += _autograd_suffixes(t)
    body = _format_data(a, t.dtype.is_floating_point) if a.size else "[]"
    return _join_suffixes(_PREFIX + body, suffixes)
