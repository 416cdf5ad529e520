"""``Recorder``: runs a region eagerly once and writes down every array call it makes.

The recorder numbers every array value the region sees (a *slot*) and appends each NumPy call to
``steps`` as ``Step(fn, args, kwargs, outs)``, where the arguments are a template: ``Ref(slot)``
stands for a recorded value, anything else is a constant of the call (a shape, an axis, a dtype).

Where values come from:

* **inputs** (``Recorder.input``): the arrays of the Tensors the region reads -- its arguments,
  and the parameters, buffers and gradients of the modules and optimizers it names. Replay reads
  them afresh from the same places (``program.Source``) at every call.
* **recorded calls**: every ufunc, NumPy function and array method on a ``TracedArray``
  (``traced.py``); each random draw and seeding (``Generator``'s and its engine's methods are
  wrapped during capture, so replay draws again and the generator advances exactly as eagerly);
  and each array made by NumPy's makers (``np.zeros``, ``np.asarray``, ... wrapped too).
* **constants**: a plain array a recorded call received that is none of the above (an array some
  code made without NumPy's makers, a tensor reached through an object the region does not name).
  One the region only reads is read live (the same array object at every replay); one it writes
  into starts every replay from its content at capture (a copy). The check on the second call
  catches a constant that should have been an input (its value moves between calls).

A value read into Python (``item``, ``float``, ``bool``, ``tolist``) becomes a ``GuardStep``
(``data_read``). What the recorder refuses (``poison``: the region then runs eagerly, with one
warning): a read it cannot guard (printing, iterating, a read after the region changed something
that the value depends on), a call whose output *shape* depends on values (``nonzero``, boolean
masks, ``unique``), an array it did not see being made, and an optimizer step with a closure.

An optimizer's ``step()`` is recorded as one *opaque* step (``optimizer_step``): its Python
(step counts, bias corrections, the learning rate read from ``param_groups``) runs again at
every replay on the recorded gradient arrays -- so a learning-rate scheduler needs no recompile.
"""
import os
import sys
import threading

import numpy as np

from .._modes import capture as _capture
from ..random import _engine, generator as _generator
from ..tensor import Tensor
from .steps import GuardStep, OptimizerStep, Ref, Step, leaves, refs
from .traced import TracedArray, plain, set_shape

_MINIGRAD = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_NUMPY = os.path.dirname(os.path.abspath(np.__file__))

_asarray = np.asarray  # (NumPy's own, also while the makers are wrapped)

# NumPy calls whose output shape depends on the values (replay could not reuse the shapes).
_DATA_SHAPED = frozenset({np.nonzero, np.flatnonzero, np.argwhere, np.unique, np.extract, np.compress,
                          np.trim_zeros, np.bincount, np.histogram, np.setdiff1d, np.union1d, np.intersect1d})
# NumPy calls that return Python values computed from shapes only (not data reads).
_SHAPE_QUERIES = frozenset({np.shape, np.ndim, np.size, np.result_type, np.may_share_memory,
                            np.shares_memory, np.iscomplexobj, np.isrealobj, np.min_scalar_type})
# NumPy's array makers, wrapped while capturing: an array a region makes (``zeros_like`` of a
# factory, ``torch.tensor([...])``) is a recorded value, so what the region writes into it is
# recorded too (a plain array's ``a[...] = traced`` would not be seen).
_MAKERS = ("zeros", "ones", "empty", "full", "array", "asarray", "ascontiguousarray", "arange", "eye",
           "identity", "linspace", "zeros_like", "ones_like", "empty_like", "full_like")
# The Generator methods that draw or set the state (wrapped while capturing, so replay draws or
# seeds again), and the engine's own draws (``nn._rrelu`` draws from the engine directly).
_DRAWS = ("uniform", "normal", "normal_arrays", "trunc_normal", "exponential", "randint", "random_",
          "random_seed_int64", "randperm", "bernoulli", "multinomial", "manual_seed", "set_state")
_ENGINE_DRAWS = ("random", "random64", "uniform24", "uniform53", "manual_seed", "load_state_array")


