"""In-place ops (``add_``, ``fill_``, ``copy_``, ``x[i] = v``, ``uniform_``, ...) and torch's view
model: writing into a tensor's memory, and rebasing the history of the tensor that owns it.

**Views.** A view (``x[1:]``, ``x.t()``, ``x.view(6)``, ...) shares its input's memory. It knows
its *base*, the root tensor that owns the memory (``x[1:][0]._base is x``), and shares the base's
version counter (``Tensor._make_view``). Nothing more is recorded when a view is made: which root
elements it covers is worked out from the memory addresses, and only when it is written to.

**In-place without a graph** (grad mode off, nothing requires grad): the op writes the array.

**In-place with a graph, on a tensor that is not a view**: the op runs *out of place* on a copy of
the old value (one node, whose backward may read that copy safely), the result is written into the
tensor's memory, and the tensor takes the node as its ``grad_fn``: torch's history rebase.

**In-place with a graph, on a view ``v`` of base ``b``** (torch's ``CopySlices``): the op's node is
made the same way, but it is ``b`` whose history is rebased: ``b.grad_fn`` becomes a ``CopySlices``
node that, in backward, takes ``b``'s gradient, runs the op's backward on the part ``v`` covers,
writes the op's input gradient back into that part, and passes the whole on to ``b``'s previous
history. Every view of ``b`` (made before or after) then regenerates its own ``grad_fn`` from
``b``'s new history when next asked (``refresh``: an ``AsStridedBackward0`` node, as torch prints).

Either way the version counter shared by the base and its views goes up, so a node that saved the
old value refuses to run backward (``Function.saved_tensors``). torch's refusals are in ``check``.
Sources: torch/csrc/autograd/variable.cpp (``rebase_history``, ``grad_fn`` of views) and
functions/tensor.cpp (``CopySlices::apply``).
"""
import weakref

import numpy as np

from .._backend import to_device
from .._modes import grad_state as _grad_state
from ..autograd.engine import _fit
from ..autograd.function import BuiltinFunction
from ..random import _resolve
from ..tensor import Tensor, _wrap
from ..dtypes import cast_scalar
from ._util import broadcast_error

_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation.")
_MULTI = ("Output {index} of {op} is a view and is being modified inplace. This view is the output of a function "
          "that returns multiple views. Such functions do not allow the output views to be modified inplace. You "
          "should replace the inplace operation by an out-of-place one.")
_MULTI_CHANGED = ("Output {index} of {op} is a view and its base or another view of its base has been modified inplace. "
                  "This view is the output of a function that returns multiple views. Such functions do not allow the "
                  "output views to be modified inplace. You should replace the inplace operation by an out-of-place one.")
_NO_GRAD_MULTI = ("A view was created in no_grad mode and is being modified inplace with grad mode enabled. This view is "
                  "the output of a function that returns multiple views. Such functions do not allow the output views to "
                  "be modified inplace. You should replace the inplace operation by an out-of-place one.")
_NO_GRAD_HINT = ("Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code "
                 "by moving both the view and the inplace either both inside the no_grad block (if you don't want "
                 "the inplace to be tracked) or both outside (if you want the inplace to be tracked).")
_NO_GRAD_VIEW = "A view was created in no_grad mode and is being modified inplace with grad mode enabled. " + _NO_GRAD_HINT
_NO_GRAD_VIEW_OF_VIEW = ("Output 0 of {op} is a view of a view which was created in no_grad mode and is being modified "
                         "inplace with grad mode enabled. " + _NO_GRAD_HINT)
_NO_GRAD_CHANGED = ("A view was created in no_grad mode and its base or another view of its base has been modified "
                    "inplace with grad mode enabled. " + _NO_GRAD_HINT)


class ViewInfo:
    """What a view remembers: its base (the root that owns the memory), the version at which its
    ``grad_fn`` was last made, and how it was created: ``multi`` = (index, op) for an output of a
    multi-output view op (split, chunk, unbind) or a view of one; ``no_grad`` when made in no_grad
    mode from a base that requires grad: True, or the view's op name for a view of such a view."""

    __slots__ = ("base", "version", "multi", "no_grad", "unlinked")

    def __init__(self, base, version, multi, no_grad, unlinked=False):
        self.base, self.version, self.multi, self.no_grad = base, version, multi, no_grad
        self.unlinked = unlinked  # made without a node (its base needed no grad), and none made since


def view_info(view, source, multi=None):
    """The ViewInfo of ``view``, just made from ``source`` (torch's creation meta, propagated as
    ``propagate_creation_meta`` does): a view of a multi-output view is one too, named by its own
    node ("Output 0 of Select"); a view made under no_grad is that, whatever its source was, and
    a view of it too. A view made under no_grad of a base that requires grad requires grad, as in
    torch, without a ``grad_fn``."""
    inherited = source._view
    base = inherited.base if inherited is not None else source
    node = view._grad_fn
    if _grad_state.enabled and (inherited is None or not inherited.no_grad and inherited.multi is None):
        return ViewInfo(base, view._vc[0], multi, False, node is None)  # (the common case)
    no_grad = not _grad_state.enabled and base._requires_grad
    if no_grad:
        multi = None
        view._requires_grad = True
    elif inherited is not None and inherited.no_grad:
        no_grad = node.name().split("Backward")[0] if node is not None else inherited.no_grad
    elif multi is None and inherited is not None and inherited.multi is not None:
        multi = (0, node.name().split("Backward")[0]) if node is not None else inherited.multi
    return ViewInfo(base, view._vc[0], multi, no_grad, unlinked=node is None)


def check(t, needs_grad=False, overlap_ok=False):
    """torch's refusals of an in-place change of ``t`` (all RuntimeError):
    a leaf that requires grad, or a view of one, while grad mode is on; an output of a
    multi-output view op, or a view made under no_grad, whose change would be recorded; a tensor
    whose elements share memory (after ``expand``; ``overlap_ok``: not for fill_ with a number,
    which writes one value everywhere); an inference tensor outside inference_mode."""
    view = t._view
    if _grad_state.enabled:
        if view is None:
            if t._requires_grad and t._grad_fn is None:
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        else:
            base = view.base
            if view.no_grad:
                raise RuntimeError(_NO_GRAD_VIEW if view.no_grad is True else
                                   _NO_GRAD_VIEW_OF_VIEW.format(op=view.no_grad))
            if base._requires_grad and base._grad_fn is None:
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                                   "operation.")
            if view.unlinked and base._requires_grad:  # torch's check_inplace reads the view's node as stored:
                # a view made while its base needed no grad has none until it is regenerated (its grad_fn
                # asked for or used in an op) or an in-place op on the view itself rebases the base
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            if view.multi is not None and (base._requires_grad or needs_grad):
                if not base._requires_grad:  # (torch made the view without a node: "no_grad mode")
                    raise RuntimeError(_NO_GRAD_MULTI)
                raise RuntimeError(_MULTI.format(index=view.multi[0], op=view.multi[1]))
    if t.is_inference() and not _grad_state.inference:
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
                           "clone to get a normal tensor before doing inplace update.See "
                           "https://github.com/pytorch/rfcs/pull/17 for more details.")
    if not overlap_ok:
        check_overlap(t._data)


def check_overlap(array):
    """torch's refusal to write into an array whose elements share memory (after ``expand``)."""
    strides, shape = array.strides, array.shape
    if 0 in strides and array.size and any(s == 0 and n > 1 for s, n in zip(strides, shape)):
        raise RuntimeError(_OVERLAP)


def modify(t, out_of_place, write_, needs_grad=False, overlap_ok=False):
    """Run an in-place op on ``t``: ``write_()`` changes the array directly; with a graph to record,
    ``out_of_place(old)`` computes the new value from a copy ``old`` of the old one, as a Tensor
    whose ``grad_fn`` is one node with ``old`` as its first input, and ``t``'s history is rebased."""
    check(t, needs_grad, overlap_ok)
    view = t._view
    fn = None
    if _grad_state.enabled and (needs_grad or (t._requires_grad if view is None else t.requires_grad)):
        old = _wrap(t._data.copy(), t.dtype)
        if view is None:
            old._requires_grad, old._grad_fn = t._requires_grad, t._grad_fn
            result = out_of_place(old)
            write(t, result._data)
            t._grad_fn, t._requires_grad = result._grad_fn, result._requires_grad
            fn = t._grad_fn
        else:  # old carries the view's history (a double backward may differentiate what fn saved);
            old._grad_fn, old._requires_grad = t.grad_fn, True  # CopySlices routes fn's gradient for it
            result = out_of_place(old)
            write(t, result._data)
            fn = result._grad_fn
            _rebase_base(t, view.base, fn)
            view.unlinked = False
    else:
        write_()
    t._bump_version()  # (a view's grad_fn is regenerated from its base when next asked: ``refresh``)
    if fn is not None and fn._output is not None:  # the op saved its result (exp_, leaky_relu_, ...):
        fn._output_version, fn._output_saved_at = t._vc, t._vc[0]  # that is t now, base's versions for a view
        if view is not None:  # as torch's saved result of an op on a view: the view, whose node is regenerated
            fn._output_grad_fn = _view_node_maker(view.base, view_ids(t, view.base))  # from the base's CopySlices
    return t