class Recorder:
    """One capture. ``begin()`` installs it (``_modes.capture.recorder``) and wraps the generators'
    draws; ``end()`` undoes both. ``recording`` is False while a call it records is running (so
    the call's own NumPy work is not recorded twice) and once the region is poisoned."""

    def __init__(self):
        self.values = []        # slot -> the plain array at capture
        self.roots = []         # slot -> id of the array owning its memory
        self.steps = []
        self.inputs = []        # (slot, source): values read from outside at replay
        self.consts = {}        # id(array) -> slot, for constants
        self.const_arrays = []  # (slot, array, copy at first sight)
        self.fresh = set()      # ids of memory the recorded calls allocated
        self.input_roots, self.const_roots = set(), set()  # ids of the inputs' and constants' memory
        self.written = set()    # slots some step writes into
        self.producer = {}      # slot -> the step that made it
        self.static = set()     # slots computed from Python constants only (reading them is fine)
        self.poisoned = None    # (reason, "file:line") once the region cannot be replayed
        self.leaves = {}        # id -> the leaves the engine accumulated gradients into
        self.generators = {}    # id -> the generators the region draws from
        self.thread = threading.get_ident()  # (the makers and draws record this thread's calls only)
        self.changed = None     # what the region first changed outside itself (then no guard can stop a replay)
        self.guards = True      # reads may become guards (not in a backward program: it cannot stop)
        self.recording = True
        self.on_poison = None   # called once when poisoned (the region puts plain arrays back)
        self._saved_draws, self._saved_makers = {}, {}

    # --- installation ------------------------------------------------------------------------
    def begin(self):
        _capture.recorder = self
        for cls, names in ((_generator.Generator, _DRAWS), (_engine.Engine, _ENGINE_DRAWS)):
            for name in names:
                original = cls.__dict__[name]
                self._saved_draws[cls, name] = original
                setattr(cls, name, _draw(original))
        for name in _MAKERS:
            original = getattr(np, name)
            self._saved_makers[name] = original
            setattr(np, name, _maker(original))

    def end(self):
        _capture.recorder = None
        for (cls, name), original in self._saved_draws.items():
            setattr(cls, name, original)
        for name, original in self._saved_makers.items():
            setattr(np, name, original)
        self.recording = False

    # --- values ----------------------------------------------------------------------------------
    def _new(self, array):
        slot = len(self.values)
        self.values.append(array)
        self.roots.append(id(_root(array)))
        return slot

    def input(self, array, source):
        """A TracedArray view of ``array`` (read at replay from ``source``)."""
        slot = self._new(array)
        self.inputs.append((slot, source))
        self.input_roots.add(id(_root(array)))
        traced = array.view(TracedArray)
        traced._slot = slot
        return traced

    def _const(self, array):
        slot = self.consts.get(id(array))
        if slot is None:
            if id(_root(array)) in self.fresh:
                self.poison("an array derived from a recorded value outside NumPy's protocols "
                            "(np.asarray of a traced array?)")
            slot = self.consts[id(array)] = self._new(array)
            self.const_arrays.append((slot, array, array.copy()))
            self.const_roots.add(id(_root(array)))
        return slot

    def _template(self, obj, found):
        """The argument template of ``obj`` (Refs for arrays) and its plain version."""
        if isinstance(obj, TracedArray):
            if obj._slot is None:
                self.poison("an array made by a NumPy method the recorder does not follow")
            view = plain(obj)
            found.append((view, obj))
            return Ref(obj._slot), view
        if isinstance(obj, np.ndarray):
            return Ref(self._const(obj)), obj
        if type(obj) in (tuple, list):
            pairs = [self._template(o, found) for o in obj]
            return type(obj)(p[0] for p in pairs), type(obj)(p[1] for p in pairs)
        if type(obj) is dict:
            pairs = {k: self._template(v, found) for k, v in obj.items()}
            return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
        return obj, obj

    # --- recording ----------------------------------------------------------------------------------
    def call(self, fn, args, kwargs, pure=True):
        """Run ``fn`` on the plain arrays of its arguments, record it, and return its result with
        each new array as a TracedArray (an output that is one of its inputs, e.g. ``out=``, comes
        back as that input)."""
        found = []
        args_t, args_p = self._template(tuple(args), found)
        kwargs_t, kwargs_p = self._template(dict(kwargs), found)
        if fn in _DATA_SHAPED or (fn is np.where and len(args) == 1) or _boolean_index(fn, args_p):
            self.poison(f"{getattr(fn, '__name__', fn)} (its output shape depends on the values)")
        self.recording = False
        try:
            result = fn(*args_p, **kwargs_p)
        finally:
            self.recording = self.poisoned is None
        if self.poisoned is not None:
            return result
        writes = _written_slots(fn, args_t, kwargs_t)
        self.written.update(writes)
        if self.changed is None and any(self.roots[w] in self.input_roots or self.roots[w] in self.const_roots
                                        for w in writes):
            self.changed = "an in-place change of a tensor it reads"
        by_id = {id(view): traced for view, traced in found}
        by_id.update({id(a): a for a in leaves((args_p, kwargs_p), lambda o: isinstance(o, np.ndarray)) if id(a) not in by_id})
        static = pure and self._static_inputs(found, by_id, kwargs.get("like"))
        outs, out_value, scalar = self._outputs(result, by_id, fn, found, static)
        if static and outs is not None:
            self.static.update(outs if isinstance(outs, tuple) else (outs,))
        self.static.difference_update(() if static else writes)
        returned_input = outs is not None and not isinstance(outs, tuple) and out_value is by_id.get(id(result))
        if self.poisoned is None and not (pure and returned_input):  # (a no-op, e.g. astype to its dtype)
            step = Step(fn, args_t, kwargs_t, outs, pure and not writes, scalar, writes)
            for slot in outs if isinstance(outs, tuple) else (outs,):
                self.producer[slot] = step
            self.steps.append(step)
        return out_value

    def _static_inputs(self, found, by_id, like):
        """Whether every array a call reads is static (``like=`` only names the device; a constant
        array may change outside, so it is not static)."""
        if len(by_id) > len(found):  # constants among the arguments
            return False
        return all(traced._slot in self.static for _, traced in found if traced is not like)

    def _outputs(self, result, inputs, fn, found, static):
        if result is None:
            return None, None, False
        if isinstance(result, (np.ndarray, np.generic)):
            slot, value = self._output(result, inputs)
            return slot, value, isinstance(result, np.generic)
        if type(result) in (tuple, list) or (isinstance(result, tuple) and hasattr(result, "_fields")):
            if all(isinstance(r, (np.ndarray, np.generic)) for r in result):
                pairs = [self._output(r, inputs) for r in result]
                return tuple(p[0] for p in pairs), type(result)(*[p[1] for p in pairs]) if hasattr(
                    result, "_fields") else type(result)(p[1] for p in pairs), False
        if found and fn not in _SHAPE_QUERIES and not static:
            self.data_read(f"{getattr(fn, '__name__', fn)} (returns a Python value computed from the data)")
        return None, result, False

    def _output(self, array, inputs):
        same = inputs.get(id(array))
        if same is not None:  # the call returned one of its inputs (out=, astype without a copy)
            if isinstance(same, TracedArray):
                return same._slot, same
            return self.consts[id(same)], same
        if isinstance(array, np.generic):
            array = _asarray(array)
        root = id(_root(array))
        if root not in self.input_roots and root not in self.const_roots:
            self.fresh.add(root)
        slot = self._new(array)
        traced = array.view(TracedArray)
        traced._slot = slot
        return slot, traced

    def accumulated(self, leaf):
        """The engine accumulates into ``leaf.grad`` (the region must watch the leaf, or replay would
        not set its ``.grad``)."""
        self.leaves[id(leaf)] = leaf

    def data_read(self, what, slot=None, read=None):
        """A value read into Python inside the region: data-dependent control flow. A static value
        (made from Python constants only) is the same at every replay: nothing to do. A value read
        before the region changed anything outside itself (``self.changed``) becomes a ``GuardStep``
        (``read``: (convert, args, value)): replay computes it again and, where it differs, stops
        before any change and runs that call eagerly. Anything else makes the region eager."""
        if slot is not None and slot in self.static:
            return
        if read is not None and slot is not None and self.guards:
            if self.changed is None:
                self.steps.append(GuardStep(slot, *read, user_line(), ()))
                return
            cone = self._hoistable(slot)
            if cone is not None:  # computed from unchanged inputs only: checked first thing at replay
                self.steps.append(GuardStep(slot, *read, user_line(), cone))
                return
        after = f" after {self.changed}" if read is not None and self.changed else ""
        self.poison(f"{what} reads a tensor's value into Python{after} (data-dependent control flow)")

    def _hoistable(self, slot):
        """The pure steps that compute ``slot`` from inputs and constants nothing has written into so
        far (e.g. a check of the targets' range after a BatchNorm updated its running statistics),
        in recording order; None when there are none such (then the read cannot be checked before
        the replay changes something)."""
        written_roots = {self.roots[s] for s in self.written}
        cone, todo, seen = [], [slot], set()
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(s)
            if self.roots[s] in written_roots:
                return None
            step = self.producer.get(s)
            if step is None:  # an input or a constant
                continue
            if not step.pure:
                return None
            cone.append(step)
            todo.extend(refs(step.args))
            todo.extend(refs(step.kwargs))
        order = {id(step): i for i, step in enumerate(self.steps) if isinstance(step, Step)}
        return tuple(sorted(cone, key=lambda step: order[id(step)]))

    def poison(self, reason):
        """Give up replaying this region (the first reason and the user's line are kept)."""
        if self.poisoned is None:
            self.poisoned = (reason, user_line())
            if self.on_poison is not None:
                self.on_poison()
        self.recording = False

    # --- opaque steps ---------------------------------------------------------------------------------
    def optimizer_step(self, optimizer, closure):
        """``optimizer.step()`` while capturing: run it eagerly on plain arrays and record one
        ``OptimizerStep`` over the gradients' slots."""
        self.changed = self.changed or "an optimizer step"
        if closure is not None:
            self.poison("optimizer.step(closure) (the closure re-evaluates the model)")
        entries, swapped = [], []
        if self.poisoned is None:
            for p, group, _ in optimizer._params_with_grad():
                grad = p._grad._data
                if not isinstance(grad, TracedArray) or grad._slot is None:
                    self.poison("an optimizer whose parameters' gradients were not computed in the region "
                                "nor read from a module or optimizer it names")
                    break
                entries.append((p, group, grad._slot))
        for t in _param_and_grads(optimizer):
            if isinstance(t._data, TracedArray):
                swapped.append((t, t._data))
                t._data = plain(t._data)
        _capture.recorder = None
        try:
            return optimizer.step(closure)
        finally:
            _capture.recorder = self
            for t, traced in swapped:
                t._data = traced
            if self.poisoned is None:
                self.written.update(slot for _, _, slot in entries)
                self.written.update(p._data._slot for p, _, _ in entries if isinstance(p._data, TracedArray))
                self.steps.append(OptimizerStep(optimizer, entries))


def _draw(original):
    """A Generator (or engine) method that draws or seeds, recorded as one step (replay calls
    ``original`` again, so the generator's state moves as it does eagerly)."""
    def draw(self, *args, **kwargs):
        rec = _capture.recorder
        if rec is None or not rec.recording or rec.thread != threading.get_ident():
            return original(self, *args, **kwargs)
        if isinstance(self, _generator.Generator):
            rec.generators[id(self)] = self
        rec.changed = rec.changed or "a random draw"
        return rec.call(original, (self,) + args, kwargs, pure=False)
    draw.__name__ = getattr(original, "__name__", "draw")
    return draw


def _maker(original):
    """A NumPy array maker that records the array it makes."""
    def maker(*args, **kwargs):
        rec = _capture.recorder
        if rec is None or not rec.recording or rec.thread != threading.get_ident():
            return original(*args, **kwargs)
        return rec.call(original, args, kwargs)
    maker.__name__ = original.__name__
    return maker


def _param_and_grads(optimizer):
    for group in optimizer.param_groups:
        for p in group["params"]:
            yield p
            if p._grad is not None:
                yield p._grad


def _root(array):
    """The array that owns ``array``'s memory."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _written_slots(fn, args_t, kwargs_t):
    """The slots a call writes into: its ``out=``, the target of ``__setitem__``/``fill``/``np.copyto``
    & co., the first operand of ``ufunc.at``."""
    writes = set(refs(kwargs_t.get("out", ())))
    if fn in (np.ndarray.__setitem__, np.ndarray.fill, set_shape, np.copyto, np.put, np.place, np.putmask,
              np.fill_diagonal, np.put_along_axis) or getattr(fn, "__name__", "") == "at":
        if args_t and isinstance(args_t[0], Ref):
            writes.add(args_t[0].slot)
    return writes


def _boolean_index(fn, args):
    """Whether an indexing call uses a boolean mask (its result's shape depends on the values)."""
    if fn is not np.ndarray.__getitem__ and fn is not np.ndarray.__setitem__:
        return False
    index = args[1] if isinstance(args[1], tuple) else (args[1],)
    return any(isinstance(i, np.ndarray) and i.dtype == np.bool_ for i in index)


def user_line():
    """``file:line`` of the innermost frame outside minigrad and NumPy: where the user's code is."""
    frame = sys._getframe(1)
    while frame is not None:
        name = os.path.abspath(frame.f_code.co_filename)
        if not name.startswith(_MINIGRAD) and not name.startswith(_NUMPY):
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"


def tensors_in(obj):
    """The Tensors in ``obj`` (a Tensor, or tuples/lists/dicts of them), in order."""
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for o in obj:
            yield from tensors_in(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from tensors_in(o)