def _view_node_maker(base, ids):
    """A function making the node of a view (``ids`` of ``base``) from the base's history when called
    (a double backward reads it; the base is held weakly: the base's history holds the op's node)."""
    base = weakref.ref(base)

    def make():
        b = base()
        if b is None or not b._requires_grad:
            return None
        enabled, _grad_state.enabled = _grad_state.enabled, True
        try:
            return AsStrided.apply(b, ids)._grad_fn
        finally:
            _grad_state.enabled = enabled
    return make


def _rebase_base(view, base, fn):
    """``base.grad_fn = CopySlices(base's old history, fn)`` for ``fn`` applied in place to ``view``
    (``fn`` None: the op is not differentiable, and the view's part gets no gradient)."""
    previous = base._grad_fn if base._grad_fn is not None else (base if base._requires_grad else None)
    old = _wrap(base._data, base.dtype)  # the base before the change, as CopySlices' input
    old._grad_fn, old._requires_grad = base._grad_fn, True
    node = CopySlices.apply(old, view_ids(view, base), fn)._grad_fn
    x = view._data  # (a number written into an expanded view: allowed, but torch's backward refuses it)
    node.overlap = bool(x.size) and any(s == 0 and n > 1 for s, n in zip(x.strides, x.shape))
    others = (fn._edges[1:], fn._meta[1:], fn.needs_input_grad[1:]) if fn is not None else ((), (), ())
    node._edges = [previous, *others[0]]  # the base's history, then the op's other inputs
    node._meta = [node._meta[0], *others[1]]
    node.needs_input_grad = (previous is not None, *others[2])
    base._grad_fn, base._requires_grad = node, True


def view_ids(view, base):
    """For every element of ``view`` (a host array of its shape), the flat C-order index of the
    element of ``base`` in the same memory: found from byte addresses, so it serves every kind of
    view (slices, transposes, reshapes, expands, and views of views)."""
    def addresses(array):
        start = _address(array)
        grid = np.indices(array.shape, dtype=np.int64)
        return sum((g * s for g, s in zip(grid, array.strides)), np.broadcast_to(np.int64(start), array.shape))
    own = addresses(base._data).reshape(-1)
    order = np.argsort(own, kind="stable")
    return order[np.searchsorted(own[order], addresses(view._data))]


def _address(array):
    """The address of an array's first element (NumPy's interface; CuPy's arrays have .data.ptr)."""
    interface = getattr(array, "__array_interface__", None)
    return interface["data"][0] if interface is not None else array.data.ptr


def _dense(x):
    """torch's ``is_non_overlapping_and_dense``: the elements fill a block of memory without gaps."""
    expected = x.itemsize
    for stride, size in sorted((abs(st), n) for st, n in zip(x.strides, x.shape) if n != 1):
        if stride != expected:
            return False
        expected *= size
    return True


def _same_strides(x, y):
    """torch's stride comparison in its overlap test. NumPy agrees with torch's strides except on a
    size-1 dim made by ``None`` indexing or broadcasting, where NumPy puts 0 and torch the stride it
    computes (``size * stride`` of the next dim): a 0 there is not compared."""
    return x.ndim == y.ndim and all(sx == sy or n == 1 and 0 in (sx, sy)
                                    for n, sx, sy in zip(x.shape, x.strides, y.strides))


def same_elements(x, y):
    """Whether arrays ``x`` and ``y`` are the very same elements (shape, strides and address)."""
    return x.shape == y.shape and x.strides == y.strides and _address(x) == _address(y)


def _on_device(ids, like):
    """``ids`` (host geometry) as an index tensor on ``like``'s device."""
    return _wrap(to_device(ids.reshape(-1), like.device))


class CopySlices(BuiltinFunction):
    """The base's node after an in-place op ``fn`` on one of its views (torch's ``CopySlices``):
    d/dbase = g, with the view's part replaced by fn's input gradient for that part;
    d/d(fn's other inputs) = fn's gradients for them."""

    _name = "torch::autograd::CopySlices"

    @staticmethod
    def forward(ctx, base, ids, fn):
        """(Made by ``_rebase_base`` only: the base's memory already holds the new values.)"""
        ctx.ids, ctx.fn = ids, fn
        return base._data

    overlap = False  # the view's elements share memory (expanded): torch's backward refuses to write it

    @staticmethod
    def backward(ctx, grad):
        if ctx.overlap:
            raise RuntimeError(_OVERLAP)
        flat = grad.reshape(-1)
        ids = _on_device(ctx.ids, grad)
        part = flat[ids].reshape(ctx.ids.shape)  # the gradient of the view, as a tensor of its own
        fn = ctx.fn
        if fn is None:
            return grad.reshape(-1).scatter(0, ids, value=0.0).reshape(grad.shape)
        grads = fn.backward(fn, part)
        grads = grads if isinstance(grads, tuple) else (grads,)
        first = grads[0]
        if first is None:
            first = 0.0
        elif first.shape != fn._meta[0][0] or first.dtype is not fn._meta[0][1]:
            first = _fit(first, fn._meta[0], fn, 0)
        if isinstance(first, Tensor):
            whole = flat.scatter(0, ids, first.expand(ctx.ids.shape).reshape(-1))
        else:
            whole = flat.scatter(0, ids, value=first)
        return (whole.reshape(grad.shape), *grads[1:len(fn._edges)])

    def _release(self):
        super()._release()
        if self.fn is not None:
            self.fn._release()


class AsStrided(BuiltinFunction):
    """A view's ``grad_fn`` regenerated from its base's history (torch's ``AsStridedBackward0``):
    the view's elements are base.flatten()[ids]; d/dbase = zeros with g added at ids."""

    @staticmethod
    def forward(ctx, base, ids):
        ctx.ids, ctx.base_shape = ids, base._data.shape
        return np.take(base._data, _on_device(ids, base)._data).reshape(ids.shape)

    @staticmethod
    def backward(ctx, grad):
        ids = _on_device(ctx.ids, grad)
        flat = grad.new_zeros(int(np.prod(ctx.base_shape)))
        return flat.scatter_add(0, ids, grad.reshape(-1)).reshape(ctx.base_shape), None


def refresh(view_tensor, for_grad_fn=True):
    """Regenerate a view's ``grad_fn`` and ``requires_grad`` from its base when the shared version
    moved since they were made (an in-place op through the base or any of its views). An output of
    a multi-output view op (or a view of one), or of a view made under no_grad, cannot be
    regenerated: asking for its ``grad_fn`` (using it in a recorded op) raises torch's
    RuntimeError; it still requires grad."""
    view = view_tensor._view
    version = view_tensor._vc[0]
    if view.version == version:
        return
    base = view.base
    if not for_grad_fn:  # (requires_grad only: the node is regenerated when asked for, as torch's)
        view_tensor._requires_grad = view_tensor._requires_grad or base._requires_grad
        return
    if (view.multi is not None or view.no_grad) and base._requires_grad:
        raise RuntimeError(_NO_GRAD_CHANGED if view.no_grad else
                           _MULTI_CHANGED.format(index=view.multi[0], op=view.multi[1]))
    view.version = version
    if not base._requires_grad:
        return
    enabled, _grad_state.enabled = _grad_state.enabled, True  # (regenerated even under no_grad, as torch)
    try:
        node = AsStrided.apply(base, view_ids(view_tensor, base))._grad_fn
    finally:
        _grad_state.enabled = enabled
    view_tensor._grad_fn, view_tensor._requires_grad = node, True
    view.unlinked = False


def writable(array):
    """``array``, or a writable alias of it when it is NumPy's read-only broadcast (an expanded tensor,
    which torch lets a number fill or one element be written)."""
    if getattr(array.flags, "writeable", True):
        return array
    interface = dict(array.__array_interface__)
    interface["data"] = (interface["data"][0], False)
    return np.asarray(_Interface(interface, array))  # host: NumPy's read-only broadcasts only


class _Interface:
    """An object exposing an array interface (and keeping the array it describes alive)."""

    def __init__(self, interface, owner):
        self.__array_interface__, self.owner = interface, owner


def write(t, array):
    """``t[...] = array`` with torch's errors (an array that would need ``t`` to grow is refused)."""
    try:
        if np.ndim(array) > t._data.ndim:  # NumPy would drop leading 1s; torch refuses
            raise ValueError
        writable(t._data)[...] = array
    except ValueError:
        try:
            shape = np.broadcast_shapes(t._data.shape, np.shape(array))
        except ValueError:
            raise broadcast_error(t._data.shape, np.shape(array)) from None
        raise RuntimeError(f"output with shape {list(t.shape)} doesn't match the broadcast shape "
                           f"{list(shape)}") from None


def apply(t, op, *args, overlap_ok=False):
    """``t.op_(*args)``: ``op(t, *args)`` written back into ``t``; torch's error if ``t``'s dtype
    cannot hold the result (``int_tensor.mul_(0.5)``). ``overlap_ok``: an elementwise op torch lets
    write into an expanded tensor (threshold_)."""
    def write_():
        result = op(t, *args)
        if result.dtype is not t.dtype and (result.dtype._category > t.dtype._category):
            raise RuntimeError(f"result type {result.dtype.legacy_name} can't be cast to the desired output "
                               f"type {t.dtype.legacy_name}")
        write(t, result._data)
    needs = False
    for a in args:
        if isinstance(a, Tensor):
            needs = needs or a._requires_grad
            check_partial_overlap(t, a)
    return modify(t, lambda old: op(old, *args), write_, needs, overlap_ok)


def check_partial_overlap(t, other):
    """torch's refusal when an operand shares only some of its memory with the written tensor
    (``v *= y[:2]`` with ``v = y[1:3]``): the result would depend on the order of the writes."""
    x, y = t._data, other._data
    if y is x or other._vc is None or other._vc is not t._vc and not np.may_share_memory(x, y):
        return  # (tensors that never shared memory have no shared version counter)
    if not x.size or not y.size or not (_dense(x) and _dense(y)):
        return  # torch's get_overlap_status: empty, or too hard to tell (strided): no check
    x_begin, y_begin = _address(x), _address(y)
    x_end, y_end = x_begin + x.size * x.itemsize, y_begin + y.size * y.itemsize
    if (x_begin, x_end) == (y_begin, y_end) and _same_strides(x, y):
        return  # the very same elements (``t.mul_(t)``, ``a[None][...] = a``)
    if x_begin < y_end and y_begin < x_end:
        raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor "
                           "refer to a single memory location. Please clone() the tensor before performing the "
                           "operation.")


class Fill(BuiltinFunction):
    """``fill_(value)``: every element = value; d/dself = 0 (torch's ``zeros_like(grad)``: a constant, so
    a second derivative does not reach self through it), d/dvalue = sum(g)"""

    @staticmethod
    def forward(ctx, a, value, setitem=False):
        is_tensor = isinstance(value, Tensor)
        ctx._name = "FillBackward3" if is_tensor or setitem else "FillBackward2"
        out = a._data.copy()
        out[...] = value._data if is_tensor else value
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape), grad.sum() if ctx.needs_input_grad[1] else None, None


def fill_(t, value, setitem=False):
    """Set every element to ``value`` (a number or a 0-dim tensor). A number may fill an expanded
    tensor, as in torch, except as the value of ``t[index] = number`` (``setitem``), which torch makes
    a tensor first (so its node is FillBackward3 there too)."""
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} "
                           "dimensions.")
    if isinstance(value, Tensor):
        v = value._data
    else:  # a number: torch's check that it fits, then its scalar cast (-1 fills a uint8 with 255)
        v = cast_scalar(value, t.dtype, t.numel())

    def write_():
        writable(t._data)[...] = v
    is_tensor = isinstance(value, Tensor)
    return modify(t, lambda old: Fill.apply(old, value, setitem), write_, is_tensor and value._requires_grad,
                  overlap_ok=not (is_tensor or setitem))


class Copy(BuiltinFunction):
    """``copy_(src)``: self's memory takes src's values (broadcast, cast, moved);
    d/dself = 0 (a constant, as torch's ``zeros_like(grad)``), d/dsrc = g (the engine sums it back to
    src's shape and dtype)"""

    _name = "CopyBackwards"

    @staticmethod
    def forward(ctx, a, src):
        out = a._data.copy()
        write(_wrap(out, a.dtype), to_device(src._data, a.device).astype(a.dtype.np, copy=False))
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.new_zeros(grad.shape), grad if ctx.needs_input_grad[1] else None


def copy_(t, src):
    """Copy ``src`` into ``t``'s memory (broadcasting, casting and moving devices as needed)."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    check_partial_overlap(t, src)

    def write_():
        write(t, to_device(src._data, t.device).astype(t.dtype.np, copy=False))
    return modify(t, lambda old: Copy.apply(old, src), write_, src._requires_grad)


def fill_random(t, draw, generator):
    """``uniform_``, ``normal_``, ...: overwrite ``t`` with ``draw(generator)``, an array of values
    from ``minigrad.random`` (never recorded: torch's random fills are not differentiable)."""
    check(t)
    values = draw(_resolve(generator))
    t._data[...] = to_device(values, t.device)
    t._bump_version()
    return t

